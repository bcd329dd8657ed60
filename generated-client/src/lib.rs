//! A typed client for the Intercom REST API (version 2.10): get a contact, update a contact,
//! and remove a tag from a contact.
//!
//! The operations and models are generated from the OpenAPI description in the workspace's
//! `spec/` folder; the runtime under them — regions, bearer authentication, the
//! `Intercom-Version` header, retries with backoff, timeouts and one error type — is the
//! hand-written `intercom-runtime` crate, whose public items are re-exported here.
//!
//! ```no_run
//! use intercom_client::{Client, Region, types::UpdateContactRequest};
//!
//! # async fn demo() -> Result<(), intercom_client::Error> {
//! let client = Client::builder()
//!     .token(std::env::var("INTERCOM_API_KEY").unwrap_or_default())
//!     .region(Region::Eu)
//!     .build()?;
//!
//! let contact = client.show_contact("6657ac5e6abd0166b52ae241").await?;
//! println!("{:?} (rate limit left: {:?})", contact.email, contact.rate_limit().remaining);
//!
//! // `None` leaves a field unchanged, `Some(None)` clears it, `Some(Some(v))` sets it.
//! let update = UpdateContactRequest {
//!     name: Some(Some("Joe Bloggs".to_string())),
//!     phone: Some(None),
//!     ..Default::default()
//! };
//! match client.update_contact(&contact.id, &update).await {
//!     Ok(updated) => println!("now {:?}", updated.name),
//!     Err(e) if e.is_not_found() => println!("gone"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
mod generated;

pub use generated::*;

#[cfg(any(feature = "contacts", feature = "conversations", feature = "tickets"))]
pub mod search;

#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
