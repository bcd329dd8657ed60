//! Webhook notifications from Intercom: [`verify`] the `X-Hub-Signature` header on the raw body,
//! then read the [`Notification`]; a contact in it decodes as [`types::Contact`], anything else
//! stays JSON.
//!
//! ```
//! use intercom_client::webhooks::{self, Item, Notification};
//!
//! fn handle(secret: &[u8], signature: &str, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//!     webhooks::verify(secret, signature, body)?;
//!     let notification = Notification::from_slice(body)?;
//!     match webhooks::item(&notification)? {
//!         Item::Contact(contact) => println!("{}: {:?}", notification.topic, contact.email),
//!         Item::Other(json) => println!("{}: {json}", notification.topic),
//!         _ => {}
//!     }
//!     Ok(())
//! }
//! ```

pub use intercom_runtime::webhooks::{Notification, NotificationData, WebhookError, verify};

use crate::types;

/// What a notification is about.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Item {
    /// A contact (topics such as `contact.user.created` or `contact.lead.updated`).
    Contact(Box<types::Contact>),
    /// Anything this client does not model, as sent.
    Other(serde_json::Value),
}

/// The notification's item: a contact when its `type` is `contact`, else the JSON as sent. A
/// contact that does not decode is an error, naming the field.
pub fn item(notification: &Notification) -> Result<Item, serde_json::Error> {
    match notification.item_type() {
        Some("contact") => Ok(Item::Contact(Box::new(notification.item_as()?))),
        _ => Ok(Item::Other(notification.data.item.clone())),
    }
}
