//! What every owned record (company, contact, deal, activity) shares on the server: who may
//! see it, expressed once for queries and once for single-record checks. Compiled with `ssr`.

use serde::Deserialize;
use surrealdb::types::RecordId;

use crate::auth::{Actor, Role, Scope};
use crate::db::{self, Bind, Db, opt_rid, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::server::Cx;

pub mod stored;

/// The WHERE clause that limits a query to what `$me` (in `$team`) may read. Admins see all.
pub fn read_filter(actor: &Actor) -> &'static str {
    match actor.role {
        Role::Admin => "true",
        Role::Manager | Role::Rep => "(owner = $me OR ($team != NONE AND team = $team))",
    }
}

/// The WHERE clause, over `sync_log` entries, of changes to records `$me` (in `$team`) could
/// read before or after the change: only those may be named to them as removed.
pub fn seen_filter(actor: &Actor) -> &'static str {
    match actor.role {
        Role::Admin => "true",
        Role::Manager | Role::Rep => "($me IN owners OR ($team != NONE AND $team IN teams))",
    }
}

/// `link.field` of the record `link` points to, if the actor may read that record, else
/// NONE: a name shown never reveals a record its reader cannot open. The device holds only
/// what its user may read, so it shows the same. Needs [`bind_actor`].
pub fn shown(actor: &Actor, link: &str, field: &str) -> String {
    match actor.role {
        Role::Admin => format!("{link}.{field}"),
        Role::Manager | Role::Rep => format!(
            "(IF {link}.owner = $me OR ($team != NONE AND {link}.team = $team) THEN {link}.{field} END)"
        ),
    }
}

/// `field = $plain.field` for each field of `fields` stored as it serialises (all but
/// `links`, which the caller stores as record links), and `$plain` to bind. Names come from
/// the kind's struct, never from input; an unset field is absent from `$plain` and so
/// stored as NONE. A field added to a kind's fields is written without touching its query.
/// The set also stores `$clocks`, a synced edit's per-field clocks, in the same write (kept
/// as they are when NONE): a second UPDATE of the record would run its fields and indexes
/// again.
pub fn plain_set<T: serde::Serialize>(
    fields: &T,
    links: &[&str],
) -> AppResult<(String, serde_json::Value)> {
    let mut json = serde_json::to_value(fields).map_err(crate::server::internal)?;
    if let Some(map) = json.as_object_mut() {
        map.retain(|name, _| !links.contains(&name.as_str()));
    }
    let set = json
        .as_object()
        .map(|m| {
            m.keys()
                .map(|name| format!("{name} = $plain.{name}"))
                .chain(["clocks = $clocks ?? clocks ?? {}".to_owned()])
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    Ok((set, db::vars(&json)?))
}

pub use crate::ids::valid_ids;

/// Binds `$me` and `$team` for [`read_filter`] and for created_by/updated_by.
pub fn bind_actor<Q: Bind>(query: Q, actor: &Actor) -> Q {
    query
        .bind(("me", rid("user", &actor.id)))
        .bind(("team", opt_rid("team", actor.team.as_deref())))
}

/// A row read together with the keys that decide who may see it (`owner`, `team`).
#[derive(Deserialize)]
pub struct Scoped<T> {
    #[serde(flatten)]
    pub row: T,
    pub owner: crate::ids::Id,
    #[serde(default)]
    pub team: Option<crate::ids::Id>,
}

impl<T> Scoped<T> {
    pub fn scope(&self) -> Scope {
        Scope {
            owner: self.owner.clone(),
            team: self.team.clone(),
        }
    }

    pub fn can_edit(&self, actor: &Actor) -> bool {
        actor.check_write(&self.scope()).is_ok()
    }
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

/// The display name of a record another one links to, if the actor may read it. A missing or
/// hidden record is reported as `problem` on `field`, so a link can never reveal or attach to
/// what the actor cannot see.
pub async fn linked_name(
    cx: &Cx,
    table: crate::kinds::Table,
    id: Option<&str>,
    field: &str,
    problem: Problem,
    errors: &mut FieldErrors,
) -> AppResult<Option<String>> {
    let Some(id) = id.filter(|id| crate::ids::is_valid_id(id)) else {
        return Ok(None);
    };
    let sql = if table == crate::kinds::Table::Deal {
        "SELECT title AS name, owner, team FROM ONLY $id"
    } else {
        "SELECT name, owner, team FROM ONLY $id"
    };
    let mut response = db::run(cx.db.query(sql).bind(("id", table.rid(id)))).await?;
    match db::take_one::<Scoped<Named>>(&mut response, 0)? {
        Some(linked) if cx.actor.check_read(&linked.scope()).is_ok() => Ok(Some(linked.row.name)),
        _ => {
            errors.add(field, problem);
            Ok(None)
        }
    }
}

#[derive(Deserialize)]
struct ScopeRow {
    owner: crate::ids::Id,
    #[serde(default)]
    team: Option<crate::ids::Id>,
}

pub async fn scope_of(db: &Db, record: RecordId) -> AppResult<Option<Scope>> {
    let mut response = db::run(
        db.query("SELECT owner, team FROM ONLY $record")
            .bind(("record", record)),
    )
    .await?;
    let row: Option<ScopeRow> = db::take_one(&mut response, 0)?;
    Ok(row.map(|r| Scope {
        owner: r.owner,
        team: r.team,
    }))
}

/// Loads a record's scope and checks the actor may read it; missing and hidden look alike.
pub async fn readable(db: &Db, actor: &Actor, record: RecordId) -> AppResult<Scope> {
    let scope = scope_of(db, record).await?.ok_or(AppError::NotFound)?;
    actor.check_read(&scope)?;
    Ok(scope)
}

pub async fn writable(db: &Db, actor: &Actor, record: RecordId) -> AppResult<Scope> {
    let scope = scope_of(db, record).await?.ok_or(AppError::NotFound)?;
    actor.check_write(&scope)?;
    Ok(scope)
}

/// Parses an id from the outside world, so a malformed one is NotFound, not a query error.
pub fn parse_id(id: &str) -> AppResult<&str> {
    if crate::ids::is_valid_id(id) {
        Ok(id)
    } else {
        Err(AppError::NotFound)
    }
}

pub use crate::db::CONFLICT_MARK;

/// Runs a write transaction (again, if it lost a race with another writer).
pub async fn run_write(db: &Db, write: db::Write) -> AppResult<()> {
    db::write(db, &write).await.map(|_| ())
}
