//! Many deals changed in one transaction. Compiled only with `ssr`.

use serde::Deserialize;

use super::{Assignee, Bulk, MOST_DEALS};
use crate::auth::{Role, Scope};
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::ssr::LOG_CHANGE;
use crate::kinds::Table;
use crate::pipeline::Outcome;
use crate::records::{CONFLICT_MARK, bind_actor};
use crate::server::Cx;

#[derive(Deserialize)]
struct Current {
    id: crate::ids::Id,
    rev: i64,
    owner: crate::ids::Id,
    #[serde(default)]
    team: Option<crate::ids::Id>,
    #[serde(default)]
    owner_name: Option<String>,
    stage: crate::ids::Id,
}

#[derive(Deserialize)]
struct Person {
    id: crate::ids::Id,
    name: String,
    #[serde(default)]
    team: Option<crate::ids::Id>,
}

/// People the actor may give deals to: active users they may assign to.
pub async fn assignees(cx: &Cx) -> AppResult<Vec<Assignee>> {
    let sql = match cx.actor.role {
        Role::Admin => "SELECT id, name, team FROM user WHERE active = true ORDER BY name;",
        Role::Manager => {
            "SELECT id, name, team FROM user WHERE active = true
                AND (id = $me OR ($team != NONE AND team = $team)) ORDER BY name;"
        }
        Role::Rep => "SELECT id, name, team FROM user WHERE id = $me;",
    };
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor)).await?;
    let people: Vec<Person> = db::take_all(&mut response, 0)?;
    Ok(people
        .into_iter()
        .filter(|p| cx.actor.may_assign_to(p.team.as_deref(), &p.id))
        .map(|p| Assignee {
            id: p.id,
            name: p.name,
        })
        .collect())
}

pub async fn apply(cx: &Cx, ids: &[String], change: &Bulk) -> AppResult<usize> {
    if ids.is_empty() || ids.len() > MOST_DEALS || !ids.iter().all(|id| crate::ids::is_valid_id(id))
    {
        return Err(AppError::form(Problem::Malformed));
    }
    let records: Vec<_> = ids.iter().map(|id| Table::Deal.rid(id)).collect();
    let mut response = db::run(
        cx.db
            .query("SELECT id, rev, owner, team, owner.name AS owner_name, stage FROM $records")
            .bind(("records", records)),
    )
    .await?;
    let deals: Vec<Current> = db::take_all(&mut response, 0)?;
    if deals.len() != ids.len() {
        return Err(AppError::NotFound);
    }
    for deal in &deals {
        cx.actor.check_write(&Scope {
            owner: deal.owner.clone(),
            team: deal.team.clone(),
        })?;
    }
    match change {
        Bulk::Reassign { owner } => reassign(cx, &deals, owner).await,
        Bulk::Move { stage, lost_reason } => move_to(cx, &deals, stage, lost_reason).await,
    }
}

async fn reassign(cx: &Cx, deals: &[Current], owner: &str) -> AppResult<usize> {
    let refuse = || {
        let mut errors = FieldErrors::default();
        errors.add("owner", Problem::NotAssignable);
        AppError::Validation(errors)
    };
    if !crate::ids::is_valid_id(owner) {
        return Err(refuse());
    }
    let mut response = db::run(
        cx.db
            .query("SELECT id, name, team FROM ONLY $user WHERE active = true")
            .bind(("user", rid("user", owner))),
    )
    .await?;
    let person: Person = db::take_one(&mut response, 0)?.ok_or_else(refuse)?;
    if !cx.actor.may_assign_to(person.team.as_deref(), &person.id) {
        return Err(refuse());
    }
    let rows: Vec<serde_json::Value> = deals
        .iter()
        .filter(|d| d.owner != person.id)
        .map(|d| serde_json::json!({ "id": d.id, "rev": d.rev, "old": d.owner_name }))
        .collect();
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         FOR $d IN $deals {{
             LET $changed = type::record('deal', $d.id);
             LET $scope_before = (SELECT owner, team FROM ONLY $changed);
             IF (SELECT VALUE rev FROM ONLY $changed) != $d.rev {{ THROW $conflict }};
             UPDATE $changed SET owner = $owner, team = $owner_team, rev += 1,
                 updated_at = time::now(), updated_by = $by;
             CREATE change CONTENT {{ subject: $changed, by: $by, field: 'owner', old: $d.old, new: $owner_name }};
             {LOG_CHANGE}
         }};
         COMMIT TRANSACTION;"
    ));
    let count = rows.len();
    let write = write
        .bind(db::vars(&serde_json::json!({ "deals": rows }))?)
        .bind(("owner", rid("user", &person.id)))
        .bind(("owner_team", db::opt_rid("team", person.team.as_deref())))
        .bind(("owner_name", person.name))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("conflict", CONFLICT_MARK));
    db::write(&cx.db, &write).await?;
    Ok(count)
}

async fn move_to(cx: &Cx, deals: &[Current], stage: &str, lost_reason: &str) -> AppResult<usize> {
    let pipeline = cx.pipeline().await?;
    let mut errors = FieldErrors::default();
    let target = pipeline.stage(stage.trim());
    if target.is_none() {
        errors.add("stage", Problem::UnknownStage);
    }
    let lost = target.is_some_and(|s| s.outcome == Outcome::Lost);
    let reason = if lost {
        let reason = crate::validate::optional(&mut errors, "lost_reason", lost_reason, 200);
        if reason.is_none() {
            errors.add("lost_reason", Problem::LostReasonRequired);
        }
        reason
    } else {
        None
    };
    errors.into_result()?;
    let target = target.ok_or(AppError::Internal)?;
    let name = |id: &str| pipeline.stage(id).map(|s| s.name.clone());
    let rows: Vec<serde_json::Value> = deals
        .iter()
        .filter(|d| d.stage != target.id)
        .map(|d| serde_json::json!({ "id": d.id, "rev": d.rev, "old": name(&d.stage) }))
        .collect();
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         IF !record::exists($stage) {{ THROW $unknown_stage }};
         FOR $d IN $deals {{
             LET $changed = type::record('deal', $d.id);
             LET $scope_before = (SELECT owner, team FROM ONLY $changed);
             IF (SELECT VALUE rev FROM ONLY $changed) != $d.rev {{ THROW $conflict }};
             LET $at = time::now();
             UPDATE $changed SET stage = $stage, probability = $probability, lost_reason = $lost_reason,
                 stage_changed_at = $at, touched_at = $at, rev += 1,
                 entered += {{ stage: $stage, at: $at }},
                 updated_at = $at, updated_by = $by;
             CREATE stage_entry CONTENT {{ deal: $changed, stage: $stage, owner: $scope_before.owner,
                 team: $scope_before.team, at: $at }};
             CREATE change CONTENT {{ subject: $changed, by: $by, field: 'stage', old: $d.old, new: $stage_name }};
             {LOG_CHANGE}
         }};
         COMMIT TRANSACTION;"
    ));
    let count = rows.len();
    let write = write
        .bind(db::vars(&serde_json::json!({
            "deals": rows,
            "lost_reason": reason,
            "stage_name": target.name,
            "probability": target.probability,
        }))?)
        .bind(("stage", rid("stage", &target.id)))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("conflict", CONFLICT_MARK))
        .bind(("unknown_stage", db::UNKNOWN_STAGE_MARK));
    db::write(&cx.db, &write).await?;
    Ok(count)
}
