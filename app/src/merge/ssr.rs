//! A merge and its undo, each one transaction that also writes the history and the sync log
//! of every record it touches; and where merged-away records went, for sync.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{KINDS, MergeRequest, Preview, Side, Undone};
use crate::db::{self, Bind, Db, Write, rid};
use crate::error::{AppError, AppResult, Problem};
use crate::history::ssr::LOG_CHANGE;
use crate::history::{MERGE_UNDONE, MERGED, MERGED_INTO};
use crate::ids::{Id, is_valid_id};
use crate::kinds::{Table, Visit};
use crate::records::stored::{field_changes, link_content, stored};
use crate::records::{CONFLICT_MARK, bind_actor, read_filter};
use crate::server::{Cx, internal};
use crate::sync::clock::Hlc;
use crate::sync::replica::{Context, Synced, fields_of, input_from};
use crate::sync::{Mutation, RowKey};
use crate::trash::entry_key;
use crate::trash::ssr::{Entry, may_restore};

fn mergeable(table: Table) -> AppResult<()> {
    if KINDS.contains(&table) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Record `id` of kind `R`, if this user may change it (hidden and missing look alike).
async fn writable<R: Synced>(cx: &Cx, id: &str) -> AppResult<R> {
    if !is_valid_id(id) {
        return Err(AppError::NotFound);
    }
    let row = crate::sync::ssr::load::<R>(cx, id)
        .await?
        .ok_or(AppError::NotFound)?
        .row;
    cx.actor.check_write(&row.scope())?;
    Ok(row)
}

fn name_of<R: Synced>(row: &R) -> String {
    match fields_of(&row.input()).remove(R::NAME) {
        Some(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The names of the records `rows` link to, by id.
async fn link_names<R: Synced>(cx: &Cx, rows: &[&R]) -> AppResult<BTreeMap<Id, String>> {
    let mut names = BTreeMap::new();
    for link in R::LINKS {
        let ids: Vec<_> = rows
            .iter()
            .filter_map(|r| r.linked_id(link.field))
            .map(|id| link.to.rid(&id))
            .collect();
        if ids.is_empty() {
            continue;
        }
        #[derive(Deserialize)]
        struct Named {
            id: Id,
            name: Option<String>,
        }
        let sql = format!(
            "SELECT record::id(id) AS id, {} AS name FROM $ids",
            link.to.name_field()
        );
        let mut response = db::run(cx.db.query(sql).bind(("ids", ids))).await?;
        let found: Vec<Named> = db::take_all(&mut response, 0)?;
        names.extend(
            found
                .into_iter()
                .map(|n| (n.id, n.name.unwrap_or_default())),
        );
    }
    Ok(names)
}

/// A field's value as history and the merge page show it: a link by its record's name.
fn shown_with<R: Synced>(names: &BTreeMap<Id, String>) -> impl Fn(&str, &Value) -> Option<String> {
    move |field, value| {
        let text = value.as_str()?;
        Some(if R::LINKS.iter().any(|l| l.field == field) {
            names
                .get(&Id::from(text))
                .cloned()
                .unwrap_or_else(|| text.to_owned())
        } else {
            text.to_owned()
        })
    }
}

/// How many records the user may see link to `table`:`id`, by kind.
async fn linked_counts(cx: &Cx, table: Table, id: &str) -> AppResult<Vec<(Table, i64)>> {
    let mut counts: Vec<(Table, i64)> = Vec::new();
    let filter = read_filter(&cx.actor);
    for (from, link) in crate::trash::ssr::links()
        .into_iter()
        .filter(|(_, l)| l.to == table)
    {
        // Names from the declarations, never from input.
        let sql = format!(
            "SELECT VALUE count() FROM type::table($tb) WHERE {} = $r AND {filter} GROUP ALL",
            link.field
        );
        let query = bind_actor(cx.db.query(sql), &cx.actor)
            .bind(("tb", from.name()))
            .bind(("r", table.rid(id)));
        let mut response = db::run(query).await?;
        let n: Option<i64> = response.take(0).map_err(internal)?;
        let n = n.unwrap_or(0);
        match counts.iter_mut().find(|(t, _)| *t == from) {
            Some((_, total)) => *total += n,
            None if n > 0 => counts.push((from, n)),
            None => {}
        }
    }
    Ok(counts)
}

pub async fn preview(cx: &Cx, table: Table, a: &str, b: &str) -> AppResult<Preview> {
    mergeable(table)?;
    if a == b {
        return Err(AppError::form(Problem::Malformed));
    }
    struct Load<'a>(&'a Cx, &'a str, &'a str);
    impl<'a> Visit for Load<'a> {
        type Out = std::pin::Pin<Box<dyn Future<Output = AppResult<Preview>> + Send + 'a>>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(preview_kind::<R>(self.0, self.1, self.2))
        }
    }
    table.visit(Load(cx, a, b)).await
}

async fn preview_kind<R: Synced>(cx: &Cx, a: &str, b: &str) -> AppResult<Preview> {
    let rows = [writable::<R>(cx, a).await?, writable::<R>(cx, b).await?];
    let names = link_names::<R>(cx, &[&rows[0], &rows[1]]).await?;
    let shown = shown_with::<R>(&names);
    let mut sides = Vec::with_capacity(2);
    for row in &rows {
        let values = fields_of(&row.input());
        let shown = values
            .iter()
            .map(|(f, v)| (f.clone(), shown(f, v).unwrap_or_default()))
            .collect();
        let owner = &row.stamp().owner;
        let mut response = db::run(
            cx.db
                .query("SELECT VALUE name FROM ONLY $user")
                .bind(("user", rid("user", owner))),
        )
        .await?;
        let owner_name: Option<String> = response.take(0).map_err(internal)?;
        sides.push(Side {
            id: row.id().to_owned(),
            name: name_of(row),
            rev: row.rev(),
            created_at: row.stamp().created_at.clone(),
            owner_name: owner_name.unwrap_or_default(),
            values,
            shown,
            linked: linked_counts(cx, R::TABLE, row.id()).await?,
        });
    }
    let [first, second]: [Side; 2] = sides.try_into().map_err(|_| internal("two sides"))?;
    Ok(Preview {
        table: R::TABLE,
        sides: [first, second],
    })
}

pub async fn merge(cx: &Cx, request: &MergeRequest) -> AppResult<()> {
    mergeable(request.table)?;
    if request.keep == request.other {
        return Err(AppError::form(Problem::Malformed));
    }
    struct Run<'a>(&'a Cx, &'a MergeRequest);
    impl<'a> Visit for Run<'a> {
        type Out = std::pin::Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;
        fn visit<R: Synced>(self) -> Self::Out {
            Box::pin(merge_kind::<R>(self.0, self.1))
        }
    }
    request.table.visit(Run(cx, request)).await
}

async fn merge_kind<R: Synced>(cx: &Cx, request: &MergeRequest) -> AppResult<()> {
    let keep = writable::<R>(cx, &request.keep).await?;
    let other = writable::<R>(cx, &request.other).await?;
    if [keep.rev(), other.rev()] != request.revs {
        return Err(AppError::Conflict);
    }
    let declared = |f: &String| R::FIELDS.iter().any(|d| d.name == f);
    // A field keeps both values only where a second slot takes the other's, and it cannot
    // also take the other's value instead.
    let both_fits =
        |f: &String| super::second_slot(R::TABLE, f).is_some() && !request.take.contains(f);
    if !request.take.iter().all(declared) || !request.both.iter().all(both_fits) {
        return Err(AppError::form(Problem::Malformed));
    }
    let before = fields_of(&keep.input());
    let fields = super::chosen(
        R::TABLE,
        &before,
        &fields_of(&other.input()),
        &request.take,
        &request.both,
    );
    let input: R::Input = input_from(fields.clone(), keep.id(), Some(keep.rev()))?;
    let pipeline = cx.pipeline().await?;
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .map_err(internal)?;
    let context = Context {
        me: &cx.actor,
        pipeline: &pipeline,
        deal_sources: &[],
        now: &now,
    };
    // The kind's own rules, as a form's save applies them.
    let after = keep.absorb(&input, &context)?;
    let names = link_names::<R>(cx, &[&keep, &other, &after]).await?;
    let shown = shown_with::<R>(&names);
    let changes = field_changes(&keep, &after, &shown);
    let (plain, links) = stored(&after)?;
    // The fields the merge set carry its clock, so an edit made elsewhere before the merge
    // and pushed after it does not silently undo the user's choice (see `sync::merge`).
    let clock = Hlc::zero("server").tick(crate::sync::ssr::now_ms());
    let clocks: BTreeMap<&String, &Hlc> = fields
        .iter()
        .filter(|(f, v)| before.get(*f) != Some(v))
        .map(|(f, _)| (f, &clock))
        .collect();
    let moved = crate::trash::ssr::links()
        .into_iter()
        .filter(|(_, l)| l.to == R::TABLE)
        .map(|(from, l)| {
            // Names from the declarations, never from input.
            format!(
                "(SELECT VALUE {{ record: id, field: '{f}' }} FROM {tb} WHERE {f} = $other)",
                f = l.field,
                tb = from.name()
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $k = (SELECT * FROM ONLY $keep);
         LET $o = (SELECT * FROM ONLY $other);
         IF $k = NONE OR $o = NONE OR $k.rev != $revs[0] OR $o.rev != $revs[1] {{ THROW $conflict }};
         LET $moved = array::flatten([{moved}]);
         LET $changed = $keep;
         LET $scope_before = (SELECT owner, team FROM ONLY $keep);
         UPDATE $keep MERGE object::extend($r.plain, {{ name_lc: $r.name_lc, rev: $k.rev + 1,
             updated_at: time::now(), updated_by: $me,
             clocks: object::extend($k.clocks ?? {{}}, $clocks) {links} }});
         FOR $c IN $changes {{
             CREATE change CONTENT {{ subject: $keep, by: $me, field: $c.field, old: $c.old, new: $c.new }};
         }};
         CREATE change CONTENT {{ subject: $keep, by: $me, field: $merged, new: $other_name }};
         {LOG_CHANGE}
         FOR $m IN $moved {{
             LET $changed = $m.record;
             LET $scope_before = (SELECT owner, team FROM ONLY $changed);
             LET $now = (SELECT rev FROM ONLY $changed);
             // `updated_at` stays, as a delete's unlink leaves it: the move is the merge's
             // doing, in history and sync, and an old task does not come back to devices.
             UPDATE $changed MERGE object::from_entries([[$m.field, $keep], ['rev', $now.rev + 1]]);
             CREATE change CONTENT {{ subject: $changed, by: $me, field: $m.field, old: $other_name, new: $keep_name }};
             {LOG_CHANGE}
         }};
         LET $changed = $other;
         LET $scope_before = (SELECT owner, team FROM ONLY $other);
         UPSERT type::record('trash', $entry) CONTENT {{
             tb: $tb, record: $other, name: $other_name, data: $o, entries: [], unlinked: [],
             owner: $o.owner, team: $o.team, by: $me, part_of: NONE,
             merged_into: $keep, moved: $moved, survivor: $k, survivor_rev: $k.rev + 1
         }};
         DELETE $other;
         CREATE change CONTENT {{ subject: $other, by: $me, field: $merged_into, new: $keep_name }};
         {LOG_CHANGE}
         COMMIT TRANSACTION;",
        links = link_content::<R>(),
    );
    let keep_name = name_of(&after);
    let vars = db::vars(&json!({
        "r": { "plain": plain, "links": links, "name_lc": crate::text::fold(&keep_name) },
        "revs": request.revs,
        "clocks": clocks,
        "changes": changes.iter().map(|c| json!({ "field": c.field, "old": c.old, "new": c.new })).collect::<Vec<_>>(),
        "tb": R::TABLE.name(),
        "entry": entry_key(R::TABLE, other.id()),
        "other_name": name_of(&other),
        "keep_name": keep_name,
        "merged": MERGED,
        "merged_into": MERGED_INTO,
        "conflict": CONFLICT_MARK,
    }))?;
    let write = bind_actor(Write::new(sql), &cx.actor)
        .bind(vars)
        .bind(("keep", R::TABLE.rid(keep.id())))
        .bind(("other", R::TABLE.rid(other.id())));
    db::write(&cx.db, &write).await?;
    Ok(())
}

/// Whether record `id` of `table` is in the Trash because it was merged away.
pub async fn was_merged(db: &Db, table: Table, id: &str) -> AppResult<bool> {
    let mut response = db::run(
        db.query("SELECT VALUE merged_into != NONE FROM ONLY $entry")
            .bind(("entry", rid("trash", &entry_key(table, id)))),
    )
    .await?;
    Ok(response
        .take::<Option<bool>>(0)
        .map_err(internal)?
        .unwrap_or(false))
}

pub async fn undo(cx: &Cx, table: Table, id: &str) -> AppResult<Undone> {
    mergeable(table)?;
    if !is_valid_id(id) {
        return Err(AppError::NotFound);
    }
    let entry_id = rid("trash", &entry_key(table, id));
    let mut response = db::run(
        cx.db
            .query("SELECT owner, team, by, record::id(merged_into) AS merged_into, survivor_rev, merged_into.rev AS now FROM ONLY $entry")
            .bind(("entry", entry_id.clone())),
    )
    .await?;
    #[derive(Deserialize)]
    struct Found {
        #[serde(flatten)]
        entry: Entry,
        #[serde(default)]
        survivor_rev: Option<i64>,
        #[serde(default)]
        now: Option<i64>,
    }
    let found = db::take_one::<Found>(&mut response, 0)?.ok_or(AppError::NotFound)?;
    if found.entry.merged_into.is_none() || !may_restore(cx, &found.entry) {
        return Err(AppError::NotFound);
    }
    // Changed since the merge: its values now are someone's later edit, and stay.
    let survivor_kept = found.now.is_some() && found.now != found.survivor_rev;
    let sql = format!(
        "BEGIN TRANSACTION;
         LET $t = (SELECT * FROM ONLY $entry);
         IF $t = NONE OR $t.merged_into = NONE OR record::exists($t.record) {{ THROW $conflict }};
         LET $keep = $t.merged_into;
         LET $k = (SELECT * FROM ONLY $keep);
         LET $changed = $t.record;
         LET $scope_before = NONE;
         CREATE $changed CONTENT $t.data;
         CREATE change CONTENT {{ subject: $changed, by: $me, field: $undone, old: $k.name }};
         {LOG_CHANGE}
         FOR $m IN $t.moved {{
             LET $changed = $m.record;
             LET $now = (SELECT * FROM ONLY $changed);
             // Only links still on the survivor go back: one someone moved since stays.
             IF $now != NONE AND $now[$m.field] = $keep {{
                 LET $scope_before = (SELECT owner, team FROM ONLY $changed);
                 UPDATE $changed MERGE object::from_entries([[$m.field, $t.record], ['rev', $now.rev + 1]]);
                 CREATE change CONTENT {{ subject: $changed, by: $me, field: $m.field, old: $k.name, new: $t.name }};
                 {LOG_CHANGE}
             }};
         }};
         IF $k != NONE {{
             LET $changed = $keep;
             LET $scope_before = (SELECT owner, team FROM ONLY $keep);
             IF $k.rev = $t.survivor_rev AND $t.survivor != NONE {{
                 UPDATE $keep CONTENT object::extend(object::remove($t.survivor, 'id'),
                     {{ rev: $k.rev + 1, updated_at: time::now(), updated_by: $me }});
             }} ELSE {{
                 UPDATE $keep SET rev += 1;
             }};
             CREATE change CONTENT {{ subject: $keep, by: $me, field: $undone, old: $t.name }};
             {LOG_CHANGE}
         }};
         DELETE $entry;
         COMMIT TRANSACTION;"
    );
    let write = bind_actor(Write::new(sql), &cx.actor)
        .bind(("entry", entry_id))
        .bind(("undone", MERGE_UNDONE))
        .bind(("conflict", CONFLICT_MARK));
    db::write(&cx.db, &write).await?;
    Ok(Undone { survivor_kept })
}

/// Where those of `keys` that were merged away went.
pub async fn survivors(db: &Db, keys: &[RowKey]) -> AppResult<BTreeMap<RowKey, Id>> {
    let entries: Vec<_> = keys
        .iter()
        .filter(|k| KINDS.contains(&k.table))
        .map(|k| rid("trash", &entry_key(k.table, &k.id)))
        .collect();
    if entries.is_empty() {
        return Ok(BTreeMap::new());
    }
    #[derive(Deserialize)]
    struct Found {
        tb: String,
        id: Id,
        into: Id,
    }
    let mut response = db::run(
        db.query(
            "SELECT tb, record::id(record) AS id, record::id(merged_into) AS into FROM $entries
             WHERE merged_into != NONE",
        )
        .bind(("entries", entries)),
    )
    .await?;
    let found: Vec<Found> = db::take_all(&mut response, 0)?;
    Ok(found
        .into_iter()
        .filter_map(|f| {
            Some((
                RowKey {
                    table: Table::from_name(&f.tb)?,
                    id: f.id,
                },
                f.into,
            ))
        })
        .collect())
}

/// A pushed change pointed at the survivors of what it names that was merged away; `None`
/// when it names nothing merged.
pub async fn redirected(db: &Db, mutation: &Mutation) -> AppResult<Option<Mutation>> {
    let keys = crate::sync::redirect::referenced(mutation);
    if !keys.iter().any(|k| KINDS.contains(&k.table)) {
        return Ok(None);
    }
    let found = survivors(db, &keys).await?;
    if found.is_empty() {
        return Ok(None);
    }
    Ok(crate::sync::redirect::redirect(mutation, |k| {
        found.get(k).cloned()
    }))
}

/// The records merged into `table`:`id`, whose history its own shows.
pub async fn merged_into(
    db: &Db,
    table: Table,
    id: &str,
) -> AppResult<Vec<surrealdb::types::RecordId>> {
    let mut response = db::run(
        db.query("SELECT VALUE record FROM trash WHERE merged_into = $r")
            .bind(("r", table.rid(id))),
    )
    .await?;
    response.take(0).map_err(internal)
}

/// Where record `id` of `table` went, if a merge took it and `cx`'s user could see it and may
/// see its survivor (hidden and missing look alike).
pub async fn survivor(
    cx: &Cx,
    table: Table,
    id: &str,
) -> AppResult<Option<super::moved::Survivor>> {
    if !KINDS.contains(&table) || !is_valid_id(id) {
        return Ok(None);
    }
    let mut response = db::run(
        cx.db
            .query(
                "SELECT owner, team, by, record::id(merged_into) AS merged_into FROM ONLY $entry;",
            )
            .bind(("entry", rid("trash", &entry_key(table, id)))),
    )
    .await?;
    let Some(entry) = db::take_one::<Entry>(&mut response, 0)? else {
        return Ok(None);
    };
    let seen = entry.seen_by(&cx.actor);
    let Some(into) = entry.merged_into.filter(|_| seen) else {
        return Ok(None);
    };
    let Some(scope) = crate::records::scope_of(&cx.db, table.rid(&into)).await? else {
        return Ok(None);
    };
    if cx.actor.access(&scope) == crate::auth::Access::None {
        return Ok(None);
    }
    let sql = format!("SELECT VALUE {} FROM ONLY $r", table.name_field());
    let mut response = db::run(cx.db.query(sql).bind(("r", table.rid(&into)))).await?;
    let name: Option<String> = response.take(0).map_err(internal)?;
    Ok(Some(super::moved::Survivor {
        id: into.to_string(),
        name: name.unwrap_or_default(),
    }))
}
