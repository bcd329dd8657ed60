//! Webhook notifications: checking their signature and reading their envelope.
//!
//! Intercom signs each notification with `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the
//! raw request body keyed by the app's client secret. Check it on the bytes as received, before
//! parsing: a body parsed and printed again is not the body that was signed.
//!
//! ```
//! use hmac::Mac as _;
//! use intercom_runtime::webhooks;
//!
//! let secret = b"client-secret";
//! let body = br#"{"type":"notification_event","topic":"ping","id":"n1","created_at":1,"data":{"item":{}}}"#;
//! let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(secret).unwrap();
//! mac.update(body);
//! let header = format!("sha1={}", hex::encode(mac.finalize().into_bytes()));
//!
//! webhooks::verify(secret, &header, body)?;
//! let notification = webhooks::Notification::from_slice(body)?;
//! assert_eq!(notification.topic, "ping");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha1::Sha1;

/// Why a signature was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is empty, so nothing could be verified.
    #[error("the client secret is empty")]
    EmptySecret,
    /// The header does not start with `sha1=`.
    #[error("the signature header does not start with `sha1=`")]
    UnsupportedScheme,
    /// What follows `sha1=` is not 40 hexadecimal digits.
    #[error("the signature is not 40 hexadecimal digits")]
    Malformed,
    /// The signature does not match the body and the secret.
    #[error("the signature does not match the body")]
    Mismatch,
}

/// Checks `signature_header` (the value of `X-Hub-Signature`, `sha1=<hex>`) against the
/// HMAC-SHA1 of `body` keyed by `secret`. The comparison takes the same time wherever the
/// signatures differ.
pub fn verify(secret: &[u8], signature_header: &str, body: &[u8]) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let header = signature_header.trim();
    let hex_digits = header
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("sha1="))
        .map(|_| &header[5..])
        .ok_or(WebhookError::UnsupportedScheme)?;
    let signature = hex::decode(hex_digits).map_err(|_| WebhookError::Malformed)?;
    if signature.len() != 20 {
        return Err(WebhookError::Malformed);
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).map_err(|_| WebhookError::EmptySecret)?;
    mac.update(body);
    mac.verify_slice(&signature)
        .map_err(|_| WebhookError::Mismatch)
}

/// The envelope of a webhook notification.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct Notification {
    /// Always `notification_event`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The notification's id.
    pub id: String,
    /// What happened, such as `contact.user.created`.
    pub topic: String,
    /// When the notification was created (UNIX seconds).
    pub created_at: i64,
    /// The workspace the notification is about.
    #[serde(default)]
    pub app_id: Option<String>,
    /// The object the notification is about.
    pub data: NotificationData,
}

/// The `data` member of a notification.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[non_exhaustive]
pub struct NotificationData {
    /// The object, as sent.
    pub item: serde_json::Value,
}

impl Notification {
    /// Reads a notification from the raw body (after [`verify`]).
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The `type` member of the item (`contact`, `conversation`…), when it has one.
    pub fn item_type(&self) -> Option<&str> {
        self.data
            .item
            .get("type")
            .and_then(serde_json::Value::as_str)
    }

    /// The item decoded as `T`.
    pub fn item_as<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.data.item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(secret).unwrap();
        mac.update(body);
        format!("sha1={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn a_matching_signature_verifies_and_any_change_does_not() {
        let body = br#"{"topic":"ping"}"#;
        let header = sign(b"s3cret", body);
        assert_eq!(verify(b"s3cret", &header, body), Ok(()));
        assert_eq!(
            verify(
                b"s3cret",
                &header.to_uppercase().replace("SHA1=", "sha1="),
                body
            ),
            Ok(())
        );
        let mut changed = body.to_vec();
        changed[3] ^= 1;
        assert_eq!(
            verify(b"s3cret", &header, &changed),
            Err(WebhookError::Mismatch)
        );
        assert_eq!(verify(b"other", &header, body), Err(WebhookError::Mismatch));
    }

    #[test]
    fn malformed_headers_are_named() {
        let body = b"{}";
        assert_eq!(verify(b"", "sha1=00", body), Err(WebhookError::EmptySecret));
        assert_eq!(
            verify(b"k", "sha256=00", body),
            Err(WebhookError::UnsupportedScheme)
        );
        assert_eq!(verify(b"k", "sha1=zz", body), Err(WebhookError::Malformed));
        assert_eq!(
            verify(b"k", "sha1=abcd", body),
            Err(WebhookError::Malformed)
        );
        assert_eq!(verify(b"k", "", body), Err(WebhookError::UnsupportedScheme));
    }

    /// RFC 2202's second HMAC-SHA1 test case, computed by another implementation.
    #[test]
    fn rfc_2202_vector() {
        let header = "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";
        assert_eq!(
            verify(b"Jefe", header, b"what do ya want for nothing?"),
            Ok(())
        );
    }

    #[test]
    fn the_envelope_reads_and_unknown_items_stay_json() {
        let body = br#"{"type":"notification_event","id":"notif_1","topic":"conversation.admin.replied","created_at":1700000000,"app_id":"abc","data":{"type":"notification_event_data","item":{"type":"conversation","id":"7"}}}"#;
        let n = Notification::from_slice(body).unwrap();
        assert_eq!(n.topic, "conversation.admin.replied");
        assert_eq!(n.item_type(), Some("conversation"));
        assert_eq!(n.data.item["id"], "7");
    }
}
