//! Walking a paginated operation: a stream of items that fetches pages lazily, each page through
//! the same retries, errors and rate-limit handling as any call.
//!
//! A generated operation describes its pagination as data ([`Pages`]): where the cursor (or the
//! page number) goes in the request, where a response gives the next cursor, where its items are
//! and where the page size goes. The four styles Intercom uses are all cursors or page numbers:
//! a cursor in the query (`starting_after`), a cursor in the JSON body
//! (`pagination.starting_after`), a page number (`page`), and a scroll parameter
//! (`scroll_param`, which may stay the same from page to page).

use std::collections::{HashSet, VecDeque};

use futures_core::Stream;
use intercom_contract::{Advance, Pages, Slot};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::decode::{self, DecodeError};
use crate::{Error, Request, Runtime};

/// Where a walk starts and how big its pages are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageOptions {
    /// A cursor saved from an earlier walk (or, for numbered pages, the page to start at).
    pub start: Option<String>,
    /// Items per page; the API's default when `None`.
    pub page_size: Option<u32>,
}

impl PageOptions {
    /// From the first page, at the API's page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Start at a saved cursor (or page number).
    pub fn start(mut self, cursor: impl Into<String>) -> Self {
        self.start = Some(cursor.into());
        self
    }

    /// Items per page.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }
}

/// The state of one walk.
struct Walk<F, T> {
    make: F,
    body: Option<Value>,
    pages: Pages,
    page_size: Option<u32>,
    /// The cursor (or page number) of the next page; `None` before the first page of a walk
    /// that starts at the beginning.
    position: Option<String>,
    seen: HashSet<String>,
    buffer: VecDeque<T>,
    /// An error to yield before anything else (a body that cannot be encoded).
    error: Option<Error>,
    done: bool,
}

impl Runtime {
    /// The items of every page of a paginated operation, fetched lazily. `make` builds the
    /// operation's request without the pagination members; `body` is its JSON body, if it has
    /// one. An error ends the stream after the items already fetched.
    pub fn paginate<'a, T, F>(
        &'a self,
        make: F,
        body: Option<Value>,
        pages: Pages,
        options: PageOptions,
    ) -> impl Stream<Item = Result<T, Error>> + 'a
    where
        F: Fn() -> Request + 'a,
        T: DeserializeOwned + 'a,
    {
        self.walk(make, Ok(body), pages, options)
    }

    /// [`paginate`](Self::paginate) for an operation with a JSON body, encoded once here; a body
    /// that cannot be encoded is the stream's one item, an error.
    pub fn paginate_with_body<'a, T, F, B>(
        &'a self,
        make: F,
        body: &B,
        pages: Pages,
        options: PageOptions,
    ) -> impl Stream<Item = Result<T, Error>> + 'a
    where
        F: Fn() -> Request + 'a,
        T: DeserializeOwned + 'a,
        B: serde::Serialize + ?Sized,
    {
        let body = serde_json::to_value(body)
            .map(Some)
            .map_err(|e| Error::InvalidRequest(format!("the body cannot be encoded as JSON: {e}")));
        self.walk(make, body, pages, options)
    }

    /// The stream of a walk; a `body` that is an error is the stream's one item.
    fn walk<'a, T, F>(
        &'a self,
        make: F,
        body: Result<Option<Value>, Error>,
        pages: Pages,
        options: PageOptions,
    ) -> impl Stream<Item = Result<T, Error>> + 'a
    where
        F: Fn() -> Request + 'a,
        T: DeserializeOwned + 'a,
    {
        let (body, error) = match body {
            Ok(body) => (body, None),
            Err(e) => (None, Some(e)),
        };
        let walk = Walk {
            make,
            body,
            pages,
            page_size: options.page_size,
            position: options.start,
            seen: HashSet::new(),
            buffer: VecDeque::new(),
            done: error.is_some(),
            error,
        };
        futures_util::stream::unfold(walk, move |mut walk| async move {
            loop {
                if let Some(error) = walk.error.take() {
                    return Some((Err(error), walk));
                }
                if let Some(item) = walk.buffer.pop_front() {
                    return Some((Ok(item), walk));
                }
                if walk.done {
                    return None;
                }
                if let Err(e) = self.next_page(&mut walk).await {
                    walk.done = true;
                    return Some((Err(e), walk));
                }
            }
        })
    }

    /// Fetches the page at the walk's position, queues its items and moves the position on.
    async fn next_page<F, T>(&self, walk: &mut Walk<F, T>) -> Result<(), Error>
    where
        F: Fn() -> Request,
        T: DeserializeOwned,
    {
        let mut request = (walk.make)();
        let mut body = walk.body.clone();
        if let (Some(slot), Some(size)) = (walk.pages.page_size, walk.page_size) {
            request = place(request, &mut body, slot, Value::from(size))?;
        }
        let (slot, position) = match walk.pages.advance {
            Advance::Cursor { slot, .. } | Advance::Scroll { slot, .. } => {
                (slot, walk.position.clone().map(Value::String))
            }
            Advance::Page { slot, .. } => {
                let page = match &walk.position {
                    Some(p) => p.parse::<u64>().map_err(|_| {
                        Error::InvalidRequest(format!("page `{p}` is not a page number"))
                    })?,
                    None => 1,
                };
                walk.position = Some(page.to_string());
                (slot, Some(Value::from(page)))
            }
        };
        if let Some(position) = position {
            request = place(request, &mut body, slot, position)?;
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = self.send::<Value>(request).await?;
        let status = response.status();
        let raw = response.body_bytes();
        let mut page = response.into_inner();
        let at = decode::pointer_path(walk.pages.items);
        let items = match page.pointer_mut(walk.pages.items).map(Value::take) {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => Vec::new(),
            Some(_) => {
                let e = DecodeError::new(status, at, "a page's items are not a list".into(), raw);
                return Err(Error::Decode(Box::new(e)));
            }
        };
        let count = items.len();
        for (i, item) in items.into_iter().enumerate() {
            let item = decode::value::<T>(status, &raw, &format!("{at}[{i}]"), item)
                .map_err(|e| Error::Decode(Box::new(e)))?;
            walk.buffer.push_back(item);
        }
        match walk.pages.advance {
            Advance::Cursor { next, .. } => {
                match cursor_at(&page, next) {
                    // A cursor seen before would walk the same pages again, without end.
                    Some(c) if walk.seen.insert(c.clone()) => walk.position = Some(c),
                    _ => walk.done = true,
                }
            }
            Advance::Scroll { next, .. } => match cursor_at(&page, next) {
                Some(c) if count > 0 => walk.position = Some(c),
                _ => walk.done = true,
            },
            Advance::Page { total, .. } => {
                let current = walk
                    .position
                    .as_deref()
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(1);
                let last = total
                    .and_then(|t| page.pointer(t))
                    .and_then(Value::as_u64)
                    .is_some_and(|pages| current >= pages);
                if count == 0 || last {
                    walk.done = true;
                } else {
                    walk.position = Some((current + 1).to_string());
                }
            }
        }
        Ok(())
    }
}

/// The cursor a response gives at `pointer`, if it gives a non-empty one.
fn cursor_at(page: &Value, pointer: &str) -> Option<String> {
    match page.pointer(pointer) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// Puts `value` in the request at `slot`.
fn place(
    request: Request,
    body: &mut Option<Value>,
    slot: Slot,
    value: Value,
) -> Result<Request, Error> {
    match slot {
        Slot::Query(name) => Ok(request.query(name, &value)),
        Slot::Body(pointer) => {
            let root = body.get_or_insert_with(|| Value::Object(Default::default()));
            set_json_pointer(root, pointer, value).ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "the body has no object at `{pointer}` to carry the page position"
                ))
            })?;
            Ok(request)
        }
    }
}

/// Sets the member at a JSON pointer (`/pagination/per_page`), creating missing objects on the
/// way (and replacing `null` ones); `None` when a value on the way is something else.
pub fn set_json_pointer(root: &mut Value, pointer: &str, value: Value) -> Option<()> {
    let mut node = root;
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (last, parents) = tokens.split_last()?;
    for token in parents {
        let map = node.as_object_mut()?;
        node = map
            .entry(token.clone())
            .or_insert_with(|| Value::Object(Default::default()));
        if node.is_null() {
            *node = Value::Object(Default::default());
        }
    }
    node.as_object_mut()?.insert(last.clone(), value);
    Some(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pointers_are_set_through_missing_and_null_objects() {
        let mut v = json!({"query": {"field": "email"}, "pagination": null});
        set_json_pointer(&mut v, "/pagination/starting_after", json!("abc")).unwrap();
        set_json_pointer(&mut v, "/pagination/per_page", json!(3)).unwrap();
        set_json_pointer(&mut v, "/a/b/c", json!(true)).unwrap();
        assert_eq!(
            v,
            json!({"query": {"field": "email"},
                   "pagination": {"starting_after": "abc", "per_page": 3},
                   "a": {"b": {"c": true}}})
        );
        let mut not_object = json!({"pagination": 5});
        assert!(set_json_pointer(&mut not_object, "/pagination/x", json!(1)).is_none());
    }
}
