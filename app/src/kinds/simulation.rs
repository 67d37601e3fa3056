//! Property tests of the sync core. A server that takes pushes by the same rules as the real
//! one (`apply::plan`, the rows' validation, `Actor::access`) and answers pulls from a change
//! log; devices that edit while offline with skewed clocks, push late, push twice, and lose
//! sight of rows when deals are reassigned or their user moves team; a device that reuses a
//! change number for another change, and outbox entries that storage corrupted; every synced
//! kind (deals, companies, contacts, activities, cases) is edited, created, deleted and reassigned. Whatever the
//! order: every device ends with exactly the server's rows it may see, learns of no row it
//! never could see, and no change disappears without the user being told.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proptest::prelude::*;

use crate::activities::ActivityInput;
use crate::activities::ActivityRow;
use crate::auth::{Access, Actor, Role, Scope};
use crate::cases::CaseInput;
use crate::cases::CaseRow;
use crate::companies::CompanyInput;
use crate::companies::CompanyRow;
use crate::contacts::ContactInput;
use crate::contacts::ContactRow;
use crate::deals::DealInput;
use crate::deals::DealRow;
use crate::i18n::Locale;
use crate::ids::Id;
use crate::money::Currency;
use crate::pipeline::Pipeline;
use crate::sync::apply::{Current, Plan, plan, recall};
use crate::sync::clock::Hlc;
use crate::sync::replica::{Context, Replica, Synced, create, edit, read_outbox};
use crate::sync::{
    Mutation, Outcome, Pending, PullResponse, Reference, RowKey, SyncRow, Table, UserRow,
};

const PAGE: usize = 3;

fn pipeline() -> Pipeline {
    crate::pipeline::sample("stage")
}

fn actor(id: &str, role: Role, team: &str) -> Actor {
    Actor {
        id: id.into(),
        name: id.into(),
        email: format!("{id}@example.com"),
        role,
        team: Some(team.into()),
        team_name: Some(team.into()),
        locale: Locale::En,
    }
}

fn sources() -> Vec<String> {
    ["referral", "website", "Partner"]
        .map(String::from)
        .to_vec()
}

fn iso(ms: i64) -> String {
    format!("t{ms:015}")
}

/// A field of a record: (kind, record id, field).
type FieldKey = (Table, Id, String);
/// A pushed change: (device, change number).
type ChangeKey = (usize, i64);

struct Stored<R> {
    row: R,
    rev: i64,
    clocks: BTreeMap<String, Hlc>,
}

/// A synced kind the simulated server keeps: where its rows are, and how a pull sends one.
trait Kind: Synced + std::fmt::Debug + PartialEq {
    fn map(server: &Server) -> &BTreeMap<Id, Stored<Self>>;
    fn map_mut(server: &mut Server) -> &mut BTreeMap<Id, Stored<Self>>;
    fn wrap(self) -> SyncRow;
}

macro_rules! kind {
    ($row:ty, $map:ident, $variant:ident) => {
        impl Kind for $row {
            fn map(server: &Server) -> &BTreeMap<Id, Stored<Self>> {
                &server.$map
            }
            fn map_mut(server: &mut Server) -> &mut BTreeMap<Id, Stored<Self>> {
                &mut server.$map
            }
            fn wrap(self) -> SyncRow {
                SyncRow::$variant(self)
            }
        }
    };
}
kind!(DealRow, deals, Deal);
kind!(CompanyRow, companies, Company);
kind!(ContactRow, contacts, Contact);
kind!(ActivityRow, activities, Activity);
kind!(CaseRow, cases, Case);

/// Runs `$body` with `R` the row type of `$table`.
macro_rules! per_kind {
    ($table:expr, $r:ident => $body:expr) => {
        match $table {
            Table::Deal => {
                type $r = DealRow;
                $body
            }
            Table::Company => {
                type $r = CompanyRow;
                $body
            }
            Table::Contact => {
                type $r = ContactRow;
                $body
            }
            Table::Activity => {
                type $r = ActivityRow;
                $body
            }
            Table::Case => {
                type $r = CaseRow;
                $body
            }
        }
    };
}

const KINDS: [Table; 5] = [
    Table::Deal,
    Table::Company,
    Table::Contact,
    Table::Activity,
    Table::Case,
];

struct Server {
    users: Vec<Actor>,
    deals: BTreeMap<Id, Stored<DealRow>>,
    companies: BTreeMap<Id, Stored<CompanyRow>>,
    contacts: BTreeMap<Id, Stored<ContactRow>>,
    activities: BTreeMap<Id, Stored<ActivityRow>>,
    cases: BTreeMap<Id, Stored<CaseRow>>,
    seq: i64,
    /// Each change: its number, the record, and who could read it before and after.
    log: Vec<(i64, Table, String, Vec<Scope>)>,
    /// Per (device, number): a digest of the change and its answer.
    outcomes: HashMap<(usize, i64), (String, Outcome)>,
    pipeline: Pipeline,
    now_ms: i64,
    /// Per (kind, record, field): the last change that set it, and to what.
    takes: BTreeMap<FieldKey, (ChangeKey, serde_json::Value)>,
    /// The Trash: deleted records, with who could see them.
    trashed: BTreeMap<(Table, Id), Scope>,
}

impl Server {
    fn new() -> Self {
        let users = vec![
            actor("rep-a", Role::Rep, "north"),
            actor("rep-b", Role::Rep, "north"),
            actor("manager", Role::Manager, "north"),
            actor("rep-c", Role::Rep, "south"),
        ];
        let mut server = Server {
            users,
            deals: BTreeMap::new(),
            companies: BTreeMap::new(),
            contacts: BTreeMap::new(),
            activities: BTreeMap::new(),
            trashed: BTreeMap::new(),
            cases: BTreeMap::new(),
            seq: 0,
            log: Vec::new(),
            outcomes: HashMap::new(),
            pipeline: pipeline(),
            now_ms: 1_000_000,
            takes: BTreeMap::new(),
        };
        for (i, owner) in [0, 0, 1, 2, 3, 3].into_iter().enumerate() {
            server.seed::<DealRow>(
                owner,
                DealInput {
                    title: format!("Seed {i}"),
                    value: "100".into(),
                    currency: "USD".into(),
                    stage: "stage0".into(),
                    ..Default::default()
                },
            );
        }
        for (i, owner) in [0, 1, 2, 3].into_iter().enumerate() {
            let name = format!("Firm {i}");
            server.seed::<CompanyRow>(
                owner,
                CompanyInput {
                    name,
                    ..Default::default()
                },
            );
        }
        for (i, owner) in [0, 2, 3].into_iter().enumerate() {
            let name = format!("Person {i}");
            server.seed::<ContactRow>(
                owner,
                ContactInput {
                    name,
                    ..Default::default()
                },
            );
        }
        for (i, owner) in [0, 1, 3].into_iter().enumerate() {
            let input = ActivityInput {
                kind: "call".into(),
                subject: format!("Call {i}"),
                ..Default::default()
            };
            server.seed::<ActivityRow>(owner, input);
        }
        for (i, owner) in [1, 2].into_iter().enumerate() {
            server.seed::<CaseRow>(owner, case_input(&format!("Case {i}")));
        }
        server
    }

    /// A row made by user `owner` before any device synced (the input's id is filled in).
    fn seed<R: Kind>(&mut self, owner: usize, mut input: R::Input)
    where
        R::Input: HasId,
    {
        let me = self.users[owner].clone();
        let id = crate::ids::new_id();
        input.set_id(&id);
        let cx = Context {
            me: &me,
            pipeline: &self.pipeline,
            deal_sources: &sources(),
            now: &iso(0),
        };
        let row = R::create(&id, &input, &cx).expect("valid seed");
        R::map_mut(self).insert(
            Id::from(id),
            Stored {
                row,
                rev: 1,
                clocks: BTreeMap::new(),
            },
        );
    }

    fn scope_of(&self, table: Table, id: &str) -> Option<Scope> {
        per_kind!(table, R => R::map(self).get(id).map(|s| s.row.scope()))
    }

    fn log(&mut self, table: Table, id: &str, before: Option<Scope>) {
        self.seq += 1;
        let after = self.scope_of(table, id);
        self.log.push((
            self.seq,
            table,
            id.to_owned(),
            before.into_iter().chain(after).collect(),
        ));
    }

    fn digest(&self) -> String {
        fn rows<R: Kind>(server: &Server) -> String {
            let rows: Vec<_> = R::map(server)
                .values()
                .map(|s| (&s.row, s.rev, &s.clocks))
                .collect();
            format!("{rows:?}")
        }
        let all: Vec<String> = KINDS
            .iter()
            .map(|table| per_kind!(*table, R => rows::<R>(self)))
            .collect();
        format!("{all:?}{}", self.seq)
    }

    fn readable<R: Synced>(&self, me: &Actor, row: &R) -> bool {
        me.access(&row.scope()) >= Access::Read
    }

    fn push(&mut self, device: usize, user: usize, mutations: &[Pending]) -> Vec<(i64, Outcome)> {
        mutations
            .iter()
            .map(|p| (p.id, self.apply(device, user, p)))
            .collect()
    }

    fn apply(&mut self, device: usize, user: usize, pending: &Pending) -> Outcome {
        let digest = serde_json::to_string(&pending.mutation).expect("json");
        if let Some((stored, outcome)) = self.outcomes.get(&(device, pending.id)) {
            return recall(Some(stored), outcome.clone(), &digest);
        }
        let outcome = self.take(device, user, pending);
        self.outcomes
            .insert((device, pending.id), (digest, outcome.clone()));
        outcome
    }

    /// What the real server's `apply` does, with the database swapped for maps.
    fn take(&mut self, device: usize, user: usize, pending: &Pending) -> Outcome {
        per_kind!(pending.mutation.table, R => self.take_as::<R>(device, user, pending))
    }

    fn take_as<R: Kind>(&mut self, device: usize, user: usize, pending: &Pending) -> Outcome {
        let me = self.users[user].clone();
        let m = &pending.mutation;
        if m.op.deletes() {
            return self.take_delete::<R>(&me, m);
        }
        // An edit of a record in the Trash: answered "deleted", as `trash::ssr::deleted_for`.
        if !R::map(self).contains_key(&m.id)
            && self
                .trashed
                .get(&(R::TABLE, m.id.clone()))
                .is_some_and(|scope| me.access(scope) >= Access::Read)
        {
            return Outcome::Rejected {
                error: crate::error::AppError::Deleted,
            };
        }
        let clock = m.clock.clone().clamped(self.now_ms);
        let visible = R::map(self)
            .get(&m.id)
            .filter(|s| self.readable(&me, &s.row));
        let current = visible.map(|s| Current {
            row: &s.row,
            rev: s.rev,
            clocks: &s.clocks,
        });
        let (input, clocks, outcome) = match plan::<R>(current, m, &clock) {
            Plan::Answer(outcome) => return outcome,
            Plan::Write {
                input,
                clocks,
                outcome,
            } => (input, clocks, outcome),
        };
        let now = iso(self.now_ms);
        let cx = Context {
            me: &me,
            pipeline: &self.pipeline,
            deal_sources: &sources(),
            now: &now,
        };
        let (row, rev) = match R::map(self).get(&m.id) {
            None => match R::create(&m.id, &input, &cx) {
                Ok(row) => (row, 1),
                Err(error) => return Outcome::Rejected { error },
            },
            Some(stored) => {
                if me.access(&stored.row.scope()) != Access::Write {
                    return Outcome::Rejected {
                        error: crate::error::AppError::Forbidden,
                    };
                }
                match stored.row.absorb(&input, &cx) {
                    Ok(row) => (row, stored.rev + 1),
                    Err(error) => return Outcome::Rejected { error },
                }
            }
        };
        let skipped: BTreeSet<String> = match &outcome {
            Outcome::Applied { superseded } => superseded.iter().cloned().collect(),
            Outcome::Conflict { fields, superseded } => fields
                .iter()
                .map(|c| c.field.clone())
                .chain(superseded.iter().cloned())
                .collect(),
            Outcome::Rejected { .. } | Outcome::DeletedChanged { .. } => return outcome,
        };
        for (field, value) in &m.fields {
            if !skipped.contains(field) {
                self.takes.insert(
                    (R::TABLE, m.id.clone(), field.clone()),
                    ((device, pending.id), value.clone()),
                );
            }
        }
        let before = R::map(self).get(&m.id).map(|s| s.row.scope());
        R::map_mut(self).insert(m.id.clone(), Stored { row, rev, clocks });
        self.log(R::TABLE, &m.id.clone(), before);
        outcome
    }

    /// What `trash::ssr::delete` does (links to the record are left to the server tests).
    fn take_delete<R: Kind>(&mut self, me: &Actor, m: &Mutation) -> Outcome {
        let Some(stored) = R::map(self).get(&m.id) else {
            let deleted = self.trashed.contains_key(&(R::TABLE, m.id.clone()));
            return match deleted {
                true => Outcome::Applied {
                    superseded: Vec::new(),
                },
                false => Outcome::Rejected {
                    error: crate::error::AppError::NotFound,
                },
            };
        };
        let scope = stored.row.scope();
        if let Err(error) = me.check_write(&scope) {
            return Outcome::Rejected { error };
        }
        let now = crate::sync::replica::fields_of(&stored.row.input());
        let fields: Vec<_> = m
            .base
            .iter()
            .flatten()
            .filter_map(|(field, mine)| {
                let theirs = now.get(field)?;
                (theirs != mine).then(|| crate::sync::FieldConflict {
                    field: field.clone(),
                    mine: mine.clone(),
                    theirs: theirs.clone(),
                })
            })
            .collect();
        R::map_mut(self).remove(&m.id);
        self.trashed.insert((R::TABLE, m.id.clone()), scope.clone());
        self.log(R::TABLE, &m.id.clone(), Some(scope));
        match fields.is_empty() {
            true => Outcome::Applied {
                superseded: Vec::new(),
            },
            false => Outcome::DeletedChanged { fields },
        }
    }

    /// The row a user may read now, as a pull sends it.
    fn readable_row(&self, me: &Actor, table: Table, id: &str) -> Option<SyncRow> {
        per_kind!(table, R => R::map(self)
            .get(id)
            .filter(|s| self.readable(me, &s.row))
            .map(|s| s.row.clone().wrap()))
    }

    /// Every row of a kind the user may read, as a full download sends them.
    fn readable_rows<R: Kind>(&self, me: &Actor) -> Vec<SyncRow> {
        R::map(self)
            .values()
            .filter(|s| self.readable(me, &s.row))
            .map(|s| s.row.clone().wrap())
            .collect()
    }

    fn reference(&self, user: usize) -> Reference {
        Reference {
            me: self.users[user].clone(),
            pipeline: self.pipeline.clone(),
            users: self
                .users
                .iter()
                .map(|u| UserRow {
                    id: u.id.clone(),
                    name: u.name.clone(),
                })
                .collect(),
            default_currency: Currency::USD,
            deal_sources: sources(),
            service: Default::default(),
            server_ms: self.now_ms,
        }
    }

    fn epoch(&self, user: usize) -> String {
        format!("{:?}:{:?}", self.users[user].role, self.users[user].team)
    }

    /// One pull page, as `sync::ssr::pull` answers it.
    fn pull(&self, user: usize, cursor: i64, epoch: &str) -> PullResponse {
        let me = &self.users[user];
        let mut page = PullResponse {
            epoch: self.epoch(user),
            reset: false,
            rows: Vec::new(),
            removed: Vec::new(),
            merged: Vec::new(),
            cursor,
            snapshot: None,
            has_more: false,
            reference: self.reference(user),
        };
        if epoch != page.epoch {
            page.reset = true;
            page.rows = KINDS
                .iter()
                .flat_map(|table| per_kind!(*table, R => self.readable_rows::<R>(me)))
                .collect();
            page.cursor = self.seq;
            return page;
        }
        let entries: Vec<_> = self
            .log
            .iter()
            .filter(|(seq, ..)| *seq > cursor)
            .take(PAGE)
            .collect();
        page.has_more = entries.len() == PAGE;
        page.cursor = entries.last().map_or(cursor, |(seq, ..)| *seq);
        let keys: BTreeSet<(Table, &String)> = entries
            .iter()
            .map(|(_, table, id, _)| (*table, id))
            .collect();
        for (table, id) in keys {
            // Only a record the user could see before or after one of these changes may be
            // named as removed, as the server's `seen` rule says.
            let seen = entries.iter().any(|(_, t, e, scopes)| {
                *t == table && e == id && scopes.iter().any(|s| me.access(s) >= Access::Read)
            });
            match self.readable_row(me, table, id) {
                Some(row) => page.rows.push(row),
                None if seen => page.removed.push(RowKey {
                    table,
                    id: id.as_str().into(),
                }),
                None => {}
            }
        }
        page
    }
}

struct Device {
    user: usize,
    replica: Replica,
    /// Each waiting change with the token that names it in this test (numbers may repeat).
    outbox: Vec<(usize, Pending)>,
    /// Tokens of outbox entries storage corrupted: unreadable, never sent, shown.
    corrupt: BTreeSet<usize>,
    unreadable: BTreeSet<usize>,
    /// The token of the first change sent under each number.
    first: HashMap<i64, usize>,
    /// Changes the server refused because their number was used before.
    reused: BTreeSet<usize>,
    cursor: i64,
    epoch: String,
    clock: Hlc,
    skew_ms: i64,
    next_id: i64,
    /// The next change takes a number used before (a device whose counter went back).
    collide: bool,
    sent: Vec<Vec<Pending>>,
    issues: BTreeSet<usize>,
    clean: BTreeSet<usize>,
    made: Vec<usize>,
}

impl Device {
    fn new(user: usize, index: usize, skew_ms: i64) -> Self {
        Device {
            user,
            replica: Replica::default(),
            outbox: Vec::new(),
            corrupt: BTreeSet::new(),
            unreadable: BTreeSet::new(),
            first: HashMap::new(),
            reused: BTreeSet::new(),
            cursor: 0,
            epoch: String::new(),
            clock: Hlc::zero(&format!("d{index}")),
            skew_ms,
            next_id: 0,
            collide: false,
            sent: Vec::new(),
            issues: BTreeSet::new(),
            clean: BTreeSet::new(),
            made: Vec::new(),
        }
    }

    /// What the device replays over its copy: the changes it can read.
    fn pending(&self) -> Vec<Pending> {
        self.outbox
            .iter()
            .filter(|(token, _)| !self.corrupt.contains(token))
            .map(|(_, p)| p.clone())
            .collect()
    }

    fn queue(&mut self, mutation: Mutation, now: &str) {
        let mut trial = self.replica.replayed(&self.pending(), now);
        if trial.replay(&mutation, now).is_err() {
            return;
        }
        // A reused number is one already answered: one still waiting would be overwritten
        // in storage, which the device's counter rules out.
        let waiting: BTreeSet<i64> = self.outbox.iter().map(|(_, p)| p.id).collect();
        let id = match self
            .first
            .keys()
            .copied()
            .filter(|n| !waiting.contains(n))
            .max()
        {
            Some(old) if self.collide => old,
            _ => {
                self.next_id += 1;
                self.next_id
            }
        };
        self.collide = false;
        let token = self.made.len();
        self.made.push(token);
        self.outbox.push((token, Pending { id, mutation }));
    }

    fn tick(&mut self, now_ms: i64) -> Hlc {
        let next = self.clock.tick(now_ms + self.skew_ms);
        assert!(next > self.clock, "a device's clock never goes backwards");
        self.clock = next.clone();
        next
    }

    fn edit(&mut self, now_ms: i64, pick: usize, field: usize, n: u32, pipeline: &Pipeline) {
        if self.replica.reference.is_none() {
            return;
        }
        let now = iso(now_ms);
        let view = self.replica.replayed(&self.pending(), &now);
        let mutation = match field {
            0..5 => self.edit_one::<DealRow>(&view, pick, now_ms, |after| match field {
                0 => after.title = format!("Title {n}"),
                1 => after.value = (n * 10).to_string(),
                2 if n.is_multiple_of(2) => after.next_step = format!("Step {n}"),
                2 => after.source = sources()[n as usize % 3].clone(),
                3 => after.expected_close = format!("2027-01-{:02}", n % 28 + 1),
                _ => after.stage = pipeline.stages[(n as usize) % 4].id.to_string(),
            }),
            5 | 6 => self.edit_one::<CompanyRow>(&view, pick, now_ms, |after| match field {
                5 => after.name = format!("Firm {n}"),
                _ => after.industry = format!("Industry {n}"),
            }),
            7 | 8 => self.edit_one::<ContactRow>(&view, pick, now_ms, |after| match field {
                7 => after.name = format!("Person {n}"),
                _ => after.title = format!("Title {n}"),
            }),
            9 | 10 => self.edit_one::<ActivityRow>(&view, pick, now_ms, |after| match field {
                9 => after.subject = format!("Call {n}"),
                _ => after.done = !after.done,
            }),
            11 => self.edit_one::<CaseRow>(&view, pick, now_ms, |after| {
                after.subject = format!("Case {n}")
            }),
            // A status move the flow allows from where the device sees the case.
            _ => self.edit_one::<CaseRow>(&view, pick, now_ms, |after| {
                let now = crate::cases::Status::from_code(&after.status).unwrap_or_default();
                let next = now.next();
                after.status = next[n as usize % next.len()].code().to_owned();
            }),
        };
        if let Some(mutation) = mutation {
            self.queue(mutation, &now);
        }
    }

    /// Deletes the `pick`th row of a kind, if this device's user may change it.
    fn delete(&mut self, now_ms: i64, pick: usize) {
        if self.replica.reference.is_none() {
            return;
        }
        let now = iso(now_ms);
        let view = self.replica.replayed(&self.pending(), &now);
        fn one<R: Synced>(view: &Replica, pick: usize) -> Option<R> {
            let rows = R::rows(view);
            let row = rows.values().nth(pick / KINDS.len() % rows.len().max(1))?;
            view.can_edit(&row.scope()).then(|| row.clone())
        }
        let clock = self.tick(now_ms);
        let mutation = per_kind!(KINDS[pick % KINDS.len()], R => one::<R>(&view, pick)
            .map(|row| crate::sync::replica::delete(&row, false, clock)));
        if let Some(mutation) = mutation {
            self.queue(mutation, &now);
        }
    }

    /// An edit of the `pick`th row of a kind, if this device's user may change it.
    fn edit_one<R: Synced>(
        &mut self,
        view: &Replica,
        pick: usize,
        now_ms: i64,
        change: impl FnOnce(&mut R::Input),
    ) -> Option<Mutation> {
        let rows = R::rows(view);
        let row = rows.values().nth(pick % rows.len().max(1))?.clone();
        if !view.can_edit(&row.scope()) {
            return None;
        }
        let before = row.input();
        let mut after = before.clone();
        change(&mut after);
        edit::<R>(&before, &after, row.id(), self.tick(now_ms))
    }

    fn create(&mut self, now_ms: i64, n: u32) {
        if self.replica.reference.is_none() {
            return;
        }
        let id = crate::ids::new_id();
        let clock = self.tick(now_ms);
        let mutation = match n % 5 {
            0 => {
                let input = DealInput {
                    id: id.clone(),
                    title: format!("New {n}"),
                    value: n.to_string(),
                    currency: "USD".into(),
                    stage: "stage1".into(),
                    ..Default::default()
                };
                create::<DealRow>(&input, &id, clock)
            }
            1 => {
                let input = CompanyInput {
                    id: id.clone(),
                    name: format!("New firm {n}"),
                    ..Default::default()
                };
                create::<CompanyRow>(&input, &id, clock)
            }
            2 => {
                let input = ContactInput {
                    id: id.clone(),
                    name: format!("New person {n}"),
                    ..Default::default()
                };
                create::<ContactRow>(&input, &id, clock)
            }
            3 => {
                let input = ActivityInput {
                    id: id.clone(),
                    kind: "task".into(),
                    subject: format!("New task {n}"),
                    ..Default::default()
                };
                create::<ActivityRow>(&input, &id, clock)
            }
            _ => {
                let input = CaseInput {
                    id: id.clone(),
                    ..case_input(&format!("New case {n}"))
                };
                create::<CaseRow>(&input, &id, clock)
            }
        };
        self.queue(mutation, &iso(now_ms));
    }

    /// The outbox as the device reads it back from storage: corrupted entries are set apart.
    fn readable_outbox(&mut self) -> Vec<(usize, Pending)> {
        let stored: Vec<(f64, String)> = self
            .outbox
            .iter()
            .map(|(token, p)| {
                let text = if self.corrupt.contains(token) {
                    "{\"id\": garbage".to_owned()
                } else {
                    serde_json::to_string(p).expect("json")
                };
                (p.id as f64, text)
            })
            .collect();
        let (readable, unreadable) = read_outbox(&stored);
        for (key, _) in unreadable {
            if let Some((token, _)) = self.outbox.iter().find(|(_, p)| p.id as f64 == key) {
                self.unreadable.insert(*token);
            }
        }
        // Numbers are unique among waiting changes, so each names one entry.
        readable
            .into_iter()
            .filter_map(|p| self.outbox.iter().find(|(_, q)| q.id == p.id).cloned())
            .collect()
    }

    fn push(&mut self, index: usize, server: &mut Server, twice: bool) {
        let outbox = self.readable_outbox();
        if outbox.is_empty() {
            return;
        }
        let batch: Vec<Pending> = outbox.iter().map(|(_, p)| p.clone()).collect();
        let answers = server.push(index, self.user, &batch);
        if twice {
            let before = server.digest();
            let again = server.push(index, self.user, &batch);
            assert_eq!(again, answers, "a repeated push gets the same answers");
            assert_eq!(server.digest(), before, "a repeated push changes nothing");
        }
        for ((token, pending), (id, outcome)) in outbox.iter().zip(answers) {
            assert_eq!(pending.id, id, "answers come in the order of the changes");
            self.outbox.retain(|(t, _)| t != token);
            let first = *self.first.entry(id).or_insert(*token);
            if first != *token {
                assert!(
                    matches!(&outcome, Outcome::Rejected { error } if error.field_errors().is_some_and(|e| e.get(crate::error::FORM) == Some(crate::error::Problem::ChangeNumberReused))),
                    "a number used again for another change is refused, not answered as the first: {outcome:?}"
                );
                self.reused.insert(*token);
            }
            match outcome {
                Outcome::Applied { superseded } if superseded.is_empty() => {
                    _ = self.clean.insert(*token)
                }
                _ => _ = self.issues.insert(*token),
            }
        }
        self.sent.push(batch);
    }

    /// A push from long ago arrives again (a retry that was stuck in a queue).
    fn late(&mut self, index: usize, server: &mut Server, pick: usize) {
        if self.sent.is_empty() {
            return;
        }
        let batch = self.sent[pick % self.sent.len()].clone();
        let before = server.digest();
        server.push(index, self.user, &batch);
        assert_eq!(
            server.digest(),
            before,
            "a late duplicate push changes nothing"
        );
    }

    fn pull(&mut self, server: &Server) {
        loop {
            let page = server.pull(self.user, self.cursor, &self.epoch);
            self.replica.apply(&page);
            self.cursor = page.cursor;
            self.epoch = page.epoch.clone();
            let seen = Hlc {
                ms: page.reference.server_ms,
                counter: 0,
                node: self.clock.node.clone(),
            };
            self.clock = self.clock.observe(&seen, server.now_ms + self.skew_ms);
            if !page.has_more {
                return;
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Edit {
        device: usize,
        pick: usize,
        field: usize,
        n: u32,
    },
    Create {
        device: usize,
        n: u32,
    },
    Delete {
        device: usize,
        pick: usize,
    },
    Sync {
        device: usize,
        twice: bool,
    },
    Late {
        device: usize,
        pick: usize,
    },
    /// The device's next change reuses a number (its counter was lost or went back).
    Collide {
        device: usize,
    },
    /// Storage corrupts one waiting change of the device.
    Corrupt {
        device: usize,
        pick: usize,
    },
    Reassign {
        pick: usize,
        to: usize,
    },
    MoveTeam {
        user: usize,
    },
    Wait {
        ms: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..5usize, 0..20usize, 0..13usize, 0..1000u32).prop_map(|(device, pick, field, n)| Op::Edit { device, pick, field, n }),
        1 => (0..5usize, 0..1000u32).prop_map(|(device, n)| Op::Create { device, n }),
        1 => (0..5usize, 0..40usize).prop_map(|(device, pick)| Op::Delete { device, pick }),
        3 => (0..5usize, any::<bool>()).prop_map(|(device, twice)| Op::Sync { device, twice }),
        1 => (0..5usize, 0..10usize).prop_map(|(device, pick)| Op::Late { device, pick }),
        1 => (0..5usize).prop_map(|device| Op::Collide { device }),
        1 => (0..5usize, 0..10usize).prop_map(|(device, pick)| Op::Corrupt { device, pick }),
        1 => (0..20usize, 0..4usize).prop_map(|(pick, to)| Op::Reassign { pick, to }),
        1 => (0..4usize).prop_map(|user| Op::MoveTeam { user }),
        2 => (0..20_000i64).prop_map(|ms| Op::Wait { ms }),
    ]
}

fn run(ops: Vec<Op>, skews: Vec<i64>) -> Server {
    let mut server = Server::new();
    // Two devices for rep A (phone and tablet), one for each other user.
    let owners = [0, 0, 1, 2, 3];
    let mut devices: Vec<Device> = owners
        .iter()
        .enumerate()
        .map(|(i, u)| Device::new(*u, i, skews[i]))
        .collect();
    for device in &mut devices {
        device.pull(&server);
    }
    let pipeline = server.pipeline.clone();
    for op in ops {
        match op {
            Op::Edit {
                device,
                pick,
                field,
                n,
            } => devices[device].edit(server.now_ms, pick, field, n, &pipeline),
            Op::Create { device, n } => devices[device].create(server.now_ms, n),
            Op::Delete { device, pick } => devices[device].delete(server.now_ms, pick),
            Op::Sync { device, twice } => {
                devices[device].push(device, &mut server, twice);
                devices[device].pull(&server);
            }
            Op::Late { device, pick } => devices[device].late(device, &mut server, pick),
            Op::Collide { device } => devices[device].collide = true,
            Op::Corrupt { device, pick } => {
                let d = &mut devices[device];
                if let Some((token, _)) = d.outbox.get(pick % d.outbox.len().max(1)) {
                    d.corrupt.insert(*token);
                }
            }
            Op::Reassign { pick, to } => {
                // A row of any kind moves to another owner (and so, maybe, another team).
                let owner = server.users[to].clone();
                let table = KINDS[pick % KINDS.len()];
                fn reassign<R: Kind>(
                    server: &mut Server,
                    pick: usize,
                    owner: &Actor,
                ) -> Option<String> {
                    let rows = R::map_mut(server);
                    let len = rows.len();
                    let (id, stored) = rows.iter_mut().nth(pick / KINDS.len() % len.max(1))?;
                    stored.rev += 1;
                    let stamp = stored.row.stamp_mut();
                    stamp.owner = owner.id.clone();
                    stamp.team = owner.team.clone();
                    Some(id.to_string())
                }
                let Some(before) = per_kind!(table, R => R::map(&server)
                    .keys()
                    .nth(pick / KINDS.len() % R::map(&server).len().max(1))
                    .map(|id| server.scope_of(table, id)))
                else {
                    continue;
                };
                if let Some(id) = per_kind!(table, R => reassign::<R>(&mut server, pick, &owner)) {
                    server.log(table, &id, before);
                }
            }
            Op::MoveTeam { user } => {
                let team = if server.users[user].team.as_deref() == Some("north") {
                    "south"
                } else {
                    "north"
                };
                server.users[user].team = Some(team.into());
            }
            Op::Wait { ms } => server.now_ms += ms,
        }
    }
    // The network comes back for everyone: each pushes what it holds, then all pull.
    for (index, device) in devices.iter_mut().enumerate() {
        device.push(index, &mut server, false);
    }
    for device in &mut devices {
        device.pull(&server);
    }

    for (index, device) in devices.iter().enumerate() {
        let me = &server.users[device.user];
        assert!(
            device
                .outbox
                .iter()
                .all(|(token, _)| device.unreadable.contains(token)),
            "only unreadable changes stay unsent"
        );
        fn visible<'a, R: Kind>(server: &'a Server, me: &Actor) -> BTreeMap<&'a Id, &'a R> {
            R::map(server)
                .iter()
                .filter(|(_, s)| server.readable(me, &s.row))
                .map(|(id, s)| (id, &s.row))
                .collect()
        }
        fn holds_what_it_may_see<R: Kind>(server: &Server, device: &Device, index: usize) {
            let me = &server.users[device.user];
            let held: BTreeMap<&Id, &R> = R::rows(&device.replica).iter().collect();
            assert_eq!(
                held,
                visible::<R>(server, me),
                "device {index} holds exactly the server's {:?} rows it may see",
                R::TABLE
            );
        }
        for table in KINDS {
            per_kind!(table, R => holds_what_it_may_see::<R>(&server, device, index));
        }
        for (_, scope) in device.replica.scopes() {
            assert!(
                me.access(&scope) >= Access::Read,
                "device {index} keeps nothing it may not see"
            );
        }
        for token in &device.made {
            let told = [
                device.clean.contains(token),
                device.issues.contains(token),
                device.unreadable.contains(token),
            ];
            assert_eq!(
                told.iter().filter(|t| **t).count(),
                1,
                "change {token} of device {index} was answered or shown, once"
            );
        }
    }
    // An acknowledged change is not lost: where it was the last to set a field, the field
    // still has its value.
    for ((table, record, field), ((device, id), value)) in &server.takes {
        let first = devices[*device].first.get(id);
        if !first.is_some_and(|token| devices[*device].clean.contains(token)) {
            continue;
        }
        let fields = per_kind!(*table, R => R::map(&server)
            .get(record)
            .map(|s| crate::sync::replica::fields_of(&s.row.input())));
        if let Some(fields) = fields {
            assert_eq!(
                fields.get(field),
                Some(value),
                "{record}.{field} keeps the last change that set it"
            );
        }
    }
    server
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_to_what_each_user_may_see(
        ops in prop::collection::vec(op(), 1..80),
        skews in prop::collection::vec(-30_000i64..30_000, 5),
    ) {
        run(ops, skews);
    }
}

#[test]
fn an_offline_rename_and_a_managers_revalue_both_survive() {
    use Op::*;
    let ops = vec![
        Edit {
            device: 0,
            pick: 0,
            field: 0,
            n: 1,
        },
        Edit {
            device: 3,
            pick: 0,
            field: 1,
            n: 2,
        },
        Sync {
            device: 3,
            twice: false,
        },
        Wait { ms: 5_000 },
        Sync {
            device: 0,
            twice: true,
        },
    ];
    let server = run(ops, vec![0; 5]);
    let renamed: Vec<_> = server
        .deals
        .values()
        .filter(|s| s.row.title == "Title 1")
        .collect();
    assert_eq!(renamed.len(), 1);
    assert_eq!(
        renamed[0].row.value, 2_000,
        "the manager's value and the rep's title are both kept"
    );
}

/// Seeding fills in the id the input carries.
trait HasId {
    fn set_id(&mut self, id: &str);
}

macro_rules! has_id {
    ($($input:ty),*) => {
        $(impl HasId for $input {
            fn set_id(&mut self, id: &str) {
                self.id = id.to_owned();
            }
        })*
    };
}
has_id!(
    DealInput,
    CompanyInput,
    ContactInput,
    ActivityInput,
    CaseInput
);

fn case_input(subject: &str) -> CaseInput {
    CaseInput {
        kind: "complaint".into(),
        subject: subject.to_owned(),
        channel: "phone".into(),
        priority: "high".into(),
        status: "new".into(),
        ..Default::default()
    }
}

#[test]
fn an_offline_edit_of_a_record_deleted_meanwhile_is_answered_not_lost() {
    use Op::*;
    let ops = vec![
        // Rep A's tablet renames a deal offline; the phone deletes it and syncs first.
        Edit {
            device: 1,
            pick: 0,
            field: 0,
            n: 7,
        },
        Delete { device: 0, pick: 0 },
        Sync {
            device: 0,
            twice: true,
        },
        Sync {
            device: 1,
            twice: false,
        },
    ];
    let server = run(ops, vec![0; 5]);
    assert_eq!(
        server.trashed.keys().map(|(t, _)| *t).collect::<Vec<_>>(),
        [Table::Deal]
    );
    assert!(
        server.deals.values().all(|s| s.row.title != "Title 7"),
        "the rename did not bring the deal back"
    );
    assert!(
        server.outcomes.values().any(|(_, o)| matches!(
            o,
            Outcome::Rejected {
                error: crate::error::AppError::Deleted
            }
        )),
        "the tablet was told the deal was deleted"
    );
}
