//! The operations under `/contacts` and `/tags` through `MockServer::client()` (every other
//! operation is called against the mock by the generated wire test): each answers 2xx with a body the
//! client decodes, and the operations that address one object answer with the id asked for.

use intercom_client::mock::MockServer;
use serde_json::{Value, json};

/// A request body from JSON, as the client's type.
fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("the body fits the client's type")
}

macro_rules! ok {
    ($call:expr) => {
        match $call.await {
            Ok(response) => response.into_inner(),
            Err(e) => panic!("{}: {e}", stringify!($call)),
        }
    };
}

#[tokio::test]
async fn every_operation_answers_with_a_body_the_client_decodes() {
    let server = MockServer::start().await.expect("the mock starts");
    let c = server.client();
    let cid = "contact-1";

    let list = ok!(c.list_contacts(Some(5), None));
    assert!(!list.data.is_empty(), "the example page has contacts");
    let created = ok!(c.create_contact(&body(json!({"email": "ann@example.com"}))));
    assert!(!created.id.is_empty());
    ok!(c.search_contacts(&body(json!({
        "query": {"operator": "AND", "value": [{"field": "created_at", "operator": ">", "value": "1306054154"}]},
        "pagination": {"per_page": 5}
    }))));
    ok!(c.merge_contact(&body(json!({"from": "a", "into": "b"}))));
    assert_eq!(ok!(c.show_contact(cid)).id, cid);
    assert_eq!(
        ok!(c.update_contact(cid, &body(json!({"name": "Ann"})))).id,
        cid
    );
    assert_eq!(ok!(c.delete_contact(cid)).id, cid);
    assert_eq!(ok!(c.archive_contact(cid)).id, cid);
    assert_eq!(ok!(c.unarchive_contact(cid)).id, cid);
    ok!(c.list_tags_for_a_contact(cid));
    ok!(c.attach_tag_to_contact(cid, &body(json!({"id": "125"}))));
    assert_eq!(ok!(c.detach_tag_from_contact(cid, "tag-9")).id, "tag-9");
    ok!(c.list_companies_for_a_contact(cid, Some(1), Some(5)));
    ok!(c.attach_contact_to_a_company(cid, &body(json!({"id": "company-1"}))));
    assert_eq!(
        ok!(c.detach_contact_from_a_company(cid, "company-2")).id,
        "company-2"
    );
    ok!(c.list_notes(cid, None, Some(10)));
    ok!(c.create_note(cid, &body(json!({"body": "Hello"}))));
    ok!(c.list_segments_for_a_contact(cid));
    ok!(c.list_subscriptions_for_a_contact(cid));
    ok!(c.attach_subscription_type_to_contact(
        cid,
        &body(json!({"id": "154", "consent_type": "opt_in"}))
    ));
    assert_eq!(
        ok!(c.detach_subscription_type_to_contact(cid, "sub-3")).id,
        "sub-3"
    );
    ok!(c.list_tags());
    ok!(c.create_tag(&body(json!({"name": "vip"}))));
    assert_eq!(ok!(c.find_tag("tag-4")).id, "tag-4");
    ok!(c.delete_tag("tag-4"));

    let requests = server.requests();
    let mut operations: Vec<&str> = requests
        .iter()
        .filter_map(|r| r.operation.as_deref())
        .collect();
    operations.sort_unstable();
    operations.dedup();
    assert_eq!(
        operations.len(),
        25,
        "every operation was called: {operations:?}"
    );
    for r in &requests {
        assert!(
            r.status.is_some_and(|s| (200..300).contains(&s)),
            "{} {} answered {:?}",
            r.method,
            r.path,
            r.status
        );
    }
}
