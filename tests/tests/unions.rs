//! Alternatives serialize exactly to the JSON Intercom expects, and decode by their marker: a
//! table of request bodies built in Rust (each variant of managing a conversation, replying as
//! an admin or for a contact, redacting, creating a message, identifying a visitor) with the
//! JSON each must put on the wire, and the response that is a company or a list of them.

use intercom_client::types::{
    AdminReplyConversationRequest, AdminReplyConversationRequestMessageType,
    AssignConversationRequest, AssignConversationRequestType, CloseConversationRequest,
    ContactReplyConversationRequest, ContactReplyEmailRequest, ContactReplyIntercomUserIdRequest,
    CreateMessageInappRequest, CreateMessageRequest, ManageConversationRequest, MessageRecipient,
    MessageRecipientType, MessageSender, OpenConversationRequest, RedactConversationPartRequest,
    RedactConversationRequest, RedactConversationSourceRequest, ReplyConversationRequest,
    RetrieveCompanyResponse, SnoozeConversationRequest, UpdateVisitorRequest,
    UpdateVisitorRequestWithUserId,
};
use serde_json::{Value, json};

fn wire(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).expect("the body serializes")
}

#[test]
fn each_alternative_puts_its_own_json_on_the_wire() {
    let close = CloseConversationRequest::builder()
        .admin_id("12")
        .body("Goodbye")
        .build()
        .unwrap();
    let assign = AssignConversationRequest::builder()
        .admin_id("12")
        .assignee_id("4")
        .type_(AssignConversationRequestType::Team)
        .build()
        .unwrap();
    let admin_note = AdminReplyConversationRequest::builder()
        .admin_id("12")
        .message_type(AdminReplyConversationRequestMessageType::Note)
        .body("<p>internal</p>")
        .build()
        .unwrap();
    let by_user_id = ContactReplyIntercomUserIdRequest::builder()
        .intercom_user_id("6657ac")
        .body("Thanks")
        .build()
        .unwrap();
    let by_email = ContactReplyEmailRequest::builder()
        .email("joe@example.com")
        .body("Thanks")
        .build()
        .unwrap();
    let message = CreateMessageInappRequest::builder()
        .body("Hello")
        .from(MessageSender::builder().id(394051).build().unwrap())
        .to(MessageRecipient::builder()
            .id("6657ac")
            .type_(MessageRecipientType::User)
            .build()
            .unwrap())
        .build()
        .unwrap();
    let table: Vec<(&str, Value, Value)> = vec![
        (
            "close",
            wire(&ManageConversationRequest::Close(close)),
            json!({"message_type": "close", "type": "admin", "admin_id": "12", "body": "Goodbye"}),
        ),
        (
            "snooze",
            wire(&ManageConversationRequest::Snoozed(
                SnoozeConversationRequest::builder()
                    .admin_id("12")
                    .snoozed_until(1_717_025_481)
                    .build()
                    .unwrap(),
            )),
            json!({"message_type": "snoozed", "admin_id": "12", "snoozed_until": 1_717_025_481}),
        ),
        (
            "open",
            wire(&ManageConversationRequest::Open(
                OpenConversationRequest::builder()
                    .admin_id("12")
                    .build()
                    .unwrap(),
            )),
            json!({"message_type": "open", "admin_id": "12"}),
        ),
        (
            "assign",
            wire(&ManageConversationRequest::Assignment(assign)),
            json!({"message_type": "assignment", "type": "team", "admin_id": "12", "assignee_id": "4"}),
        ),
        (
            "admin note",
            wire(&ReplyConversationRequest::Admin(admin_note)),
            json!({"type": "admin", "message_type": "note", "admin_id": "12", "body": "<p>internal</p>"}),
        ),
        (
            "contact by intercom_user_id",
            wire(&ReplyConversationRequest::User(
                ContactReplyConversationRequest::IntercomUserIdRequest(by_user_id),
            )),
            json!({"type": "user", "message_type": "comment", "intercom_user_id": "6657ac", "body": "Thanks"}),
        ),
        (
            "contact by email",
            wire(&ReplyConversationRequest::User(
                ContactReplyConversationRequest::EmailRequest(by_email),
            )),
            json!({"type": "user", "message_type": "comment", "email": "joe@example.com", "body": "Thanks"}),
        ),
        (
            "redact a part",
            wire(&RedactConversationRequest::ConversationPart(
                RedactConversationPartRequest::builder()
                    .conversation_id("19")
                    .conversation_part_id("41")
                    .build()
                    .unwrap(),
            )),
            json!({"type": "conversation_part", "conversation_id": "19", "conversation_part_id": "41"}),
        ),
        (
            "redact a source",
            wire(&RedactConversationRequest::Source(
                RedactConversationSourceRequest::builder()
                    .conversation_id("19")
                    .source_id("7")
                    .build()
                    .unwrap(),
            )),
            json!({"type": "source", "conversation_id": "19", "source_id": "7"}),
        ),
        (
            "in-app message",
            wire(&CreateMessageRequest::Inapp(message)),
            json!({"message_type": "inapp", "body": "Hello", "create_conversation_without_contact_reply": false,
                   "from": {"type": "admin", "id": 394051}, "to": {"type": "user", "id": "6657ac"}}),
        ),
        (
            "visitor by user_id",
            wire(&UpdateVisitorRequest::UserId(
                UpdateVisitorRequestWithUserId::builder()
                    .user_id("v-1")
                    .name("Christian")
                    .build()
                    .unwrap(),
            )),
            json!({"user_id": "v-1", "name": "Christian"}),
        ),
    ];
    let mut wrong = Vec::new();
    for (name, got, want) in &table {
        if got != want {
            wrong.push(format!("{name}:\n  sent {got}\n  want {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_company_or_a_list_decodes_by_its_type() {
    let company: RetrieveCompanyResponse = serde_json::from_value(json!({
        "type": "company", "id": "531ee472cce572a6ec000006", "company_id": "6", "name": "Blue Sun",
        "app_id": "a", "created_at": 1, "updated_at": 1, "monthly_spend": 0, "session_count": 0,
        "user_count": 1
    }))
    .unwrap();
    assert!(
        matches!(&company, RetrieveCompanyResponse::Company(c) if c.id == "531ee472cce572a6ec000006")
    );
    let list: RetrieveCompanyResponse = serde_json::from_value(json!({
        "type": "list", "data": [], "total_count": 0,
        "pages": {"type": "pages", "page": 1, "per_page": 15, "total_pages": 0}
    }))
    .unwrap();
    assert!(matches!(&list, RetrieveCompanyResponse::List(l) if l.data.is_empty()));
    // A marker the client does not know is named in the error, not guessed at.
    let error =
        serde_json::from_value::<RetrieveCompanyResponse>(json!({"type": "contact", "id": "x"}))
            .unwrap_err()
            .to_string();
    assert!(
        error.contains("`type` is \"contact\", not one of `company`, `list`"),
        "{error}"
    );
    // The tagged request bodies decode by their tag too (for tests that read them back).
    let manage: ManageConversationRequest =
        serde_json::from_value(json!({"message_type": "open", "admin_id": "12"})).unwrap();
    assert!(matches!(manage, ManageConversationRequest::Open(_)));
}
