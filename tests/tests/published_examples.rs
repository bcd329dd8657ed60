//! What Intercom really sends decodes: every JSON example of every response in Intercom's
//! published 2.10 description (`../shared/upstream/`), for every operation and status, is
//! decoded the way the client decodes it. A success example decodes into the type the client's
//! method returns for that operation; an error example is answered by a local server and must
//! come back as `Error::Api` with its status and, for Intercom's error lists, each error's code.
//!
//! An example that does not decode is reported with its operation, status, example name and the
//! JSON path where decoding stopped. The few examples that are themselves wrong are listed in
//! [`WRONG_EXAMPLES`], each with why; each must still fail (else it leaves the list), and each
//! must be named in `docs/spec-corrections.md`.

use std::collections::BTreeMap;

use intercom_client::{Client, Error, types};
use intercom_generator::{Options, generate, model::Success};
use intercom_tests::{spec_source, workspace_root};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const PUBLISHED: &str = "../shared/upstream/intercom-openapi-2.10.yaml";

/// Examples of the published description that are wrong about what the API sends:
/// (operationId, status, example name, why).
const WRONG_EXAMPLES: &[(&str, &str, &str, &str)] = &[];

type Decode = fn(&[u8]) -> Result<(), String>;

/// Decodes `body` into `T` as the client does, naming the JSON path of a failure.
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<(), String> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize::<_, T>(&mut de)
        .map(drop)
        .map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

macro_rules! decoders {
    ($($t:ident),* $(,)?) => {
        BTreeMap::from([$((stringify!($t), decode::<types::$t> as Decode)),*])
    };
}

/// A decoder for each type an operation's success returns, by the type's name.
fn decoders() -> BTreeMap<&'static str, Decode> {
    decoders![
        ActivityLogList,
        Admin,
        AdminList,
        AdminWithApp,
        Article,
        ArticleList,
        ArticleSearchResponse,
        Collection,
        CollectionList,
        Company,
        CompanyAttachedContacts,
        CompanyAttachedSegments,
        CompanyList,
        CompanyScroll,
        Contact,
        ContactArchived,
        ContactCompanyList,
        ContactDeleted,
        ContactList,
        ContactSegmentList,
        ContactSubscriptionTypeList,
        ContactUnarchived,
        Conversation,
        ConversationCustomerList,
        ConversationList,
        DataAttribute,
        DataAttributeList,
        DataEventSummary,
        DataExport,
        DeletedArticleObject,
        DeletedCollectionObject,
        DeletedCompanyObject,
        DeletedObject,
        HelpCenter,
        HelpCenterList,
        Message,
        NewsItem,
        NewsItemList,
        Newsfeed,
        NewsfeedList,
        Note,
        NoteList,
        PhoneSwitch,
        RetrieveCompanyResponse,
        Segment,
        SegmentList,
        SubscriptionType,
        Tag,
        TagList,
        Team,
        TeamList,
        Ticket,
        TicketList,
        TicketReply,
        TicketType,
        TicketTypeAttribute,
        TicketTypeList,
        Visitor,
        WorkspaceSubscriptionTypeList,
    ]
}

/// One example of a response of the published description.
struct Example {
    operation: String,
    status: String,
    name: String,
    value: Value,
}

/// Every JSON example of every response of the published description, in document order.
fn published_examples() -> Vec<Example> {
    let text = std::fs::read_to_string(workspace_root().join(PUBLISHED))
        .expect("the published description is beside the repository");
    let doc: Value = serde_yaml_ng::from_str(&text).expect("the published description is YAML");
    let mut out = Vec::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let Some(id) = op["operationId"].as_str() else {
                continue;
            };
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let content = &response["content"]["application/json"];
                if let Some(value) = content.get("example") {
                    out.push(Example {
                        operation: id.to_string(),
                        status: status.clone(),
                        name: "example".into(),
                        value: value.clone(),
                    });
                }
                for (name, example) in content["examples"].as_object().into_iter().flatten() {
                    out.push(Example {
                        operation: id.to_string(),
                        status: status.clone(),
                        name: name.clone(),
                        value: example["value"].clone(),
                    });
                }
            }
        }
    }
    out
}

/// The client's success type of each operation, by operationId: the name of the type its
/// method returns, or `None` when a success carries no JSON.
fn success_types() -> BTreeMap<String, Option<String>> {
    let generated = generate(&spec_source(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    generated
        .operations
        .iter()
        .map(|op| {
            let ty = match &op.success {
                Success::Json(ty) => match &**ty {
                    syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                },
                _ => None,
            };
            (op.id.clone(), ty)
        })
        .collect()
}

/// Whether an error example comes back as the client's `Error::Api` with its status and, for
/// an Intercom error list, every error's code.
async fn error_decodes(
    server: &MockServer,
    client: &Client,
    status: u16,
    body: &Value,
) -> Result<(), String> {
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
    match client.list_tags().await {
        Err(Error::Api(api)) => {
            if api.status.as_u16() != status {
                return Err(format!("status {} instead", api.status));
            }
            let listed = body["errors"].as_array().map_or(0, Vec::len);
            if body["type"] == "error.list" && api.errors.len() != listed {
                return Err(format!("{} of {listed} errors decoded", api.errors.len()));
            }
            for (detail, wire) in api
                .errors
                .iter()
                .zip(body["errors"].as_array().into_iter().flatten())
            {
                if wire["code"].as_str() != Some(detail.code.as_str()) {
                    return Err(format!(
                        "code {:?} decoded as {}",
                        wire["code"],
                        detail.code.as_str()
                    ));
                }
            }
            Ok(())
        }
        other => Err(format!("not an API error: {other:?}")),
    }
}

#[tokio::test]
async fn every_response_example_of_the_published_description_decodes() {
    let decoders = decoders();
    let types = success_types();
    let server = MockServer::start().await;
    let client = Client::builder()
        .token("t")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client of the local server");
    let mut failures = Vec::new();
    let mut missing_decoders = std::collections::BTreeSet::new();
    let (mut success, mut errors) = (0, 0);
    for ex in published_examples() {
        let body = serde_json::to_vec(&ex.value).expect("an example is JSON");
        let outcome = if ex.status.starts_with('2') {
            success += 1;
            match types.get(&ex.operation) {
                None => Err("no such operation in our spec".to_string()),
                Some(None) => Err("our spec's success carries no JSON".to_string()),
                Some(Some(ty)) => match decoders.get(ty.as_str()) {
                    Some(decode) => decode(&body),
                    None => {
                        missing_decoders.insert(ty.clone());
                        continue;
                    }
                },
            }
        } else {
            errors += 1;
            let status: u16 = ex.status.parse().expect("a numeric error status");
            error_decodes(&server, &client, status, &ex.value).await
        };
        let known = WRONG_EXAMPLES.iter().find(|(op, status, name, _)| {
            *op == ex.operation && *status == ex.status && *name == ex.name
        });
        match (outcome, known) {
            (Ok(()), None) => {}
            (Err(why), Some(_)) => {
                let _ = why;
            }
            (Ok(()), Some(_)) => failures.push(format!(
                "{} {} `{}`: decodes now; take it out of WRONG_EXAMPLES",
                ex.operation, ex.status, ex.name
            )),
            (Err(why), None) => failures.push(format!(
                "{} {} `{}`: {why}",
                ex.operation, ex.status, ex.name
            )),
        }
    }
    assert!(
        missing_decoders.is_empty(),
        "add these types to `decoders()`: {missing_decoders:?}"
    );
    assert!(
        failures.is_empty(),
        "{} examples do not decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The published description has 113 success and 193 error examples; a count that falls
    // means examples are no longer found, not that they decode.
    assert_eq!((success, errors), (113, 193));
}

/// Each wrong example is explained in the corrections document.
#[test]
fn every_wrong_example_is_in_the_corrections_document() {
    let doc = std::fs::read_to_string(workspace_root().join("docs/spec-corrections.md"))
        .expect("docs/spec-corrections.md is readable");
    for (op, status, name, _) in WRONG_EXAMPLES {
        let row = doc
            .lines()
            .any(|l| l.contains(op) && l.contains(status) && l.contains(name));
        assert!(
            row,
            "docs/spec-corrections.md has no row for {op} {status} `{name}`"
        );
    }
}
