//! The orders pages list records in, each written once for the device (a comparator over
//! its copy) and once for the database (the `ORDER BY` the server's query uses), side by
//! side so that they change together. `server/tests/parity.rs` holds the two equal over the
//! demo organisation for every loader and role.
//!
//! Every order ends on the record id, so records that tie (the demo's, made in one
//! transaction, share a timestamp) come in the same order on both sides.

use std::cmp::Ordering;

/// By name as a reader finds it: folded (see [`crate::text::fold`]), which is the stored
/// `name_lc` the database orders by.
pub const BY_NAME: &str = "ORDER BY name_lc, id";

pub fn by_name(a: (&str, &str), b: (&str, &str)) -> Ordering {
    crate::text::fold(a.0)
        .cmp(&crate::text::fold(b.0))
        .then_with(|| a.1.cmp(b.1))
}

/// Deals by title, for pickers. Titles are not folded in the database; plain text order.
pub const BY_TITLE: &str = "ORDER BY title, id";

pub fn by_title(a: (&str, &str), b: (&str, &str)) -> Ordering {
    a.0.cmp(b.0).then_with(|| a.1.cmp(b.1))
}

/// Most recently changed first.
pub const RECENT_FIRST: &str = "ORDER BY updated_at DESC, id DESC";

pub fn recent_first(a: (&str, &str), b: (&str, &str)) -> Ordering {
    instant(b.0).cmp(&instant(a.0)).then_with(|| b.1.cmp(a.1))
}

/// Sorts by `key`, which gives (text, id) for [`by_name`], [`by_title`] or
/// [`recent_first`].
pub fn sort<T>(
    items: &mut [T],
    order: fn((&str, &str), (&str, &str)) -> Ordering,
    key: impl Fn(&T) -> (&str, &str),
) {
    items.sort_by(|a, b| order(key(a), key(b)));
}

/// A stored timestamp as a number, so that "10:00:00Z" and "10:00:00.5Z" compare by time,
/// not by text. Unreadable ones sort as the earliest.
fn instant(text: &str) -> i128 {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_or(i128::MIN, |t| t.unix_timestamp_nanos())
}

/// Most rows a list page shows; searching narrows it.
pub const LIST_LIMIT: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_order_as_folded_and_ties_by_id() {
        let mut names = [("كيان", "3"), ("Zed", "1"), ("alpha", "9"), ("کیان", "2")];
        names.sort_by(|a, b| by_name(*a, *b));
        assert_eq!(
            names,
            [("alpha", "9"), ("Zed", "1"), ("کیان", "2"), ("كيان", "3")]
        );
    }

    #[test]
    fn recent_first_compares_times_not_text() {
        let mut at = [
            ("2026-12-01T10:00:00Z", "a"),
            ("2026-12-01T10:00:00.5Z", "b"),
            ("2026-12-01T09:59:59.999Z", "c"),
            ("2026-12-01T10:00:00Z", "d"),
        ];
        at.sort_by(|a, b| recent_first(*a, *b));
        let ids: Vec<&str> = at.iter().map(|a| a.1).collect();
        assert_eq!(ids, ["b", "d", "a", "c"]);
    }
}
