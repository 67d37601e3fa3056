//! **Merge**: two companies (or two contacts) that are one. The user picks the record that
//! stays and, field by field, the values it keeps; every record linked to the other one
//! (contacts, deals, activities, cases) moves to it; the other goes to the Trash marked as
//! merged, with its history kept, and the merge can be undone for as long as the Trash keeps
//! it. It all happens in one transaction on the server, which checks that neither record
//! changed since the user compared them. Devices hear of it at their next pull, which names
//! the merged-away record with its survivor, so changes queued for it go there
//! ([`crate::sync::redirect`]).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::kinds::Table;
use crate::sync::Fields;

pub mod moved;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

/// The kinds the Duplicates page finds, and so the kinds that merge.
pub const KINDS: &[Table] = &[Table::Company, Table::Contact];

/// One of the two records, as the merge page compares them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub id: String,
    pub name: String,
    pub rev: i64,
    pub created_at: String,
    pub owner_name: String,
    /// The form's fields.
    pub values: Fields,
    /// The same, as shown: a link by its record's name.
    pub shown: BTreeMap<String, String>,
    /// Records linking to it that the user may see, by kind: they move to the one that stays.
    pub linked: Vec<(Table, i64)>,
}

impl Side {
    /// How many records link to it.
    pub fn linked_count(&self) -> i64 {
        self.linked.iter().map(|(_, n)| n).sum()
    }

    fn filled(&self, field: &str) -> bool {
        self.values
            .get(field)
            .is_some_and(|v| !(v.is_null() || v.as_str() == Some("")))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    pub table: Table,
    pub sides: [Side; 2],
}

impl Preview {
    /// The side suggested to stay: the one more records link to, else the older one (its
    /// id is the one people have been passing around longer).
    pub fn suggested_keep(&self) -> usize {
        let [a, b] = &self.sides;
        match b.linked_count().cmp(&a.linked_count()) {
            std::cmp::Ordering::Greater => 1,
            std::cmp::Ordering::Less => 0,
            std::cmp::Ordering::Equal => usize::from(b.created_at < a.created_at),
        }
    }

    /// The declared fields whose values differ, in the form's order.
    pub fn differing(&self) -> Vec<&'static str> {
        let [a, b] = &self.sides;
        crate::kinds::fields_of_kind(self.table)
            .iter()
            .map(|f| f.name)
            .filter(|f| a.values.get(*f) != b.values.get(*f))
            .collect()
    }

    /// The fields suggested to come from the other side when `keep` stays: those empty on
    /// `keep` and filled on the other, so a merge loses nothing by default.
    pub fn suggested_take(&self, keep: usize) -> Vec<String> {
        let (kept, other) = (&self.sides[keep], &self.sides[1 - keep]);
        self.differing()
            .into_iter()
            .filter(|f| !kept.filled(f) && other.filled(f))
            .map(str::to_owned)
            .collect()
    }

    /// The fields where both values can stay when `keep` stays: the two differ (as phone
    /// numbers or addresses, not only in how they are written), and the field's second slot
    /// is empty on both, so the other's value can go there ("Both": two phone numbers).
    /// They are suggested so: a merge loses nothing by default.
    pub fn both_possible(&self, keep: usize) -> Vec<&'static str> {
        let (kept, other) = (&self.sides[keep], &self.sides[1 - keep]);
        self.differing()
            .into_iter()
            .filter(|f| {
                let Some(slot) = second_slot(self.table, f) else {
                    return false;
                };
                let text = |side: &Side| {
                    side.values
                        .get(*f)
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                };
                kept.filled(f)
                    && other.filled(f)
                    && !kept.filled(slot)
                    && !other.filled(slot)
                    && !same(
                        self.table,
                        f,
                        &text(kept).unwrap_or_default(),
                        &text(other).unwrap_or_default(),
                    )
            })
            .collect()
    }
}

/// The second slot of `field`, if its kind declares one: the next field shown on the same
/// history line ("phone2" after "phone", "email2" after "email").
pub fn second_slot(table: Table, field: &str) -> Option<&'static str> {
    let fields = crate::kinds::fields_of_kind(table);
    let at = fields.iter().position(|f| f.name == field)?;
    let line = fields[at].history?;
    fields[at + 1..]
        .iter()
        .find(|f| f.history == Some(line))
        .map(|f| f.name)
}

/// Whether two values of `field` are one: a phone number however it is written, an e-mail
/// address in any case.
fn same(table: Table, field: &str, a: &str, b: &str) -> bool {
    let label = crate::kinds::fields_of_kind(table)
        .iter()
        .find(|f| f.name == field)
        .map(|f| f.label);
    match label {
        Some(crate::i18n::Key::FieldPhone) => {
            crate::text::phone_key(a).is_some()
                && crate::text::phone_key(a) == crate::text::phone_key(b)
        }
        Some(crate::i18n::Key::FieldEmail) => a.trim().to_lowercase() == b.trim().to_lowercase(),
        _ => a.trim() == b.trim(),
    }
}

/// The survivor's fields: `keep`'s, with `other`'s value for each field in `take`, and
/// `other`'s value of each field in `both` in that field's empty second slot.
pub fn chosen(
    table: Table,
    keep: &Fields,
    other: &Fields,
    take: &[String],
    both: &[String],
) -> Fields {
    let mut fields = keep.clone();
    for field in take {
        if let (Some(value), true) = (other.get(field), fields.contains_key(field)) {
            fields.insert(field.clone(), value.clone());
        }
    }
    for field in both {
        let Some(slot) = second_slot(table, field) else {
            continue;
        };
        let empty = fields
            .get(slot)
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty));
        if let (Some(value), true) = (other.get(field), empty) {
            fields.insert(slot.to_owned(), value.clone());
        }
    }
    fields
}

/// A merge as the user chose it. `revs` are the two records' revisions as compared (keep's
/// first): if either changed since, nothing is merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeRequest {
    pub table: Table,
    pub keep: String,
    pub other: String,
    pub revs: [i64; 2],
    /// The fields whose value comes from `other`.
    pub take: Vec<String>,
    /// The fields that keep both values, `other`'s in the field's second slot.
    #[serde(default)]
    pub both: Vec<String>,
}

/// What an undo did: the survivor's values are put back unless someone changed it since the
/// merge (then they stay as they are now, and `survivor_kept` says so).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Undone {
    pub survivor_kept: bool,
}

#[server(endpoint = "merge/preview", input = Json)]
pub async fn load_preview(table: Table, a: String, b: String) -> Result<Preview, AppError> {
    crate::server::respond(
        async move { ssr::preview(&crate::server::cx().await?, table, &a, &b).await },
    )
    .await
}

#[server(endpoint = "merge/run", input = Json)]
pub async fn merge(request: MergeRequest) -> Result<(), AppError> {
    crate::server::respond(async move {
        let changes = crate::server::state()?.changes;
        ssr::merge(&crate::server::cx().await?, &request).await?;
        changes.poke();
        Ok(())
    })
    .await
}

/// Undoes the merge that took `id` (of `table`) away.
#[server(endpoint = "merge/undo", input = Json)]
pub async fn undo(table: Table, id: String) -> Result<Undone, AppError> {
    crate::server::respond(async move {
        let changes = crate::server::state()?.changes;
        let undone = ssr::undo(&crate::server::cx().await?, table, &id).await?;
        changes.poke();
        Ok(undone)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(id: &str, linked: i64, created: &str, values: &[(&str, &str)]) -> Side {
        Side {
            id: id.into(),
            name: id.into(),
            rev: 1,
            created_at: created.into(),
            owner_name: String::new(),
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).into()))
                .collect(),
            shown: BTreeMap::new(),
            linked: vec![(Table::Contact, linked)],
        }
    }

    #[test]
    fn the_suggestion_keeps_the_busier_record_and_fills_its_gaps_from_the_other() {
        fn fields<'a>(phone: &'a str, email: &'a str) -> [(&'a str, &'a str); 6] {
            [
                ("name", "Pars Tile"),
                ("industry", ""),
                ("phone", phone),
                ("email", email),
                ("website", ""),
                ("address", ""),
            ]
        }
        let preview = Preview {
            table: Table::Company,
            sides: [
                side("a", 1, "2026-01-02", &fields("021 1", "")),
                side("b", 3, "2026-03-01", &fields("021 2", "info@pars.ir")),
            ],
        };
        assert_eq!(preview.suggested_keep(), 1, "more links");
        assert_eq!(preview.differing(), ["phone", "email"]);
        assert!(
            preview.suggested_take(1).is_empty(),
            "b lacks nothing a has"
        );
        assert_eq!(preview.suggested_take(0), ["email"]);

        let even = Preview {
            sides: [
                side("a", 2, "2026-03-01", &fields("", "")),
                side("b", 2, "2026-01-02", &fields("", "")),
            ],
            ..preview.clone()
        };
        assert_eq!(even.suggested_keep(), 1, "older");

        let [a, b] = &preview.sides;
        let merged = chosen(
            Table::Company,
            &a.values,
            &b.values,
            &["email".into(), "nonsense".into()],
            &[],
        );
        assert_eq!(merged.get("email"), Some(&"info@pars.ir".into()));
        assert_eq!(merged.get("phone"), Some(&"021 1".into()));
        assert!(!merged.contains_key("nonsense"), "only the form's fields");
    }

    /// Two phone numbers can both stay (the other's as the second), two ways of writing one
    /// number cannot, and a second slot already filled is not overwritten.
    #[test]
    fn both_values_stay_when_a_second_slot_is_free() {
        let contact = |id: &str, phone: &str, phone2: &str, email: &str| Side {
            values: [
                ("name", "Ali Rezaei"),
                ("title", ""),
                ("company", ""),
                ("phone", phone),
                ("phone2", phone2),
                ("email", email),
                ("email2", ""),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect(),
            ..side(id, 0, "2026-01-01", &[])
        };
        assert_eq!(second_slot(Table::Contact, "phone"), Some("phone2"));
        assert_eq!(second_slot(Table::Contact, "phone2"), None);
        assert_eq!(second_slot(Table::Company, "phone"), None);
        let preview = Preview {
            table: Table::Contact,
            sides: [
                contact("a", "0912 345 6789", "", "ali@x.ir"),
                contact("b", "021 8888 1234", "", "ALI@X.IR"),
            ],
        };
        assert_eq!(
            preview.both_possible(0),
            ["phone"],
            "the e-mails are one address"
        );
        let [a, b] = &preview.sides;
        let merged = chosen(Table::Contact, &a.values, &b.values, &[], &["phone".into()]);
        assert_eq!(merged.get("phone"), Some(&"0912 345 6789".into()));
        assert_eq!(merged.get("phone2"), Some(&"021 8888 1234".into()));

        let one_number = Preview {
            sides: [
                contact("a", "09123456789", "", ""),
                contact("b", "+98 912 345 6789", "", ""),
            ],
            ..preview.clone()
        };
        assert!(
            one_number.both_possible(0).is_empty(),
            "one number, two forms"
        );
        let slot_taken = Preview {
            sides: [
                contact("a", "09123456789", "", ""),
                contact("b", "021 8888 1234", "021 7777 1234", ""),
            ],
            ..preview.clone()
        };
        assert!(
            slot_taken.both_possible(0).is_empty(),
            "its own choice fills it"
        );
        let [a, b] = &slot_taken.sides;
        let kept = chosen(
            Table::Contact,
            &a.values,
            &b.values,
            &["phone2".into()],
            &["phone".into()],
        );
        assert_eq!(
            kept.get("phone2"),
            Some(&"021 7777 1234".into()),
            "not overwritten"
        );
    }
}
