//! How a paginated operation's pages are walked, as data: where the cursor (or the page number)
//! goes in the request, where a response gives the next one, where its items are and where the
//! page size goes. The runtime walks the pages; a generated client describes them.

/// Where a value goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// A query parameter of this name.
    Query(&'static str),
    /// A member of the JSON body at this JSON pointer (`/pagination/starting_after`); missing
    /// objects on the way are created.
    Body(&'static str),
}

/// How the next page is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advance {
    /// A cursor: the response gives it at the JSON pointer `next`, and the request carries it in
    /// `slot`. The walk ends when the response gives none, or one already seen.
    Cursor {
        /// Where the request carries the cursor.
        slot: Slot,
        /// JSON pointer of the next cursor in a response.
        next: &'static str,
    },
    /// A scroll: like a cursor, but the server may give the same value for every page (as
    /// Intercom's `scroll_param` does), so the walk ends at a page without items, or when the
    /// response gives no value.
    Scroll {
        /// Where the request carries the scroll value.
        slot: Slot,
        /// JSON pointer of the scroll value in a response.
        next: &'static str,
    },
    /// A page number, from 1, carried in `slot`. The walk ends at a page without items, or
    /// after the last page when a response gives the number of pages at `total`.
    Page {
        /// Where the request carries the page number.
        slot: Slot,
        /// JSON pointer of the number of pages in a response, if it gives one.
        total: Option<&'static str>,
    },
}

/// The pagination of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pages {
    /// How the next page is asked for.
    pub advance: Advance,
    /// JSON pointer of the items in a response (`/data`).
    pub items: &'static str,
    /// Where the request sets the page size, if it can.
    pub page_size: Option<Slot>,
}
