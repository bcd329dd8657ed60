#![doc = include_str!("../README.md")]
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
