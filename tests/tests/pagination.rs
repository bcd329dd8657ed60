//! Pagination against a local server, in the styles Intercom uses: a cursor in the query
//! (`list_contacts_stream`), a cursor in the JSON body (`search_contacts_stream`) and page
//! numbers (`list_notes_stream`); starting from a saved cursor, a cursor repeated by the server,
//! an error on page 2, and every item exactly once and in order whatever the page size.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use intercom_client::types::SearchContactsRequest;
use intercom_client::{Client, Error, PageOptions, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .token("t")
        .base_url(server.uri())
        .retry_policy(
            RetryPolicy::new()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(10))
                .max_wait(Duration::from_secs(1)),
        )
        .build()
        .unwrap()
}

fn contact(i: usize) -> Value {
    json!({"type": "contact", "id": format!("c{i}")})
}

fn query(req: &Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Serves `total` contacts in pages whose size the request sets, with the cursor read from
/// where `cursor_of` finds it; the cursor of a page is the id of its last contact.
async fn cursor_server(
    total: usize,
    cursor_of: fn(&Request) -> (Option<String>, Option<usize>),
    fail_page: Option<usize>,
) -> MockServer {
    let server = MockServer::start().await;
    let pages = Arc::new(Mutex::new(0usize));
    Mock::given(any())
        .respond_with(move |req: &Request| {
            let (cursor, per_page) = cursor_of(req);
            let per_page = per_page.unwrap_or(10);
            let mut page = pages.lock().unwrap();
            *page += 1;
            if fail_page == Some(*page) {
                return ResponseTemplate::new(404).set_body_json(json!({
                    "type": "error.list", "request_id": "r2",
                    "errors": [{"code": "not_found", "message": "gone"}]}));
            }
            let start = match cursor {
                Some(c) => c.trim_start_matches('c').parse::<usize>().unwrap() + 1,
                None => 0,
            };
            let end = (start + per_page).min(total);
            let data: Vec<Value> = (start..end).map(contact).collect();
            let next = (end < total)
                .then(|| json!({"page": *page + 1, "starting_after": format!("c{}", end - 1)}));
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list", "data": data, "total_count": total,
                "pages": {"type": "pages", "page": *page, "per_page": per_page, "next": next}
            }))
        })
        .mount(&server)
        .await;
    server
}

fn from_query(req: &Request) -> (Option<String>, Option<usize>) {
    (
        query(req, "starting_after"),
        query(req, "per_page").map(|p| p.parse().unwrap()),
    )
}

fn from_body(req: &Request) -> (Option<String>, Option<usize>) {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    let p = &body["pagination"];
    (
        p["starting_after"].as_str().map(str::to_string),
        p["per_page"].as_u64().map(|n| n as usize),
    )
}

async fn ids<S>(stream: S) -> (Vec<String>, Option<Error>)
where
    S: futures_util::Stream<Item = Result<intercom_client::types::Contact, Error>>,
{
    let mut ids = Vec::new();
    let mut error = None;
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        match item {
            Ok(c) => ids.push(c.id.clone()),
            Err(e) => {
                assert!(error.is_none(), "items after an error");
                error = Some(e);
            }
        }
    }
    (ids, error)
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("c{i}")).collect()
}

#[tokio::test]
async fn a_cursor_in_the_query_walks_every_page_lazily() {
    let server = cursor_server(7, from_query, None).await;
    let client = client(&server);
    let stream = client.list_contacts_stream(PageOptions::new().page_size(3));
    // Nothing is fetched before the stream is read.
    assert!(server.received_requests().await.unwrap().is_empty());
    let (ids, error) = ids(stream).await;
    assert!(error.is_none());
    assert_eq!(ids, expected(0..7));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let cursors: Vec<Option<String>> = requests
        .iter()
        .map(|r| query(r, "starting_after"))
        .collect();
    assert_eq!(cursors, [None, Some("c2".into()), Some("c5".into())]);
    assert!(
        requests
            .iter()
            .all(|r| query(r, "per_page").as_deref() == Some("3"))
    );
}

#[tokio::test]
async fn a_walk_starts_from_a_saved_cursor() {
    let server = cursor_server(7, from_query, None).await;
    let client = client(&server);
    let (ids, _) =
        ids(client.list_contacts_stream(PageOptions::new().page_size(3).start("c2"))).await;
    assert_eq!(ids, expected(3..7));
}

#[tokio::test]
async fn a_cursor_in_the_body_is_set_in_its_pagination_member() {
    let server = cursor_server(7, from_body, None).await;
    let client = client(&server);
    let search: SearchContactsRequest = serde_json::from_value(json!({
        "query": {"field": "email", "operator": "~", "value": "example.com"}
    }))
    .unwrap();
    let (ids, error) =
        ids(client.search_contacts_stream(&search, PageOptions::new().page_size(3))).await;
    assert!(error.is_none());
    assert_eq!(ids, expected(0..7));
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 3);
    for body in &bodies {
        assert_eq!(
            body["query"]["field"], "email",
            "the query is sent with every page"
        );
        assert_eq!(body["pagination"]["per_page"], 3);
    }
    assert!(bodies[0]["pagination"].get("starting_after").is_none());
    assert_eq!(bodies[2]["pagination"]["starting_after"], "c5");
}

#[tokio::test]
async fn an_error_on_page_two_follows_the_items_of_page_one() {
    let server = cursor_server(7, from_query, Some(2)).await;
    let client = client(&server);
    let (ids, error) = ids(client.list_contacts_stream(PageOptions::new().page_size(3))).await;
    assert_eq!(ids, expected(0..3));
    assert!(error.is_some_and(|e| e.is_not_found()));
}

#[tokio::test]
async fn a_cursor_seen_before_ends_the_walk() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|_: &Request| {
            ResponseTemplate::new(200).set_body_json(json!({
                "type": "list", "data": [contact(1)],
                "pages": {"next": {"starting_after": "same"}}
            }))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let (ids, error) = ids(client.list_contacts_stream(PageOptions::new())).await;
    assert!(error.is_none());
    // The first page gives `same`; the second gives it again, and the walk stops there.
    assert_eq!(ids.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn numbered_pages_are_walked_until_one_is_empty() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|req: &Request| {
            let page: usize = query(req, "page").unwrap().parse().unwrap();
            let per_page: usize = query(req, "per_page").unwrap().parse().unwrap();
            let data: Vec<Value> = ((page - 1) * per_page..(page * per_page).min(5))
                .map(|i| json!({"type": "note", "id": format!("n{i}"), "body": "text"}))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"type": "list", "data": data}))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream =
        std::pin::pin!(client.list_notes_stream("c1", PageOptions::new().page_size(2)));
    let mut notes = Vec::new();
    while let Some(note) = stream.next().await {
        notes.push(note.unwrap().id.clone());
    }
    assert_eq!(notes, ["n0", "n1", "n2", "n3", "n4"]);
    let pages: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| query(r, "page").unwrap())
        .collect();
    assert_eq!(pages, ["1", "2", "3", "4"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, failure_persistence: None, ..Default::default() })]

    /// Whatever the number of items and the page size, every item arrives exactly once, in
    /// order, in ceil(total / size) requests (one for none).
    #[test]
    fn every_item_arrives_once_and_in_order(total in 0usize..40, size in 1usize..12) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let server = cursor_server(total, from_query, None).await;
            let client = client(&server);
            let (ids, error) = ids(client.list_contacts_stream(PageOptions::new().page_size(size as u32))).await;
            assert!(error.is_none());
            assert_eq!(ids, expected(0..total));
            let requests = server.received_requests().await.unwrap().len();
            assert_eq!(requests, total.div_ceil(size).max(1));
        });
    }
}
