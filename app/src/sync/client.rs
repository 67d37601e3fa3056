//! The browser half of sync: the replica and outbox in IndexedDB, mirrored in memory; the
//! loop that pushes and pulls (in one tab only); and what pages call to read and write.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use super::clock::Hlc;
use super::replica::{Replica, Synced};
use super::stored::{StoredRows, key};
use super::{
    Issue, Mutation, Outcome, Pending, PullRequest, PushRequest, RowKey, Snapshot, Status, SyncRow,
};
use crate::error::AppError;

#[wasm_bindgen(module = "/src/sync/device.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn idb_load() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn idb_write(ops: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn idb_wipe() -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn idb_next_change() -> Result<JsValue, JsValue>;
    fn become_leader(lead: &Closure<dyn FnMut()>);
    fn tabs_listen(on_message: &Closure<dyn FnMut(String)>);
    fn tabs_send(message: &str);
    fn on_wake(wake: &Closure<dyn FnMut()>);
    fn now_ms() -> f64;
    fn confirm_text(text: &str) -> bool;
}

/// Changes pushed per request.
const PUSH_BATCH: usize = 100;
/// Sync at least this often while the app is open, even without a poke.
const IDLE_MS: f64 = 30_000.0;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Meta {
    client: String,
    cursor: i64,
    epoch: String,
    snapshot: Option<Snapshot>,
    clock: Option<Hlc>,
    last_synced_ms: Option<f64>,
}

#[derive(Default)]
struct Engine {
    loaded: bool,
    leader: bool,
    replica: Replica,
    outbox: Vec<Pending>,
    /// Outbox entries this version cannot read (stored by a broken or other version):
    /// never sent, shown to the user until discarded.
    unreadable: Vec<(f64, String)>,
    issues: Vec<Issue>,
    /// Changes the server applied that no pull has brought back yet. The view keeps them:
    /// dropped at the server's answer, a record just made would vanish from this device's
    /// pages until the next pull brought it (at the end of a first download, until the next
    /// sync).
    sent: Vec<Pending>,
    meta: Meta,
    view: Option<Rc<Replica>>,
    wake: bool,
    /// The sync loop, while it waits for a reason to sync again.
    napping: Option<std::task::Waker>,
    reachable: Option<bool>,
    syncing: bool,
    /// The server no longer knows this device's session (ended elsewhere, or expired).
    session_ended: bool,
    /// Rows stored one by one since the stored snapshot (see [`LOG_LIMIT`]).
    logged: usize,
    /// A full download is part-way through and its pages are only in memory: they are stored
    /// together, as one snapshot, once its last page has come.
    unsaved: bool,
    /// What screens keep with the copy besides rows (by name, as JSON; see [`keep`]).
    kept: BTreeMap<String, String>,
}

/// Names screens may [`keep`] values under, beside the sync's own.
const KEPT: [&str; 1] = ["basis"];

thread_local! {
    static ENGINE: RefCell<Engine> = RefCell::new(Engine::default());
    static VERSION: ArcRwSignal<u64> = ArcRwSignal::new(0);
    static STATUS: ArcRwSignal<Status> = ArcRwSignal::new(Status::default());
}

pub fn version() -> u64 {
    VERSION.with(|v| v.get())
}

pub fn status() -> Status {
    STATUS.with(|s| s.get())
}

pub fn issues() -> Vec<Issue> {
    ENGINE.with(|e| e.borrow().issues.clone())
}

pub fn unreadable() -> Vec<(f64, String)> {
    ENGINE.with(|e| e.borrow().unreadable.clone())
}

/// Removes an outbox entry nobody can read, once the user has seen it.
pub async fn discard_unreadable(key: f64) -> Result<(), AppError> {
    write(&Ops {
        del_outbox: vec![key],
        ..Ops::default()
    })
    .await?;
    ENGINE.with(|e| e.borrow_mut().unreadable.retain(|(k, _)| *k != key));
    changed();
    Ok(())
}

impl Engine {
    /// Whether the copy holds all the user may see: filled at least once, and no full
    /// download part-way through.
    fn copy_complete(&self) -> bool {
        self.replica.reference.is_some() && self.meta.snapshot.is_none()
    }

    fn status(&self) -> Status {
        Status {
            loaded: self.loaded,
            reachable: self.reachable,
            syncing: self.syncing,
            pending: self.outbox.len(),
            issues: self.issues.len() + self.unreadable.len(),
            last_synced_ms: self.meta.last_synced_ms,
            session_ended: self.session_ended,
        }
    }
}

/// Call after every change to the device's copy: the view is recomputed when next read,
/// and pages that read it refresh. While a full download is under way pages keep what the
/// server gave them (see [`local`]), so they are not redrawn for each page of it, only once
/// at its end.
fn changed() {
    let (status, complete) = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        e.view = None;
        (e.status(), e.copy_complete())
    });
    STATUS.with(|s| s.set(status));
    if complete {
        VERSION.with(|v| v.update(|n| *n += 1));
    }
}

/// Only the status control changes (online, syncing), not the data.
fn status_only() {
    let status = ENGINE.with(|e| e.borrow().status());
    STATUS.with(|s| s.set(status));
}

fn now_iso() -> String {
    let ms = now_ms() as i128;
    time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn view() -> Rc<Replica> {
    ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        if let Some(view) = &e.view {
            return view.clone();
        }
        let changes: Vec<Pending> = e.sent.iter().chain(&e.outbox).cloned().collect();
        let view = Rc::new(e.replica.replayed(&changes, &now_iso()));
        e.view = Some(view.clone());
        view
    })
}

async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

async fn until_loaded() {
    while !ENGINE.with(|e| e.borrow().loaded) {
        sleep_ms(15).await;
    }
}

/// Runs `read` on the device's copy once it is loaded, if it holds everything it should;
/// `None` sends the page to the server instead (a device signing in for the first time, or
/// one part-way through a full download, which would show a page with rows missing).
/// `partial` accepts a copy part-way through, for when the server cannot be reached. Gives
/// `read` back when it did not run.
pub fn local<T: 'static, F: FnOnce(&Replica) -> T + 'static>(
    read: F,
    partial: bool,
) -> impl Future<Output = Result<T, F>> + Send {
    SendWrapper::new(async move {
        until_loaded().await;
        let complete = ENGINE.with(|e| e.borrow().copy_complete());
        let view = view();
        if view.reference.is_some() && (complete || partial) {
            Ok(read(&view))
        } else {
            Err(read)
        }
    })
}

fn row_key(row: &SyncRow) -> String {
    let RowKey { table, id } = row.key();
    key(table, &id)
}

#[derive(Default, Serialize)]
struct Ops {
    clear_rows: bool,
    /// Every confirmed row, replacing the stored snapshot and the changes since.
    #[serde(skip_serializing_if = "Option::is_none")]
    snapshot: Option<String>,
    put_rows: Vec<(String, String)>,
    del_rows: Vec<String>,
    put_outbox: Vec<(f64, String)>,
    del_outbox: Vec<f64>,
    put_meta: Vec<(String, String)>,
}

/// Rows stored one by one since the last snapshot beyond which the next pull writes a new
/// one: reading the copy at start stays one parse of one value plus a short list, and a
/// small pull still writes only its own rows.
const LOG_LIMIT: usize = 500;

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

async fn write(ops: &Ops) -> Result<(), AppError> {
    idb_write(&json(ops))
        .await
        .map(|_| ())
        .map_err(|_| AppError::Internal)
}

/// The outbox and meta as stored.
#[derive(Deserialize)]
struct Stored {
    outbox: Vec<(f64, String)>,
    meta: BTreeMap<String, String>,
}

impl Stored {
    /// The outbox in the order it was made, and the entries that cannot be read (logged).
    fn outbox(&self) -> (Vec<Pending>, Vec<(f64, String)>) {
        let (outbox, unreadable) = super::replica::read_outbox(&self.outbox);
        for (key, _) in &unreadable {
            leptos::logging::error!(
                "sync: outbox entry {key} cannot be read; it is listed under Sync issues"
            );
        }
        (outbox, unreadable)
    }

    fn parse(text: &str) -> Option<Stored> {
        serde_json::from_str(text)
            .inspect_err(|error| {
                leptos::logging::error!("sync: the device's outbox cannot be read: {error}")
            })
            .ok()
    }
}

/// The two texts `idb_load` answers: the rows, then the outbox and meta.
async fn read_device() -> Option<(String, String)> {
    let value = idb_load()
        .await
        .inspect_err(|error| {
            leptos::logging::error!("sync: the device's copy cannot be opened: {error:?}")
        })
        .ok()?;
    let parts = js_sys::Array::from(&value);
    Some((parts.get(0).as_string()?, parts.get(1).as_string()?))
}

async fn load() {
    let stored = read_device().await;
    let aged = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        if let Some((rows, rest)) = stored {
            if let Some(stored) = Stored::parse(&rest) {
                e.replica.reference = stored
                    .meta
                    .get("reference")
                    .and_then(|r| serde_json::from_str(r).ok());
                (e.outbox, e.unreadable) = stored.outbox();
                e.issues = stored
                    .meta
                    .get("issues")
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_default();
                e.sent = stored
                    .meta
                    .get("sent")
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_default();
                e.meta = stored
                    .meta
                    .get("sync")
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_default();
                for name in KEPT {
                    if let Some(value) = stored.meta.get(name).filter(|v| *v != "null") {
                        e.kept.insert(name.to_owned(), value.clone());
                    }
                }
            }
            match StoredRows::parse(&rows) {
                Some((rows, unreadable)) => {
                    // A row this version cannot read is left out until the next full
                    // download brings it again; said once, not per row.
                    if unreadable > 0 {
                        leptos::logging::error!("sync: {unreadable} stored rows cannot be read");
                    }
                    e.logged = rows.log.len();
                    rows.fold_into(&mut e.replica);
                }
                None => {
                    // Nothing of the rows can be read: download them all again, and until
                    // then send pages to the server rather than show an empty copy.
                    leptos::logging::error!("sync: the device's rows cannot be read");
                    e.replica.reference = None;
                    e.meta.cursor = 0;
                    e.meta.epoch = String::new();
                    e.meta.snapshot = None;
                }
            }
        }
        if !crate::ids::is_valid_id(&e.meta.client) {
            e.meta.client = crate::ids::new_id();
        }
        e.loaded = true;
        let aged = prune(&mut e);
        e.logged += aged.len();
        aged
    });
    changed();
    if !aged.is_empty() {
        let ops = Ops {
            del_rows: aged.iter().map(|k| key(k.table, &k.id)).collect(),
            ..Ops::default()
        };
        if let Err(error) = write(&ops).await {
            // Dropped in memory all the same; the next start tries again.
            leptos::logging::error!(
                "sync: rows past the working set could not be removed: {error:?}"
            );
        }
    }
}

/// Drops from the copy what aged out of the user's working set since it was stored.
fn prune(e: &mut Engine) -> Vec<RowKey> {
    let Some(reference) = &e.replica.reference else {
        return Vec::new();
    };
    let horizon = super::horizon::Horizon::at_ms(reference.server_ms, &reference.pipeline);
    let pending = e
        .outbox
        .iter()
        .map(|p| RowKey {
            table: p.mutation.table,
            id: p.mutation.id.clone(),
        })
        .collect();
    e.replica.prune(&horizon, &pending)
}

/// Starts sync for this tab: load the copy, then either lead (push and pull) or follow the
/// tab that does.
pub fn start() {
    spawn_local(async {
        load().await;
        let on_message =
            Closure::<dyn FnMut(String)>::new(|message: String| match message.as_str() {
                "changed" => spawn_local(async {
                    let leader = ENGINE.with(|e| e.borrow().leader);
                    if !leader {
                        ENGINE.with(|e| {
                            let mut e = e.borrow_mut();
                            e.replica = Replica::default();
                            e.loaded = false;
                        });
                        load().await;
                    }
                }),
                "outbox" => spawn_local(async {
                    if ENGINE.with(|e| e.borrow().leader) {
                        reload_outbox().await;
                        wake();
                    }
                }),
                // The syncing tab says whether it reaches the server, so every tab's status agrees.
                "online" | "offline" => {
                    ENGINE.with(|e| {
                        let mut e = e.borrow_mut();
                        if !e.leader {
                            e.reachable = Some(message == "online");
                        }
                    });
                    status_only();
                }
                _ => {}
            });
        tabs_listen(&on_message);
        on_message.forget();
        let lead = Closure::<dyn FnMut()>::new(|| {
            ENGINE.with(|e| e.borrow_mut().leader = true);
            spawn_local(run());
        });
        become_leader(&lead);
        lead.forget();
        // If another tab leads, have it sync now: it then tells every tab where things stand.
        tabs_send("outbox");
    });
}

async fn reload_outbox() {
    if let Some((_, rest)) = read_device().await
        && let Some(stored) = Stored::parse(&rest)
    {
        ENGINE.with(|e| (e.borrow_mut().outbox, e.borrow_mut().unreadable) = stored.outbox());
        changed();
    }
}

pub fn wake() {
    let napping = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        e.wake = true;
        e.napping.take()
    });
    if let Some(waker) = napping {
        waker.wake();
    }
}

/// Waits `ms`, or less if [`wake`] is called: a poke from the server is acted on at once.
struct Nap(gloo_timers::future::TimeoutFuture);

impl Future for Nap {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let woken = ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            if !e.wake {
                e.napping = Some(cx.waker().clone());
            }
            e.wake
        });
        if woken {
            return std::task::Poll::Ready(());
        }
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

/// The leader's loop: sync, then wait for a reason to sync again, backing off while the
/// server cannot be reached.
async fn run() {
    let waker = Closure::<dyn FnMut()>::new(wake);
    on_wake(&waker);
    waker.forget();
    let mut backoff = 1_000.0;
    loop {
        ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            e.wake = false;
            // A nap that ended by its timer left its waker behind.
            e.napping = None;
            e.syncing = true;
        });
        status_only();
        let result = sync_once().await;
        let wait = match result {
            Ok(()) => {
                backoff = 1_000.0;
                IDLE_MS
            }
            Err(AppError::AccountClosed) => {
                // Deactivated by an admin or their manager: nothing of the organisation's may
                // stay on this device, not even changes it has not sent.
                if forget().await.is_ok() {
                    tabs_send("changed");
                }
                ENGINE.with(|e| e.borrow_mut().session_ended = true);
                IDLE_MS
            }
            Err(AppError::Unauthorized) => {
                // Ended elsewhere (another device, a password change) or expired: the app
                // goes to sign-in; the copy and its outbox stay for the same user's return.
                // (Only a device that had a copy was signed in; the sign-in page syncs too.)
                ENGINE.with(|e| {
                    let mut e = e.borrow_mut();
                    e.session_ended = e.replica.reference.is_some();
                });
                IDLE_MS
            }
            Err(_) => {
                backoff = (backoff * 2.0_f64).min(60_000.0);
                backoff
            }
        };
        let reachable = !matches!(result, Err(AppError::Network));
        ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            e.syncing = false;
            e.reachable = Some(reachable);
        });
        status_only();
        tabs_send(if reachable { "online" } else { "offline" });
        Nap(gloo_timers::future::TimeoutFuture::new(wait as u32)).await;
    }
}

async fn sync_once() -> Result<(), AppError> {
    if signed_out_pending() {
        // A sign-out made offline is finished first; until then nothing is sent or fetched
        // under the session it ends.
        finish_sign_out().await?;
        return Err(AppError::Unauthorized);
    }
    push_all().await?;
    pull_all().await?;
    ENGINE.with(|e| e.borrow_mut().meta.last_synced_ms = Some(now_ms()));
    let meta = ENGINE.with(|e| json(&e.borrow().meta));
    write(&Ops {
        put_meta: vec![("sync".into(), meta)],
        ..Ops::default()
    })
    .await?;
    changed();
    Ok(())
}

async fn push_all() -> Result<(), AppError> {
    loop {
        let (client, batch) = ENGINE.with(|e| {
            let e = e.borrow();
            (
                e.meta.client.clone(),
                e.outbox
                    .iter()
                    .take(PUSH_BATCH)
                    .cloned()
                    .collect::<Vec<_>>(),
            )
        });
        if batch.is_empty() {
            return Ok(());
        }
        let answers = super::push(PushRequest {
            client,
            mutations: batch.clone(),
        })
        .await?;
        let now = now_ms();
        ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            for answer in &answers {
                let Some(index) = e.outbox.iter().position(|p| p.id == answer.id) else {
                    continue;
                };
                let pending = e.outbox.remove(index);
                let keep = match &answer.outcome {
                    Outcome::Applied { superseded } => !superseded.is_empty(),
                    _ => true,
                };
                if !keep {
                    e.sent.push(pending);
                } else {
                    e.issues.push(Issue {
                        pending,
                        outcome: answer.outcome.clone(),
                        at_ms: now,
                    });
                }
            }
        });
        let (issues, sent) = ENGINE.with(|e| (json(&e.borrow().issues), json(&e.borrow().sent)));
        let done: Vec<f64> = answers.iter().map(|a| a.id as f64).collect();
        write(&Ops {
            del_outbox: done,
            put_meta: vec![("issues".into(), issues), ("sent".into(), sent)],
            ..Ops::default()
        })
        .await?;
        changed();
        tabs_send("changed");
    }
}

async fn pull_all() -> Result<(), AppError> {
    loop {
        // A change made while a long download runs is sent between its pages, not after
        // them all: pages that ask the server meanwhile (the copy is not complete yet) then
        // find it there. Changes it makes are logged after the download's base, so the
        // download brings them afterwards like any other.
        if ENGINE.with(|e| !e.borrow().outbox.is_empty()) {
            push_all().await?;
        }
        let request = ENGINE.with(|e| {
            let e = e.borrow();
            PullRequest {
                cursor: e.meta.cursor,
                epoch: e.meta.epoch.clone(),
                snapshot: e.meta.snapshot.clone(),
            }
        });
        let page = super::pull(request).await?;
        // A page of a full download with more to come is kept in memory: storing each page
        // would serialise and write the growing copy once per page. If the copy is being
        // replaced, what was stored goes now, with a state that starts the download over: a
        // tab closed part-way through never shows rows the user may no longer read, nor a
        // copy with pages missing.
        if page.snapshot.is_some() {
            let restart = ENGINE.with(|e| {
                let mut e = e.borrow_mut();
                e.replica.apply(&page);
                e.unsaved = true;
                let restart = page.reset.then(|| {
                    json(&Meta {
                        cursor: 0,
                        epoch: String::new(),
                        snapshot: None,
                        ..e.meta.clone()
                    })
                });
                e.meta.cursor = page.cursor;
                e.meta.epoch = page.epoch.clone();
                e.meta.snapshot = page.snapshot.clone();
                restart
            });
            if restart.is_some() {
                // Kept values were worked out for the user's old access.
                ENGINE.with(|e| e.borrow_mut().kept.clear());
            }
            if let Some(meta) = restart {
                // Without its reference data the stored copy counts as never filled: a start
                // before the download ends asks the server, never an empty copy.
                write(&Ops {
                    clear_rows: true,
                    put_meta: [("sync".into(), meta), ("reference".into(), "null".into())]
                        .into_iter()
                        .chain(KEPT.map(|name| (name.to_owned(), "null".to_owned())))
                        .collect(),
                    ..Ops::default()
                })
                .await?;
            }
            changed();
            continue;
        }
        let mut ops = Ops {
            clear_rows: page.reset,
            ..Ops::default()
        };
        let (meta, sent) = ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            e.replica.apply(&page);
            ops.put_outbox = redirect_outbox(&mut e.outbox, &page.merged);
            // This page was asked for after every answer so far: a row it brings is the
            // server's, with what this device sent in it. The last page brings all there is.
            let before = e.sent.len();
            if page.has_more {
                let brought = |p: &Pending| {
                    let key = (p.mutation.table, &p.mutation.id);
                    page.rows.iter().any(|r| {
                        let k = r.key();
                        (k.table, &k.id) == key
                    }) || page.removed.iter().any(|k| (k.table, &k.id) == key)
                };
                e.sent.retain(|p| !brought(p));
            } else {
                e.sent.clear();
            }
            let sent = (e.sent.len() != before).then(|| json(&e.sent));
            let changes = page.rows.len() + page.removed.len();
            let whole = page.reset || std::mem::take(&mut e.unsaved);
            let snapshot = (whole || e.logged + changes > LOG_LIMIT)
                .then(|| e.replica.rows_json())
                .flatten();
            let mut stored_epoch = page.epoch.clone();
            if snapshot.is_some() {
                ops.snapshot = snapshot;
                e.logged = 0;
            } else if whole {
                // The download's earlier pages were never stored and the copy cannot be
                // written as one value: store nothing of it, so the next start downloads again
                // rather than trusting a copy with pages missing.
                leptos::logging::error!("sync: the downloaded copy cannot be stored");
                ops.clear_rows = true;
                stored_epoch = String::new();
            } else {
                ops.put_rows = page.rows.iter().map(|r| (row_key(r), json(r))).collect();
                ops.del_rows = page.removed.iter().map(|k| key(k.table, &k.id)).collect();
                e.logged += changes;
            }
            e.meta.cursor = page.cursor;
            e.meta.epoch = page.epoch.clone();
            e.meta.snapshot = page.snapshot.clone();
            let node = e.meta.client.clone();
            let clock = e.meta.clock.clone().unwrap_or_else(|| Hlc::zero(&node));
            let server = Hlc {
                ms: page.reference.server_ms,
                counter: 0,
                node: node.clone(),
            };
            e.meta.clock = Some(clock.observe(&server, now_ms() as i64));
            let meta = json(&Meta {
                epoch: stored_epoch,
                ..e.meta.clone()
            });
            (meta, sent)
        });
        ops.put_meta = vec![
            ("sync".into(), meta),
            ("reference".into(), json(&page.reference)),
        ];
        if let Some(sent) = sent {
            ops.put_meta.push(("sent".into(), sent));
        }
        write(&ops).await?;
        changed();
        tabs_send("changed");
        if !page.has_more {
            return Ok(());
        }
    }
}

/// Points the outbox's changes at the survivors of records this pull says were merged away;
/// the entries rewritten, to store. None of them was sent yet (every push comes before the
/// pull that follows it), so none has an answer on the server to contradict.
fn redirect_outbox(outbox: &mut [Pending], merged: &[super::MergedAway]) -> Vec<(f64, String)> {
    if merged.is_empty() {
        return Vec::new();
    }
    let survivor = |key: &RowKey| {
        merged
            .iter()
            .find(|m| m.key == *key)
            .map(|m| m.into.clone())
    };
    let mut rewritten = Vec::new();
    for pending in outbox.iter_mut() {
        if let Some(mutation) = super::redirect::redirect(&pending.mutation, survivor) {
            pending.mutation = mutation;
            rewritten.push((pending.id as f64, json(pending)));
        }
    }
    rewritten
}

/// The next clock for an edit made here.
fn tick() -> Hlc {
    ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        let node = e.meta.client.clone();
        let clock = e
            .meta
            .clock
            .clone()
            .unwrap_or_else(|| Hlc::zero(&node))
            .tick(now_ms() as i64);
        e.meta.clock = Some(clock.clone());
        clock
    })
}

/// Queues a change: checked against the device's copy first (so a form shows its errors at
/// once), then kept in the outbox until the server has answered it.
pub async fn submit(mutation: Mutation) -> Result<(), AppError> {
    queue(mutation, false).await
}

/// [`submit`]; with `restored`, an edit of a record just restored on the server, which the
/// device gets back at its next pull: not finding it on the device yet is no reason to refuse.
async fn queue(mutation: Mutation, restored: bool) -> Result<(), AppError> {
    SendWrapper::new(async move {
        until_loaded().await;
        let mut trial = (*view()).clone();
        // Part-way through a download, a record not on the device yet may be one the download
        // has not reached (the form was loaded from the server): the server decides.
        let partial = ENGINE.with(|e| !e.borrow().copy_complete());
        match trial.replay(&mutation, &now_iso()) {
            Err(AppError::NotFound) if restored || partial => {}
            other => other?,
        }
        let id = idb_next_change()
            .await
            .ok()
            .and_then(|n| n.as_f64())
            .map(|n| n as i64)
            .ok_or(AppError::Internal)?;
        let pending = Pending { id, mutation };
        let meta = ENGINE.with(|e| {
            let mut e = e.borrow_mut();
            e.outbox.push(pending.clone());
            json(&e.meta)
        });
        write(&Ops {
            put_outbox: vec![(id as f64, json(&pending))],
            put_meta: vec![("sync".into(), meta)],
            ..Ops::default()
        })
        .await?;
        changed();
        if ENGINE.with(|e| e.borrow().leader) {
            wake();
        } else {
            tabs_send("outbox");
        }
        Ok(())
    })
    .await
}

/// A form's save: the fields that changed since `before` (or all, for a new record).
pub async fn save<R: Synced>(
    before: Option<R::Input>,
    after: R::Input,
    id: String,
) -> Result<String, AppError> {
    let clock = tick();
    let mutation = match &before {
        Some(before) => match super::replica::edit::<R>(before, &after, &id, clock) {
            Some(mutation) => mutation,
            None => return Ok(id),
        },
        None => super::replica::create::<R>(&after, &id, clock),
    };
    submit(mutation).await?;
    Ok(id)
}

/// Changes some fields of a record as the device has it now (a stage move, a tick).
pub async fn change<R: Synced>(
    id: String,
    edit: impl FnOnce(&mut R::Input) + 'static,
) -> Result<(), AppError> {
    let before = SendWrapper::new(async move {
        until_loaded().await;
        <R as crate::kinds::Held>::rows(&view())
            .get(id.as_str())
            .map(|row| (row.input(), id))
    })
    .await;
    let Some((before, id)) = before else {
        return Err(AppError::NotFound);
    };
    let mut after = before.clone();
    edit(&mut after);
    save::<R>(Some(before), after, id).await.map(|_| ())
}

/// Deletes a record as the device has it (to the Trash), through the outbox.
pub async fn delete<R: Synced>(id: String, with_linked: bool) -> Result<(), AppError> {
    let row = SendWrapper::new(async move {
        until_loaded().await;
        <R as crate::kinds::Held>::rows(&view())
            .get(id.as_str())
            .cloned()
    })
    .await;
    let row = row.ok_or(AppError::NotOnDevice)?;
    submit(super::replica::delete(&row, with_linked, tick())).await
}

/// Settles an issue: `retry` queues the change again with a new clock (for a conflict,
/// "keep mine": against what the server has now); otherwise it is discarded.
pub async fn settle(issue_id: i64, retry: bool) -> Result<(), AppError> {
    // A record deleted on the server comes back first: if that fails (offline), the issue
    // stays where it was.
    let deleted = ENGINE.with(|e| {
        e.borrow()
            .issues
            .iter()
            .find(|i| i.pending.id == issue_id)
            .filter(|i| {
                matches!(
                    &i.outcome,
                    Outcome::Rejected {
                        error: AppError::Deleted
                    } | Outcome::DeletedChanged { .. }
                )
            })
            .map(|i| (i.pending.mutation.table, i.pending.mutation.id.to_string()))
    });
    let restored = retry && deleted.is_some();
    if let (true, Some((table, id))) = (retry, deleted) {
        crate::trash::restore(table, id).await?;
        wake();
    }
    let issue = ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        let index = e.issues.iter().position(|i| i.pending.id == issue_id)?;
        Some(e.issues.remove(index))
    });
    let issues = ENGINE.with(|e| json(&e.borrow().issues));
    write(&Ops {
        put_meta: vec![("issues".into(), issues)],
        ..Ops::default()
    })
    .await?;
    changed();
    let Some(issue) = issue else { return Ok(()) };
    if retry {
        let mut mutation = issue.pending.mutation;
        mutation.clock = tick();
        // Only what was not taken is sent again: re-sending the rest would let it overwrite,
        // with a newer clock, later edits the server rightly kept.
        match &issue.outcome {
            Outcome::Conflict { fields, .. } => {
                mutation
                    .fields
                    .retain(|field, _| fields.iter().any(|c| &c.field == field));
                if let Some(base) = mutation.base.as_mut() {
                    for conflict in fields {
                        base.insert(conflict.field.clone(), conflict.theirs.clone());
                    }
                }
            }
            Outcome::Applied { superseded } => mutation
                .fields
                .retain(|field, _| superseded.contains(field)),
            Outcome::Rejected { .. } => {}
            // Restored above; there is nothing to send again.
            Outcome::DeletedChanged { .. } => return Ok(()),
        }
        queue(mutation, restored).await?;
    }
    Ok(())
}

/// A value a screen keeps with the device's copy under `name` (one of [`KEPT`]), if any.
pub fn kept(name: &str) -> Option<String> {
    ENGINE.with(|e| e.borrow().kept.get(name).cloned())
}

/// Keeps `json` with the device's copy under `name`: erased with the copy, and when the
/// user's access changes.
pub async fn keep(name: &'static str, json: String) -> Result<(), AppError> {
    if !KEPT.contains(&name) {
        leptos::logging::error!("sync: nothing is kept under {name:?}");
        return Err(AppError::Internal);
    }
    SendWrapper::new(async move {
        until_loaded().await;
        write(&Ops {
            put_meta: vec![(name.to_owned(), json.clone())],
            ..Ops::default()
        })
        .await?;
        ENGINE.with(|e| e.borrow_mut().kept.insert(name.to_owned(), json));
        Ok(())
    })
    .await
}

/// Forgets everything this device holds for the signed-in user. Asks first if changes
/// would be lost; `Ok(false)` means the user chose to keep them (and stay signed in); an
/// error, that the copy could not be erased (the user stays signed in and is told).
pub async fn wipe(warning: &str) -> Result<bool, AppError> {
    let pending = ENGINE.with(|e| e.borrow().outbox.len());
    if pending > 0 && !confirm_text(warning) {
        return Ok(false);
    }
    forget().await?;
    tabs_send("changed");
    Ok(true)
}

/// Drops the device's copy, outbox and issues, in storage and in memory; the next user of
/// this browser starts as a new device.
async fn forget() -> Result<(), AppError> {
    if let Err(error) = idb_wipe().await {
        leptos::logging::error!("sync: could not erase the device's copy: {error:?}");
        return Err(AppError::Internal);
    }
    ENGINE.with(|e| {
        let mut e = e.borrow_mut();
        let leader = e.leader;
        *e = Engine {
            loaded: true,
            leader,
            ..Engine::default()
        };
        e.meta.client = crate::ids::new_id();
    });
    changed();
    Ok(())
}

/// Asks the service worker to hand over to the waiting new version (the page reloads).
pub fn apply_update() {
    if let Some(window) = web_sys::window()
        && let Ok(apply) = js_sys::Reflect::get(&window, &JsValue::from_str("hamrahApplyUpdate"))
        && let Some(apply) = apply.dyn_ref::<js_sys::Function>()
    {
        let _ = apply.call0(&JsValue::NULL);
    }
}

pub fn update_ready() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("hamrahUpdateReady")).ok())
        .is_some_and(|v| v.is_truthy())
}

pub async fn signed_in(user: &str) {
    until_loaded().await;
    set_signed_out(false);
    ENGINE.with(|e| e.borrow_mut().session_ended = false);
    status_only();
    let other = ENGINE.with(|e| e.borrow().replica.me().is_some_and(|me| me.id != user));
    if other && forget().await.is_err() {
        // Another user's copy stays in storage: never show it under this user's name.
        ENGINE.with(|e| e.borrow_mut().replica = Replica::default());
        changed();
    }
    wake();
}

const SIGNED_OUT: &str = "hamrah_signed_out";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// Whether this device was signed out while the server could not be told yet.
pub fn signed_out_pending() -> bool {
    storage()
        .and_then(|s| s.get_item(SIGNED_OUT).ok().flatten())
        .is_some()
}

pub fn set_signed_out(pending: bool) {
    if let Some(storage) = storage() {
        let result = if pending {
            storage.set_item(SIGNED_OUT, "1")
        } else {
            storage.remove_item(SIGNED_OUT)
        };
        if result.is_err() {
            leptos::logging::error!("sync: could not remember the sign-out on this device");
        }
    }
}

/// Ends the server's session of a sign-out made offline.
pub async fn finish_sign_out() -> Result<(), AppError> {
    match crate::auth::sign_out().await {
        Ok(()) | Err(AppError::Unauthorized) => {
            set_signed_out(false);
            Ok(())
        }
        Err(error) => Err(error),
    }
}
