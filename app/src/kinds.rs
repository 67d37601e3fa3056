//! The registry of synced record kinds: the only place that lists them. Everything that
//! must know every kind — the table names, the row a pull carries, the device's maps, the
//! dispatch of a pushed change, the labels and links of the sync-issues page — is generated
//! here from one line per kind, so the sync core names no domain module and a new kind is
//! its own module (declaring [`Synced`]) plus one line below.
//!
//! A declarative macro rather than trait objects: the kinds are a closed set known when the
//! crate compiles, `Table` and `SyncRow` must be plain serde enums on the wire and in the
//! device's storage, and generic code over `R: Synced` stays monomorphic (no boxing, nothing
//! extra in the wasm).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::auth::Scope;
use crate::error::AppError;
use crate::i18n::Key;
use crate::ids::Id;
use crate::sync::replica::{Context, Synced};
use crate::sync::{Mutation, Reference, RowKey};

/// Code run with a kind's row type, chosen at run time by its [`Table`].
pub trait Visit {
    type Out;
    fn visit<R: Synced>(self) -> Self::Out;
}

macro_rules! kinds {
    ($($kind:ident = $name:literal, $rows:ident: $row:ty, $path:literal, $label:ident;)*) => {
        /// A synced table, as it is named on the wire, in the database and in storage.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Table {
            $($kind,)*
        }

        impl Table {
            /// In the order a first download fetches them: linked records before their links.
            pub const ALL: &'static [Table] = &[$(Table::$kind),*];

            pub const fn name(self) -> &'static str {
                match self {
                    $(Table::$kind => $name,)*
                }
            }

            /// An unknown name is `None`, never a default kind.
            pub fn from_name(name: &str) -> Option<Table> {
                match name {
                    $($name => Some(Table::$kind),)*
                    _ => None,
                }
            }

            /// The kind, as the sync-issues page names it.
            pub const fn label(self) -> Key {
                match self {
                    $(Table::$kind => Key::$label,)*
                }
            }

            /// The field that names a record of this kind.
            pub fn name_field(self) -> &'static str {
                match self {
                    $(Table::$kind => <$row as Synced>::NAME,)*
                }
            }

            /// Where a record of this kind is shown.
            pub fn href(self, id: &str) -> String {
                match self {
                    $(Table::$kind => format!(concat!("/", $path, "/{}"), id),)*
                }
            }

            /// Where a record of this kind is edited.
            pub fn edit_href(self, id: &str) -> String {
                match self {
                    $(Table::$kind => format!(concat!("/", $path, "/{}/edit"), id),)*
                }
            }

            pub fn visit<V: Visit>(self, visitor: V) -> V::Out {
                match self {
                    $(Table::$kind => visitor.visit::<$row>(),)*
                }
            }
        }

        /// A row as a pull carries it and the device stores it.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "table", content = "row", rename_all = "lowercase")]
        pub enum SyncRow {
            $($kind($row),)*
        }

        impl SyncRow {
            pub fn key(&self) -> RowKey {
                match self {
                    $(SyncRow::$kind(row) => RowKey { table: Table::$kind, id: row.id().into() },)*
                }
            }

            /// A row of `table` as the database returned it.
            pub fn from_value(table: Table, value: serde_json::Value) -> serde_json::Result<SyncRow> {
                Ok(match table {
                    $(Table::$kind => SyncRow::$kind(serde_json::from_value(value)?),)*
                })
            }
        }

        /// The device's copy: the rows of every kind the user may see, by id, and what every
        /// screen needs besides.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct Replica {
            pub reference: Option<Reference>,
            $(pub $rows: BTreeMap<Id, $row>,)*
        }

        $(
            impl Held for $row {
                fn rows(replica: &Replica) -> &BTreeMap<Id, Self> {
                    &replica.$rows
                }
                fn rows_mut(replica: &mut Replica) -> &mut BTreeMap<Id, Self> {
                    &mut replica.$rows
                }
            }
        )*

        impl Replica {
            pub fn upsert(&mut self, row: SyncRow) {
                match row {
                    $(SyncRow::$kind(row) => _ = self.$rows.insert(row.id().into(), row),)*
                }
            }

            pub fn remove(&mut self, key: &RowKey) {
                match key.table {
                    $(Table::$kind => _ = self.$rows.remove(&key.id),)*
                }
            }

            /// Drops the rows a device no longer keeps (see [`crate::sync::horizon`]), but
            /// never one in `pending` (an edit waiting to be sent is replayed on it); answers
            /// the keys dropped.
            pub fn prune(
                &mut self,
                horizon: &crate::sync::horizon::Horizon,
                pending: &std::collections::BTreeSet<RowKey>,
            ) -> Vec<RowKey> {
                let mut gone = Vec::new();
                $(
                    self.$rows.retain(|id, row| {
                        let key = RowKey { table: Table::$kind, id: id.clone() };
                        let keep = row.kept(horizon) || pending.contains(&key);
                        if !keep {
                            gone.push(key);
                        }
                        keep
                    });
                )*
                gone
            }

            /// Who a record held here belongs to.
            pub fn scope_of(&self, key: &RowKey) -> Option<Scope> {
                match key.table {
                    $(Table::$kind => self.$rows.get(&key.id).map(|r| r.scope()),)*
                }
            }

            /// The records held here that link to `key`, by any field their kind declares.
            pub fn linked_to(&self, key: &RowKey) -> Vec<RowKey> {
                let mut found = Vec::new();
                $(
                    for link in <$row as Synced>::LINKS.iter().filter(|l| l.to == key.table) {
                        found.extend(
                            self.$rows
                                .values()
                                .filter(|r| r.linked_id(link.field).as_ref() == Some(&key.id))
                                .map(|r| RowKey { table: Table::$kind, id: r.id().into() }),
                        );
                    }
                )*
                found
            }

            pub fn len(&self) -> usize {
                0 $(+ self.$rows.len())*
            }

            /// Every row held, as one JSON array of [`SyncRow`]s: the device stores its copy
            /// so, to read it back in one parse. `None` if a row cannot be written (then the
            /// copy is kept row by row instead).
            pub fn rows_json(&self) -> Option<String> {
                /// A [`SyncRow`] by reference, so writing the copy clones nothing.
                #[derive(Serialize)]
                #[serde(tag = "table", content = "row", rename_all = "lowercase")]
                enum RowRef<'a> {
                    $($kind(&'a $row),)*
                }
                let mut all = Vec::with_capacity(self.len());
                $(all.extend(self.$rows.values().map(RowRef::$kind));)*
                serde_json::to_string(&all).ok()
            }

            /// Every row key held, for checks that nothing outside the user's scope is kept.
            pub fn scopes(&self) -> Vec<(RowKey, Scope)> {
                let mut all = Vec::with_capacity(self.len());
                $(all.extend(self.$rows.values().map(|r| {
                    (RowKey { table: Table::$kind, id: r.id().into() }, r.scope())
                }));)*
                all
            }

            pub(crate) fn replay_kind(&mut self, mutation: &Mutation, cx: &Context) -> Result<(), AppError> {
                match mutation.table {
                    $(Table::$kind => crate::sync::replica::replay_into(&mut self.$rows, mutation, cx),)*
                }
            }
        }
    };
}

#[cfg(feature = "ssr")]
impl Table {
    /// The database's id of record `id` of this kind.
    pub fn rid(self, id: &str) -> surrealdb::types::RecordId {
        crate::db::rid(self.name(), id)
    }

    pub fn opt_rid(self, id: Option<&str>) -> Option<surrealdb::types::RecordId> {
        id.map(|id| self.rid(id))
    }
}

/// Where a kind's rows live in the device's copy; implemented for each kind by the registry.
pub trait Held: Sized {
    fn rows(replica: &Replica) -> &BTreeMap<Id, Self>;
    fn rows_mut(replica: &mut Replica) -> &mut BTreeMap<Id, Self>;
}

kinds! {
    Company = "company", companies: crate::companies::CompanyRow, "companies", SyncKindCompany;
    Contact = "contact", contacts: crate::contacts::ContactRow, "contacts", SyncKindContact;
    Deal = "deal", deals: crate::deals::DealRow, "deals", SyncKindDeal;
    Activity = "activity", activities: crate::activities::ActivityRow, "activities", SyncKindActivity;
    Case = "case", cases: crate::cases::CaseRow, "cases", SyncKindCase;
}

/// The history label of `field` on a record of `table`, from the kind's declaration.
pub fn field_label(table: Table, field: &str) -> Key {
    struct Label<'a>(&'a str);
    impl Visit for Label<'_> {
        type Out = Key;
        fn visit<R: Synced>(self) -> Key {
            crate::sync::replica::label_of::<R>(self.0)
        }
    }
    table.visit(Label(field))
}

/// How history shows values of `field` on a record of `table`, from the kind's declaration.
pub fn field_shown(table: Table, field: &str) -> crate::history::Shown {
    struct Declared<'a>(&'a str);
    impl Visit for Declared<'_> {
        type Out = crate::history::Shown;
        fn visit<R: Synced>(self) -> crate::history::Shown {
            crate::sync::replica::declared::<R>(self.0)
                .map_or(crate::history::Shown::Text, |f| f.shown)
        }
    }
    table.visit(Declared(field))
}

/// The fields of kind `table` that link to other records, from its declaration.
pub fn links_of(table: Table) -> &'static [crate::sync::replica::Link] {
    struct Declared;
    impl Visit for Declared {
        type Out = &'static [crate::sync::replica::Link];
        fn visit<R: Synced>(self) -> Self::Out {
            R::LINKS
        }
    }
    table.visit(Declared)
}

/// The form's fields of kind `table`, from its declaration.
pub fn fields_of_kind(table: Table) -> &'static [crate::sync::replica::Field] {
    struct Declared;
    impl Visit for Declared {
        type Out = &'static [crate::sync::replica::Field];
        fn visit<R: Synced>(self) -> Self::Out {
            R::FIELDS
        }
    }
    table.visit(Declared)
}

pub mod row;

#[cfg(test)]
mod simulation;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_round_trip_and_unknown_names_are_refused() {
        for table in Table::ALL {
            assert_eq!(Table::from_name(table.name()), Some(*table));
            let wire = serde_json::to_value(table).expect("serialises");
            assert_eq!(wire, serde_json::Value::from(table.name()));
        }
        assert_eq!(Table::from_name("deals"), None);
        assert_eq!(Table::from_name(""), None);
        assert_eq!(Table::from_name("Company"), None);
    }

    /// What each kind declares is what its form sends: a field missing from the declaration
    /// would merge without a rule and show in history and conflicts without a label.
    #[test]
    fn every_kind_declares_exactly_its_form_fields() {
        struct Check;
        impl Visit for Check {
            type Out = ();
            fn visit<R: Synced>(self) {
                let form: Vec<String> = crate::sync::replica::fields_of(&R::Input::default())
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect();
                let mut declared: Vec<String> =
                    R::FIELDS.iter().map(|f| f.name.to_owned()).collect();
                let mut sorted_form = form.clone();
                sorted_form.sort();
                declared.sort();
                assert_eq!(declared, sorted_form, "{:?}", R::TABLE);
                declared.dedup();
                assert_eq!(
                    declared.len(),
                    R::FIELDS.len(),
                    "{:?} declares a field twice",
                    R::TABLE
                );
                for field in R::FIELDS {
                    assert_eq!(field_label(R::TABLE, field.name), field.label);
                    if let Some(entry) = field.history {
                        assert_eq!(
                            field_label(R::TABLE, entry),
                            crate::sync::replica::label_of::<R>(entry)
                        );
                        // Fields sharing an entry must agree on how it is shown.
                        assert_eq!(field_shown(R::TABLE, entry), field.shown, "{entry}");
                    }
                }
            }
        }
        for table in Table::ALL {
            table.visit(Check);
        }
    }

    /// A kind's links and name are fields of its form: a delete unlinks, a restore relinks
    /// and the Trash names records by them.
    #[test]
    fn links_and_names_are_declared_fields() {
        struct Check;
        impl Visit for Check {
            type Out = ();
            fn visit<R: Synced>(self) {
                let declared = |name: &str| R::FIELDS.iter().any(|f| f.name == name);
                assert!(declared(R::NAME), "{:?} is named by a field", R::TABLE);
                for link in R::LINKS {
                    assert!(declared(link.field), "{:?}.{}", R::TABLE, link.field);
                    assert_ne!(link.to, R::TABLE);
                }
            }
        }
        for table in Table::ALL {
            table.visit(Check);
        }
        assert_eq!(
            <crate::activities::ActivityRow as Synced>::LINKS
                .iter()
                .map(|l| l.to)
                .collect::<Vec<_>>(),
            [Table::Deal, Table::Contact, Table::Company]
        );
    }

    #[test]
    fn history_shows_values_as_their_fields_declare() {
        use crate::history::Shown;
        assert_eq!(field_shown(Table::Deal, "value"), Shown::Amount);
        assert_eq!(field_shown(Table::Deal, "stage"), Shown::Stage);
        assert_eq!(field_shown(Table::Activity, "due"), Shown::Date);
        assert_eq!(field_shown(Table::Contact, "phones"), Shown::Text);
        assert_eq!(field_shown(Table::Company, "no_such_entry"), Shown::Text);
    }

    #[test]
    fn guarded_fields_come_from_the_declaration() {
        assert_eq!(
            <crate::deals::DealRow as Synced>::guarded(),
            ["value", "currency", "stage"]
        );
        assert!(<crate::companies::CompanyRow as Synced>::guarded().is_empty());
    }
}
