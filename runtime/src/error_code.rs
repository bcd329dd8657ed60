//! The error codes Intercom documents, as an open enum: a code added later is kept as received.

use std::fmt;

macro_rules! codes {
    ($($variant:ident => $wire:literal, $doc:literal;)*) => {
        /// A machine-readable error code from an Intercom error body.
        ///
        /// Open: a code this version does not know is [`ErrorCode::Unknown`], with the code as
        /// sent.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
            /// A code this version of the client does not know, kept as received.
            Unknown(String),
        }

        impl ErrorCode {
            /// The code as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(code) => code,
                }
            }

            /// The variant for a code on the wire.
            pub fn from_wire(code: &str) -> Self {
                match code {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                }
            }
        }
    };
}

codes! {
    Unauthorized => "unauthorized", "The access token is missing or not valid.";
    TokenUnauthorized => "token_unauthorized", "The token is not allowed to make this request.";
    TokenNotFound => "token_not_found", "The token does not exist.";
    TokenRevoked => "token_revoked", "The token has been revoked.";
    TokenBlocked => "token_blocked", "The token has been blocked.";
    TokenExpired => "token_expired", "The token has expired.";
    MissingScope => "missing_scope", "The token lacks a permission this request needs.";
    ActionForbidden => "action_forbidden", "The action is not allowed.";
    ApiPlanRestricted => "api_plan_restricted", "The workspace's plan does not include this API.";
    NotFound => "not_found", "The object does not exist.";
    CompanyNotFound => "company_not_found", "The company does not exist.";
    TagNotFound => "tag_not_found", "The tag does not exist.";
    AdminNotFound => "admin_not_found", "The admin does not exist.";
    ParameterNotFound => "parameter_not_found", "A required parameter is missing.";
    ParameterInvalid => "parameter_invalid", "A parameter has a value the API rejects.";
    DataInvalid => "data_invalid", "The data sent is not valid.";
    TypeMismatch => "type_mismatch", "A value has the wrong type.";
    BadRequest => "bad_request", "The request is malformed.";
    Conflict => "conflict", "The request conflicts with the object's current state.";
    UniqueUserConstraint => "unique_user_constraint", "Another user already has this identifier.";
    NotRestorable => "not_restorable", "The object cannot be restored.";
    TagHasDependentObjects => "tag_has_dependent_objects", "The tag is still in use and cannot be deleted.";
    ContactCompanyLimitExceeded => "contact_company_limit_exceeded", "The contact belongs to as many companies as allowed.";
    IntercomVersionInvalid => "intercom_version_invalid", "The `Intercom-Version` header names no version.";
    RateLimitExceeded => "rate_limit_exceeded", "Too many requests; wait for the rate-limit window to reset.";
    ServerError => "server_error", "Intercom failed to handle the request.";
    ServiceUnavailable => "service_unavailable", "Intercom is unavailable for now.";
    ClientError => "client_error", "The request could not be handled as sent.";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the code as it appears on the wire: `code == "not_found"`.
impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

/// Compares with the code as it appears on the wire: `code == "not_found"`.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<&str> for ErrorCode {
    fn from(code: &str) -> Self {
        Self::from_wire(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_round_trip_and_unknown_ones_are_kept() {
        for code in ["not_found", "parameter_invalid", "rate_limit_exceeded"] {
            assert_eq!(ErrorCode::from_wire(code).as_str(), code);
            assert!(!matches!(ErrorCode::from_wire(code), ErrorCode::Unknown(_)));
        }
        assert_eq!(
            ErrorCode::from_wire("brand_new_code"),
            ErrorCode::Unknown("brand_new_code".into())
        );
        assert_eq!(ErrorCode::from_wire("").as_str(), "");
        assert_eq!(ErrorCode::NotFound, "not_found");
        assert!(ErrorCode::Unknown("x".into()) == *"x");
        let wire: &str = "not_found";
        assert!(ErrorCode::NotFound == wire);
        let other: &str = "conflict";
        assert!(ErrorCode::NotFound != other);
        assert!(ErrorCode::NotFound != *other);
        assert_eq!(ErrorCode::NotFound.to_string(), "not_found");
        assert_eq!(ErrorCode::from_wire("new_one").to_string(), "new_one");
    }
}
