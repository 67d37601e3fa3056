//! The server half of import: the upload (`POST /import/upload`), **Check**, the run in the
//! background, its status, **Undo**, and the refused rows as a file
//! (`GET /import/{id}/refused.csv`). Everything an import is lives in the database, so any
//! server can answer for any import.

use std::collections::BTreeMap;
use std::future::Future;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::rows::{Change, Decider};
use super::{
    Checked, Outcome, PREVIEW_ROWS, Plan, RowReport, State as Stage, Status, Tally, Upload,
};
use crate::auth::{Actor, Role};
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Locale;
use crate::kinds::{Table, Visit};
use crate::server::{AppState, Cx, internal};
use crate::sync::replica::Synced;

/// Rows a chunk holds: a transaction of a few hundred records keeps other writers waiting
/// for a moment only.
pub const CHUNK: usize = 250;

/// `POST /import/upload?kind=<table>&name=<file name>`, the file as the body.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let answer = async {
        let cx = crate::server::cx_from(state, &headers).await?;
        let params = crate::export::url_pairs(raw.as_deref().unwrap_or_default());
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let table = Table::from_name(&param("kind"))
            .filter(|t| super::KINDS.contains(t))
            .ok_or_else(|| AppError::form(Problem::Malformed))?;
        let name: String = param("name").chars().take(200).collect();
        store(&cx, table, &name, &body).await
    };
    match answer.await {
        Ok(upload) => axum::Json(upload).into_response(),
        Err(error) => crate::export::ssr::error_response(error),
    }
}

/// Reads a file and keeps it, in chunks, for its import.
pub async fn store(cx: &Cx, table: Table, file_name: &str, bytes: &[u8]) -> AppResult<Upload> {
    super::may_import(&cx.actor)?;
    if bytes.len() > super::MAX_FILE {
        return Err(AppError::form(Problem::TooLong {
            max: super::MAX_FILE as u32,
        }));
    }
    let read = super::read::read(bytes)?;
    let id = crate::ids::new_id();
    let chunks: Vec<serde_json::Value> = read
        .rows
        .chunks(CHUNK)
        .enumerate()
        .map(|(n, rows)| {
            json!({
                "key": super::write::chunk_key(&id, n as i64),
                "n": n,
                "lines": rows.iter().map(|(line, _)| line).collect::<Vec<_>>(),
                "rows": rows.iter().map(|(_, cells)| cells).collect::<Vec<_>>(),
            })
        })
        .collect();
    let encoding = super::read::encoding_name(read.encoding);
    let delimiter = match read.delimiter {
        '\t' => "tab".to_owned(),
        other => other.to_string(),
    };
    let sql = "BEGIN TRANSACTION;
        CREATE $import CONTENT { tb: $tb, file_name: $file_name, encoding: $encoding, delimiter: $delimiter,
            headings: $headings, rows: $rows, chunks: array::len($chunks), state: 'uploaded', by: $me };
        FOR $c IN $chunks {
            CREATE type::record('import_chunk', $c.key) CONTENT { import: $import, n: $c.n, lines: $c.lines, rows: $c.rows };
        };
        COMMIT TRANSACTION;";
    let write = Write::new(sql)
        .bind(db::vars(&json!({
            "tb": table.name(),
            "file_name": file_name,
            "encoding": encoding,
            "delimiter": delimiter,
            "headings": read.headings,
            "rows": read.rows.len(),
            "chunks": chunks,
        }))?)
        .bind(("import", rid("import", &id)))
        .bind(("me", rid("user", &cx.actor.id)));
    db::write(&cx.db, &write).await?;
    let suggested = super::headers::suggest(table, &read.headings)
        .into_iter()
        .map(|f| f.map(str::to_owned))
        .collect();
    Ok(Upload {
        id,
        table,
        file_name: file_name.to_owned(),
        encoding: encoding.to_owned(),
        delimiter,
        headings: read.headings,
        suggested,
        rows: read.rows.len(),
        sample: read
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|(_, cells)| cells.clone())
            .collect(),
    })
}

/// An import as stored.
#[derive(Debug, Deserialize)]
struct Stored {
    tb: String,
    file_name: String,
    headings: Vec<String>,
    rows: u64,
    chunks: i64,
    state: Stage,
    #[serde(default)]
    done_rows: u64,
    #[serde(default)]
    tally: Option<Tally>,
    #[serde(default)]
    kept: u64,
    by: crate::ids::Id,
    by_name: String,
    at: String,
    /// Whether the undo window is still open.
    undoable: bool,
}

const STORED: &str = "tb, file_name, headings, rows, chunks, state, done_rows, tally, kept,
    by, by.name AS by_name, <string> at AS at,
    (finished_at != NONE AND finished_at > time::now() - $undo_window) AS undoable";

fn undo_window() -> surrealdb::types::Duration {
    surrealdb::types::Duration::from_secs(super::UNDO_HOURS as u64 * 3600)
}

/// The import as the actor may see it: their own, or any for an admin.
async fn load(cx: &Cx, id: &str) -> AppResult<Stored> {
    if !crate::ids::is_valid_id(id) {
        return Err(AppError::NotFound);
    }
    let sql = format!("SELECT {STORED} FROM ONLY $import");
    let mut response = db::run(
        cx.db
            .query(sql)
            .bind(("import", rid("import", id)))
            .bind(("undo_window", undo_window())),
    )
    .await?;
    let stored: Stored = db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)?;
    if stored.by != cx.actor.id && cx.actor.role != Role::Admin {
        return Err(AppError::NotFound);
    }
    Ok(stored)
}

fn status_of(actor: &Actor, id: &str, stored: Stored) -> AppResult<Status> {
    let table = Table::from_name(&stored.tb).ok_or_else(|| internal("import of unknown kind"))?;
    Ok(Status {
        id: id.to_owned(),
        table,
        file_name: stored.file_name,
        can_undo: stored.undoable
            && matches!(stored.state, Stage::Done | Stage::Failed)
            && (stored.by == actor.id || actor.role == Role::Admin),
        state: stored.state,
        rows: stored.rows,
        done_rows: stored.done_rows,
        tally: stored.tally.unwrap_or_default(),
        kept: stored.kept,
        at: stored.at,
        by_name: stored.by_name,
    })
}

pub async fn status(cx: &Cx, id: &str) -> AppResult<Status> {
    let stored = load(cx, id).await?;
    status_of(&cx.actor, id, stored)
}

/// The imports this user started (admins: everyone's) that ran, newest first.
pub async fn recent(cx: &Cx) -> AppResult<Vec<Status>> {
    let mine = if cx.actor.role == Role::Admin {
        ""
    } else {
        "AND by = $me"
    };
    let sql = format!(
        "SELECT record::id(id) AS id, {STORED} FROM import WHERE state != 'uploaded' {mine}
         ORDER BY at DESC LIMIT 20"
    );
    let mut response = db::run(
        cx.db
            .query(sql)
            .bind(("me", rid("user", &cx.actor.id)))
            .bind(("undo_window", undo_window())),
    )
    .await?;
    #[derive(Deserialize)]
    struct WithId {
        id: String,
        #[serde(flatten)]
        stored: Stored,
    }
    db::take_all::<WithId>(&mut response, 0)?
        .into_iter()
        .map(|w| status_of(&cx.actor, &w.id, w.stored))
        .collect()
}

/// A plan that fits the file: one field per column at most, each a field of the kind, and
/// the kind's name among them.
fn checked_plan(table: Table, headings: &[String], plan: &Plan) -> AppResult<()> {
    if plan.columns.len() != headings.len() {
        return Err(AppError::form(Problem::Malformed));
    }
    let fields = super::fields(table);
    let mut taken: Vec<&str> = Vec::new();
    for field in plan.columns.iter().flatten() {
        if !fields.iter().any(|f| f.name == field) {
            return Err(AppError::form(Problem::Malformed));
        }
        if taken.contains(&field.as_str()) {
            let mut errors = FieldErrors::default();
            errors.add(field, Problem::Duplicate);
            return Err(AppError::Validation(errors));
        }
        taken.push(field);
    }
    if !taken.contains(&table.name_field()) {
        let mut errors = FieldErrors::default();
        errors.add(table.name_field(), Problem::Required);
        return Err(AppError::Validation(errors));
    }
    Ok(())
}

/// A chunk as a run reads it.
#[derive(Deserialize)]
struct Chunk {
    lines: Vec<usize>,
    rows: Vec<Vec<String>>,
    /// Written by a run already (one taken over goes on after it).
    #[serde(default)]
    done: bool,
}

impl Chunk {
    fn rows(self) -> Vec<(usize, Vec<String>)> {
        self.lines.into_iter().zip(self.rows).collect()
    }
}

async fn chunk(cx: &Cx, id: &str, n: i64) -> AppResult<Chunk> {
    let key = super::write::chunk_key(id, n);
    let mut response = db::run(
        cx.db
            .query("SELECT lines, rows, done FROM ONLY $chunk")
            .bind(("chunk", rid("import_chunk", &key))),
    )
    .await?;
    db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)
}

type Run<'a, T> = std::pin::Pin<Box<dyn Future<Output = AppResult<T>> + Send + 'a>>;

/// **Check**: every row decided, nothing written.
pub async fn check(cx: &Cx, id: &str, plan: Plan) -> AppResult<Checked> {
    super::may_import(&cx.actor)?;
    let stored = load(cx, id).await?;
    let table = Table::from_name(&stored.tb).ok_or_else(|| internal("import of unknown kind"))?;
    checked_plan(table, &stored.headings, &plan)?;
    struct Dry<'a>(&'a Cx, &'a str, Plan, i64);
    impl<'a> Visit for Dry<'a> {
        type Out = Run<'a, Checked>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(dry_run::<R>(self.0, self.1, self.2, self.3))
        }
    }
    table.visit(Dry(cx, id, plan, stored.chunks)).await
}

async fn dry_run<R: Synced>(cx: &Cx, id: &str, plan: Plan, chunks: i64) -> AppResult<Checked> {
    let mut decider = Decider::<R>::new(cx, plan).await?;
    let mut preview = Vec::new();
    let mut reasons: BTreeMap<(String, String), (Problem, u64)> = BTreeMap::new();
    for n in 0..chunks {
        for (line, cells) in chunk(cx, id, n).await?.rows() {
            let decided = decider.decide(line, &cells);
            decider.new_companies.clear();
            if let Outcome::Refuse(problems) = &decided.outcome {
                for (field, problem) in problems {
                    let key = (field.clone(), format!("{problem:?}"));
                    reasons.entry(key).or_insert((*problem, 0)).1 += 1;
                }
            }
            if preview.len() < PREVIEW_ROWS {
                preview.push(RowReport {
                    line,
                    cells,
                    outcome: decided.outcome,
                });
            }
        }
    }
    let mut reasons: Vec<(String, Problem, u64)> = reasons
        .into_iter()
        .map(|((field, _), (problem, n))| (field, problem, n))
        .collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.2));
    Ok(Checked {
        tally: decider.tally,
        preview,
        reasons,
    })
}

/// **Import**: claims the upload (once, whichever server is asked) and runs it in the
/// background; the page follows it through [`status`].
pub async fn start(
    cx: &Cx,
    changes: crate::sync::ssr::Changes,
    id: &str,
    plan: Plan,
) -> AppResult<Status> {
    super::may_import(&cx.actor)?;
    let stored = load(cx, id).await?;
    let table = Table::from_name(&stored.tb).ok_or_else(|| internal("import of unknown kind"))?;
    checked_plan(table, &stored.headings, &plan)?;
    let runner = crate::ids::new_id();
    let mut response = db::run(
        cx.db
            .query(
                "UPDATE $import SET state = 'running', plan = $plan, runner = $runner,
                    beat = time::now()
                 WHERE state = 'uploaded' RETURN VALUE state",
            )
            .bind(("import", rid("import", id)))
            .bind(("runner", runner.clone()))
            .bind(db::vars(&json!({ "plan": plan }))?),
    )
    .await?;
    let claimed: Vec<String> = response.take(0).map_err(internal)?;
    if claimed.is_empty() {
        return Err(AppError::Conflict);
    }
    let job = Job {
        cx: cx.clone(),
        changes,
        id: id.to_owned(),
        runner,
    };
    job.run(table, plan, stored.chunks);
    status(cx, id).await
}

/// A run or an undo in the background, holding the import's lease (`runner`): each of its
/// writes checks the lease is still its own, and its heartbeat (`beat`) renews it. A server
/// that finds a lease without a heartbeat takes it over ([`super::resume`]), and a run that
/// lost its lease stops at its next write without touching the import's state.
pub struct Job {
    pub cx: Cx,
    pub changes: crate::sync::ssr::Changes,
    pub id: String,
    pub runner: String,
}

impl Job {
    /// Runs `plan` over the chunks not yet written, then records how it ended.
    pub fn run(self, table: Table, plan: Plan, chunks: i64) {
        tokio::spawn(async move {
            let outcome = run(&self, table, plan, chunks).await;
            let (state, failure) = match &outcome {
                Ok(()) => ("done", None),
                Err(error) => {
                    tracing::error!(import = %self.id, %error, "import stopped");
                    ("failed", Some(error.to_string()))
                }
            };
            self.finish(
                "UPDATE $import SET state = $state, failure = $failure, finished_at = time::now()
                 WHERE runner = $runner AND state = 'running'",
                json!({ "state": state, "failure": failure }),
            )
            .await;
        });
    }

    /// Undoes what the import did that is still there, then records how it ended.
    pub fn undo(self) {
        tokio::spawn(async move {
            let state = match super::write::undo(&self.cx, &self.id, &self.runner).await {
                Ok(()) => "undone",
                Err(error) => {
                    tracing::error!(import = %self.id, %error, "undo stopped");
                    "done"
                }
            };
            self.finish(
                "UPDATE $import SET state = $state WHERE runner = $runner AND state = 'undoing'",
                json!({ "state": state }),
            )
            .await;
        });
    }

    /// Records the end, if the lease is still this job's.
    async fn finish(&self, sql: &str, vars: serde_json::Value) {
        let finish = Write::new(sql)
            .bind(("import", rid("import", &self.id)))
            .bind(("runner", self.runner.clone()))
            .bind(db::vars(&vars).unwrap_or_default());
        if let Err(error) = db::write(&self.cx.db, &finish).await {
            tracing::error!(import = %self.id, %error, "import's end not recorded");
        }
        self.changes.poke();
    }
}

async fn run(job: &Job, table: Table, plan: Plan, chunks: i64) -> AppResult<()> {
    struct Real<'a>(&'a Job, Plan, i64);
    impl<'a> Visit for Real<'a> {
        type Out = Run<'a, ()>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(run_kind::<R>(self.0, self.1, self.2))
        }
    }
    table.visit(Real(job, plan, chunks)).await
}

/// A refused row's reasons, in the importer's language, on one line.
fn reasons_text(locale: Locale, table: Table, problems: &[(String, Problem)]) -> String {
    problems
        .iter()
        .map(|(field, problem)| super::problem_text(locale, table, field, *problem))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Decides and writes each chunk a run has not written yet. A run taken over goes on from
/// the progress in the database: its counts so far, and the records its chunks wrote, which
/// the later rows now find as existing ones.
async fn run_kind<R: Synced>(job: &Job, plan: Plan, chunks: i64) -> AppResult<()> {
    let (cx, id) = (&job.cx, job.id.as_str());
    let stored = load(cx, id).await?;
    let mut decider = Decider::<R>::new(cx, plan).await?;
    decider.tally = stored.tally.unwrap_or_default();
    let mut done = stored.done_rows;
    for n in 0..chunks {
        let chunk = chunk(cx, id, n).await?;
        if chunk.done {
            continue;
        }
        let mut writes: Vec<Change<R>> = Vec::new();
        let mut refused = Vec::new();
        for (line, cells) in chunk.rows() {
            let decided = decider.decide(line, &cells);
            if let Outcome::Refuse(problems) = &decided.outcome {
                refused.push((line, reasons_text(cx.actor.locale, R::TABLE, problems)));
            }
            writes.extend(decided.change);
            done += 1;
        }
        let companies: Vec<_> = decider.new_companies.drain(..).collect();
        let shown = |field: &str, value: &serde_json::Value| decider.shown(field, value);
        let place = super::write::Place {
            import: id,
            runner: &job.runner,
            chunk: n,
            done_rows: done,
            tally: &decider.tally,
        };
        super::write::chunk::<R>(cx, &place, &writes, &companies, &refused, &shown).await?;
        job.changes.poke();
    }
    Ok(())
}

/// **Undo**: claims a finished import within its window and undoes it in the background.
pub async fn undo(cx: &Cx, changes: crate::sync::ssr::Changes, id: &str) -> AppResult<Status> {
    let stored = load(cx, id).await?;
    let status = status_of(&cx.actor, id, stored)?;
    if !status.can_undo {
        return Err(AppError::Forbidden);
    }
    let runner = crate::ids::new_id();
    let mut response = db::run(
        cx.db
            .query(
                "UPDATE $import SET state = 'undoing', runner = $runner, kept = 0,
                    beat = time::now()
                 WHERE state IN ['done', 'failed'] RETURN VALUE state",
            )
            .bind(("import", rid("import", id)))
            .bind(("runner", runner.clone())),
    )
    .await?;
    let claimed: Vec<String> = response.take(0).map_err(internal)?;
    if claimed.is_empty() {
        return Err(AppError::Conflict);
    }
    Job {
        cx: cx.clone(),
        changes,
        id: id.to_owned(),
        runner,
    }
    .undo();
    self::status(cx, id).await
}

/// `GET /import/{id}/refused.csv`: the refused rows as the file had them, with a last
/// column saying why, so they can be mended and imported again.
pub async fn refused(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let answer = async {
        let cx = crate::server::cx_from(state, &headers).await?;
        let stored = load(&cx, &id).await?;
        let mut headings = stored.headings.clone();
        headings.push(cx.actor.locale.text(crate::i18n::Key::ImportWhy).to_owned());
        let mut rows = Vec::new();
        for n in 0..stored.chunks {
            let mut response = db::run(
                cx.db
                    .query("SELECT lines, rows, refused FROM ONLY $chunk")
                    .bind((
                        "chunk",
                        rid("import_chunk", &super::write::chunk_key(&id, n)),
                    )),
            )
            .await?;
            #[derive(Deserialize)]
            struct Chunk {
                lines: Vec<usize>,
                rows: Vec<Vec<String>>,
                #[serde(default)]
                refused: Vec<(usize, String)>,
            }
            let Some(chunk) = db::take_one::<Chunk>(&mut response, 0)? else {
                continue;
            };
            for (line, why) in chunk.refused {
                if let Some(cells) = chunk
                    .lines
                    .iter()
                    .position(|l| *l == line)
                    .and_then(|i| chunk.rows.get(i))
                {
                    let mut cells = cells.clone();
                    cells.push(why);
                    rows.push(cells);
                }
            }
        }
        let sheet = crate::export::sheet::Sheet {
            name: stored.file_name.clone(),
            headings,
            rows: rows
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(crate::export::sheet::Cell::text)
                        .collect()
                })
                .collect(),
            right_to_left: cx.actor.locale == Locale::Fa,
        };
        Ok::<_, AppError>(sheet)
    };
    match answer.await {
        Ok(sheet) => {
            crate::export::ssr::file_response(crate::export::Format::Csv, "refused-rows", &sheet)
        }
        Err(error) => crate::export::ssr::error_response(error),
    }
}

/// Forgets the rows and undo records of imports past their undo window, and uploads never
/// run after a day; the import itself stays listed with what it did.
pub async fn purge(db: &crate::db::Db) -> AppResult<()> {
    let sql = "LET $old = (SELECT VALUE id FROM import
            WHERE (finished_at != NONE AND finished_at < time::now() - $undo_window)
               OR (state = 'uploaded' AND at < time::now() - $undo_window));
        DELETE import_chunk WHERE import IN $old;
        DELETE import_item WHERE import IN $old;
        DELETE import WHERE id IN $old AND state = 'uploaded';";
    db::write(db, &Write::new(sql).bind(("undo_window", undo_window()))).await?;
    Ok(())
}
