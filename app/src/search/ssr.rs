//! The server's half of search: records the user may read whose name holds the query's
//! longest word, ranked by the same rule as the device's (it reads them as a device would).

use super::{Found, MIN_CHARS, index, terms};
use crate::db::{self};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::kinds::{SyncRow, Table};
use crate::records::{bind_actor, read_filter};
use crate::server::{Cx, internal};
use crate::sync::replica::Replica;

/// Longest query taken.
const MAX_CHARS: usize = 200;
/// Candidates read per kind before ranking.
const CANDIDATES: i64 = 100;

/// The ways a folded word may be stored: as folded (Persian letters, ASCII digits), with
/// Arabic yeh and kaf, and with Persian digits.
fn spellings(word: &str) -> Vec<String> {
    let arabic: String = word
        .chars()
        .map(|c| match c {
            '\u{06CC}' => '\u{064A}',
            '\u{06A9}' => '\u{0643}',
            other => other,
        })
        .collect();
    let mut all = vec![word.to_owned(), arabic, crate::text::persian_digits(word)];
    all.dedup();
    all
}

pub async fn find(cx: &Cx, query: &str) -> AppResult<Found> {
    if query.chars().count() > MAX_CHARS {
        let mut errors = FieldErrors::default();
        errors.add(
            "query",
            Problem::TooLong {
                max: MAX_CHARS as u32,
            },
        );
        return Err(AppError::Validation(errors));
    }
    let words = terms(query);
    let Some(longest) = words.iter().max_by_key(|w| w.chars().count()) else {
        return Ok(Found::default());
    };
    if query.trim().chars().count() < MIN_CHARS {
        return Ok(Found::default());
    }
    let filter = read_filter(&cx.actor);
    let mut replica = Replica::default();
    for table in Table::ALL {
        // Names are matched where they are stored: companies and contacts by their folded
        // key, the other kinds by their lower-cased name in each way it may be spelled.
        let name = match table {
            Table::Company | Table::Contact => "name_lc",
            Table::Deal => "string::lowercase(title)",
            Table::Activity => "string::lowercase(subject)",
            Table::Case => "string::lowercase(subject + ' ' + (reference ?? ''))",
        };
        let sql = format!(
            "SELECT * FROM type::table($tb) WHERE {filter}
             AND ({name} CONTAINS $a OR {name} CONTAINS $b OR {name} CONTAINS $c) LIMIT $limit"
        );
        let ways = spellings(longest);
        let way = |i: usize| ways.get(i).unwrap_or(&ways[0]).clone();
        let mut response = db::run(
            bind_actor(cx.db.query(sql), &cx.actor)
                .bind(("tb", table.name()))
                .bind(("a", way(0)))
                .bind(("b", way(1)))
                .bind(("c", way(2)))
                .bind(("limit", CANDIDATES)),
        )
        .await?;
        let rows: Vec<serde_json::Value> = response.take(0).map_err(internal)?;
        for row in rows {
            replica.upsert(SyncRow::from_value(*table, row).map_err(internal)?);
        }
    }
    Ok(index::find(&index::entries(&replica), query))
}
