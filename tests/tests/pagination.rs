//! Pagination against a local server, in the styles Intercom uses: a cursor in the query
//! (`list_contacts_stream`), a cursor in the JSON body (`search_contacts_stream`) and page
//! numbers (`list_notes_stream`); starting from a saved cursor, a cursor repeated by the server,
//! an error on page 2, and every item exactly once and in order whatever the page size. Then one
//! operation of another resource per style: conversations by a cursor in the query, tickets
//! searched with the cursor in the body, articles by page number, and the companies' scroll.

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

// ---------------------------------------------------------------------------------------------
// The other resources, one operation per style: items under their own key, the cursor or page
// number where each operation takes it, and the scroll's changing value.

/// The first item of the first response example of operation `id` in our spec, at `items`,
/// with its `id` set to `new_id`.
fn spec_item(id: &str, items: &str, new_id: &str) -> Value {
    let spec = intercom_tests::spec_document();
    let op = intercom_tests::operation(&spec, id);
    let examples = &op["responses"]["200"]["content"]["application/json"]["examples"];
    let page = examples
        .as_object()
        .and_then(|e| e.values().next())
        .expect("an example");
    let mut item = page["value"][items][0].clone();
    item["id"] = json!(new_id);
    item
}

/// The requests a scripted server received, in order.
type Seen = Arc<Mutex<Vec<Request>>>;

/// Serves `pages` in order (the last one again after them) and records each request.
async fn scripted(pages: Vec<Value>) -> (MockServer, Seen) {
    let server = MockServer::start().await;
    let seen: Seen = Arc::default();
    let log = seen.clone();
    Mock::given(any())
        .respond_with(move |req: &Request| {
            let mut log = log.lock().unwrap();
            log.push(req.clone());
            let page = pages[(log.len() - 1).min(pages.len() - 1)].clone();
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;
    (server, seen)
}

async fn collect<T, S>(stream: S) -> Vec<T>
where
    S: futures_util::Stream<Item = Result<T, Error>>,
{
    let mut out = Vec::new();
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        out.push(item.expect("every page decodes"));
    }
    out
}

#[tokio::test]
async fn conversations_are_listed_by_a_cursor_in_the_query() {
    let conversation = |id: &str| spec_item("listConversations", "conversations", id);
    let (server, seen) = scripted(vec![
        json!({"type": "conversation.list", "conversations": [conversation("1"), conversation("2")],
               "pages": {"type": "pages", "page": 1, "per_page": 2, "total_pages": 2,
                         "next": {"page": 2, "starting_after": "WzE3MTcsMl0="}}}),
        json!({"type": "conversation.list", "conversations": [conversation("3")],
               "pages": {"type": "pages", "page": 2, "per_page": 2, "total_pages": 2}}),
    ])
    .await;
    let client = client(&server);
    let items = collect(client.list_conversations_stream(PageOptions::new().page_size(2))).await;
    let ids: Vec<&str> = items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(query(&seen[0], "starting_after"), None);
    assert_eq!(
        query(&seen[1], "starting_after").as_deref(),
        Some("WzE3MTcsMl0=")
    );
    assert_eq!(query(&seen[1], "per_page").as_deref(), Some("2"));
}

#[tokio::test]
async fn tickets_are_searched_with_the_cursor_in_the_body() {
    let ticket = |id: &str| {
        json!({"type": "ticket", "id": id, "ticket_id": id, "ticket_attributes": {},
                                    "ticket_state": "submitted", "category": "Customer",
                                    "contacts": {"type": "contact.list", "contacts": []}})
    };
    let (server, seen) = scripted(vec![
        json!({"type": "ticket.list", "tickets": [ticket("1")], "total_count": 2,
               "pages": {"type": "pages", "page": 1, "per_page": 1, "total_pages": 2,
                         "next": {"page": 2, "starting_after": "b2Zmc2V0OjE="}}}),
        json!({"type": "ticket.list", "tickets": [ticket("2")], "total_count": 2,
               "pages": {"type": "pages", "page": 2, "per_page": 1, "total_pages": 2}}),
    ])
    .await;
    let client = client(&server);
    let search = intercom_client::search::field("ticket_state")
        .eq("submitted")
        .into_search()
        .unwrap();
    let items =
        collect(client.search_tickets_stream(&search, PageOptions::new().page_size(1))).await;
    let ids: Vec<&str> = items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["1", "2"]);
    let seen = seen.lock().unwrap();
    let bodies: Vec<Value> = seen
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0]["pagination"], json!({"per_page": 1}));
    assert_eq!(
        bodies[1]["pagination"],
        json!({"per_page": 1, "starting_after": "b2Zmc2V0OjE="})
    );
    assert_eq!(
        bodies[1]["query"],
        json!({"field": "ticket_state", "operator": "=", "value": "submitted"})
    );
}

#[tokio::test]
async fn articles_are_listed_by_page_number_up_to_the_total() {
    let article = |id: &str| spec_item("listArticles", "data", id);
    let page = |n: u64, ids: &[&str]| {
        json!({"type": "list", "total_count": 3, "data": ids.iter().map(|i| article(i)).collect::<Vec<_>>(),
               "pages": {"type": "pages", "page": n, "per_page": 2, "total_pages": 2}})
    };
    let (server, seen) = scripted(vec![page(1, &["a", "b"]), page(2, &["c"])]).await;
    let client = client(&server);
    let items = collect(client.list_articles_stream(PageOptions::new().page_size(2))).await;
    let ids: Vec<&str> = items.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "no request past the last page");
    let pages: Vec<Option<String>> = seen.iter().map(|r| query(r, "page")).collect();
    assert_eq!(pages, [Some("1".to_string()), Some("2".to_string())]);
}

#[tokio::test]
async fn companies_are_scrolled_sending_back_each_pages_scroll_param_until_an_empty_page() {
    let company = |id: &str| json!({"type": "company", "id": id});
    let (server, seen) = scripted(vec![
        json!({"type": "list", "data": [company("1"), company("2")], "scroll_param": "s1", "pages": null}),
        json!({"type": "list", "data": [company("3")], "scroll_param": "s2", "pages": null}),
        json!({"type": "list", "data": [], "scroll_param": "s3", "pages": null}),
    ])
    .await;
    let client = client(&server);
    let items = collect(client.scroll_over_all_companies_stream(PageOptions::new())).await;
    let ids: Vec<&str> = items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    let seen = seen.lock().unwrap();
    let params: Vec<Option<String>> = seen.iter().map(|r| query(r, "scroll_param")).collect();
    assert_eq!(
        params,
        [None, Some("s1".to_string()), Some("s2".to_string())]
    );
}
