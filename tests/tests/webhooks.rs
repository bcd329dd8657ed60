//! Webhook notifications decode their item by topic into the client's type for that object,
//! with the objects the spec's own examples describe (a contact, a conversation, a company, a
//! ticket, a visitor, an admin); an unknown topic, or an item that is not the topic's object,
//! stays JSON; an item that breaks its type is an error naming where.

use intercom_client::webhooks::{self, Item, Notification};
use intercom_tests::spec_document;
use serde_json::{Value, json};

/// The first response example of the operation `id` in our spec.
fn example(spec: &Value, id: &str) -> Value {
    let op = intercom_tests::operation(spec, id);
    let json = &op["responses"]["200"]["content"]["application/json"];
    json["examples"]
        .as_object()
        .and_then(|e| e.values().next())
        .map(|e| e["value"].clone())
        .unwrap_or_else(|| panic!("no example for {id}"))
}

fn notification(topic: &str, item: Value) -> Notification {
    let body = json!({
        "type": "notification_event",
        "id": "notif_1",
        "topic": topic,
        "created_at": 1_717_021_790,
        "app_id": "abc",
        "data": {"type": "notification_event_data", "item": item},
    });
    Notification::from_slice(&serde_json::to_vec(&body).unwrap()).expect("the envelope reads")
}

#[test]
fn each_topic_decodes_its_object() {
    let spec = spec_document();
    let cases = [
        ("contact.user.created", "ShowContact"),
        ("conversation.admin.replied", "retrieveConversation"),
        ("company.updated", "RetrieveACompanyById"),
        ("ticket.state.updated", "getTicket"),
        ("visitor.signed_up", "retrieveVisitorWithUserId"),
        ("admin.away_mode_updated", "retrieveAdmin"),
    ];
    for (topic, operation) in cases {
        let item = example(&spec, operation);
        let id = item["id"].as_str().unwrap_or_default().to_string();
        let decoded =
            webhooks::item(&notification(topic, item)).unwrap_or_else(|e| panic!("{topic}: {e}"));
        let got = match &decoded {
            Item::Contact(c) => ("contact", c.id.clone()),
            Item::Conversation(c) => ("conversation", c.id.clone()),
            Item::Company(c) => ("company", c.id.clone()),
            Item::Ticket(t) => ("ticket", t.id.clone()),
            Item::Visitor(v) => ("visitor", v.id.clone()),
            Item::Admin(a) => ("admin", a.id.clone().unwrap_or_default()),
            other => panic!("{topic}: {other:?}"),
        };
        let object = topic.split('.').next().unwrap();
        assert_eq!(got, (object, id), "{topic}");
    }
    let event = json!({"type": "event", "event_name": "placed-order", "created_at": 1_717_021_790,
                       "user_id": "u1", "metadata": {"order": 3, "paid": true}});
    let decoded = webhooks::item(&notification("event.created", event)).unwrap();
    assert!(
        matches!(&decoded, Item::Event(e) if e.event_name == "placed-order"),
        "{decoded:?}"
    );
}

#[test]
fn other_topics_and_other_items_stay_json() {
    let tag =
        json!({"type": "contact_tag", "tag": {"type": "tag", "id": "1"}, "contact": {"id": "c"}});
    let decoded = webhooks::item(&notification("contact.tag.created", tag.clone())).unwrap();
    assert_eq!(decoded, Item::Other(tag));
    let job = json!({"type": "job", "id": "j"});
    let decoded = webhooks::item(&notification("job.completed", job.clone())).unwrap();
    assert_eq!(decoded, Item::Other(job));
}

#[test]
fn an_item_that_breaks_its_type_names_where() {
    let contact =
        json!({"type": "contact", "id": "c1", "tags": {"type": "list", "data": "not a list"}});
    let error = webhooks::item(&notification("contact.user.updated", contact)).unwrap_err();
    let text = error.to_string();
    assert!(
        text.starts_with("item.tags.data: invalid type: string"),
        "{text}"
    );
}
