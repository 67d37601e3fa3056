//! Offline-first sync. The device keeps a replica of the rows its user may see and an outbox
//! of changes made on it. `push` sends the outbox: each change is applied or answered with a
//! reason, once, however often it is retried. `pull` brings every row that changed since the
//! device's cursor, in pages, and tells it which rows it must drop. The conflict rules are in
//! [`merge`]; the wire types are here.

pub mod apply;
pub mod clock;
pub mod horizon;
pub mod merge;
pub mod redirect;
pub mod replica;
pub mod stored;
pub mod views;

#[cfg(feature = "hydrate")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::AppError;
use crate::money::Currency;
use crate::pipeline::Pipeline;

pub use crate::kinds::{SyncRow, Table};
pub use merge::FieldConflict;

/// A record's fields by name, as its form has them.
pub type Fields = serde_json::Map<String, serde_json::Value>;

/// Rows per pull page: about 140 KiB compressed, so a phone on a slow link still finishes one
/// in a second or so, while a first download takes few pages. Each page costs the server a
/// fixed ~40 ms (its session, the reference data, a scan of the table), which at 500 rows
/// was most of a first sync's time (BENCHMARKS.md, issue 11).
pub const PAGE: usize = 2000;

/// What a change does to its record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Sets `fields` (or creates the record).
    #[default]
    Edit,
    /// Moves the record to the Trash; what links to it is kept and unlinked.
    Delete,
    /// Moves a company to the Trash with the contacts and deals the user may change; the
    /// rest is kept and unlinked.
    DeleteWithLinked,
}

impl Op {
    pub fn is_edit(&self) -> bool {
        *self == Op::Edit
    }

    pub fn deletes(self) -> bool {
        !self.is_edit()
    }
}

/// One change made on a device: `fields` set on record `id`, starting from `base` (the
/// fields as the device had them; `None` when the device created the record), or the record
/// deleted (`op`; then `base` is what the device had when it was deleted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub table: Table,
    pub id: crate::ids::Id,
    pub base: Option<Fields>,
    pub fields: Fields,
    /// The hybrid logical clock of the edit.
    pub clock: clock::Hlc,
    /// Absent for an edit, so changes stored and digested before deletes existed read the same.
    #[serde(default, skip_serializing_if = "Op::is_edit")]
    pub op: Op,
}

/// A mutation with its number, unique and increasing per device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub id: i64,
    pub mutation: Mutation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The device, a UUID it made for itself.
    pub client: String,
    pub mutations: Vec<Pending>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Saved. `superseded` lists fields where a later edit made elsewhere was kept.
    Applied { superseded: Vec<String> },
    /// Not saved, and retrying unchanged will not help.
    Rejected { error: AppError },
    /// The other fields were saved; `fields` were changed by someone else meanwhile (and
    /// `superseded` kept a later edit made elsewhere, as in `Applied`).
    Conflict {
        fields: Vec<FieldConflict>,
        #[serde(default)]
        superseded: Vec<String>,
    },
    /// Deleted (to the Trash), though someone else had changed `fields` after this device
    /// last saw them: its user may want it back.
    DeletedChanged { fields: Vec<FieldConflict> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub id: i64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RowKey {
    pub table: Table,
    pub id: crate::ids::Id,
}

/// A record merged into another (`into`, of the same kind).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedAway {
    pub key: RowKey,
    pub into: crate::ids::Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: crate::ids::Id,
    pub name: String,
}

/// What every screen needs besides records: who I am, the pipeline, colleagues' names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub me: Actor,
    pub pipeline: Pipeline,
    pub users: Vec<UserRow>,
    pub default_currency: Currency,
    /// The organisation's deal sources (stored before they existed: none).
    #[serde(default)]
    pub deal_sources: Vec<String>,
    /// The service desk's working hours and promises, so a device reads a case's clocks
    /// as the server does.
    #[serde(default)]
    pub service: crate::cases::rules::ServiceRules,
    /// The server's clock, so a device can keep its own clock from running behind.
    pub server_ms: i64,
}

/// Where a first (or restarted) download has got to: `table`, rows after `after` by id,
/// and the sync sequence number when it began, from which changes are pulled afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub table: Table,
    pub after: String,
    pub base: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PullRequest {
    pub cursor: i64,
    /// What the device's replica was built for; when the user's access changes, the server
    /// answers with `reset` and the device downloads again.
    pub epoch: String,
    pub snapshot: Option<Snapshot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub epoch: String,
    /// Drop every row held before applying this page.
    pub reset: bool,
    pub rows: Vec<SyncRow>,
    /// Rows the user may no longer see, or that no longer exist.
    pub removed: Vec<RowKey>,
    /// Of `removed`, those merged into another record: changes queued for them go there.
    #[serde(default)]
    pub merged: Vec<MergedAway>,
    pub cursor: i64,
    pub snapshot: Option<Snapshot>,
    pub has_more: bool,
    pub reference: Reference,
}

#[server(endpoint = "sync/push", input = Json)]
pub async fn push(request: PushRequest) -> Result<Vec<Answer>, AppError> {
    crate::server::respond(async move {
        let changes = crate::server::state()?.changes;
        let answers = ssr::push(&crate::server::cx().await?, request).await?;
        changes.poke();
        Ok(answers)
    })
    .await
}

#[server(endpoint = "sync/pull", input = Json)]
pub async fn pull(request: PullRequest) -> Result<PullResponse, AppError> {
    crate::server::respond(async move { ssr::pull(&crate::server::cx().await?, request).await })
        .await
}

/// Where sync stands, for the status control.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    /// The device's copy has been read from storage.
    pub loaded: bool,
    /// Whether the last attempt reached the server; `None` before the first.
    pub reachable: Option<bool>,
    pub syncing: bool,
    pub pending: usize,
    pub issues: usize,
    pub last_synced_ms: Option<f64>,
    /// The server said this device's session is over: it must sign in again.
    pub session_ended: bool,
}

/// A change the server did not take as it was, kept until the user settles it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub pending: Pending,
    pub outcome: Outcome,
    pub at_ms: f64,
}

/// Bumped whenever the device's copy changes; pages that read it depend on it. Always 0
/// on the server, so server-rendered pages and the first hydration pass agree.
pub fn version() -> u64 {
    #[cfg(feature = "hydrate")]
    return client::version();
    #[cfg(not(feature = "hydrate"))]
    0
}

pub fn status() -> Status {
    #[cfg(feature = "hydrate")]
    return client::status();
    #[cfg(not(feature = "hydrate"))]
    Status::default()
}

/// A page's data: in the browser from the device's copy once it holds everything the user
/// may see (so it works offline and shows unsynced edits); otherwise, and during server
/// rendering, from the server.
pub async fn read<T: 'static>(
    local: impl FnOnce(&replica::Replica) -> Result<T, AppError> + Send + 'static,
    server: impl Future<Output = Result<T, AppError>> + Send,
) -> Result<T, AppError> {
    // Signed out on this device, though the server may not know yet: nothing is fetched
    // under the old session.
    if signed_out_pending() {
        return Err(AppError::Unauthorized);
    }
    answer(local, server).await
}

/// In the browser: the device's copy when it holds everything; otherwise the server, and
/// when the server is out of reach part-way through a first download, what the device has.
/// A record the device does not hold may be one it does not keep (see [`horizon`]): the
/// server is asked, and when it cannot be reached the user is told so, not that the record
/// does not exist.
#[cfg(feature = "hydrate")]
async fn answer<T: 'static>(
    local: impl FnOnce(&replica::Replica) -> Result<T, AppError> + Send + 'static,
    server: impl Future<Output = Result<T, AppError>> + Send,
) -> Result<T, AppError> {
    match client::local(local, false).await {
        Ok(Err(AppError::NotFound)) => match server.await {
            Err(AppError::Network) => Err(AppError::NotOnDevice),
            other => other,
        },
        Ok(result) => result,
        Err(local) => match server.await {
            Err(AppError::Network) => client::local(local, true)
                .await
                .unwrap_or(Err(AppError::Network)),
            other => other,
        },
    }
}

/// The device's copy, read even part-way through a download: for a page the server
/// works out while online, when it cannot be reached. On the server: [`AppError::Network`].
pub async fn offline<T: 'static>(
    read: impl FnOnce(&replica::Replica) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    #[cfg(feature = "hydrate")]
    return client::local(read, true)
        .await
        .unwrap_or(Err(AppError::Network));
    #[cfg(not(feature = "hydrate"))]
    {
        drop(read);
        Err(AppError::Network)
    }
}

/// A value a screen keeps with the device's copy (see `client::keep`); none on the server.
pub fn kept(name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    return client::kept(name);
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = name;
        None
    }
}

/// Keeps `json` with the device's copy under `name`, erased with it.
pub async fn keep(name: &'static str, json: String) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    return client::keep(name, json).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (name, json);
        Ok(())
    }
}

/// On the server: the server.
#[cfg(not(feature = "hydrate"))]
async fn answer<T: 'static>(
    local: impl FnOnce(&replica::Replica) -> Result<T, AppError> + Send + 'static,
    server: impl Future<Output = Result<T, AppError>> + Send,
) -> Result<T, AppError> {
    drop(local);
    server.await
}

/// A form's save, through the outbox: it works offline and is pushed when it can be.
/// `before` is the record as the form opened it (`None` for a new one).
pub async fn save<R: replica::Synced>(
    before: Option<R::Input>,
    after: R::Input,
    id: String,
) -> Result<String, AppError> {
    #[cfg(feature = "hydrate")]
    return client::save::<R>(before, after, id).await;
    #[cfg(not(feature = "hydrate"))]
    {
        // Actions run only in the browser; the server never gets here.
        drop((before, after));
        Ok(id)
    }
}

/// Changes some fields of a record as the device has it now (a stage move, ticking a task).
pub async fn change<R: replica::Synced>(
    id: String,
    edit: impl FnOnce(&mut R::Input) + Send + 'static,
) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    return client::change::<R>(id, edit).await;
    #[cfg(not(feature = "hydrate"))]
    {
        drop((id, edit));
        Ok(())
    }
}

/// Moves a record to the Trash, through the outbox (`with_linked`: a company's contacts and
/// deals too).
pub async fn delete<R: replica::Synced>(id: String, with_linked: bool) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(client::delete::<R>(id, with_linked)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        drop(id);
        let _ = with_linked;
        Ok(())
    }
}

/// Changes the server answered with something to settle.
pub fn issues() -> Vec<Issue> {
    #[cfg(feature = "hydrate")]
    return client::issues();
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

/// Settles an issue: `retry` sends the change again (for a conflict: keep mine),
/// otherwise it is dropped (take theirs).
pub async fn settle(issue: i64, retry: bool) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(client::settle(issue, retry)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (issue, retry);
        Ok(())
    }
}

pub fn sync_now() {
    #[cfg(feature = "hydrate")]
    client::wake();
}

/// After sign-in: a device copy that belongs to another user is wiped first.
pub async fn signed_in(user: &str) {
    #[cfg(feature = "hydrate")]
    client::signed_in(user).await;
    #[cfg(not(feature = "hydrate"))]
    let _ = user;
}

/// Before sign-out: wipes the device copy, after asking if unsynced changes would be lost.
/// `Ok(false)` when the user chose to stay; an error when the copy could not be erased.
pub async fn signing_out(warning: String) -> Result<bool, AppError> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(async move { client::wipe(&warning).await }).await;
    #[cfg(not(feature = "hydrate"))]
    {
        drop(warning);
        Ok(true)
    }
}

/// After the device's copy is gone: ends the session on the server, or, when it cannot be
/// reached, remembers to at the next contact, before anything else is sent or fetched.
pub async fn sign_out_session() {
    match crate::auth::sign_out().await {
        Ok(()) | Err(AppError::Unauthorized) => {}
        #[cfg(feature = "hydrate")]
        Err(_) => client::set_signed_out(true),
        #[cfg(not(feature = "hydrate"))]
        Err(_) => {}
    }
}

/// Whether this device was signed out and the server has not heard of it yet.
pub fn signed_out_pending() -> bool {
    #[cfg(feature = "hydrate")]
    return client::signed_out_pending();
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Outbox entries this device cannot read: (storage key, stored text).
pub fn unreadable() -> Vec<(f64, String)> {
    #[cfg(feature = "hydrate")]
    return client::unreadable();
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

pub async fn discard_unreadable(key: f64) -> Result<(), AppError> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(client::discard_unreadable(key)).await;
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        Ok(())
    }
}

pub fn pending() -> usize {
    status().pending
}
