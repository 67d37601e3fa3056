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

/// Appends `$changed` to the sync log under the next global sequence number, with who could
/// read it before (`$scope_before`) and after the change: a pull names a record that left a
/// user's sight only to users who could see it.
macro_rules! log_change {
    () => {
        "LET $scope_after = (SELECT owner, team FROM ONLY $changed);
         LET $sync_seq = (UPSERT ONLY sync_counter:main SET n += 1 RETURN VALUE n);
         CREATE sync_log CONTENT { seq: $sync_seq, tb: record::tb($changed), record: $changed,
            owners: array::complement(array::distinct([$scope_before.owner, $scope_after.owner]), [NONE, NULL]),
            teams: array::complement(array::distinct([$scope_before.team, $scope_after.team]), [NONE, NULL]) };"
    };
}

/// SurrealQL that logs a change to `$changed` for sync; `$scope_before` must hold the
/// record's `owner` and `team` from before the change (NONE for a new record).
pub const LOG_CHANGE: &str = log_change!();

/// One transaction around `write`, a change to the synced record `$changed` by `$by` (whose
/// set comes from [`crate::records::plain_set`], which stores a synced edit's `$clocks`): it
/// records the field history `$changes`, the `$receipt` of the pushed change it applies (so
/// a push retried after a crash finds it answered), and the sync log entry. Everything
/// commits together or not at all.
pub fn transaction(write: &str) -> String {
    format!(
        "BEGIN TRANSACTION;
         LET $scope_before = (SELECT owner, team FROM ONLY $changed);
         {write}
         FOR $c IN $changes {{ CREATE change CONTENT {{ subject: $changed, by: $by, field: $c.field, old: $c.old, new: $c.new }}; }};
         IF $receipt != NONE {{ {receipt} }};
         {LOG_CHANGE}
         COMMIT TRANSACTION;",
        receipt = crate::sync::ssr::STORE_RECEIPT
    )
}

pub fn changes_var(changes: &[FieldChange]) -> AppResult<serde_json::Value> {
    let rows: Vec<ChangeRow> = changes
        .iter()
        .map(|c| ChangeRow {
            field: c.field,
            old: &c.old,
            new: &c.new,
        })
        .collect();
    db::vars(&serde_json::json!({ "changes": rows }))
}

/// A record's history, with that of the records merged into it (kept in the Trash), each
/// of those changes marked with the merged record's name.
pub async fn list(db: &Db, subject: RecordId) -> AppResult<Vec<Change>> {
    #[derive(serde::Deserialize)]
    struct Merged {
        key: String,
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Row {
        #[serde(flatten)]
        change: Change,
        subject: String,
    }
    let mut response = db::run(
        db.query(
            "SELECT VALUE record FROM trash WHERE merged_into = $subject;
             SELECT <string> record AS key, name FROM trash WHERE merged_into = $subject;",
        )
        .bind(("subject", subject.clone())),
    )
    .await?;
    let mut subjects: Vec<RecordId> = response.take(0).map_err(crate::server::internal)?;
    let merged: Vec<Merged> = db::take_all(&mut response, 1)?;
    subjects.push(subject.clone());
    // The merged record's own "merged into this one" says what the survivor's "merged"
    // entry says already.
    let mut response = db::run(
        db.query(
            "SELECT <string> at AS at, by.name AS by_name, field, old, new, <string> subject AS subject FROM change
             WHERE subject IN $subjects AND (subject = $subject OR field != $merged_into)
             ORDER BY at DESC LIMIT 100",
        )
        .bind(("subjects", subjects))
        .bind(("subject", subject.clone()))
        .bind(("merged_into", super::MERGED_INTO)),
    )
    .await?;
    let rows: Vec<Row> = db::take_all(&mut response, 0)?;
    Ok(rows
        .into_iter()
        .map(|row| Change {
            of: merged
                .iter()
                .find(|m| m.key == row.subject)
                .map(|m| m.name.clone()),
            ..row.change
        })
        .collect())
}
