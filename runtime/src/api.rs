//! What a generated client tells the runtime about its API: the description as data, and the
//! two traits that connect the generated `Client` and `Region` types to the shared builder.

use crate::Runtime;

/// Facts about an API that the runtime needs, written out by the generator as a constant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Api {
    /// The API version the client was generated for; the version header's default value.
    pub version: &'static str,
    /// The request header that selects the API version, if the API has one.
    pub version_header: Option<&'static str>,
    /// Whether the API authenticates with an HTTP bearer token.
    pub bearer_auth: bool,
    /// The environment variable `from_env` reads the access token from.
    pub token_env: &'static str,
    /// The `User-Agent` header: the client crate's name and version.
    pub user_agent: &'static str,
}

impl Api {
    /// An API description; the fields are public to read, and this is how to build one.
    pub const fn new(
        version: &'static str,
        version_header: Option<&'static str>,
        bearer_auth: bool,
        token_env: &'static str,
        user_agent: &'static str,
    ) -> Self {
        Self {
            version,
            version_header,
            bearer_auth,
            token_env,
            user_agent,
        }
    }
}

/// A server an API can be reached at: a generated `Region` enum implements this.
pub trait BaseUrl: Copy + Default + std::fmt::Debug {
    /// The server's base URL, without a trailing slash.
    fn base_url(self) -> &'static str;
}

/// A generated client type, which [`ClientBuilder`](crate::ClientBuilder) builds.
pub trait ApiClient: Sized {
    /// The servers of the API.
    type Region: BaseUrl;

    /// The API's description.
    const API: Api;

    /// Wraps a configured runtime.
    fn from_runtime(runtime: Runtime) -> Self;
}
