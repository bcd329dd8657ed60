//! The operations of the spec under `/contacts` and `/tags` on the wire, with the spec's own examples: each
//! method is called with the spec's request example as its body, against a local server
//! answering with the spec's response example; the requests (method, path, query, headers that
//! matter, body) are one snapshot a reviewer reads, and every response must decode into the
//! operation's type. Every operation of the spec, these included, also has a generated wire test
//! (`generated-client/tests/wire/generated.rs`), and every response example of Intercom's
//! published description is decoded by `examples.rs`.

use intercom_client::Client;
use intercom_tests::spec_document;
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The spec's document, and its operations by operationId.
struct Spec(Value);

impl Spec {
    fn load() -> Self {
        Spec(spec_document())
    }

    fn operation(&self, id: &str) -> &Value {
        intercom_tests::operation(&self.0, id)
    }

    fn example(content: &Value) -> Option<Value> {
        let json = &content["application/json"];
        json.get("example").cloned().or_else(|| {
            json["examples"]
                .as_object()
                .and_then(|e| e.values().next())
                .map(|e| e["value"].clone())
        })
    }

    /// The example of the operation's request body, decoded into the method's body type.
    fn request<T: DeserializeOwned>(&self, id: &str) -> T {
        let body = Self::example(&self.operation(id)["requestBody"]["content"])
            .unwrap_or_else(|| panic!("no request example for {id}"));
        serde_json::from_value(body).unwrap_or_else(|e| panic!("{id}: request example: {e}"))
    }

    /// The success response the operation documents: status and example body, if any.
    fn response(&self, id: &str) -> (u16, Option<Value>) {
        let responses = self.operation(id)["responses"]
            .as_object()
            .expect("responses");
        let (status, response) = responses
            .iter()
            .find(|(s, _)| s.starts_with('2'))
            .expect("a success response");
        (
            status.parse().expect("a numeric status"),
            Self::example(&response["content"]),
        )
    }
}

/// One request as a reviewer reads it.
fn render(id: &str, req: &Request) -> String {
    let mut out = format!("{id}: {} {}", req.method, req.url.path());
    if let Some(q) = req.url.query() {
        out.push('?');
        out.push_str(q);
    }
    for name in ["content-type", "intercom-version", "accept"] {
        if let Some(v) = req.headers.get(name) {
            out.push_str(&format!("\n  {name}: {}", v.to_str().unwrap_or("?")));
        }
    }
    if !req.body.is_empty() {
        let body: Value = serde_json::from_slice(&req.body).expect("the body is JSON");
        out.push_str(&format!("\n  body: {body}"));
    }
    out
}

/// Answers the next call with operation `id`'s documented success.
async fn answer(server: &MockServer, spec: &Spec, id: &str) {
    server.reset().await;
    let (status, body) = spec.response(id);
    let mut template = ResponseTemplate::new(status);
    if let Some(body) = body {
        template = template.set_body_json(body);
    }
    Mock::given(any())
        .respond_with(template)
        .mount(server)
        .await;
}

async fn last_request(server: &MockServer, id: &str) -> String {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "{id}: one request");
    render(id, &requests[0])
}

macro_rules! call {
    ($server:expr, $spec:expr, $out:expr, $id:literal, $call:expr) => {{
        answer(&$server, &$spec, $id).await;
        if let Err(e) = $call.await {
            panic!("{}: {e}", $id);
        }
        $out.push(last_request(&$server, $id).await);
    }};
}

#[tokio::test]
async fn every_operation_on_the_wire() {
    let spec = Spec::load();
    let server = MockServer::start().await;
    let c = Client::builder()
        .token("t")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client");
    let mut out: Vec<String> = Vec::new();
    let cid = "6657ac5e6abd0166b52ae241";

    call!(
        server,
        spec,
        out,
        "ListContacts",
        c.list_contacts(Some(3), Some("WzE3MTY4NjUyNjkwMDAsIjY2NTdhIl0="))
    );
    call!(
        server,
        spec,
        out,
        "CreateContact",
        c.create_contact(&spec.request("CreateContact"))
    );
    call!(
        server,
        spec,
        out,
        "SearchContacts",
        c.search_contacts(&spec.request("SearchContacts"))
    );
    call!(
        server,
        spec,
        out,
        "MergeContact",
        c.merge_contact(&spec.request("MergeContact"))
    );
    call!(server, spec, out, "ShowContact", c.show_contact(cid));
    call!(
        server,
        spec,
        out,
        "UpdateContact",
        c.update_contact(cid, &spec.request("UpdateContact"))
    );
    call!(server, spec, out, "DeleteContact", c.delete_contact(cid));
    call!(server, spec, out, "ArchiveContact", c.archive_contact(cid));
    call!(
        server,
        spec,
        out,
        "UnarchiveContact",
        c.unarchive_contact(cid)
    );
    call!(
        server,
        spec,
        out,
        "listTagsForAContact",
        c.list_tags_for_a_contact(cid)
    );
    call!(
        server,
        spec,
        out,
        "attachTagToContact",
        c.attach_tag_to_contact(cid, &spec.request("attachTagToContact"))
    );
    call!(
        server,
        spec,
        out,
        "detachTagFromContact",
        c.detach_tag_from_contact(cid, "7522907")
    );
    call!(
        server,
        spec,
        out,
        "listCompaniesForAContact",
        c.list_companies_for_a_contact(cid, Some(2), Some(5))
    );
    call!(
        server,
        spec,
        out,
        "attachContactToACompany",
        c.attach_contact_to_a_company(cid, &spec.request("attachContactToACompany"))
    );
    call!(
        server,
        spec,
        out,
        "detachContactFromACompany",
        c.detach_contact_from_a_company(cid, "6657ade8")
    );
    call!(
        server,
        spec,
        out,
        "listNotes",
        c.list_notes(cid, None, Some(10))
    );
    call!(
        server,
        spec,
        out,
        "createNote",
        c.create_note(cid, &spec.request("createNote"))
    );
    call!(
        server,
        spec,
        out,
        "listSegmentsForAContact",
        c.list_segments_for_a_contact(cid)
    );
    call!(
        server,
        spec,
        out,
        "listSubscriptionsForAContact",
        c.list_subscriptions_for_a_contact(cid)
    );
    call!(
        server,
        spec,
        out,
        "attachSubscriptionTypeToContact",
        c.attach_subscription_type_to_contact(
            cid,
            &spec.request("attachSubscriptionTypeToContact")
        )
    );
    call!(
        server,
        spec,
        out,
        "detachSubscriptionTypeToContact",
        c.detach_subscription_type_to_contact(cid, "37846")
    );
    call!(server, spec, out, "listTags", c.list_tags());
    call!(
        server,
        spec,
        out,
        "createTag",
        c.create_tag(&spec.request("createTag"))
    );
    call!(server, spec, out, "findTag", c.find_tag("7522907"));
    call!(server, spec, out, "deleteTag", c.delete_tag("7522907"));

    // Every operation of the spec under `/contacts` and `/tags` is here.
    let mut called: Vec<&str> = out
        .iter()
        .map(|r| r.split(':').next().unwrap_or(""))
        .collect();
    let mut declared: Vec<String> = spec.0["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(path, _)| path.starts_with("/contacts") || path.starts_with("/tags"))
        .flat_map(|(_, item)| item.as_object().into_iter().flat_map(|m| m.values()))
        .filter_map(|op| op["operationId"].as_str().map(str::to_string))
        .collect();
    called.sort_unstable();
    declared.sort();
    assert_eq!(called, declared);
    insta::assert_snapshot!(out.join("\n"));
}
