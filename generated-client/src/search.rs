//! A typed builder for Intercom's search query, which refuses before sending what the API
//! documents that it rejects: groups nested more than two levels deep, and more than 15 filters
//! in one group. The searches of contacts, conversations and tickets take the same query:
//! [`Query::into_request`] makes the body of `search_contacts`, [`Query::into_search`] that of
//! `search_conversations` and `search_tickets`.
//!
//! ```
//! use intercom_client::search::{Query, field};
//!
//! // Users whose email ends in example.com, or anyone seen since a time.
//! let query = Query::or([
//!     Query::and([field("role").eq("user"), field("email").ends_with("example.com")]),
//!     field("last_seen_at").gt(1_700_000_000),
//! ]);
//! let request = query.into_request()?;
//! # let _ = request;
//! # Ok::<(), intercom_client::search::SearchError>(())
//! ```

use serde_json::{Value, json};

#[cfg(feature = "contacts")]
use crate::types::SearchContactsRequest;
#[cfg(any(feature = "conversations", feature = "tickets"))]
use crate::types::SearchRequest;
use crate::types::{SearchFilter, SearchGroup, SearchGroupOperator, SearchQuery};

/// The most levels of groups the API accepts.
pub const MAX_DEPTH: usize = 2;
/// The most filters the API accepts in one group.
pub const MAX_FILTERS_PER_GROUP: usize = 15;

/// How a filter compares a field with its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operator {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `IN`: the field is one of the values.
    In,
    /// `NIN`: the field is none of the values.
    Nin,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `~`: contains.
    Contains,
    /// `!~`: does not contain.
    NotContains,
    /// `^`: starts with.
    StartsWith,
    /// `$`: ends with.
    EndsWith,
}

impl Operator {
    /// The operator as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::In => "IN",
            Self::Nin => "NIN",
            Self::Lt => "<",
            Self::Gt => ">",
            Self::Contains => "~",
            Self::NotContains => "!~",
            Self::StartsWith => "^",
            Self::EndsWith => "$",
        }
    }
}

/// A search query: one filter, or a group of queries joined by `AND` or `OR`.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Compares one field with a value.
    Filter {
        /// The field of the objects searched, such as `email`, `state` or
        /// `custom_attributes.plan`.
        field: String,
        /// How it is compared.
        operator: Operator,
        /// The value compared with.
        value: Value,
    },
    /// Queries that must all hold (`AND`) or of which one must (`OR`).
    Group {
        /// `true` for `AND`, `false` for `OR`.
        all: bool,
        /// The queries of the group.
        queries: Vec<Query>,
    },
}

/// A query the API would reject, refused before sending; the message names the rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Groups nest more than [`MAX_DEPTH`] levels.
    #[error("search groups nest {depth} levels deep; the API accepts at most {MAX_DEPTH}")]
    TooDeep {
        /// How deep they nest.
        depth: usize,
    },
    /// A group holds more than [`MAX_FILTERS_PER_GROUP`] filters.
    #[error(
        "a search group holds {count} filters; the API accepts at most {MAX_FILTERS_PER_GROUP}"
    )]
    TooManyFilters {
        /// How many it holds.
        count: usize,
    },
    /// A group without queries.
    #[error("a search group is empty")]
    EmptyGroup,
    /// The query does not fit the request type.
    #[error("the search query does not fit the request: {0}")]
    Encoding(String),
}

/// Starts a filter on `name`: `field("email").eq("a@b.c")`.
pub fn field(name: impl Into<String>) -> Field {
    Field(name.into())
}

/// A field about to be compared.
#[derive(Clone, Debug)]
#[must_use]
pub struct Field(String);

impl Field {
    fn with(self, operator: Operator, value: impl Into<Value>) -> Query {
        Query::Filter {
            field: self.0,
            operator,
            value: value.into(),
        }
    }

    /// `field = value`
    pub fn eq(self, value: impl Into<Value>) -> Query {
        self.with(Operator::Eq, value)
    }

    /// `field != value`
    pub fn ne(self, value: impl Into<Value>) -> Query {
        self.with(Operator::Ne, value)
    }

    /// `field IN values`
    pub fn is_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Query {
        self.with(
            Operator::In,
            values.into_iter().map(Into::into).collect::<Vec<Value>>(),
        )
    }

    /// `field NIN values`
    pub fn not_in<V: Into<Value>>(self, values: impl IntoIterator<Item = V>) -> Query {
        self.with(
            Operator::Nin,
            values.into_iter().map(Into::into).collect::<Vec<Value>>(),
        )
    }

    /// `field < value`
    pub fn lt(self, value: impl Into<Value>) -> Query {
        self.with(Operator::Lt, value)
    }

    /// `field > value`
    pub fn gt(self, value: impl Into<Value>) -> Query {
        self.with(Operator::Gt, value)
    }

    /// `field ~ value`: contains.
    pub fn contains(self, value: impl Into<Value>) -> Query {
        self.with(Operator::Contains, value)
    }

    /// `field !~ value`: does not contain.
    pub fn not_contains(self, value: impl Into<Value>) -> Query {
        self.with(Operator::NotContains, value)
    }

    /// `field ^ value`: starts with.
    pub fn starts_with(self, value: impl Into<Value>) -> Query {
        self.with(Operator::StartsWith, value)
    }

    /// `field $ value`: ends with.
    pub fn ends_with(self, value: impl Into<Value>) -> Query {
        self.with(Operator::EndsWith, value)
    }
}

impl Query {
    /// Every query must hold.
    pub fn and(queries: impl IntoIterator<Item = Query>) -> Self {
        Self::Group {
            all: true,
            queries: queries.into_iter().collect(),
        }
    }

    /// One of the queries must hold.
    pub fn or(queries: impl IntoIterator<Item = Query>) -> Self {
        Self::Group {
            all: false,
            queries: queries.into_iter().collect(),
        }
    }

    /// Checks the rules the API documents: at most [`MAX_DEPTH`] levels of groups, at most
    /// [`MAX_FILTERS_PER_GROUP`] filters in a group, no empty group.
    pub fn check(&self) -> Result<(), SearchError> {
        fn walk(q: &Query, depth: usize) -> Result<(), SearchError> {
            let Query::Group { queries, .. } = q else {
                return Ok(());
            };
            if depth > MAX_DEPTH {
                return Err(SearchError::TooDeep { depth });
            }
            if queries.is_empty() {
                return Err(SearchError::EmptyGroup);
            }
            let count = queries
                .iter()
                .filter(|q| matches!(q, Query::Filter { .. }))
                .count();
            if count > MAX_FILTERS_PER_GROUP {
                return Err(SearchError::TooManyFilters { count });
            }
            queries.iter().try_for_each(|q| walk(q, depth + 1))
        }
        walk(self, 1)
    }

    /// The query as the API's JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Query::Filter {
                field,
                operator,
                value,
            } => json!({"field": field, "operator": operator.as_str(), "value": value}),
            Query::Group { all, queries } => json!({
                "operator": if *all { "AND" } else { "OR" },
                "value": queries.iter().map(Query::to_json).collect::<Vec<_>>(),
            }),
        }
    }

    /// A search of contacts for this query, once it passes [`check`](Self::check); page through
    /// its results with `Client::search_contacts_stream`.
    #[cfg(feature = "contacts")]
    pub fn into_request(self) -> Result<SearchContactsRequest, SearchError> {
        self.check()?;
        Ok(SearchContactsRequest {
            pagination: None,
            query: self.into_typed(),
        })
    }

    /// A search of conversations or tickets for this query, once it passes
    /// [`check`](Self::check); page through its results with
    /// `Client::search_conversations_stream` or `Client::search_tickets_stream`.
    #[cfg(any(feature = "conversations", feature = "tickets"))]
    pub fn into_search(self) -> Result<SearchRequest, SearchError> {
        self.check()?;
        Ok(SearchRequest {
            pagination: None,
            query: self.into_typed(),
        })
    }

    /// The query as the generated request type's query.
    fn into_typed(self) -> SearchQuery {
        match self {
            Query::Filter {
                field,
                operator,
                value,
            } => SearchQuery::Filter(SearchFilter {
                field,
                operator: operator.as_str().to_string(),
                value,
            }),
            Query::Group { all, queries } => SearchQuery::Group(SearchGroup {
                operator: if all {
                    SearchGroupOperator::And
                } else {
                    SearchGroupOperator::Or
                },
                value: queries.into_iter().map(Query::into_typed).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(n: usize) -> Vec<Query> {
        (0..n).map(|i| field(format!("f{i}")).eq(i)).collect()
    }

    #[test]
    fn a_query_becomes_the_api_json() {
        let q = Query::and([
            field("email").ends_with("example.com"),
            field("role").is_in(["user", "lead"]),
        ]);
        assert_eq!(
            q.to_json(),
            json!({"operator": "AND", "value": [
                {"field": "email", "operator": "$", "value": "example.com"},
                {"field": "role", "operator": "IN", "value": ["user", "lead"]},
            ]})
        );
        let request = q.into_request().unwrap();
        let sent = serde_json::to_value(&request).unwrap();
        assert_eq!(sent["query"]["operator"], "AND");
        assert_eq!(sent["query"]["value"][1]["value"], json!(["user", "lead"]));
    }

    #[test]
    fn every_operator_is_spelled_as_documented() {
        let spelled: Vec<&str> = [
            Operator::Eq,
            Operator::Ne,
            Operator::In,
            Operator::Nin,
            Operator::Lt,
            Operator::Gt,
            Operator::Contains,
            Operator::NotContains,
            Operator::StartsWith,
            Operator::EndsWith,
        ]
        .iter()
        .map(|o| o.as_str())
        .collect();
        assert_eq!(
            spelled,
            ["=", "!=", "IN", "NIN", "<", ">", "~", "!~", "^", "$"]
        );
    }

    #[test]
    fn two_levels_are_accepted_and_three_refused() {
        let two = Query::or([Query::and(filters(2)), field("x").eq(1)]);
        assert_eq!(two.check(), Ok(()));
        let three = Query::or([Query::and([Query::or(filters(2))])]);
        assert_eq!(three.check(), Err(SearchError::TooDeep { depth: 3 }));
        assert!(
            three
                .into_request()
                .unwrap_err()
                .to_string()
                .contains("at most 2")
        );
    }

    #[test]
    fn fifteen_filters_are_accepted_and_sixteen_refused() {
        assert_eq!(Query::and(filters(15)).check(), Ok(()));
        let err = Query::and(filters(16)).check().unwrap_err();
        assert_eq!(err, SearchError::TooManyFilters { count: 16 });
        assert!(err.to_string().contains("at most 15"));
        // The limit is per group: two groups of 10 under one group are fine.
        let nested = Query::or([Query::and(filters(10)), Query::and(filters(10))]);
        assert_eq!(nested.check(), Ok(()));
        assert_eq!(Query::and([]).check(), Err(SearchError::EmptyGroup));
    }

    #[test]
    fn a_single_filter_is_a_query() {
        let request = field("email").eq("a@b.c").into_request().unwrap();
        let sent = serde_json::to_value(&request).unwrap();
        assert_eq!(
            sent["query"],
            json!({"field": "email", "operator": "=", "value": "a@b.c"})
        );
    }

    #[test]
    fn the_same_query_searches_conversations_and_tickets() {
        let query = Query::and([
            field("state").eq("open"),
            field("updated_at").gt(1_700_000_000),
        ]);
        let request = query.clone().into_search().unwrap();
        assert_eq!(request.pagination, None);
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"query": query.to_json()})
        );
        let deep = Query::and([Query::or([Query::and([field("a").eq(1)])])]);
        assert!(deep.into_search().is_err());
    }
}
