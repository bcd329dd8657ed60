//! Receives Intercom webhook notifications in an HTTP handler (axum), checking the
//! `X-Hub-Signature` header on the raw body before reading anything, then reading the
//! notification's item by its topic.
//!
//! To run without Intercom, the example serves its handler on `127.0.0.1` (a free port), posts
//! two notifications to it, one signed with the right secret and one with another, and checks
//! that the first is taken (200) and the second refused (401). It needs no API server:
//!
//! ```sh
//! cargo run -p intercom-client --features webhooks --example verify_webhook
//! ```
//!
//! `INTERCOM_CLIENT_SECRET` is the secret notifications are signed with: your app's client
//! secret, from the Developer Hub (default: a made-up one).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::Mac as _;
use intercom_client::webhooks::{self, Item, Notification};

/// The webhook endpoint: 401 for a notification whose signature does not match, 400 for one
/// that does not read, 200 once it is handled.
async fn receive(
    State(secret): State<Arc<Vec<u8>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    // The signature is over the bytes as sent: check it before parsing them.
    let signature = headers
        .get("x-hub-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if let Err(e) = webhooks::verify(&secret, signature, &body) {
        eprintln!("refused a notification: {e}");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(notification) = Notification::from_slice(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    match webhooks::item(&notification) {
        Ok(Item::Contact(contact)) => {
            println!(
                "{}: contact {} {:?}",
                notification.topic, contact.id, contact.email
            );
        }
        Ok(Item::Conversation(conversation)) => {
            println!("{}: conversation {}", notification.topic, conversation.id);
        }
        Ok(other) => println!("{}: {other:?}", notification.topic),
        Err(e) => {
            eprintln!("{}: the item does not read: {e}", notification.topic);
            return StatusCode::BAD_REQUEST;
        }
    }
    StatusCode::OK
}

/// `X-Hub-Signature` as Intercom computes it: the HMAC-SHA1 of the body keyed by the secret.
fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac =
        hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("INTERCOM_CLIENT_SECRET")
        .unwrap_or_else(|_| "example-client-secret".into())
        .into_bytes();

    let app = Router::new()
        .route("/intercom/webhook", post(receive))
        .with_state(Arc::new(secret.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/intercom/webhook", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let body = br#"{"type":"notification_event","app_id":"abc123","id":"notif_1",
        "topic":"contact.user.created","created_at":1717021791,
        "data":{"type":"notification_event_data",
                "item":{"type":"contact","id":"6657ac5e6abd0166b52ae241","email":"joe@example.com"}}}"#;
    let http = reqwest::Client::new();
    let post_signed = |signature: String| {
        http.post(&url)
            .header("Content-Type", "application/json")
            .header("X-Hub-Signature", signature)
            .body(body.to_vec())
            .send()
    };

    let signed = post_signed(sign(&secret, body)).await?;
    println!("signed with the secret: {}", signed.status());
    assert_eq!(signed.status(), StatusCode::OK);

    let forged = post_signed(sign(b"some other secret", body)).await?;
    println!("signed with another secret: {}", forged.status());
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
