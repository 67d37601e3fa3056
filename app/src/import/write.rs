//! Writing an import a chunk at a time, and undoing it. Each chunk is one transaction: the
//! records it creates or updates, their history, their sync log entries (so every device
//! gets them), what each did for the undo (`import_item`, with an updated record's whole
//! stored value before), the chunk's refused rows and the import's progress. A deal that
//! enters a stage (new, or moved by its row) enters it as a save does: the instant, the entry
//! the funnel counts and the deal's own list of stages entered. A chunk either lands whole or
//! not at all, so the progress shown is what is in the database.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Tally;
use super::rows::{Change, NewCompany, Owner};
use crate::db::{self, Bind, Write, rid};
use crate::error::AppResult;
use crate::history;
use crate::kinds::Table;
use crate::records::stored::{field_changes, link_content, stored};
use crate::records::{CONFLICT_MARK, bind_actor};
use crate::server::{Cx, internal};
use crate::sync::replica::Synced;

#[derive(Serialize)]
struct ChangeRow {
    field: &'static str,
    old: Option<String>,
    new: Option<String>,
}

/// Where a chunk's write stands in its import: which chunk, written by which run (the
/// import's lease holder), and the import's progress once it is written.
pub struct Place<'a> {
    pub import: &'a str,
    pub runner: &'a str,
    pub chunk: i64,
    pub done_rows: u64,
    pub tally: &'a Tally,
}

/// One chunk's decisions, written in one transaction with the import's progress, and the
/// chunk marked written. `Conflict` if a record it updates changed since it was read, or if
/// the run no longer holds the import's lease (another server took it over).
pub async fn chunk<R: Synced>(
    cx: &Cx,
    place: &Place<'_>,
    changes: &[Change<R>],
    companies: &[NewCompany],
    refused: &[(usize, String)],
    shown: &impl Fn(&str, &Value) -> Option<String>,
) -> AppResult<()> {
    let mut i = 0_i64;
    let mut next = || {
        i += 1;
        i
    };
    let new_companies: Vec<Value> = companies
        .iter()
        .map(|c| {
            json!({ "id": c.id.as_str(), "name": c.name, "name_lc": crate::text::fold(&c.name),
                "owner": owner_json(&c.owner), "i": next() })
        })
        .collect();
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for change in changes {
        match change {
            Change::Create(row, given) => {
                let (mut plain, links) = stored(row)?;
                let deal = deal_part::<R>(&mut plain, None, given.since.as_deref());
                let name = super::rows::name_of(row);
                creates.push(json!({ "id": row.id(), "plain": plain, "links": links,
                    "deal": deal, "name": name, "name_lc": crate::text::fold(&name),
                    "owner": owner_json(&given.owner), "i": next() }));
            }
            Change::Update { before, after } => {
                let (mut plain, links) = stored(after)?;
                let (mut was, _) = stored(before)?;
                let deal = deal_part::<R>(&mut plain, Some(&mut was), None);
                let unset = cleared(&was, &plain);
                let rev = before.rev();
                let changes: Vec<ChangeRow> = field_changes(before, after, shown)
                    .into_iter()
                    .map(|c| ChangeRow {
                        field: c.field,
                        old: c.old,
                        new: c.new,
                    })
                    .collect();
                updates.push(json!({ "id": after.id(), "plain": plain, "links": links,
                    "deal": deal, "unset": unset, "name_lc": crate::text::fold(&super::rows::name_of(after)), "rev": rev,
                    "changes": changes, "i": next() }));
            }
        }
    }
    let count = i;
    let links = link_content::<R>();
    // Companies and contacts keep their folded name as a search key (migration 0007).
    let key = if matches!(R::TABLE, Table::Company | Table::Contact) {
        "name_lc: $r.name_lc,"
    } else {
        ""
    };
    // A deal enters its stage in the deal's own write (its dashboard tallies are kept by
    // the database on every write of a deal, so one write instead of three), and the entry
    // the funnel counts is written beside it, with an id chosen beforehand so the import's
    // item can name it for an undo: what `crate::deals::ssr::ENTER_STAGE` records for a save.
    let (new_deal, moved_deal, enter, entry) = if R::TABLE == Table::Deal {
        (
            "stage: $stage, pipeline: $pipeline, stage_changed_at: $at, touched_at: $at,
                 entered: [{ stage: $stage, at: $at }],",
            "IF $r.deal.moved THEN { stage: $stage, stage_changed_at: $at, touched_at: $at,
                 entered: array::append($was.entered ?? [], { stage: $stage, at: $at }) }
             ELSE {} END",
            "IF $r.deal.moved {
                 CREATE type::record('stage_entry', $r.deal.entry) CONTENT { deal: $rec,
                     stage: $stage, owner: $owner, team: $owner_team, at: $at };
             };",
            ", entry: IF $r.deal.entry THEN type::record('stage_entry', $r.deal.entry) END",
        )
    } else {
        ("", "{}", "", "")
    };
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $lease = (SELECT state, runner FROM ONLY $import);
         IF $lease.state != 'running' OR $lease.runner != $runner OR (SELECT VALUE done FROM ONLY $chunk) {{
             THROW $conflict
         }};
         LET $base = (UPSERT ONLY sync_counter:main SET n += $count RETURN VALUE n) - $count;
         LET $now = time::now();
         FOR $c IN $companies {{
             LET $rec = type::record('company', $c.id);
             LET $owner = type::record('user', $c.owner.id);
             LET $owner_team = IF $c.owner.team THEN type::record('team', $c.owner.team) END;
             CREATE $rec CONTENT {{ name: $c.name, name_lc: $c.name_lc, owner: $owner, team: $owner_team,
                 created_by: $me, updated_by: $me }};
             CREATE change CONTENT {{ subject: $rec, by: $me, field: $created, new: $c.name }};
             CREATE import_item CONTENT {{ import: $import, record: $rec, created: true, rev: 1 }};
             CREATE sync_log CONTENT {{ seq: $base + $c.i, tb: 'company', record: $rec, owners: [$owner],
                 teams: array::complement([$owner_team], [NONE, NULL]) }};
         }};
         FOR $r IN $creates {{
             LET $rec = type::record($tb, $r.id);
             LET $stage = IF $r.deal THEN type::record('stage', $r.deal.stage) END;
             LET $owner = type::record('user', $r.owner.id);
             LET $owner_team = IF $r.owner.team THEN type::record('team', $r.owner.team) END;
             // When the file says since when a new deal is in its stage, that; else now.
             LET $at = IF $r.deal.at THEN <datetime> $r.deal.at ELSE $now END;
             CREATE $rec CONTENT object::extend($r.plain, {{ {key} {new_deal} owner: $owner, team: $owner_team,
                 created_by: $me, updated_by: $me {links} }});
             {enter}
             CREATE change CONTENT {{ subject: $rec, by: $me, field: $created, new: $r.name }};
             CREATE import_item CONTENT {{ import: $import, record: $rec, created: true, rev: 1 {entry} }};
             CREATE sync_log CONTENT {{ seq: $base + $r.i, tb: $tb, record: $rec, owners: [$owner],
                 teams: array::complement([$owner_team], [NONE, NULL]) }};
         }};
         FOR $r IN $updates {{
             LET $rec = type::record($tb, $r.id);
             LET $was = (SELECT * FROM ONLY $rec);
             IF $was.rev != $r.rev {{ THROW $conflict }};
             LET $stage = IF $r.deal THEN type::record('stage', $r.deal.stage) END;
             LET $owner = $was.owner;
             LET $owner_team = $was.team;
             LET $at = $now;
             UPDATE $rec MERGE object::extend(object::extend($r.plain, {{ {key} rev: $r.rev + 1,
                 updated_at: $now, updated_by: $me {links} }}), {moved_deal});
             // A value the kind's rules cleared (a lost deal's reason once it is open again).
             IF $r.unset {{
                 UPDATE $rec CONTENT object::remove((SELECT * FROM ONLY $rec), array::concat(['id'], $r.unset));
             }};
             {enter}
             FOR $c IN $r.changes {{
                 CREATE change CONTENT {{ subject: $rec, by: $me, field: $c.field, old: $c.old, new: $c.new }};
             }};
             CREATE import_item CONTENT {{ import: $import, record: $rec, created: false, before: $was, rev: $r.rev + 1 {entry} }};
             CREATE sync_log CONTENT {{ seq: $base + $r.i, tb: $tb, record: $rec,
                 owners: array::complement([$was.owner], [NONE, NULL]),
                 teams: array::complement([$was.team], [NONE, NULL]) }};
         }};
         UPDATE $chunk SET refused = $refused, done = true;
         UPDATE $import SET done_rows = $done_rows, tally = $tally, beat = time::now();
         COMMIT TRANSACTION;"
    );
    let vars = db::vars(&json!({
        "tb": R::TABLE.name(),
        "companies": new_companies,
        "creates": creates,
        "updates": updates,
        "count": count,
        "created": history::CREATED,
        "conflict": CONFLICT_MARK,
        "refused": refused.iter().map(|(line, why)| json!([line, why])).collect::<Vec<_>>(),
        "done_rows": place.done_rows,
        "tally": place.tally,
    }))?;
    let pipeline = cx.pipeline().await?;
    let write = bind_actor(Write::new(sql), &cx.actor)
        .bind(vars)
        .bind(("pipeline", rid("pipeline", &pipeline.id)))
        .bind(("import", rid("import", place.import)))
        .bind(("runner", place.runner.to_owned()))
        .bind((
            "chunk",
            rid("import_chunk", &chunk_key(place.import, place.chunk)),
        ));
    db::write(&cx.db, &write).await?;
    Ok(())
}

/// A deal's stage, taken out of its plain fields: the database holds it as a record, and
/// keeps the instants (`touched_at`, `stage_changed_at`, `entered`) itself, set when the
/// deal enters a stage. `before` is the deal's value before an update (none for a new deal,
/// which enters its first stage), `since` when a new deal entered it if the file says.
/// Nothing for another kind.
fn deal_part<R: Synced>(
    plain: &mut Value,
    before: Option<&mut Value>,
    since: Option<&str>,
) -> Value {
    if R::TABLE != Table::Deal {
        return Value::Null;
    }
    let kept = ["touched_at", "stage_changed_at", "entered"];
    let take = |value: &mut Value, field: &str| {
        value
            .as_object_mut()
            .and_then(|fields| fields.remove(field))
    };
    for field in kept {
        take(plain, field);
    }
    let stage = take(plain, "stage");
    let was = before.and_then(|b| {
        for field in kept {
            take(b, field);
        }
        take(b, "stage")
    });
    let moved = was != stage;
    json!({
        "stage": stage,
        "moved": moved,
        "entry": moved.then(|| crate::ids::Id::new_v7().as_str().to_owned()),
        "at": since,
    })
}

/// An owner as the chunk's statement reads it.
fn owner_json(owner: &Owner) -> Value {
    json!({ "id": owner.id.as_str(), "team": owner.team.as_ref().map(|t| t.as_str()) })
}

/// The fields a record held that its new value leaves empty: a bulk write merges the new
/// value in, which would keep them.
fn cleared(before: &Value, after: &Value) -> Vec<String> {
    let Some(before) = before.as_object() else {
        return Vec::new();
    };
    before
        .iter()
        .filter(|(field, value)| {
            !value.is_null() && after.get(field.as_str()).is_none_or(Value::is_null)
        })
        .map(|(field, _)| field.clone())
        .collect()
}

/// The id of chunk `n` of import `import`.
pub fn chunk_key(import: &str, n: i64) -> String {
    format!("{import}_{n}")
}

/// An imported record as an undo finds it.
#[derive(Debug, Deserialize)]
struct Item {
    id: crate::ids::Id,
    record: crate::ids::Id,
    created: bool,
    rev: i64,
    /// Its revision now; none if it is gone.
    #[serde(default)]
    now: Option<i64>,
}

/// Items an undo reads at once.
const UNDO_PAGE: i64 = 500;

/// Undoes import `import`, a page of its records per transaction: a record it created is
/// removed and one it updated gets back what it held, unless someone changed it since (or,
/// for a record it created, linked another record to it): then it is kept, and counted.
/// Activities go first, then deals, then contacts, then companies, so a company made for an
/// imported contact or deal is free to go. Each page adds the records it kept to the import's
/// count and deletes its items, so an undo taken over by another server goes on where this
/// one stopped.
pub async fn undo(cx: &Cx, import: &str, runner: &str) -> AppResult<()> {
    for tb in [Table::Activity, Table::Deal, Table::Contact, Table::Company] {
        loop {
            let mut response = db::run(
                cx.db
                    .query(
                        "SELECT id, record, created, rev, record.rev AS now FROM import_item
                         WHERE import = $import AND record::tb(record) = $tb LIMIT $page",
                    )
                    .bind(("import", rid("import", import)))
                    .bind(("tb", tb.name()))
                    .bind(("page", UNDO_PAGE)),
            )
            .await?;
            let items: Vec<Item> = db::take_all(&mut response, 0)?;
            if items.is_empty() {
                break;
            }
            let linked = linked_to(cx, tb, &items).await?;
            let (mut remove, mut restore) = (Vec::new(), Vec::new());
            let (mut i, mut kept) = (0, 0_u64);
            for item in &items {
                let mut entry = || {
                    i += 1;
                    json!({ "id": item.record.as_str(), "rev": item.rev, "i": i })
                };
                match item.now {
                    None => {}
                    Some(now) if now != item.rev => kept += 1,
                    Some(_) if item.created && linked.contains(&item.record) => kept += 1,
                    Some(_) if item.created => remove.push(entry()),
                    Some(_) => restore.push(entry()),
                }
            }
            let page: Vec<_> = items.iter().map(|i| rid("import_item", &i.id)).collect();
            let lease = Lease { import, runner };
            undo_page(cx, &lease, tb, &remove, &restore, page, kept).await?;
        }
    }
    Ok(())
}

/// The import an undo works on, and its lease.
struct Lease<'a> {
    import: &'a str,
    runner: &'a str,
}

/// Which of `items` (records of `tb`) another record links to, by any declared link.
async fn linked_to(cx: &Cx, tb: Table, items: &[Item]) -> AppResult<Vec<crate::ids::Id>> {
    let records: Vec<_> = items
        .iter()
        .filter(|i| i.created)
        .map(|i| tb.rid(&i.record))
        .collect();
    let mut found = Vec::new();
    for (table, link) in crate::trash::ssr::links()
        .into_iter()
        .filter(|(_, l)| l.to == tb)
    {
        // Names from the declarations, never from input.
        let sql = format!(
            "SELECT VALUE record::id({f}) FROM type::table($from) WHERE {f} IN $records",
            f = link.field
        );
        let mut response = db::run(
            cx.db
                .query(sql)
                .bind(("from", table.name()))
                .bind(("records", records.clone())),
        )
        .await?;
        let ids: Vec<String> = response.take(0).map_err(internal)?;
        found.extend(ids.into_iter().map(crate::ids::Id::from));
    }
    Ok(found)
}

/// One page of an undo, in one transaction; each record is checked again, and one changed
/// since the page was read fails the page (`Conflict`) rather than losing that change. The
/// page's items (`page`, by id) go with it.
async fn undo_page(
    cx: &Cx,
    lease: &Lease<'_>,
    tb: Table,
    remove: &[Value],
    restore: &[Value],
    page: Vec<surrealdb::types::RecordId>,
    kept: u64,
) -> AppResult<()> {
    let sql = "BEGIN TRANSACTION;
        LET $lease = (SELECT state, runner FROM ONLY $import);
        IF $lease.state != 'undoing' OR $lease.runner != $runner { THROW $conflict };
        LET $n = array::len($remove) + array::len($restore);
        LET $base = (UPSERT ONLY sync_counter:main SET n += $n RETURN VALUE n) - $n;
        FOR $r IN $remove {
            LET $rec = type::record($tb, $r.id);
            LET $was = (SELECT owner, team, rev FROM ONLY $rec);
            IF $was.rev != $r.rev { THROW $conflict };
            // A deal's stage entries: one it was made with, none since (its revision is
            // the import's).
            IF $tb = 'deal' { DELETE stage_entry WHERE deal = $rec };
            DELETE $rec;
            CREATE sync_log CONTENT { seq: $base + $r.i, tb: $tb, record: $rec,
                owners: array::complement([$was.owner], [NONE, NULL]),
                teams: array::complement([$was.team], [NONE, NULL]) };
        };
        FOR $r IN $restore {
            LET $rec = type::record($tb, $r.id);
            LET $item = (SELECT before, entry FROM import_item WHERE import = $import AND record = $rec)[0];
            LET $before = $item.before;
            LET $was = (SELECT owner, team, rev FROM ONLY $rec);
            IF $was.rev != $r.rev OR $before = NONE { THROW $conflict };
            // The stage entry of a deal the import moved: the funnel no longer counts it.
            IF $item.entry { DELETE $item.entry };
            UPDATE $rec CONTENT object::extend(object::remove($before, 'id'),
                { rev: $r.rev + 1, updated_at: time::now(), updated_by: $me });
            CREATE change CONTENT { subject: $rec, by: $me, field: $undone };
            CREATE sync_log CONTENT { seq: $base + $r.i, tb: $tb, record: $rec,
                owners: array::complement(array::distinct([$was.owner, $before.owner]), [NONE, NULL]),
                teams: array::complement(array::distinct([$was.team, $before.team]), [NONE, NULL]) };
        };
        DELETE $page;
        UPDATE $import SET beat = time::now(), kept += $kept;
        COMMIT TRANSACTION;";
    let write = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&json!({
            "tb": tb.name(),
            "remove": remove,
            "restore": restore,
            "conflict": CONFLICT_MARK,
            "undone": history::IMPORT_UNDONE,
        }))?)
        .bind(("page", page))
        .bind(("kept", kept as i64))
        .bind(("runner", lease.runner.to_owned()))
        .bind(("import", rid("import", lease.import)));
    db::write(&cx.db, &write).await?;
    Ok(())
}
