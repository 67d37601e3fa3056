//! The device's copy: rows as the server last sent them, and the outbox replayed on top.
//! Keeping the two apart means a server answer never has to be reconciled with a local edit:
//! the view is recomputed, and signing out or a reset is just dropping the confirmed rows.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Fields, Mutation, Pending, PullResponse, Reference, RowKey, SyncRow, Table};
use crate::activities::row::ActivityRow;
use crate::auth::{Access, Actor, Scope};
use crate::companies::row::CompanyRow;
use crate::contacts::row::ContactRow;
use crate::deals::row::DealRow;
use crate::error::AppError;
use crate::pipeline::Pipeline;

/// What replaying an edit needs to know.
pub struct Context<'a> {
    pub me: &'a Actor,
    pub pipeline: &'a Pipeline,
    /// Now, as an RFC 3339 timestamp.
    pub now: &'a str,
}

/// Who a record belongs to and who made and last changed it, when: the same on every table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub owner: String,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub team: Option<String>,
    pub created_at: String,
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub created_by: String,
    pub updated_at: String,
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub updated_by: String,
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

/// A record kind that syncs: how it turns into its form's fields and back.
pub trait Synced: Clone + Serialize + DeserializeOwned + 'static {
    type Input: Clone + Serialize + DeserializeOwned + Default;
    const TABLE: Table;
    /// Fields where concurrent edits conflict instead of merging.
    const GUARDED: &'static [&'static str];
    fn rows(replica: &Replica) -> &BTreeMap<String, Self>;
    fn id(&self) -> &str;
    fn stamp(&self) -> &Stamp;
    fn stamp_mut(&mut self) -> &mut Stamp;
    fn input(&self) -> Self::Input;
    /// A row with this id and stamp and nothing else filled in yet.
    fn blank(id: &str, stamp: Stamp) -> Self;
    /// Validates a form and takes its values.
    fn set(&mut self, input: &Self::Input, cx: &Context) -> Result<(), AppError>;

    fn scope(&self) -> Scope {
        self.stamp().scope()
    }

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
    clock: String,
) -> Option<Mutation> {
    let base = fields_of(before);
    let fields: Fields = fields_of(after)
        .into_iter()
        .filter(|(k, v)| base.get(k) != Some(v))
        .collect();
    (!fields.is_empty()).then(|| Mutation {
        table: R::TABLE,
        id: id.to_owned(),
        base: Some(base),
        fields,
        clock,
    })
}

pub fn create<R: Synced>(input: &R::Input, id: &str, clock: String) -> Mutation {
    Mutation {
        table: R::TABLE,
        id: id.to_owned(),
        base: None,
        fields: fields_of(input),
        clock,
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Replica {
    pub reference: Option<Reference>,
    pub companies: BTreeMap<String, CompanyRow>,
    pub contacts: BTreeMap<String, ContactRow>,
    pub deals: BTreeMap<String, DealRow>,
    pub activities: BTreeMap<String, ActivityRow>,
}

impl Replica {
    pub fn upsert(&mut self, row: SyncRow) {
        match row {
            SyncRow::Company(r) => _ = self.companies.insert(r.id.clone(), r),
            SyncRow::Contact(r) => _ = self.contacts.insert(r.id.clone(), r),
            SyncRow::Deal(r) => _ = self.deals.insert(r.id.clone(), r),
            SyncRow::Activity(r) => _ = self.activities.insert(r.id.clone(), r),
        }
    }

    pub fn remove(&mut self, key: &RowKey) {
        match key.table {
            Table::Company => _ = self.companies.remove(&key.id),
            Table::Contact => _ = self.contacts.remove(&key.id),
            Table::Deal => _ = self.deals.remove(&key.id),
            Table::Activity => _ = self.activities.remove(&key.id),
        }
    }

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

    pub fn len(&self) -> usize {
        self.companies.len() + self.contacts.len() + self.deals.len() + self.activities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row key held, for checks that nothing outside the user's scope is kept.
    pub fn scopes(&self) -> Vec<(RowKey, Scope)> {
        fn keys<R: Synced>(
            map: &BTreeMap<String, R>,
        ) -> impl Iterator<Item = (RowKey, Scope)> + '_ {
            map.values().map(|r| {
                (
                    RowKey {
                        table: R::TABLE,
                        id: r.id().to_owned(),
                    },
                    r.scope(),
                )
            })
        }
        keys(&self.companies)
            .chain(keys(&self.contacts))
            .chain(keys(&self.deals))
            .chain(keys(&self.activities))
            .collect()
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
            now,
        };
        match mutation.table {
            Table::Company => replay_into(&mut self.companies, mutation, &cx),
            Table::Contact => replay_into(&mut self.contacts, mutation, &cx),
            Table::Deal => replay_into(&mut self.deals, mutation, &cx),
            Table::Activity => replay_into(&mut self.activities, mutation, &cx),
        }
    }

    /// Whether I may change a record with this scope.
    pub fn can_edit(&self, scope: &Scope) -> bool {
        self.reference
            .as_ref()
            .is_some_and(|r| r.me.access(scope) == Access::Write)
    }
}

fn replay_into<R: Synced>(
    rows: &mut BTreeMap<String, R>,
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

    pub fn default_currency(&self) -> Option<crate::money::Currency> {
        self.reference.as_ref().map(|r| r.default_currency)
    }

    pub fn user_name(&self, id: &str) -> String {
        self.reference
            .as_ref()
            .and_then(|r| r.users.iter().find(|u| u.id == id))
            .map_or_else(String::new, |u| u.name.clone())
    }

    pub fn company_name(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.companies.get(id))
            .map(|c| c.name.clone())
    }

    pub fn contact_name(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.contacts.get(id))
            .map(|c| c.name.clone())
    }

    pub fn deal_title(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.deals.get(id))
            .map(|d| d.title.clone())
    }
}
