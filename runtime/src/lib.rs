//! The hand-written runtime under generated API clients: configuration, bearer authentication,
//! the API-version header, retries with backoff, timeouts, bounded body reads, path segments
//! that cannot escape, and one error type.
//!
//! The runtime knows nothing of any generated item. A generated client hands it, as data, what
//! it needs: the API's description ([`Api`]: version header and default, authentication, the
//! token's environment variable), its servers (through [`BaseUrl`]), and for each call a
//! [`Request`] naming the method, the path pieces, the query, the headers and the body. The
//! generated crate re-exports what its users need (see [`exports`]).
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod body;
mod build_error;
mod builder;
pub mod codec;
mod decode;
mod error;
mod error_code;
mod events;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod multipart;
mod options;
mod pages;
mod path;
mod rate_limit;
mod request;
mod response;
mod retry;
mod runtime;
mod trace;
#[cfg(feature = "webhooks")]
#[cfg_attr(docsrs, doc(cfg(feature = "webhooks")))]
pub mod webhooks;

pub use api::{Api, ApiClient, BaseUrl};
pub use build_error::BuildError;
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT,
};
pub use decode::DecodeError;
pub use error::{ApiError, Error, ErrorDetail};
pub use error_code::ErrorCode;
pub use events::AttemptEvent;
/// The stream a paginated operation returns; `futures::StreamExt` gives it `next()`.
pub use futures_core::Stream;
/// The descriptions the client crates share: operations, pagination, mock data.
pub use intercom_contract as contract;
pub use intercom_contract::{Advance, Pages, Slot};
pub use multipart::Multipart;
pub use options::RequestOptions;
pub use pages::{PageOptions, set_json_pointer};
pub use path::encode_path_segment;
pub use rate_limit::RateLimit;
pub use request::Request;
pub use response::Response;
pub use retry::RetryPolicy;
pub use runtime::Runtime;

/// Bytes of a raw request or response body.
pub use bytes::Bytes;
/// HTTP types used in the runtime's public API.
pub use reqwest::{Method, StatusCode, header};

/// What a generated client re-exports to its users, in one place: a generated crate says
/// `pub use intercom_runtime::exports::*;` and gets every item here.
pub mod exports {
    pub use crate::{
        ApiError, AttemptEvent, BuildError, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
        DEFAULT_TIMEOUT, DecodeError, Error, ErrorCode, ErrorDetail, PageOptions, RateLimit,
        RequestOptions, Response, RetryPolicy, StatusCode, Stream, header,
    };
}
