use serde::Serialize;
use surrealdb::types::RecordId;

use super::{Change, FieldChange};
use crate::db::{self, Db};
use crate::error::AppResult;

#[derive(Serialize)]
struct ChangeRow<'a> {
    field: &'a str,
    old: &'a Option<String>,
    new: &'a Option<String>,
}

/// Appends `$changed` to the sync log under the next global sequence number.
macro_rules! log_change {
    () => {
        "LET $sync_seq = (UPSERT ONLY sync_counter:main SET n += 1 RETURN VALUE n);
         CREATE sync_log CONTENT { seq: $sync_seq, tb: record::tb($changed), record: $changed };"
    };
}

/// SurrealQL that records `$changes` against `$changed` by `$by`; meant to run inside the
/// same transaction as the write it describes.
/// When `$clocks` is bound (a synced edit), it replaces the record's per-field clocks. Every
/// change also takes the next sync sequence number (see `sync::ssr`).
pub const RECORD_CHANGES: &str = concat!(
    "FOR $c IN $changes { CREATE change CONTENT { subject: $changed, by: $by, field: $c.field, old: $c.old, new: $c.new }; };
     IF $clocks != NONE { UPDATE $changed SET clocks = $clocks; };",
    log_change!()
);



pub const LOG_CHANGE: &str = log_change!();

pub fn changes_var(changes: &[FieldChange]) -> AppResult<serde_json::Value> {
    let rows: Vec<ChangeRow> =
        changes.iter().map(|c| ChangeRow { field: c.field, old: &c.old, new: &c.new }).collect();
    db::vars(&serde_json::json!({ "changes": rows }))
}

pub async fn list(db: &Db, subject: RecordId) -> AppResult<Vec<Change>> {
    let mut response = db::run(
        db.query(
            "SELECT <string> at AS at, by.name AS by_name, field, old, new FROM change
             WHERE subject = $subject ORDER BY at DESC LIMIT 100",
        )
        .bind(("subject", subject)),
    )
    .await?;
    db::take_all(&mut response, 0)
}
