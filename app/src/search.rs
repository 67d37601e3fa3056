//! Search everywhere: one box over every kind, Persian-aware, ranked. The device searches
//! its own copy (so it works offline, at typing speed); online the server adds what the
//! device does not keep. Both rank with [`score`], so a result sits in the same place
//! whichever side found it.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::kinds::Table;

pub mod index;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

/// Results shown per kind: the best matches come first, and drawing more costs every
/// keystroke on a slow phone (BENCHMARKS.md).
pub const PER_KIND: usize = 10;
/// Shortest query searched: one letter matches nearly everything.
pub const MIN_CHARS: usize = 2;

/// How a query word meets a text: as a whole word, as the start of one, or inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Word = 0,
    Prefix = 1,
    Inside = 2,
}

/// A text a record is found by, folded, and whether it names the record (a match there
/// ranks before one in notes or an address).
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub folded: String,
    pub names: bool,
}

impl Text {
    pub fn new(text: &str, names: bool) -> Text {
        Text {
            folded: crate::text::fold(text),
            names,
        }
    }
}

/// One found record, as the results list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub table: Table,
    pub id: String,
    pub title: String,
    /// A second line: the company of a contact or deal, a case's reference.
    #[serde(default)]
    pub detail: Option<String>,
    /// Lower ranks first (see [`score`]).
    pub score: u32,
}

/// The query's words, folded. A query that reads as a phone number is one word, its phone
/// key, so `+98 912` finds `0912…` (see [`crate::text::phone_key`]).
pub fn terms(query: &str) -> Vec<String> {
    if let Some(key) = crate::text::phone_key(query.trim()) {
        return vec![key];
    }
    crate::text::fold(query)
        .split_whitespace()
        .map(|word| match crate::text::phone_key(word) {
            Some(key) if word.chars().any(|c| c == '+') || word.len() >= 4 => key,
            _ => word.to_owned(),
        })
        .collect()
}

fn fit(text: &str, term: &str) -> Option<Fit> {
    let mut best: Option<Fit> = None;
    for (at, _) in text.match_indices(term) {
        let starts = !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let end = at + term.len();
        let ends = !text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
        let this = match (starts, ends) {
            (true, true) => Fit::Word,
            (true, false) => Fit::Prefix,
            _ => Fit::Inside,
        };
        best = Some(best.map_or(this, |b| b.min(this)));
        if this == Fit::Word {
            break;
        }
    }
    best
}

/// How well `texts` match every one of `terms`: `None` if a term matches nowhere; otherwise
/// the sum over terms of the best match (whole word 0, start of a word 1, inside a word 2;
/// 3 more when not in a name). Lower is better.
pub fn score(texts: &[Text], terms: &[String]) -> Option<u32> {
    if terms.is_empty() {
        return None;
    }
    terms.iter().try_fold(0, |total, term| {
        let best = texts
            .iter()
            .filter_map(|t| fit(&t.folded, term).map(|f| f as u32 + if t.names { 0 } else { 3 }))
            .min()?;
        Some(total + best)
    })
}

/// Results by kind, in the order the page shows the kinds, each ranked.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Found {
    pub groups: Vec<(Table, Vec<Hit>)>,
}

impl Found {
    pub fn from_hits(mut hits: Vec<Hit>) -> Found {
        // Folded once per hit, not per comparison: a common word matches thousands.
        hits.sort_by_cached_key(|h| (h.score, crate::text::fold(&h.title)));
        let groups = Table::ALL
            .iter()
            .filter_map(|table| {
                let of: Vec<Hit> = hits
                    .iter()
                    .filter(|h| h.table == *table)
                    .take(PER_KIND)
                    .cloned()
                    .collect();
                (!of.is_empty()).then_some((*table, of))
            })
            .collect();
        Found { groups }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// These results with the server's added where the device had none of them.
    pub fn merged(self, server: Found) -> Found {
        let mut hits: Vec<Hit> = self.groups.into_iter().flat_map(|(_, h)| h).collect();
        for hit in server.groups.into_iter().flat_map(|(_, h)| h) {
            if !hits.iter().any(|h| h.table == hit.table && h.id == hit.id) {
                hits.push(hit);
            }
        }
        Found::from_hits(hits)
    }
}

/// What the server finds that the user may read, for records a device may not keep.
#[server(endpoint = "search", input = Json)]
pub async fn search_server(query: String) -> Result<Found, AppError> {
    crate::server::respond(async move { ssr::find(&crate::server::cx().await?, &query).await })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(name: &str, other: &str) -> Vec<Text> {
        vec![Text::new(name, true), Text::new(other, false)]
    }

    #[test]
    fn a_whole_word_ranks_before_a_prefix_before_a_match_inside_a_word() {
        let q = terms("pars");
        let word = score(&texts("Pars Tile", ""), &q).expect("word");
        let prefix = score(&texts("Parsian Bank", ""), &q).expect("prefix");
        let inside = score(&texts("Tehran Sparsely", ""), &q).expect("inside");
        assert!(word < prefix && prefix < inside, "{word} {prefix} {inside}");
        assert_eq!(score(&texts("Kish Air", ""), &q), None);
    }

    #[test]
    fn names_rank_before_notes_and_every_word_must_match() {
        let q = terms("tile");
        let named = score(&texts("Pars Tile", ""), &q).expect("in the name");
        let noted = score(&texts("Pars Co", "tile supplier"), &q).expect("in notes");
        assert!(named < noted);
        assert!(score(&texts("Pars Tile", "Tabriz"), &terms("tile tabriz")).is_some());
        assert_eq!(
            score(&texts("Pars Tile", "Tabriz"), &terms("tile shiraz")),
            None
        );
        assert_eq!(score(&texts("Pars Tile", ""), &terms("   ")), None);
    }

    #[test]
    fn persian_spellings_and_digits_find_each_other() {
        // Arabic yeh and kaf typed, Persian stored; and the other way round.
        assert!(score(&texts("کاشی پارس", ""), &terms("كاشي")).is_some());
        assert!(score(&texts("علي رضايي", ""), &terms("علی")).is_some());
        // The zero-width non-joiner, typed or not.
        assert!(score(&texts("فروشگاه‌های شهر", ""), &terms("فروشگاههای")).is_some());
        // A phone number in any script and form.
        let phone = texts("Ali", "+98 912 345 6789");
        let key = vec![Text::new("Ali", true), Text::new("09123456789", false)];
        assert!(score(&key, &terms("۰۹۱۲۳۴۵")).is_some());
        assert!(score(&key, &terms("+98 912")).is_some());
        assert!(score(&key, &terms("0098 912 345")).is_some());
        assert!(score(&key, &terms("+98912")).is_some());
        assert!(score(&phone, &terms("6789")).is_some());
    }

    #[test]
    fn results_group_by_kind_in_rank_order_and_the_servers_add_only_what_is_missing() {
        let hit = |table, id: &str, score| Hit {
            table,
            id: id.into(),
            title: id.into(),
            detail: None,
            score,
        };
        let local = Found::from_hits(vec![
            hit(Table::Deal, "d2", 3),
            hit(Table::Company, "c1", 1),
            hit(Table::Deal, "d1", 0),
        ]);
        assert_eq!(local.groups[0].0, Table::Company);
        assert_eq!(
            local.groups[1]
                .1
                .iter()
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>(),
            ["d1", "d2"]
        );
        let server = Found::from_hits(vec![hit(Table::Deal, "d1", 0), hit(Table::Deal, "d0", 5)]);
        let merged = local.merged(server);
        assert_eq!(
            merged.groups[1]
                .1
                .iter()
                .map(|h| h.id.as_str())
                .collect::<Vec<_>>(),
            ["d1", "d2", "d0"]
        );
    }
}
