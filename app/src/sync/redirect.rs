//! Changes made before their device heard of a merge. A merge moves a record's links to the
//! record that stays and puts the other in the Trash; a change queued meanwhile may still
//! edit the merged-away record, or link to it. The same rule points it at the survivor on
//! the server (a push made before the device pulled the merge) and on the device (its
//! outbox, when a pull brings the merge): the edit lands on the survivor, field by field
//! as any edit made from an older copy, and a link goes where the merge moved the others.

use super::{Fields, Mutation, RowKey};
use crate::ids::Id;

/// The records a change names, any of which a merge may have taken away: the record it
/// edits (not one it deletes: deleting what is already in the Trash is done), and the
/// records its link fields name, before and after.
pub fn referenced(mutation: &Mutation) -> Vec<RowKey> {
    let mut keys = Vec::new();
    if mutation.op.is_edit() {
        keys.push(RowKey {
            table: mutation.table,
            id: mutation.id.clone(),
        });
    }
    for link in crate::kinds::links_of(mutation.table) {
        for fields in std::iter::once(&mutation.fields).chain(mutation.base.as_ref()) {
            if let Some(serde_json::Value::String(id)) = fields.get(link.field)
                && !id.is_empty()
            {
                let key = RowKey {
                    table: link.to,
                    id: id.as_str().into(),
                };
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
    }
    keys
}

/// `mutation` pointed at the survivors of the records it names that were merged away
/// (`survivor` answers for a record merged away, else `None`); `None` when it names none.
pub fn redirect(mutation: &Mutation, survivor: impl Fn(&RowKey) -> Option<Id>) -> Option<Mutation> {
    let mut out = mutation.clone();
    let mut moved = false;
    if mutation.op.is_edit()
        && let Some(into) = survivor(&RowKey {
            table: mutation.table,
            id: mutation.id.clone(),
        })
    {
        // The edit's `base` stays the merged-away record's: a field the merge gave another
        // value since is then settled like any field changed elsewhere meanwhile.
        out.id = into;
        moved = true;
    }
    let relink = |fields: &mut Fields, moved: &mut bool| {
        for link in crate::kinds::links_of(mutation.table) {
            if let Some(serde_json::Value::String(id)) = fields.get(link.field)
                && let Some(into) = survivor(&RowKey {
                    table: link.to,
                    id: id.as_str().into(),
                })
            {
                fields.insert(link.field.to_owned(), into.to_string().into());
                *moved = true;
            }
        }
    };
    relink(&mut out.fields, &mut moved);
    if let Some(base) = out.base.as_mut() {
        // Also in the base: the merge moved the link, not this editor, so it is no edit of
        // theirs to weigh against this one.
        relink(base, &mut moved);
    }
    moved.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::Table;
    use crate::sync::Op;
    use crate::sync::clock::Hlc;

    const GONE: &str = "00000000-0000-4000-8000-0000000000a1";
    const KEPT: &str = "00000000-0000-4000-8000-0000000000b2";
    const OTHER: &str = "00000000-0000-4000-8000-0000000000c3";

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).into()))
            .collect()
    }

    fn survivor(key: &RowKey) -> Option<Id> {
        (key.id.as_str() == GONE).then(|| KEPT.into())
    }

    fn change(table: Table, id: &str, base: Fields, set: Fields, op: Op) -> Mutation {
        Mutation {
            table,
            id: id.into(),
            base: Some(base),
            fields: set,
            clock: Hlc::zero("test"),
            op,
        }
    }

    #[test]
    fn an_edit_of_a_merged_away_record_edits_its_survivor_and_links_follow() {
        let edit = change(
            Table::Company,
            GONE,
            fields(&[("phone", "021 1"), ("name", "Pars")]),
            fields(&[("phone", "021 2")]),
            Op::Edit,
        );
        assert_eq!(referenced(&edit).len(), 1);
        let moved = redirect(&edit, survivor).expect("redirected");
        assert_eq!(moved.id.as_str(), KEPT);
        assert_eq!(moved.fields, edit.fields, "the edit's values are kept");
        assert_eq!(moved.base, edit.base, "and its base, to settle as any edit");

        let contact = change(
            Table::Contact,
            OTHER,
            fields(&[("company", GONE), ("name", "Ali")]),
            fields(&[("company", GONE), ("name", "Ali Rezaei")]),
            Op::Edit,
        );
        let keys = referenced(&contact);
        assert!(keys.contains(&RowKey {
            table: Table::Company,
            id: GONE.into()
        }));
        let moved = redirect(&contact, survivor).expect("relinked");
        assert_eq!(moved.id.as_str(), OTHER);
        assert_eq!(moved.fields.get("company"), Some(&KEPT.into()));
        assert_eq!(
            moved.base.as_ref().and_then(|b| b.get("company")),
            Some(&KEPT.into())
        );
        assert_eq!(moved.fields.get("name"), Some(&"Ali Rezaei".into()));
    }

    #[test]
    fn a_delete_of_a_merged_away_record_stays_its_own_and_other_changes_are_untouched() {
        let delete = change(
            Table::Company,
            GONE,
            Fields::new(),
            Fields::new(),
            Op::Delete,
        );
        assert!(referenced(&delete).is_empty());
        assert_eq!(
            redirect(&delete, survivor),
            None,
            "never deletes the survivor"
        );
        let plain = change(
            Table::Contact,
            OTHER,
            fields(&[("company", OTHER)]),
            fields(&[("name", "Sara")]),
            Op::Edit,
        );
        assert_eq!(redirect(&plain, survivor), None);
    }
}
