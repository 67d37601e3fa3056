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

/// SurrealQL that records `$changes` against `$changed` by `$by`; meant to run inside the
/// same transaction as the write it describes.
pub const RECORD_CHANGES: &str =
    "FOR $c IN $changes { CREATE change CONTENT { subject: $changed, by: $by, field: $c.field, old: $c.old, new: $c.new }; };";

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
