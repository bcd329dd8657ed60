//! The runtime's page walk on its own, through a minimal client: a scroll value that stays the
//! same from page to page (as Intercom's `scroll_param` does) walks until a page has no items.

use futures_util::StreamExt;
use intercom_runtime::{
    Advance, Api, ApiClient, BaseUrl, ClientBuilder, Method, PageOptions, Pages, Request, Runtime,
    Slot,
};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Copy, Debug, Default)]
struct Local;

impl BaseUrl for Local {
    fn base_url(self) -> &'static str {
        "http://127.0.0.1"
    }
}

struct TestClient(Runtime);

impl ApiClient for TestClient {
    type Region = Local;
    const API: Api = Api::new("1", None, true, "TEST_TOKEN", "pages-test/1");
    fn from_runtime(runtime: Runtime) -> Self {
        Self(runtime)
    }
}

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
    let client = ClientBuilder::<TestClient>::new()
        .token("t")
        .base_url(server.uri())
        .build()
        .unwrap();
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
