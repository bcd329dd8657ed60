//! Webhook notifications from Intercom: [`verify`] the `X-Hub-Signature` header on the raw body,
//! then read the [`Notification`] and its [`item`], decoded by the notification's topic into the
//! client's type for that object (a `conversation.admin.replied` notification carries a
//! [`types::Conversation`]); a topic this client does not model keeps its item as JSON.
//!
//! ```
//! use intercom_client::webhooks::{self, Item, Notification};
//!
//! fn handle(secret: &[u8], signature: &str, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//!     webhooks::verify(secret, signature, body)?;
//!     let notification = Notification::from_slice(body)?;
//!     match webhooks::item(&notification)? {
//!         Item::Contact(contact) => println!("{}: {:?}", notification.topic, contact.email),
//!         Item::Conversation(conversation) => println!("conversation {}", conversation.id),
//!         Item::Other(json) => println!("{}: {json}", notification.topic),
//!         _ => {}
//!     }
//!     Ok(())
//! }
//! ```

pub use intercom_runtime::webhooks::{Notification, NotificationData, WebhookError, verify};

#[allow(unused_imports)]
use crate::types;

/// What a notification is about, by its topic. Each variant is there with the Cargo feature of
/// the resource it belongs to (all of them by default).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Item {
    /// A contact: `contact.user.created`, `contact.lead.updated`, `contact.deleted`, …
    #[cfg(feature = "contacts")]
    Contact(Box<types::Contact>),
    /// A conversation: `conversation.user.created`, `conversation.admin.replied`,
    /// `conversation.admin.closed`, …
    #[cfg(feature = "conversations")]
    Conversation(Box<types::Conversation>),
    /// A company: `company.created`, `company.updated`, …
    #[cfg(feature = "companies")]
    Company(Box<types::Company>),
    /// A ticket: `ticket.created`, `ticket.state.updated`, `ticket.admin.assigned`, …
    #[cfg(feature = "tickets")]
    Ticket(Box<types::Ticket>),
    /// A visitor: `visitor.signed_up`, …
    #[cfg(feature = "visitors")]
    Visitor(Box<types::Visitor>),
    /// An admin: `admin.away_mode_updated`, `admin.activity_log_event.created`, …
    #[cfg(feature = "admins")]
    Admin(Box<types::Admin>),
    /// An event a contact did: `event.created`. (No operation returns one, so the type is only
    /// in the `full` crate.)
    #[cfg(feature = "full")]
    Event(Box<types::DataEvent>),
    /// Anything else (a topic this client does not model, such as `contact.tag.created`, whose
    /// item pairs a contact with a tag), as sent.
    Other(serde_json::Value),
}

/// The notification's item, decoded by the topic's object (the topic's first part): a topic
/// whose object this client models, and whose item says it is that object (its `type`, where
/// it has one), decodes into that object's type; anything else stays JSON. An item that should
/// decode but does not is an error naming the JSON path where it broke.
pub fn item(notification: &Notification) -> Result<Item, serde_json::Error> {
    let object = notification.topic.split('.').next().unwrap_or_default();
    let marker = notification.item_type();
    let is = |kind: &str| object == kind && marker.is_none_or(|m| m == kind);
    #[cfg(feature = "contacts")]
    if is("contact") {
        return decode(notification).map(|v| Item::Contact(Box::new(v)));
    }
    #[cfg(feature = "conversations")]
    if is("conversation") {
        return decode(notification).map(|v| Item::Conversation(Box::new(v)));
    }
    #[cfg(feature = "companies")]
    if is("company") {
        return decode(notification).map(|v| Item::Company(Box::new(v)));
    }
    #[cfg(feature = "tickets")]
    if is("ticket") {
        return decode(notification).map(|v| Item::Ticket(Box::new(v)));
    }
    #[cfg(feature = "visitors")]
    if is("visitor") {
        return decode(notification).map(|v| Item::Visitor(Box::new(v)));
    }
    #[cfg(feature = "admins")]
    if is("admin") {
        return decode(notification).map(|v| Item::Admin(Box::new(v)));
    }
    #[cfg(feature = "full")]
    if is("event") {
        return decode(notification).map(|v| Item::Event(Box::new(v)));
    }
    let _ = is;
    Ok(Item::Other(notification.data.item.clone()))
}

/// The item decoded as `T`; a failure names the JSON path where it broke.
#[allow(dead_code)]
fn decode<T: serde::de::DeserializeOwned>(
    notification: &Notification,
) -> Result<T, serde_json::Error> {
    serde_path_to_error::deserialize(&notification.data.item).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner
        } else {
            serde::de::Error::custom(format_args!("item.{path}: {inner}"))
        }
    })
}
