//! The device's copy: rows as the server last sent them, and the outbox replayed on top.
//! Keeping the two apart means a server answer never has to be reconciled with a local edit:
//! the view is recomputed, and signing out or a reset is just dropping the confirmed rows.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::clock::Hlc;
use super::{Fields, Mutation, Pending, PullResponse, Table};
use crate::auth::{Access, Actor, Scope};
use crate::error::AppError;
use crate::history::Shown;
use crate::i18n::Key;
use crate::ids::Id;
use crate::pipeline::Pipeline;

pub use crate::kinds::{Held, Replica};

/// What replaying an edit needs to know.
pub struct Context<'a> {
    pub me: &'a Actor,
    pub pipeline: &'a Pipeline,
    pub deal_sources: &'a [String],
    /// Now, as an RFC 3339 timestamp.
    pub now: &'a str,
}

/// Who a record belongs to and who made and last changed it, when: the same on every table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub owner: crate::ids::Id,
    #[serde(default)]
    pub team: Option<crate::ids::Id>,
    pub created_at: String,
    pub created_by: crate::ids::Id,
    pub updated_at: String,
    pub updated_by: crate::ids::Id,
}

impl Stamp {
    /// A record made now by me, in my team.
    pub fn new(cx: &Context) -> Stamp {
        Stamp {
            owner: cx.me.id.clone(),
            team: cx.me.team.clone(),
            created_at: cx.now.to_owned(),
            created_by: cx.me.id.clone(),
            updated_at: cx.now.to_owned(),
            updated_by: cx.me.id.clone(),
        }
    }

    pub fn scope(&self) -> Scope {
        Scope {
            owner: self.owner.clone(),
            team: self.team.clone(),
        }
    }
}

/// How two edits of one field made apart are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// The later edit wins (by hybrid clock), and the other editor is told.
    Latest,
    /// Both editors must agree: a change made from a stale value is a conflict to settle.
    Guarded,
}

/// One field of a kind's form, as sync and history see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name in the form's change (and so in a pushed mutation).
    pub name: &'static str,
    pub merge: Merge,
    pub label: Key,
    /// The history entry it shows in (several fields may share one, as a phone number and
    /// its second line); `None` when history does not show it.
    pub history: Option<&'static str>,
    /// How history shows its values.
    pub shown: Shown,
    /// Search looks in it (besides the record's name and the names it links to).
    pub searched: bool,
}

impl Field {
    pub const fn new(name: &'static str, label: Key) -> Field {
        Field {
            name,
            merge: Merge::Latest,
            label,
            history: Some(name),
            shown: Shown::Text,
            searched: false,
        }
    }

    pub const fn searched(self) -> Field {
        Field {
            searched: true,
            ..self
        }
    }

    pub const fn shown(self, shown: Shown) -> Field {
        Field { shown, ..self }
    }

    pub const fn guarded(self) -> Field {
        Field {
            merge: Merge::Guarded,
            ..self
        }
    }

    pub const fn history_as(self, entry: &'static str) -> Field {
        Field {
            history: Some(entry),
            ..self
        }
    }
}

/// A field of a kind that links to a record of kind `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub field: &'static str,
    pub to: Table,
}

impl Link {
    pub const fn new(field: &'static str, to: Table) -> Link {
        Link { field, to }
    }
}

/// A record kind that syncs, as the sync core sees it. Implemented once, for
/// [`crate::kinds::row::Row`] over a kind's [`crate::kinds::row::Declaration`]: declaring that
/// (and a line in [`crate::kinds`]) is all a kind needs for the device's copy, pull, push,
/// merge and the sync-issues page.
pub trait Synced: Clone + Send + Sync + Serialize + DeserializeOwned + Held + 'static {
    type Input: Clone + Send + Sync + Serialize + DeserializeOwned + Default;
    const TABLE: Table;
    /// The form's fields, each once: every field a change may carry is here.
    const FIELDS: &'static [Field];
    /// The fields that link to other records.
    const LINKS: &'static [Link];
    /// The field that names a record.
    const NAME: &'static str;
    fn id(&self) -> &str;
    /// The revision the server last stored (0 for one not saved yet).
    fn rev(&self) -> i64;

    /// The record field `field` links to, if set.
    fn linked_id(&self, field: &str) -> Option<Id> {
        match fields_of(&self.input()).remove(field) {
            Some(serde_json::Value::String(id)) if !id.is_empty() => Some(id.into()),
            _ => None,
        }
    }
    fn stamp(&self) -> &Stamp;
    fn stamp_mut(&mut self) -> &mut Stamp;
    fn input(&self) -> Self::Input;
    /// What search finds a record by besides its form's fields.
    fn also_searched(&self) -> Option<&str>;
    /// A row with this id and stamp and nothing else filled in yet.
    fn blank(id: &str, stamp: Stamp) -> Self;
    /// Validates a form and takes its values.
    fn set(&mut self, input: &Self::Input, cx: &Context) -> Result<(), AppError>;

    fn scope(&self) -> Scope {
        self.stamp().scope()
    }

    /// Whether a device keeps this record (see [`super::horizon`]).
    fn kept(&self, horizon: &super::horizon::Horizon) -> bool;
    /// The same rule in SurrealQL, over a stored record of this kind, with the values
    /// [`super::horizon::Horizon::bind`] binds for [`Synced::kept_days`].
    fn kept_sql() -> String;
    fn kept_days() -> Option<i64>;

    /// The fields where concurrent edits conflict instead of merging.
    fn guarded() -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .filter(|f| f.merge == Merge::Guarded)
            .map(|f| f.name)
            .collect()
    }

    /// Saves a validated change on the server (permissions, links, history, sync log).
    #[cfg(feature = "ssr")]
    fn save(
        cx: crate::server::Cx,
        input: Self::Input,
    ) -> impl Future<Output = crate::error::AppResult<String>> + Send;

    /// This row with a validated form applied.
    fn absorb(&self, input: &Self::Input, cx: &Context) -> Result<Self, AppError> {
        let mut row = self.clone();
        row.set(input, cx)?;
        let stamp = row.stamp_mut();
        stamp.updated_at = cx.now.to_owned();
        stamp.updated_by = cx.me.id.clone();
        Ok(row)
    }

    fn create(id: &str, input: &Self::Input, cx: &Context) -> Result<Self, AppError> {
        let mut row = Self::blank(id, Stamp::new(cx));
        row.set(input, cx)?;
        Ok(row)
    }
}

/// The outbox as stored (key, JSON text), in the order it was made. Entries that cannot be
/// read, or whose number is not their key, are set apart: they are never sent, and the user
/// is shown them instead of their vanishing unseen.
pub fn read_outbox(stored: &[(f64, String)]) -> (Vec<Pending>, Vec<(f64, String)>) {
    let mut outbox = Vec::with_capacity(stored.len());
    let mut unreadable = Vec::new();
    for (key, text) in stored {
        match serde_json::from_str::<Pending>(text) {
            Ok(pending) if pending.id as f64 == *key => outbox.push(pending),
            _ => unreadable.push((*key, text.clone())),
        }
    }
    outbox.sort_by_key(|p| p.id);
    (outbox, unreadable)
}

/// A form's editable fields; `id` and `rev` are the record's, not the editor's to change.
pub fn fields_of<I: Serialize>(input: &I) -> Fields {
    let mut fields = match serde_json::to_value(input) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => Fields::new(),
    };
    fields.remove("id");
    fields.remove("rev");
    fields
}

/// `fields` with the edit's values for the fields the form has; anything else is ignored.
pub fn overlay(mut fields: Fields, edit: &Fields) -> Fields {
    for (field, value) in edit {
        if fields.contains_key(field) {
            fields.insert(field.clone(), value.clone());
        }
    }
    fields
}

pub fn input_from<I: DeserializeOwned>(
    mut fields: Fields,
    id: &str,
    rev: Option<i64>,
) -> Result<I, AppError> {
    fields.insert("id".into(), id.into());
    fields.insert("rev".into(), rev.into());
    serde_json::from_value(serde_json::Value::Object(fields))
        .map_err(|_| AppError::form(crate::error::Problem::Malformed))
}

/// The fields an edit changed, with the record's fields before it as base.
pub fn edit<R: Synced>(
    before: &R::Input,
    after: &R::Input,
    id: &str,
    clock: Hlc,
) -> Option<Mutation> {
    let base = fields_of(before);
    let fields: Fields = fields_of(after)
        .into_iter()
        .filter(|(k, v)| base.get(k) != Some(v))
        .collect();
    (!fields.is_empty()).then(|| Mutation {
        table: R::TABLE,
        id: id.into(),
        base: Some(base),
        fields,
        clock,
        op: super::Op::Edit,
    })
}

pub fn create<R: Synced>(input: &R::Input, id: &str, clock: Hlc) -> Mutation {
    Mutation {
        table: R::TABLE,
        id: id.into(),
        base: None,
        fields: fields_of(input),
        clock,
        op: super::Op::Edit,
    }
}

/// Deleting record `row` of kind `R`, as the device has it (`with_linked`: a company's
/// contacts and deals too).
pub fn delete<R: Synced>(row: &R, with_linked: bool, clock: Hlc) -> Mutation {
    Mutation {
        table: R::TABLE,
        id: row.id().into(),
        base: Some(fields_of(&row.input())),
        fields: Fields::new(),
        clock,
        op: if with_linked {
            super::Op::DeleteWithLinked
        } else {
            super::Op::Delete
        },
    }
}

/// The label of `field` (a form field or a history entry) of kind `R`.
pub fn label_of<R: Synced>(field: &str) -> Key {
    if field == crate::history::OWNER {
        return Key::FieldOwner;
    }
    declared::<R>(field).map_or(Key::FieldName, |f| f.label)
}

/// For each kind's tests: history shows each declared entry, and nothing undeclared (which
/// would have no label).
#[cfg(test)]
pub fn assert_history_declared(shown: &[(&str, Option<String>)], fields: &[Field]) {
    use std::collections::BTreeSet;
    let shown: BTreeSet<&str> = shown.iter().map(|(entry, _)| *entry).collect();
    let declared: BTreeSet<&str> = fields.iter().filter_map(|f| f.history).collect();
    assert_eq!(shown, declared);
}

/// The declaration of `field` (a form field or a history entry) of kind `R`.
pub fn declared<R: Synced>(field: &str) -> Option<&'static Field> {
    R::FIELDS
        .iter()
        .find(|f| f.name == field || f.history == Some(field))
}

impl Replica {
    /// Applies one pull page.
    pub fn apply(&mut self, page: &PullResponse) {
        if page.reset {
            *self = Replica::default();
        }
        for row in &page.rows {
            self.upsert(row.clone());
        }
        for key in &page.removed {
            self.remove(key);
        }
        self.reference = Some(page.reference.clone());
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the user sees: the confirmed rows with the outbox applied in order. An edit that
    /// no longer applies (its record is gone) is skipped here and reported by the server.
    pub fn replayed(&self, outbox: &[Pending], now: &str) -> Replica {
        let mut view = self.clone();
        for pending in outbox {
            _ = view.replay(&pending.mutation, now);
        }
        view
    }

    pub fn replay(&mut self, mutation: &Mutation, now: &str) -> Result<(), AppError> {
        let Some(reference) = self.reference.clone() else {
            return Err(AppError::Network);
        };
        let cx = Context {
            me: &reference.me,
            pipeline: &reference.pipeline,
            deal_sources: &reference.deal_sources,
            now,
        };
        if mutation.op.deletes() {
            return self.replay_delete(mutation, &cx);
        }
        self.replay_kind(mutation, &cx)
    }

    /// A delete as the server makes it, on what the device holds: the record goes; with
    /// [`super::Op::DeleteWithLinked`], so do a company's contacts and deals that I may
    /// change. Links to what went are left for the next pull, which brings them unlinked
    /// (a page shows a link to a record the device does not hold as none).
    fn replay_delete(&mut self, mutation: &Mutation, cx: &Context) -> Result<(), AppError> {
        let key = super::RowKey {
            table: mutation.table,
            id: mutation.id.clone(),
        };
        let scope = self.scope_of(&key).ok_or(AppError::NotFound)?;
        if cx.me.access(&scope) != Access::Write {
            return Err(AppError::Forbidden);
        }
        if mutation.op == super::Op::DeleteWithLinked && mutation.table == Table::Company {
            let mine = |scope: &Scope| cx.me.access(scope) == Access::Write;
            let linked = self.linked_to(&key);
            for other in linked {
                if matches!(other.table, Table::Contact | Table::Deal)
                    && self.scope_of(&other).is_some_and(|s| mine(&s))
                {
                    self.remove(&other);
                }
            }
        }
        self.remove(&key);
        Ok(())
    }

    /// Whether I may change a record with this scope.
    pub fn can_edit(&self, scope: &Scope) -> bool {
        self.reference
            .as_ref()
            .is_some_and(|r| r.me.access(scope) == Access::Write)
    }
}

pub(crate) fn replay_into<R: Synced>(
    rows: &mut BTreeMap<Id, R>,
    mutation: &Mutation,
    cx: &Context,
) -> Result<(), AppError> {
    let current = rows.get(&mutation.id);
    let fields = match (current, &mutation.base) {
        (Some(row), _) => fields_of(&row.input()),
        (None, None) => fields_of(&R::Input::default()),
        (None, Some(_)) => return Err(AppError::NotFound),
    };
    let fields = overlay(fields, &mutation.fields);
    let input: R::Input = input_from(fields, &mutation.id, None)?;
    let row = match current {
        Some(row) => row.absorb(&input, cx)?,
        None => R::create(&mutation.id, &input, cx)?,
    };
    rows.insert(mutation.id.clone(), row);
    Ok(())
}

/// Names for links, as pages show them.
impl Replica {
    pub fn me(&self) -> Option<&Actor> {
        self.reference.as_ref().map(|r| &r.me)
    }

    /// What a link to a record of kind `R` shows (`text` of it), if the record is on the
    /// device: it holds only what its user may read, so a hidden record shows nothing.
    pub fn linked<R: Synced>(
        &self,
        id: Option<&str>,
        text: impl Fn(&R) -> &String,
    ) -> Option<String> {
        id.and_then(|id| R::rows(self).get(id))
            .map(|r| text(r).clone())
    }

    pub fn user_name(&self, id: &str) -> String {
        self.reference
            .as_ref()
            .and_then(|r| r.users.iter().find(|u| u.id == id))
            .map_or_else(String::new, |u| u.name.clone())
    }
}
