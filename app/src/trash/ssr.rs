//! Deleting to the Trash, restoring from it and purging it, each one transaction that also
//! writes the history and the sync log, so devices drop (or get back) exactly what changed.

use serde::Deserialize;

use super::{KEPT_DAYS, TrashItem, entry_key};
use crate::auth::{Access, Role, Scope};
use crate::db::{self, Bind, Db, Write, rid};
use crate::error::{AppError, AppResult};
use crate::history::ssr::LOG_CHANGE;
use crate::ids::Id;
use crate::kinds::{Table, Visit};
use crate::records::bind_actor;
use crate::server::{Cx, internal};
use crate::sync::replica::{Link, Synced, fields_of};
use crate::sync::ssr::{Receipt, STORE_RECEIPT};
use crate::sync::{FieldConflict, Fields, Mutation, Op, Outcome};

/// History entries of a record's delete and restore (no field has these names).
pub use crate::history::{DELETED, RESTORED};

/// Every link field any kind declares, with the kind declaring it.
pub(crate) fn links() -> Vec<(Table, Link)> {
    Table::ALL
        .iter()
        .flat_map(|t| crate::kinds::links_of(*t).iter().map(|l| (*t, *l)))
        .collect()
}

/// The distinct names of link fields: a write may only name a field from this list.
fn link_fields() -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = links().iter().map(|(_, l)| l.field).collect();
    fields.sort_unstable();
    fields.dedup();
    fields
}

/// A record as a delete sees it.
struct Found {
    scope: Scope,
    name: String,
    fields: Fields,
}

/// The record as the user may see it (hidden and missing look alike), as a push loads it.
async fn find(cx: &Cx, table: Table, id: &str) -> AppResult<Option<Found>> {
    struct Load<'a>(&'a Cx, &'a str);
    impl<'a> Visit for Load<'a> {
        type Out = std::pin::Pin<Box<dyn Future<Output = AppResult<Option<Found>>> + Send + 'a>>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(async move {
                let Some(loaded) = crate::sync::ssr::load::<R>(self.0, self.1).await? else {
                    return Ok(None);
                };
                let row = loaded.row;
                let fields = fields_of(&row.input());
                let name = match fields.get(R::NAME) {
                    Some(serde_json::Value::String(name)) => name.clone(),
                    _ => String::new(),
                };
                Ok(Some(Found {
                    scope: row.scope(),
                    name,
                    fields,
                }))
            })
        }
    }
    table.visit(Load(cx, id)).await
}

#[derive(Debug, Deserialize)]
struct Holder {
    id: Id,
    owner: Id,
    #[serde(default)]
    team: Option<Id>,
    #[serde(default)]
    name: Option<String>,
}

impl Holder {
    fn scope(&self) -> Scope {
        Scope {
            owner: self.owner.clone(),
            team: self.team.clone(),
        }
    }
}

/// Applies a pushed delete. `Err` is "try again later", as for an edit.
pub async fn delete(
    cx: &Cx,
    mutation: &Mutation,
    receipt: Option<&Receipt>,
) -> AppResult<(Outcome, bool)> {
    let table = mutation.table;
    let applied = Outcome::Applied {
        superseded: Vec::new(),
    };
    let Some(found) = find(cx, table, &mutation.id).await? else {
        // Deleted already (by someone else, or this very change answered before its receipt
        // was kept): what was asked for is done. Anything else is not there to delete.
        return Ok(if in_trash(&cx.db, table, &mutation.id).await? {
            (applied, false)
        } else {
            (
                Outcome::Rejected {
                    error: AppError::NotFound,
                },
                false,
            )
        });
    };
    if let Err(error) = cx.actor.check_write(&found.scope) {
        return Ok((Outcome::Rejected { error }, false));
    }
    // Fields someone else changed after this device last saw them: the delete goes ahead
    // (it can be undone), and the user is told what they deleted unseen.
    let changed: Vec<FieldConflict> = mutation
        .base
        .iter()
        .flatten()
        .filter_map(|(field, mine)| {
            let theirs = found.fields.get(field)?;
            (theirs != mine).then(|| FieldConflict {
                field: field.clone(),
                mine: mine.clone(),
                theirs: theirs.clone(),
            })
        })
        .collect();
    let outcome = if changed.is_empty() {
        applied
    } else {
        Outcome::DeletedChanged { fields: changed }
    };
    let main = Holder {
        id: mutation.id.clone(),
        owner: found.scope.owner.clone(),
        team: found.scope.team.clone(),
        name: Some(found.name),
    };
    let mut parts: Vec<(Table, Holder)> = Vec::new();
    if mutation.op == Op::DeleteWithLinked && table == Table::Company {
        let mut response = db::run(
            cx.db
                .query(
                    "SELECT record::id(id) AS id, owner, team, name FROM contact WHERE company = $r;
                     SELECT record::id(id) AS id, owner, team, title AS name FROM deal WHERE company = $r;",
                )
                .bind(("r", rid("company", &mutation.id))),
        )
        .await?;
        for (index, kind) in [(0, Table::Contact), (1, Table::Deal)] {
            let holders: Vec<Holder> = db::take_all(&mut response, index)?;
            parts.extend(
                holders
                    .into_iter()
                    .filter(|h| cx.actor.access(&h.scope()) == Access::Write)
                    .map(|h| (kind, h)),
            );
        }
    }
    let all: Vec<(Table, Holder)> = std::iter::once((table, main)).chain(parts).collect();
    let entry_of = |t: Table, id: &str| entry_key(t, id);
    // What links to each doomed record and is not doomed itself: unlinked, and linked back
    // on restore.
    let mut rows = Vec::with_capacity(all.len());
    for (index, (t, holder)) in all.iter().enumerate() {
        let mut unlinked = Vec::new();
        for (from, link) in links().into_iter().filter(|(_, l)| l.to == *t) {
            let sql = format!(
                "SELECT VALUE record::id(id) FROM type::table($tb) WHERE {} = $r",
                link.field
            );
            let mut response = db::run(
                cx.db
                    .query(sql)
                    .bind(("tb", from.name()))
                    .bind(("r", rid(t.name(), &holder.id))),
            )
            .await?;
            let ids: Vec<String> = response.take(0).map_err(internal)?;
            unlinked.extend(
                ids.into_iter()
                    .filter(|id| !all.iter().any(|(dt, d)| *dt == from && d.id.as_ref() == id.as_str()))
                    .map(|id| serde_json::json!({ "tb": from.name(), "id": id, "field": link.field })),
            );
        }
        rows.push(serde_json::json!({
            "tb": t.name(),
            "id": holder.id,
            "entry": entry_of(*t, &holder.id),
            "name": holder.name.clone().unwrap_or_default(),
            "part_of": (index > 0).then(|| entry_of(table, &mutation.id)),
            "unlinked": unlinked,
        }));
    }
    // `updated_at` stays: an unlink is the delete's doing, logged in history and sync, and a
    // restore then leaves every linked record exactly as it was (a device's horizon reads
    // `updated_at`, so an old task does not come back to devices either).
    let unlink = link_fields()
        .iter()
        .map(|f| format!("IF $u.field = '{f}' {{ UPDATE $changed SET {f} = NONE, rev += 1 }};"))
        .collect::<String>();
    let sql = format!(
        "BEGIN TRANSACTION;
         FOR $d IN $doomed {{
             LET $changed = type::record($d.tb, $d.id);
             LET $scope_before = (SELECT owner, team FROM ONLY $changed);
             LET $data = (SELECT * FROM ONLY $changed);
             IF $data != NONE {{
                 // UPSERT: an entry left by an earlier delete of this record is replaced.
                 UPSERT type::record('trash', $d.entry) CONTENT {{
                     tb: $d.tb, record: $changed, name: $d.name, data: $data,
                     entries: (SELECT * FROM stage_entry WHERE deal = $changed),
                     unlinked: (SELECT VALUE {{ record: type::record(tb, id), field: field }} FROM $d.unlinked),
                     owner: $data.owner, team: $data.team, by: $by,
                     part_of: IF $d.part_of != NONE THEN type::record('trash', $d.part_of) END
                 }};
                 DELETE stage_entry WHERE deal = $changed;
                 DELETE $changed;
                 CREATE change CONTENT {{ subject: $changed, by: $by, field: $deleted, old: NONE, new: NONE }};
                 {LOG_CHANGE}
                 FOR $u IN $d.unlinked {{
                     LET $changed = type::record($u.tb, $u.id);
                     LET $scope_before = (SELECT owner, team FROM ONLY $changed);
                     {unlink}
                     CREATE change CONTENT {{ subject: $changed, by: $by, field: $u.field, old: $d.name, new: NONE }};
                     {LOG_CHANGE}
                 }};
             }};
         }};
         IF $receipt != NONE {{ {STORE_RECEIPT} }};
         COMMIT TRANSACTION;"
    );
    let result = serde_json::to_string(&outcome).map_err(internal)?;
    let receipt = receipt.map(|r| Receipt {
        result,
        ..r.clone()
    });
    let stored = receipt.is_some();
    let write = Write::new(sql)
        .bind(db::vars(
            &serde_json::json!({ "doomed": rows, "receipt": receipt }),
        )?)
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("deleted", DELETED));
    db::write(&cx.db, &write).await?;
    Ok((outcome, stored))
}

async fn in_trash(db: &Db, table: Table, id: &str) -> AppResult<bool> {
    let mut response = db::run(
        db.query("RETURN record::exists($entry)")
            .bind(("entry", rid("trash", &entry_key(table, id)))),
    )
    .await?;
    Ok(response
        .take::<Option<bool>>(0)
        .map_err(internal)?
        .unwrap_or(false))
}

/// A Trash entry as permissions see it.
#[derive(Deserialize)]
pub(crate) struct Entry {
    pub(crate) owner: Id,
    #[serde(default)]
    pub(crate) team: Option<Id>,
    pub(crate) by: Id,
    /// Set when a merge put it here (see `crate::merge`).
    #[serde(default)]
    pub(crate) merged_into: Option<Id>,
}

impl Entry {
    /// Whether `actor` could see the record: who deleted it, or who may read it.
    pub(crate) fn seen_by(&self, actor: &crate::auth::Actor) -> bool {
        self.by == actor.id
            || actor.access(&Scope {
                owner: self.owner.clone(),
                team: self.team.clone(),
            }) != Access::None
    }
}

/// Whether `cx`'s user may restore an entry (or undo the merge that made it): who deleted
/// (or merged) it, an admin, or anyone who may change the record (as they could have deleted
/// or merged it).
pub(crate) fn may_restore(cx: &Cx, entry: &Entry) -> bool {
    cx.actor.role == Role::Admin
        || entry.by == cx.actor.id
        || cx.actor.access(&Scope {
            owner: entry.owner.clone(),
            team: entry.team.clone(),
        }) == Access::Write
}

/// Whether the record deleted as `table`/`id` is in the Trash and this user could see it:
/// an edit pushed for it is then answered "deleted", not "not found".
pub async fn deleted_for(cx: &Cx, table: Table, id: &str) -> AppResult<bool> {
    let mut response = db::run(
        cx.db
            .query("SELECT owner, team, by FROM ONLY $entry")
            .bind(("entry", rid("trash", &entry_key(table, id)))),
    )
    .await?;
    Ok(db::take_one::<Entry>(&mut response, 0)?.is_some_and(|e| e.seen_by(&cx.actor)))
}

pub async fn restore(cx: &Cx, table: Table, id: &str) -> AppResult<()> {
    if !crate::ids::is_valid_id(id) {
        return Err(AppError::NotFound);
    }
    // Restoring a merged-away record undoes the merge: its links come back with it.
    if crate::merge::ssr::was_merged(&cx.db, table, id).await? {
        return crate::merge::ssr::undo(cx, table, id).await.map(drop);
    }
    let key = rid("trash", &entry_key(table, id));
    let mut response = db::run(
        cx.db
            .query("SELECT owner, team, by FROM ONLY $entry")
            .bind(("entry", key.clone())),
    )
    .await?;
    let entry = db::take_one::<Entry>(&mut response, 0)?.ok_or(AppError::NotFound)?;
    if !may_restore(cx, &entry) {
        return Err(AppError::NotFound);
    }
    let fields = link_fields();
    // Links of a restored record to what is gone (still in the Trash, or purged) are cleared:
    // a link must lead somewhere.
    let dangling = fields
        .iter()
        .map(|f| {
            format!("UPDATE $changed SET {f} = NONE WHERE {f} != NONE AND !record::exists({f});")
        })
        .collect::<String>();
    let relink = fields
        .iter()
        .map(|f| {
            format!(
                "IF $u.field = '{f}' {{ UPDATE $changed SET {f} = $t.record, rev += 1 WHERE {f} = NONE }};"
            )
        })
        .collect::<String>();
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $all = (SELECT * FROM trash WHERE id = $entry OR part_of = $entry);
         FOR $t IN $all {{
             LET $changed = $t.record;
             LET $scope_before = NONE;
             IF !record::exists($changed) {{
                 CREATE $changed CONTENT $t.data;
                 FOR $s IN $t.entries {{ LET $sid = $s.id; CREATE $sid CONTENT $s; }};
                 CREATE change CONTENT {{ subject: $changed, by: $by, field: $restored, old: NONE, new: NONE }};
             }};
         }};
         FOR $t IN $all {{
             LET $changed = $t.record;
             LET $scope_before = NONE;
             {dangling}
             {LOG_CHANGE}
             FOR $u IN $t.unlinked {{
                 LET $changed = $u.record;
                 IF record::exists($changed) {{
                     LET $scope_before = (SELECT owner, team FROM ONLY $changed);
                     {relink}
                     CREATE change CONTENT {{ subject: $changed, by: $by, field: $u.field, old: NONE, new: $t.name }};
                     {LOG_CHANGE}
                 }};
             }};
         }};
         DELETE trash WHERE id = $entry OR part_of = $entry;
         COMMIT TRANSACTION;"
    );
    let write = Write::new(sql)
        .bind(("entry", key))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("restored", RESTORED));
    db::write(&cx.db, &write).await.map(drop)
}

pub async fn list(cx: &Cx) -> AppResult<Vec<TrashItem>> {
    #[derive(Deserialize)]
    struct Listed {
        tb: String,
        id: String,
        name: String,
        at: String,
        #[serde(default)]
        by_name: Option<String>,
        #[serde(default)]
        with: i64,
        #[serde(default)]
        merged_name: Option<String>,
        #[serde(flatten)]
        entry: Entry,
    }
    let mine = match cx.actor.role {
        Role::Admin => "true",
        Role::Manager | Role::Rep => "by = $me",
    };
    let sql = format!(
        "SELECT tb, record::id(record) AS id, name, <string> at AS at, by.name AS by_name, owner, team, by,
             merged_into.name AS merged_name,
             count((SELECT VALUE id FROM trash WHERE part_of = $parent.id)) AS with
         FROM trash WHERE part_of = NONE AND {mine} ORDER BY at DESC LIMIT 500"
    );
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor)).await?;
    let rows: Vec<Listed> = db::take_all(&mut response, 0)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let table = Table::from_name(&row.tb)?;
            Some(TrashItem {
                can_restore: may_restore(cx, &row.entry),
                table,
                id: row.id,
                name: row.name,
                at: row.at,
                by_name: row.by_name.unwrap_or_default(),
                with: row.with,
                merged_into: row.merged_name,
            })
        })
        .collect())
}

/// Deletes for good what has waited in the Trash longer than [`KEPT_DAYS`], with its
/// history (a merged-away record's history is kept with its survivor's). Idempotent, like the rest of the clean-up.
pub async fn purge(db: &Db) -> AppResult<()> {
    let write = Write::new(
        "BEGIN TRANSACTION;
         LET $old = (SELECT id, record, merged_into FROM trash WHERE at < time::now() - duration::from_secs($kept));
         FOR $o IN $old {
             // A merged-away record's history joins its survivor's for good, less its own
             // merged_into entry: the survivor's merged entry says the same.
             IF $o.merged_into != NONE AND record::exists($o.merged_into) {
                 DELETE change WHERE subject = $o.record AND field = $merged_into;
                 UPDATE change SET subject = $o.merged_into WHERE subject = $o.record;
             } ELSE {
                 DELETE change WHERE subject = $o.record;
             };
             DELETE $o.id;
         };
         COMMIT TRANSACTION;",
    )
    .bind(("kept", KEPT_DAYS * 86_400))
    .bind(("merged_into", crate::history::MERGED_INTO));
    db::write(db, &write).await.map(drop)
}
