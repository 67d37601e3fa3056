//! The storage edge: SurrealDB 3 speaks `SurrealValue`, the domain speaks serde. Rows cross
//! as JSON values, so the one domain model needs no database types. Compiled only with `ssr`.

use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use surrealdb::IndexedResults;
use surrealdb::types::{QueryError, RecordId, SurrealValue, Value, Variables};

use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::server::internal;

/// The database, shared. Behind an `Arc` because cloning a `Surreal` handle opens a new
/// session: on a `ws://` server every clone (one per request, with the app state) replayed the
/// root sign-in, an argon2 check on the database server, about 0.8 s each on 2 cores.
pub type Db = std::sync::Arc<surrealdb::Surreal<surrealdb::engine::any::Any>>;

pub fn rid(table: &str, id: &str) -> RecordId {
    RecordId::new(table, id.to_owned())
}

pub fn opt_rid(table: &str, id: Option<&str>) -> Option<RecordId> {
    id.map(|id| rid(table, id))
}

/// A serde value as query variables (it must serialise to an object). `None` fields are left
/// out, so SurrealQL sees NONE (an absent optional field), not NULL, which typed fields refuse.
pub fn vars<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    let mut json = serde_json::to_value(value).map_err(internal)?;
    strip_nulls(&mut json);
    if json.is_object() {
        Ok(json)
    } else {
        Err(internal("query variables must be an object"))
    }
}

fn strip_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

pub fn take_all<T: DeserializeOwned>(
    response: &mut IndexedResults,
    index: usize,
) -> AppResult<Vec<T>> {
    let rows: Vec<serde_json::Value> = response.take(index).map_err(internal)?;
    rows.into_iter()
        .map(|row| serde_json::from_value(row).map_err(internal))
        .collect()
}

/// The `count` of a `SELECT count() AS count … GROUP ALL` statement: no row means none.
pub fn take_count(response: &mut IndexedResults, index: usize) -> AppResult<i64> {
    #[derive(serde::Deserialize)]
    struct Count {
        count: i64,
    }
    Ok(take_all::<Count>(response, index)?
        .first()
        .map_or(0, |c| c.count))
}

pub fn take_one<T: DeserializeOwned>(
    response: &mut IndexedResults,
    index: usize,
) -> AppResult<Option<T>> {
    let row: Option<serde_json::Value> = response.take(index).map_err(internal)?;
    row.map(|row| serde_json::from_value(row).map_err(internal))
        .transpose()
}

/// Runs a query and fails on the first statement error (a failed transaction included).
pub async fn run(
    query: surrealdb::method::Query<'_, surrealdb::engine::any::Any>,
) -> AppResult<IndexedResults> {
    query.await.map_err(internal)?.check().map_err(internal)
}

/// Anything that takes query variables: a query about to run, or a [`Write`] kept to be run
/// again. Lets helpers such as `records::bind_actor` serve both.
pub trait Bind: Sized {
    fn bind(self, vars: impl SurrealValue) -> Self;
}

impl Bind for surrealdb::method::Query<'_, surrealdb::engine::any::Any> {
    fn bind(self, vars: impl SurrealValue) -> Self {
        surrealdb::method::Query::bind(self, vars)
    }
}

/// A write transaction with its variables, kept so that it can be run again when it lost a
/// race with another writer (every synced write takes the next number of one counter, so
/// two writes at once always conflict and one of them must retry).
#[derive(Clone)]
pub struct Write {
    sql: String,
    vars: Variables,
    malformed: bool,
}

impl Write {
    pub fn new(sql: impl Into<String>) -> Self {
        Write {
            sql: sql.into(),
            vars: Variables::new(),
            malformed: false,
        }
    }
}

impl Bind for Write {
    /// Same forms as the driver's `bind`: an object of variables, or a `(name, value)` pair.
    fn bind(mut self, vars: impl SurrealValue) -> Self {
        match vars.into_value() {
            Value::Object(object) => {
                for (name, value) in object {
                    self.vars.insert(name, value);
                }
            }
            Value::Array(pairs) => {
                for pair in pairs.chunks(2) {
                    match pair {
                        [Value::String(name), value] => {
                            self.vars.insert(name.clone(), value.clone())
                        }
                        _ => self.malformed = true,
                    }
                }
            }
            _ => self.malformed = true,
        }
        self
    }
}

/// What a write transaction may `THROW` on purpose, and what the caller then hears. Anything
/// else thrown is a bug, logged as internal.
type Mark = (&'static str, fn() -> AppError);

const MARKS: &[Mark] = &[
    (CONFLICT_MARK, || AppError::Conflict),
    (STAGE_IN_USE_MARK, || AppError::form(Problem::StageInUse)),
    (UNKNOWN_STAGE_MARK, || {
        let mut errors = FieldErrors::default();
        errors.add("stage", Problem::UnknownStage);
        AppError::Validation(errors)
    }),
    (EMAIL_TAKEN_MARK, || {
        field_error("email", Problem::EmailTaken)
    }),
    (TEAM_TAKEN_MARK, || field_error("name", Problem::TeamTaken)),
    (LAST_ADMIN_MARK, || AppError::form(Problem::LastAdmin)),
    (LINK_INVALID_MARK, || AppError::form(Problem::LinkInvalid)),
    (NOT_ASSIGNABLE_MARK, || {
        field_error("owner", Problem::NotAssignable)
    }),
    (TOO_MANY_SENT_MARK, || AppError::form(Problem::TooManySent)),
];

fn field_error(field: &str, problem: Problem) -> AppError {
    let mut errors = FieldErrors::default();
    errors.add(field, problem);
    AppError::Validation(errors)
}

/// Thrown when an e-mail address is someone's already.
pub const EMAIL_TAKEN_MARK: &str = "hamrah:email-taken";
/// Thrown when a team's name is another team's already.
pub const TEAM_TAKEN_MARK: &str = "hamrah:team-taken";
/// Thrown when a change would leave no active admin.
pub const LAST_ADMIN_MARK: &str = "hamrah:last-admin";
/// Thrown when a sign-in link is used, expired or unknown.
pub const LINK_INVALID_MARK: &str = "hamrah:link-invalid";
/// Thrown when one address has sent as many public complaints as an hour allows.
pub const TOO_MANY_SENT_MARK: &str = "hamrah:too-many-sent";
/// Thrown when records would go to someone no longer fit to receive them.
pub const NOT_ASSIGNABLE_MARK: &str = "hamrah:not-assignable";

/// Thrown inside transactions when `rev` moved on; becomes [`AppError::Conflict`].
pub const CONFLICT_MARK: &str = "hamrah:conflict";
/// Thrown when a stage to be removed still holds deals.
pub const STAGE_IN_USE_MARK: &str = "hamrah:stage-in-use";
/// Thrown when a deal is saved into a stage that no longer exists.
pub const UNKNOWN_STAGE_MARK: &str = "hamrah:unknown-stage";

/// Tries per write. Writers in one process queue on a lock first, so only writers in other
/// processes can make a write lose; a few tries cover even a busy cluster.
const TRIES: u32 = 12;

/// Writers of this process take turns: with one counter every writer touches, running them
/// side by side only makes all but one fail and start again.
static WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn is_retryable(error: &surrealdb::Error) -> bool {
    matches!(error.query_details(), Some(QueryError::TransactionConflict))
        || error.message().contains("can be retried")
}

/// Runs a write transaction until it commits or fails for a reason retrying cannot mend:
/// a thrown mark becomes its [`AppError`]; anything else is logged as internal.
pub async fn write(db: &Db, write: &Write) -> AppResult<IndexedResults> {
    if write.malformed {
        return Err(internal(format!("malformed variables for: {}", write.sql)));
    }
    let mut pause = Duration::from_millis(2);
    for attempt in 1..=TRIES {
        let outcome = {
            let _turn = WRITERS.lock().await;
            db.query(write.sql.as_str()).bind(write.vars.clone()).await
        };
        // A conflict at commit may fail the whole request rather than one statement.
        let errors: Vec<surrealdb::Error> = match outcome {
            Ok(mut response) => {
                let errors = response.take_errors();
                if errors.is_empty() {
                    return Ok(response);
                }
                errors.into_values().collect()
            }
            Err(error) => vec![error],
        };
        let messages: Vec<String> = errors.iter().map(|e| e.message().to_owned()).collect();
        if let Some((_, error)) = MARKS
            .iter()
            .find(|(mark, _)| messages.iter().any(|m| m.contains(mark)))
        {
            return Err(error());
        }
        if !errors.iter().any(is_retryable) {
            return Err(internal(messages.join("; ")));
        }
        crate::metrics::count("hamrah_write_retries_total", &[]);
        if attempt < TRIES {
            // Other processes' writers: wait a little, with jitter, before trying again.
            let jitter = Duration::from_micros(rand::random::<u64>() % 2_000);
            tokio::time::sleep(pause + jitter).await;
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }
    tracing::warn!(tries = TRIES, "write kept losing to other writers");
    Err(AppError::Conflict)
}
