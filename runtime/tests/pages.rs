//! The runtime's page walk on its own, through a minimal client: a scroll value that stays the
//! same from page to page (as Intercom's `scroll_param` does) walks until a page has no items;
//! a cursor in the body starts where the caller says, at the page size asked for.

use futures_util::StreamExt;
use intercom_runtime::{Advance, Method, PageOptions, Pages, Request, Slot};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_repeated_scroll_value_walks_until_a_page_is_empty() {
    let server = MockServer::start().await;
    let pages = std::sync::Arc::new(std::sync::Mutex::new(0u32));
    Mock::given(any())
        .respond_with(move |_: &wiremock::Request| {
            let mut n = pages.lock().unwrap();
            *n += 1;
            let data: Vec<Value> = if *n <= 3 {
                (0..2)
                    .map(|i| json!({"id": format!("{}-{i}", *n)}))
                    .collect()
            } else {
                Vec::new()
            };
            ResponseTemplate::new(200).set_body_json(json!({"scroll_param": "same", "data": data}))
        })
        .mount(&server)
        .await;
    let client = crate::support::builder(&server.uri()).build().unwrap();
    let pages = Pages {
        advance: Advance::Scroll {
            slot: Slot::Query("scroll_param"),
            next: "/scroll_param",
        },
        items: "/data",
        page_size: None,
    };
    let items: Vec<Value> = client
        .0
        .paginate(
            || Request::new(Method::GET, "scroll").path("/scroll"),
            None,
            pages,
            PageOptions::new(),
        )
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items.len(), 6);
    let params: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "scroll_param")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(
        params,
        [
            None,
            Some("same".into()),
            Some("same".into()),
            Some("same".into())
        ]
    );
}

#[tokio::test]
async fn a_body_cursor_walk_starts_at_the_saved_cursor_with_the_page_size() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap();
            let next = match body
                .pointer("/pagination/starting_after")
                .and_then(Value::as_str)
            {
                Some("saved") => json!({"starting_after": "second"}),
                _ => Value::Null,
            };
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": "x"}], "pages": {"next": next}}))
        })
        .mount(&server)
        .await;
    let client = crate::support::builder(&server.uri()).build().unwrap();
    let pages = Pages {
        advance: Advance::Cursor {
            slot: Slot::Body("/pagination/starting_after"),
            next: "/pages/next/starting_after",
        },
        items: "/data",
        page_size: Some(Slot::Body("/pagination/per_page")),
    };
    let items: Vec<Value> = client
        .0
        .paginate(
            || Request::new(Method::POST, "search").path("/search"),
            Some(json!({"query": {}})),
            pages,
            PageOptions::new().start("saved").page_size(2),
        )
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"query": {}, "pagination": {"starting_after": "saved", "per_page": 2}}),
            json!({"query": {}, "pagination": {"starting_after": "second", "per_page": 2}}),
        ]
    );
}

#[tokio::test]
async fn a_cursor_seen_before_ends_the_walk() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"data": [{"id": "a"}, {"id": "b"}], "pages": {"next": {"starting_after": "same"}}}),
            ),
        )
        .mount(&server)
        .await;
    let client = crate::support::builder(&server.uri()).build().unwrap();
    let pages = Pages {
        advance: Advance::Cursor {
            slot: Slot::Query("starting_after"),
            next: "/pages/next/starting_after",
        },
        items: "/data",
        page_size: None,
    };
    // Without the check the walk would not end; ten items are more than two pages give.
    let items: Vec<Value> = client
        .0
        .paginate(
            || Request::new(Method::GET, "list").path("/list"),
            None,
            pages,
            PageOptions::new(),
        )
        .take(10)
        .map(|item| item.unwrap())
        .collect()
        .await;
    assert_eq!(items.len(), 4);
}

#[tokio::test]
async fn numbered_pages_end_at_the_total_and_numeric_cursors_are_followed() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/numbered"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": 1}], "total_pages": 3})),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::path("/cursor"))
        .respond_with(|request: &wiremock::Request| {
            let after = request
                .url
                .query_pairs()
                .find(|(k, _)| k == "starting_after");
            // A number is a cursor too; an empty one is none.
            let next = match after {
                None => json!({"starting_after": 5}),
                Some(_) => json!({"starting_after": ""}),
            };
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": 1}], "pages": {"next": next}}))
        })
        .mount(&server)
        .await;
    let client = crate::support::builder(&server.uri()).build().unwrap();
    let walk = |path: &'static str, advance: Advance| {
        let pages = Pages {
            advance,
            items: "/data",
            page_size: None,
        };
        client
            .0
            .paginate(
                move || Request::new(Method::GET, "list").path(path),
                None,
                pages,
                PageOptions::new(),
            )
            .take(10)
            .map(|item: Result<Value, _>| item.unwrap())
            .collect::<Vec<Value>>()
    };
    let numbered = walk(
        "/numbered",
        Advance::Page {
            slot: Slot::Query("page"),
            total: Some("/total_pages"),
        },
    )
    .await;
    assert_eq!(numbered.len(), 3);
    let cursor = walk(
        "/cursor",
        Advance::Cursor {
            slot: Slot::Query("starting_after"),
            next: "/pages/next/starting_after",
        },
    )
    .await;
    assert_eq!(cursor.len(), 2);
    let asked: Vec<(String, Option<String>)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let value = r.url.query_pairs().next().map(|(k, v)| format!("{k}={v}"));
            (r.url.path().to_string(), value)
        })
        .collect();
    // A numbered walk asks for its first page by number too.
    let expected = [
        ("/numbered", Some("page=1")),
        ("/numbered", Some("page=2")),
        ("/numbered", Some("page=3")),
        ("/cursor", None),
        ("/cursor", Some("starting_after=5")),
    ];
    let expected: Vec<(String, Option<String>)> = expected
        .iter()
        .map(|(p, q)| (p.to_string(), q.map(str::to_string)))
        .collect();
    assert_eq!(asked, expected);
}
