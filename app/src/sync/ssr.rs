//! The server half of sync: applying pushed changes through the same save functions the
//! forms use (so the same validation, permissions and history apply), and answering pulls
//! from the sync log, scoped by the one permission rule.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;

use serde::Deserialize;

use super::apply::{Current, Plan, plan};
use super::clock::Hlc;
use super::horizon::Horizon;
use super::replica::Synced;
use super::{
    Answer, Mutation, Outcome, PAGE, Pending, PullRequest, PullResponse, PushRequest, Reference,
    RowKey, Snapshot, SyncRow, Table, UserRow,
};
use crate::auth::Actor;
use crate::db::{self, Bind, Db, rid};
use crate::error::{AppError, AppResult, Problem};
use crate::kinds::Visit;
use crate::records::{bind_actor, read_filter};
use crate::server::{Cx, internal};

/// Most changes one push may carry; a device with more sends them in several.
pub const MAX_PUSH: usize = 200;
/// A change that keeps racing other writers is given up on after this many tries (for now:
/// the device pushes it again later).
const ATTEMPTS: usize = 5;

pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Where the change log stands: the last number given out, the database's generation (new
/// for every database, and again after a restore), and the number below which the log has
/// been pruned.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LogState {
    #[serde(default)]
    pub seq: i64,
    #[serde(default)]
    pub generation: String,
    #[serde(default)]
    pub pruned_through: i64,
}

pub async fn log_state(db: &Db) -> AppResult<LogState> {
    let mut response = db::run(
        db.query("SELECT n AS seq, generation, pruned_through FROM ONLY sync_counter:main"),
    )
    .await?;
    Ok(db::take_one::<LogState>(&mut response, 0)?.unwrap_or_default())
}

pub async fn current_seq(db: &Db) -> AppResult<i64> {
    Ok(log_state(db).await?.seq)
}

/// The replica a device holds is valid for one database, role and team; when any of them
/// changes (a restore, a new role or team), it must be downloaded again.
pub fn epoch_of(actor: &Actor, generation: &str) -> String {
    let role = match actor.role {
        crate::auth::Role::Admin => "admin",
        crate::auth::Role::Manager => "manager",
        crate::auth::Role::Rep => "rep",
    };
    format!(
        "{generation}:{role}:{}",
        actor.team.as_deref().unwrap_or("-")
    )
}

/// A pushed change's answer as stored, written in the same transaction as the change it
/// answers when there was one, so a push retried after a crash is never applied twice.
/// SurrealQL that stores `$receipt`, a pushed change's answer: inside the transaction of the
/// write it answers (see `history::ssr::transaction`), or alone when nothing was written.
pub const STORE_RECEIPT: &str = "UPSERT type::record('sync_outcome', $receipt.key) CONTENT {
    client: type::record('sync_client', $receipt.client), mutation: $receipt.mutation,
    digest: $receipt.digest, result: $receipt.result, at: time::now() };";

#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    pub key: String,
    pub client: String,
    pub mutation: i64,
    pub digest: String,
    pub result: String,
}

/// What a change said, so that a number used again for other content is recognised.
pub fn digest(mutation: &Mutation) -> AppResult<String> {
    use sha2::{Digest, Sha256};
    let text = serde_json::to_string(mutation).map_err(internal)?;
    Ok(Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[derive(Deserialize)]
struct StoredAnswer {
    #[serde(default)]
    key: Option<String>,
    result: String,
    #[serde(default)]
    digest: Option<String>,
}

pub async fn push(cx: &Cx, request: PushRequest) -> AppResult<Vec<Answer>> {
    if !crate::ids::is_valid_id(&request.client) || request.mutations.len() > MAX_PUSH {
        return Err(AppError::form(Problem::Malformed));
    }
    register(cx, &request.client).await?;
    // The answers already stored for this push's changes, in one read rather than one per
    // change; those answered below join them, so a number repeated within the push is
    // answered from its first occurrence, as it would be from a later push.
    let keys: Vec<String> = request
        .mutations
        .iter()
        .map(|p| format!("{}-{}", request.client, p.id))
        .collect();
    let mut response = db::run(
        cx.db
            .query("SELECT record::id(id) AS key, result, digest FROM $keys")
            .bind((
                "keys",
                keys.iter()
                    .map(|k| rid("sync_outcome", k))
                    .collect::<Vec<_>>(),
            )),
    )
    .await?;
    let mut known: HashMap<String, StoredAnswer> = db::take_all::<StoredAnswer>(&mut response, 0)?
        .into_iter()
        .filter_map(|mut a| Some((a.key.take()?, a)))
        .collect();
    let mut answers = Vec::with_capacity(request.mutations.len());
    for (Pending { id, mutation }, key) in request.mutations.iter().zip(keys) {
        let digest = digest(mutation)?;
        let outcome = match known.get(&key) {
            Some(stored) => {
                if stored.digest.as_deref().is_some_and(|d| d != digest) {
                    tracing::warn!(client = %request.client, change = id, "change number reused with other content");
                }
                let answer = serde_json::from_str::<Outcome>(&stored.result).map_err(internal)?;
                super::apply::recall(stored.digest.as_deref(), answer, &digest)
            }
            None => {
                let receipt = Receipt {
                    key: key.clone(),
                    client: request.client.clone(),
                    mutation: *id,
                    digest: digest.clone(),
                    result: String::new(),
                };
                let (outcome, stored) = apply(cx, mutation, &receipt).await?;
                if !stored {
                    let receipt = Receipt {
                        result: serde_json::to_string(&outcome).map_err(internal)?,
                        ..receipt
                    };
                    let vars = db::vars(&serde_json::json!({ "receipt": receipt }))?;
                    db::write(&cx.db, &db::Write::new(STORE_RECEIPT).bind(vars)).await?;
                }
                known.insert(
                    key.clone(),
                    StoredAnswer {
                        key: Some(key),
                        result: serde_json::to_string(&outcome).map_err(internal)?,
                        digest: Some(digest),
                    },
                );
                outcome
            }
        };
        let label = match &outcome {
            Outcome::Applied { .. } => "applied",
            Outcome::Conflict { .. } => "conflict",
            Outcome::Rejected { .. } => "rejected",
            Outcome::DeletedChanged { .. } => "deleted_changed",
        };
        crate::metrics::count("hamrah_sync_changes_total", &[("outcome", label)]);
        answers.push(Answer { id: *id, outcome });
    }
    Ok(answers)
}

/// A device belongs to the user who first pushed from it; nobody else may push as it.
async fn register(cx: &Cx, client: &str) -> AppResult<()> {
    #[derive(Deserialize)]
    struct Client {
        user: crate::ids::Id,
    }
    let key = rid("sync_client", client);
    let mut response = db::run(
        cx.db
            .query("SELECT user FROM ONLY $key")
            .bind(("key", key.clone())),
    )
    .await?;
    match db::take_one::<Client>(&mut response, 0)? {
        Some(c) if c.user == cx.actor.id => {
            db::write(
                &cx.db,
                &db::Write::new("UPDATE $key SET seen_at = time::now()").bind(("key", key)),
            )
            .await?;
            Ok(())
        }
        Some(_) => Err(AppError::Forbidden),
        None => {
            // Two first pushes of one device at once: the loser finds the winner's record.
            let write =
                db::Write::new("IF !record::exists($key) { CREATE $key CONTENT { user: $me } }")
                    .bind(("key", key))
                    .bind(("me", rid("user", &cx.actor.id)));
            db::write(&cx.db, &write).await?;
            Ok(())
        }
    }
}

/// Applies one change. `Err` means "try again later" (the database failed, or the record
/// kept changing under us); anything the user must see is an `Ok` outcome, with whether
/// the receipt was stored along with a write.
pub async fn apply(cx: &Cx, mutation: &Mutation, receipt: &Receipt) -> AppResult<(Outcome, bool)> {
    if !crate::ids::is_valid_id(&mutation.id) {
        return Ok((
            Outcome::Rejected {
                error: AppError::NotFound,
            },
            false,
        ));
    }
    // Made before its device heard of a merge: it goes where the merge took the record.
    let redirected = crate::merge::ssr::redirected(&cx.db, mutation).await?;
    let mutation = redirected.as_ref().unwrap_or(mutation);
    if mutation.op.deletes() {
        return crate::trash::ssr::delete(cx, mutation, Some(receipt)).await;
    }
    let clock = mutation.clock.clone().clamped(now_ms());
    let cx = Cx {
        receipt: Some(receipt.clone()),
        ..cx.clone()
    };
    let cx = &cx;
    struct Apply<'a> {
        cx: &'a Cx,
        mutation: &'a Mutation,
        clock: &'a Hlc,
    }
    impl<'a> Visit for Apply<'a> {
        type Out = std::pin::Pin<Box<dyn Future<Output = AppResult<(Outcome, bool)>> + Send + 'a>>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(apply_to::<R>(self.cx, self.mutation, self.clock))
        }
    }
    mutation
        .table
        .visit(Apply {
            cx,
            mutation,
            clock: &clock,
        })
        .await
}

async fn apply_to<R: Synced>(
    cx: &Cx,
    mutation: &Mutation,
    clock: &Hlc,
) -> AppResult<(Outcome, bool)> {
    for _ in 0..ATTEMPTS {
        let loaded = load::<R>(cx, &mutation.id).await?;
        // An edit (or a create sent again) of a record in the Trash: its user may restore it.
        if loaded.is_none() && crate::trash::ssr::deleted_for(cx, R::TABLE, &mutation.id).await? {
            return Ok((
                Outcome::Rejected {
                    error: AppError::Deleted,
                },
                false,
            ));
        }
        let current = loaded.as_ref().map(|l| Current {
            row: &l.row,
            rev: l.rev,
            clocks: &l.clocks,
        });
        let (input, clocks, outcome) = match plan::<R>(current, mutation, clock) {
            Plan::Answer(outcome) => return Ok((outcome, false)),
            Plan::Write {
                input,
                clocks,
                outcome,
            } => (input, clocks, outcome),
        };
        let receipt = cx
            .receipt
            .clone()
            .map(|r| serde_json::to_string(&outcome).map(|result| Receipt { result, ..r }))
            .transpose()
            .map_err(internal)?;
        let stored = receipt.is_some();
        let with_clocks = Cx {
            clocks: Some(clocks),
            receipt,
            ..cx.clone()
        };
        match R::save(with_clocks, input).await {
            // A retried create of a record that exists already writes nothing, receipt neither;
            // storing it again afterwards is harmless.
            Ok(_) => return Ok((outcome, stored && loaded.is_some())),
            // Someone saved in between: decide again against what is there now.
            Err(AppError::Conflict) => continue,
            Err(error @ (AppError::Internal | AppError::Network)) => return Err(error),
            Err(error) => return Ok((Outcome::Rejected { error }, false)),
        }
    }
    Err(AppError::Conflict)
}

pub(crate) struct Loaded<R> {
    pub(crate) row: R,
    rev: i64,
    clocks: BTreeMap<String, Hlc>,
}

/// A record as the actor may see it; hidden and missing look alike.
pub(crate) async fn load<R: Synced>(cx: &Cx, id: &str) -> AppResult<Option<Loaded<R>>> {
    #[derive(Deserialize)]
    struct Meta {
        rev: i64,
        #[serde(default)]
        clocks: BTreeMap<String, Hlc>,
    }
    let mut response = db::run(
        cx.db
            .query("SELECT * FROM ONLY $id")
            .bind(("id", rid(R::TABLE.name(), id))),
    )
    .await?;
    let Some(value) = response
        .take::<Option<serde_json::Value>>(0)
        .map_err(internal)?
    else {
        return Ok(None);
    };
    let row: R = serde_json::from_value(value.clone()).map_err(internal)?;
    let meta: Meta = serde_json::from_value(value).map_err(internal)?;
    if cx.actor.check_read(&row.scope()).is_err() {
        return Ok(None);
    }
    Ok(Some(Loaded {
        row,
        rev: meta.rev,
        clocks: meta.clocks,
    }))
}

pub async fn reference(cx: &Cx) -> AppResult<Reference> {
    let pipeline = crate::pipeline::ssr::default_pipeline(&cx.db).await?;
    let sql = format!(
        "SELECT id, name FROM user WHERE active = true ORDER BY name; {} {}",
        crate::settings::ssr::DEFAULT_CURRENCY,
        crate::settings::ssr::DEAL_SOURCES
    );
    let mut response = db::run(cx.db.query(sql)).await?;
    let users: Vec<UserRow> = db::take_all(&mut response, 0)?;
    Ok(Reference {
        me: cx.actor.clone(),
        pipeline,
        users,
        default_currency: crate::settings::ssr::take_default_currency(&mut response, 1)?,
        deal_sources: crate::settings::ssr::take_deal_sources(&mut response, 2)?,
        service: crate::cases::ssr::rules(&cx.db).await?,
        server_ms: now_ms(),
    })
}

pub async fn pull(cx: &Cx, request: PullRequest) -> AppResult<PullResponse> {
    let log = log_state(&cx.db).await?;
    let epoch = epoch_of(&cx.actor, &log.generation);
    let reference = reference(cx).await?;
    // A new device sends an empty epoch, so it starts with a full download too; so does one
    // that was away so long that the changes it missed were pruned from the log.
    let pruned = request.snapshot.is_none() && request.cursor < log.pruned_through;
    let restart = request.epoch != epoch || pruned;
    let snapshot = if restart {
        Some(Snapshot {
            table: Table::ALL[0],
            after: String::new(),
            base: log.seq,
        })
    } else {
        request.snapshot.clone()
    };
    let mut page = PullResponse {
        epoch,
        reset: restart,
        rows: Vec::new(),
        removed: Vec::new(),
        merged: Vec::new(),
        cursor: request.cursor,
        snapshot: None,
        has_more: false,
        reference,
    };
    match snapshot {
        Some(snapshot) => {
            let horizon = Horizon::now(&page.reference.pipeline);
            snapshot_page(cx, snapshot, &horizon, &mut page).await?
        }
        None => changes_page(cx, request.cursor, &mut page).await?,
    }
    Ok(page)
}

/// The first download: every row the device keeps of those the user may read, table by
/// table in id order. Changes after it need no such filter: a record that changes is
/// recent, and so kept (see [`super::horizon`]).
async fn snapshot_page(
    cx: &Cx,
    snapshot: Snapshot,
    horizon: &Horizon,
    page: &mut PullResponse,
) -> AppResult<()> {
    let filter = read_filter(&cx.actor);
    let after = if snapshot.after.is_empty() {
        ""
    } else {
        "AND id > $after"
    };
    let table = snapshot.table;
    let (kept, days) = table.visit(super::horizon::KeptRule);
    let sql = format!(
        "SELECT * FROM type::table($tb) WHERE {filter} AND {kept} {after} ORDER BY id LIMIT $limit"
    );
    let query = horizon
        .bind(bind_actor(cx.db.query(sql), &cx.actor), days)
        .bind(("tb", table.name()))
        .bind(("after", rid(table.name(), &snapshot.after)))
        .bind(("limit", PAGE as i64));
    let mut response = db::run(query).await?;
    let values: Vec<serde_json::Value> = response.take(0).map_err(internal)?;
    let full = values.len() == PAGE;
    for value in values {
        page.rows
            .push(SyncRow::from_value(table, value).map_err(internal)?);
    }
    let next_table = Table::ALL
        .iter()
        .position(|t| *t == table)
        .and_then(|i| Table::ALL.get(i + 1))
        .copied();
    page.snapshot = match (full, page.rows.last(), next_table) {
        (true, Some(last), _) => Some(Snapshot {
            table,
            after: last.key().id.into(),
            base: snapshot.base,
        }),
        (_, _, Some(next)) => Some(Snapshot {
            table: next,
            after: String::new(),
            base: snapshot.base,
        }),
        (_, _, None) => None,
    };
    page.cursor = snapshot.base;
    page.has_more = page.snapshot.is_some() || current_seq(&cx.db).await? > snapshot.base;
    Ok(())
}

#[derive(Deserialize)]
struct LogEntry {
    seq: i64,
    tb: String,
    record: crate::ids::Id,
    #[serde(default)]
    seen: bool,
}

/// Later downloads: what changed after `cursor`, each record once, as it is now. A record
/// that changed but is no longer readable (reassigned, deleted) is sent as removed.
async fn changes_page(cx: &Cx, cursor: i64, page: &mut PullResponse) -> AppResult<()> {
    // `seen`: whether this user could read the record before or after that change. Only such
    // records may be named as removed: naming others would reveal that they exist.
    let sql = format!(
        "SELECT seq, tb, record, {seen} AS seen FROM sync_log WHERE seq > $cursor ORDER BY seq LIMIT $limit",
        seen = crate::records::seen_filter(&cx.actor)
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor)
        .bind(("cursor", cursor))
        .bind(("limit", PAGE as i64));
    let mut response = db::run(query).await?;
    let entries: Vec<LogEntry> = db::take_all(&mut response, 0)?;
    page.has_more = entries.len() == PAGE;
    page.cursor = entries.last().map_or(cursor, |e| e.seq);
    let mut touched: BTreeMap<Table, Vec<crate::ids::Id>> = BTreeMap::new();
    let mut seen: BTreeMap<Table, Vec<crate::ids::Id>> = BTreeMap::new();
    for entry in entries {
        if let Some(table) = Table::from_name(&entry.tb) {
            let ids = touched.entry(table).or_default();
            if !ids.contains(&entry.record) {
                ids.push(entry.record.clone());
            }
            if entry.seen {
                seen.entry(table).or_default().push(entry.record);
            }
        }
    }
    let filter = read_filter(&cx.actor);
    for (table, ids) in touched {
        let records: Vec<_> = ids.iter().map(|id| rid(table.name(), id)).collect();
        let sql = format!("SELECT * FROM $records WHERE {filter}");
        let mut response =
            db::run(bind_actor(cx.db.query(sql), &cx.actor).bind(("records", records))).await?;
        let values: Vec<serde_json::Value> = response.take(0).map_err(internal)?;
        let mut found = Vec::with_capacity(values.len());
        for value in values {
            let row = SyncRow::from_value(table, value).map_err(internal)?;
            found.push(row.key().id);
            page.rows.push(row);
        }
        let seen = seen.get(&table);
        page.removed.extend(
            ids.into_iter()
                .filter(|id| !found.contains(id) && seen.is_some_and(|s| s.contains(id)))
                .map(|id| RowKey { table, id }),
        );
    }
    page.merged = crate::merge::ssr::survivors(&cx.db, &page.removed)
        .await?
        .into_iter()
        .map(|(key, into)| super::MergedAway { key, into })
        .collect();
    Ok(())
}

/// What this process knows of the database's sync counter.
#[derive(Clone)]
pub struct Changes {
    /// The counter as last seen; open event streams wait on it.
    pub seen: tokio::sync::watch::Receiver<i64>,
    poke: std::sync::Arc<tokio::sync::Notify>,
}

impl Changes {
    /// Says that this process has just written: the watcher reads the counter at once
    /// instead of at its next poll, so devices connected here hear of the write within
    /// milliseconds. Devices connected to other servers hear at their next poll.
    pub fn poke(&self) {
        self.poke.notify_one();
    }
}

/// How often the watcher reads the counter when nothing in this process wrote.
const POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// One task per server process watches the database's sync counter and wakes every open
/// event stream when it moves. The counter lives in the database, so a change saved through
/// any server process reaches devices connected to any other. The same task runs the
/// hourly housekeeping, and ends once nothing in the process listens any more.
pub async fn watch_changes(db: Db, horizon_days: i64) -> Changes {
    // Only moves are news: a stream that opens wakes its app by itself.
    let mut last = current_seq(&db).await.unwrap_or(-1);
    let (sender, receiver) = tokio::sync::watch::channel(last);
    let poke = std::sync::Arc::new(tokio::sync::Notify::new());
    let poked = poke.clone();
    tokio::spawn(async move {
        let mut next_housekeeping = tokio::time::Instant::now();
        let mut next_takeover = tokio::time::Instant::now();
        while !sender.is_closed() {
            if tokio::time::Instant::now() >= next_housekeeping {
                next_housekeeping += crate::housekeeping::EVERY;
                if let Err(error) = crate::housekeeping::run_once(&db, horizon_days).await {
                    tracing::warn!("housekeeping failed: {error}");
                }
            }
            if tokio::time::Instant::now() >= next_takeover {
                next_takeover += crate::import::resume::EVERY;
                // A job it starts holds a receiver while it runs, and none after.
                let changes = Changes {
                    seen: sender.subscribe(),
                    poke: poked.clone(),
                };
                if let Err(error) = crate::import::resume::stalled(&db, &changes).await {
                    tracing::warn!("could not look for stalled imports: {error}");
                }
            }
            // A poke that comes while the counter is being read is kept (`notify_one`
            // stores it), so no write is missed until the next poll.
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = poked.notified() => {}
            }
            match current_seq(&db).await {
                Ok(seq) if seq != last => {
                    last = seq;
                    crate::metrics::gauge_set("hamrah_sync_sequence", seq);
                    // Streams first; the delay metric costs a read and can wait.
                    if sender.send(seq).is_err() {
                        return;
                    }
                    if let Ok(delay) = commit_age(&db, seq).await {
                        crate::metrics::observe("hamrah_sync_notify_delay_seconds", &[], delay);
                    }
                }
                Ok(_) => {}
                Err(_) => tracing::warn!("sync watcher could not read the counter"),
            }
        }
    });
    Changes {
        seen: receiver,
        poke,
    }
}

/// Seconds since change `seq` was committed (its log entry's time).
async fn commit_age(db: &Db, seq: i64) -> AppResult<f64> {
    let mut response =
        db::run(db.query("RETURN time::millis(time::now()) - time::millis((SELECT VALUE at FROM sync_log WHERE seq = $seq)[0])").bind(("seq", seq))).await?;
    let ms: Option<i64> = response.take(0).map_err(internal)?;
    Ok(ms.unwrap_or(0).max(0) as f64 / 1000.0)
}
