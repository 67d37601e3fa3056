//! The server's rule for an edit made from an older copy of a record, field by field:
//! - a field the edit did not change keeps whatever the record has now;
//! - a field nobody else changed since the editor's copy takes the edit;
//! - a field both changed: descriptive fields (names, notes, dates) keep the later edit by
//!   hybrid logical clock, wherever it was made; guarded fields (money, stage) are not
//!   overwritten: the edit comes back as a conflict for the person to settle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Fields;
use super::clock::Hlc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    pub field: String,
    pub mine: Value,
    pub theirs: Value,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// The record's fields after the edit.
    pub fields: Fields,
    /// Per-field clocks after the edit.
    pub clocks: BTreeMap<String, Hlc>,
    /// Fields where a later edit from elsewhere was kept instead of this one.
    pub superseded: Vec<String>,
    pub conflicts: Vec<FieldConflict>,
}

/// Applies `mine` (fields an editor set, starting from `base`) to `current`, a record whose
/// fields carry the clocks `clocks`. `clock` is the edit's clock; `guarded` the fields that
/// conflict rather than merge.
pub fn merge(
    current: &Fields,
    clocks: &BTreeMap<String, Hlc>,
    base: &Fields,
    mine: &Fields,
    clock: &Hlc,
    guarded: &[&str],
) -> Merged {
    let mut out = Merged {
        fields: current.clone(),
        clocks: clocks.clone(),
        ..Merged::default()
    };
    for (field, value) in mine {
        let Some(now) = current.get(field) else {
            continue;
        };
        let was = base.get(field).unwrap_or(&Value::Null);
        // A field no synced edit has set yet has no clock: any edit is later.
        let later = clocks
            .get(field)
            .is_none_or(|field_clock| clock > field_clock);
        // Already equal, or untouched since the device's base: the device's value stands.
        let take = if now == value || now == was {
            true
        } else if guarded.contains(&field.as_str()) {
            out.conflicts.push(FieldConflict {
                field: field.clone(),
                mine: value.clone(),
                theirs: now.clone(),
            });
            false
        } else if later {
            true
        } else {
            out.superseded.push(field.clone());
            false
        };
        if take {
            out.fields.insert(field.clone(), value.clone());
            if later {
                out.clocks.insert(field.clone(), clock.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        value.as_object().cloned().unwrap_or_default()
    }

    /// A clock at `ms` from device "d".
    fn at(ms: i64) -> Hlc {
        Hlc {
            ms,
            counter: 0,
            node: "d".into(),
        }
    }

    fn clocks(pairs: &[(&str, i64)]) -> BTreeMap<String, Hlc> {
        pairs
            .iter()
            .map(|(k, ms)| ((*k).to_owned(), at(*ms)))
            .collect()
    }

    #[test]
    fn edits_to_different_fields_both_survive() {
        let base = fields(json!({"title": "Fleet", "value": "100"}));
        let current = fields(json!({"title": "Fleet", "value": "250"}));
        let mine = fields(json!({"title": "Fleet renewal"}));
        let merged = merge(&current, &BTreeMap::new(), &base, &mine, &at(2), &["value"]);
        assert_eq!(
            merged.fields,
            fields(json!({"title": "Fleet renewal", "value": "250"}))
        );
        assert!(merged.conflicts.is_empty() && merged.superseded.is_empty());
        assert_eq!(merged.clocks.get("title"), Some(&at(2)));
    }

    #[test]
    fn same_descriptive_field_keeps_the_later_clock_not_the_later_arrival() {
        let base = fields(json!({"next_step": "Call"}));
        let current = fields(json!({"next_step": "Visit at 11"}));
        let newer = clocks(&[("next_step", 11)]);
        let older_edit = fields(json!({"next_step": "Email at 10"}));
        let merged = merge(&current, &newer, &base, &older_edit, &at(10), &[]);
        assert_eq!(merged.fields, current);
        assert_eq!(merged.superseded, vec!["next_step".to_owned()]);
        let later_edit = merge(&current, &newer, &base, &older_edit, &at(12), &[]);
        assert_eq!(
            later_edit.fields.get("next_step"),
            Some(&json!("Email at 10"))
        );
    }

    #[test]
    fn same_guarded_field_is_a_conflict_and_keeps_theirs() {
        let base = fields(json!({"value": "100", "stage": "a"}));
        let current = fields(json!({"value": "300", "stage": "a"}));
        let mine = fields(json!({"value": "200", "stage": "b"}));
        let merged = merge(
            &current,
            &BTreeMap::new(),
            &base,
            &mine,
            &at(9),
            &["value", "stage"],
        );
        assert_eq!(merged.fields, fields(json!({"value": "300", "stage": "b"})));
        assert_eq!(
            merged.conflicts,
            vec![FieldConflict {
                field: "value".into(),
                mine: json!("200"),
                theirs: json!("300")
            }]
        );
    }

    #[test]
    fn applying_the_same_edit_twice_changes_nothing_more() {
        let base = fields(json!({"title": "A", "value": "1"}));
        let current = base.clone();
        let mine = fields(json!({"title": "B", "value": "2"}));
        let once = merge(&current, &BTreeMap::new(), &base, &mine, &at(5), &["value"]);
        let twice = merge(&once.fields, &once.clocks, &base, &mine, &at(5), &["value"]);
        assert_eq!(once.fields, twice.fields);
        assert_eq!(once.clocks, twice.clocks);
        assert!(twice.conflicts.is_empty() && twice.superseded.is_empty());
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let current = fields(json!({"title": "A"}));
        let mine = fields(json!({"owner": "someone-else"}));
        let merged = merge(
            &current,
            &BTreeMap::new(),
            &Fields::new(),
            &mine,
            &at(1),
            &[],
        );
        assert_eq!(merged.fields, current);
    }
}
