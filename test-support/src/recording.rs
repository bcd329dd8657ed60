//! Helpers over a recording `wiremock` server.

use std::sync::atomic::{AtomicUsize, Ordering};

use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// Every request `server` received, in order.
pub async fn requests(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request `server` received; fails the test when it received another number.
pub async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected one request, got {}", all.len());
    all.remove(0)
}

/// A responder that answers with each template in turn, the last one for every request after.
pub struct InTurn {
    answers: Vec<ResponseTemplate>,
    calls: AtomicUsize,
}

impl InTurn {
    /// Answers `first`, then `then` to every later request.
    pub fn new(first: ResponseTemplate, then: ResponseTemplate) -> Self {
        Self::of(vec![first, then])
    }

    /// Answers with each of `answers` in turn, the last one repeating; nothing but 500s when
    /// `answers` is empty.
    pub fn of(answers: Vec<ResponseTemplate>) -> Self {
        Self {
            answers,
            calls: AtomicUsize::new(0),
        }
    }
}

impl Respond for InTurn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        match self.answers.get(n).or_else(|| self.answers.last()) {
            Some(answer) => answer.clone(),
            None => ResponseTemplate::new(500),
        }
    }
}
