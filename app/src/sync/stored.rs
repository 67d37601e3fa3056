//! How the device's confirmed rows are read back from storage: one snapshot of every row,
//! then the rows stored one by one since (a removed row stored as `null`). The browser
//! splices the stored JSON together (see `device.js`), so starting the app is one parse.

use serde::Deserialize;

use super::replica::Replica;
use super::{RowKey, SyncRow, Table};

/// The confirmed rows as stored: the snapshot, then each row stored since by its key
/// (`None`: removed).
#[derive(Debug, Deserialize)]
pub struct StoredRows<T> {
    pub snapshot: Vec<T>,
    pub log: Vec<(String, Option<T>)>,
}

impl StoredRows<SyncRow> {
    /// Parses the rows in one go; only if that fails (a row this version cannot read) row by
    /// row, leaving out and counting those it cannot read. `None`: the text is not JSON.
    pub fn parse(text: &str) -> Option<(StoredRows<SyncRow>, usize)> {
        if let Ok(rows) = serde_json::from_str(text) {
            return Some((rows, 0));
        }
        let values: StoredRows<serde_json::Value> = serde_json::from_str(text).ok()?;
        let mut unreadable = 0;
        let mut read = |value: serde_json::Value| {
            serde_json::from_value::<SyncRow>(value)
                .inspect_err(|_| unreadable += 1)
                .ok()
        };
        let snapshot = values.snapshot.into_iter().filter_map(&mut read).collect();
        let log = values
            .log
            .into_iter()
            .filter_map(|(key, value)| match value {
                None => Some((key, None)),
                Some(value) => read(value).map(|row| (key, Some(row))),
            })
            .collect();
        Some((StoredRows { snapshot, log }, unreadable))
    }

    /// Puts the snapshot in `replica`, then what was stored since, in order.
    pub fn fold_into(self, replica: &mut Replica) {
        for row in self.snapshot {
            replica.upsert(row);
        }
        for (key, row) in self.log {
            match row {
                Some(row) => replica.upsert(row),
                None => {
                    if let Some(key) = parse_key(&key) {
                        replica.remove(&key);
                    }
                }
            }
        }
    }
}

/// The key a row is stored under: its table's name and its id.
pub fn key(table: Table, id: &str) -> String {
    format!("{}/{id}", table.name())
}

/// The row a stored key names, if it names one.
pub fn parse_key(key: &str) -> Option<RowKey> {
    let (table, id) = key.split_once('/')?;
    Some(RowKey {
        table: Table::from_name(table)?,
        id: id.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Actor, Role};
    use crate::companies::{CompanyInput, CompanyRow};
    use crate::i18n::Locale;
    use crate::sync::replica::{Context, Synced};

    fn company(name: &str) -> SyncRow {
        let me = Actor {
            id: "rep".into(),
            name: "Rep".into(),
            email: "rep@example.com".into(),
            role: Role::Rep,
            team: None,
            team_name: None,
            locale: Locale::En,
        };
        let pipeline = crate::pipeline::sample("stage");
        let cx = Context {
            me: &me,
            pipeline: &pipeline,
            deal_sources: &[],
            now: "2026-12-01T10:00:00Z",
        };
        let id = crate::ids::new_id();
        let input = CompanyInput {
            id: id.clone(),
            name: name.into(),
            ..Default::default()
        };
        SyncRow::Company(CompanyRow::create(&id, &input, &cx).expect("a valid company"))
    }

    /// The text `device.js` builds from what is stored.
    fn stored(snapshot: &str, log: &[(String, Option<String>)]) -> String {
        let log: Vec<String> = log
            .iter()
            .map(|(key, value)| {
                format!(
                    "[{},{}]",
                    serde_json::to_string(key).expect("a key"),
                    value.as_deref().unwrap_or("null")
                )
            })
            .collect();
        format!(r#"{{"snapshot":{snapshot},"log":[{}]}}"#, log.join(","))
    }

    fn names(replica: &Replica) -> Vec<String> {
        let mut names: Vec<String> = replica.companies.values().map(|c| c.name.clone()).collect();
        names.sort();
        names
    }

    fn stored_key(row: &SyncRow) -> String {
        let RowKey { table, id } = row.key();
        key(table, &id)
    }

    #[test]
    fn a_copy_reads_back_as_the_snapshot_with_later_rows_and_removals_on_top() {
        let (kept, renamed, removed, added) = (
            company("Kept"),
            company("Old name"),
            company("Removed"),
            company("Added"),
        );
        let mut before = Replica::default();
        for row in [&kept, &renamed, &removed] {
            before.upsert(row.clone());
        }
        let snapshot = before.rows_json().expect("rows are written");
        let SyncRow::Company(mut new_name) = renamed.clone() else {
            unreachable!()
        };
        new_name.fields.name = "New name".into();
        let new_name = SyncRow::Company(new_name);
        let log = [
            (
                stored_key(&new_name),
                Some(serde_json::to_string(&new_name).expect("row")),
            ),
            (stored_key(&removed), None),
            (
                stored_key(&added),
                Some(serde_json::to_string(&added).expect("row")),
            ),
        ];
        let (rows, unreadable) = StoredRows::parse(&stored(&snapshot, &log)).expect("JSON");
        assert_eq!(unreadable, 0);
        let mut after = Replica::default();
        rows.fold_into(&mut after);
        assert_eq!(names(&after), ["Added", "Kept", "New name"]);
    }

    #[test]
    fn a_row_this_version_cannot_read_costs_only_that_row() {
        let good = company("Good");
        let snapshot = format!(
            r#"[{},{{"table":"company","row":{{"id":"x","shape":"from another version"}}}}]"#,
            serde_json::to_string(&good).expect("row")
        );
        let log = [(
            "company/y".to_owned(),
            Some(r#"{"table":"gadget","row":{}}"#.to_owned()),
        )];
        let (rows, unreadable) = StoredRows::parse(&stored(&snapshot, &log)).expect("JSON");
        assert_eq!(unreadable, 2);
        let mut replica = Replica::default();
        rows.fold_into(&mut replica);
        assert_eq!(names(&replica), ["Good"]);
    }

    #[test]
    fn text_that_is_not_json_reads_as_nothing() {
        assert!(StoredRows::parse(r#"{"snapshot":[{"table":"#).is_none());
    }

    #[test]
    fn stored_keys_name_their_rows() {
        let row = company("Any");
        assert_eq!(parse_key(&stored_key(&row)), Some(row.key()));
        assert_eq!(parse_key("gadget/1"), None);
        assert_eq!(parse_key("no-slash"), None);
    }
}
