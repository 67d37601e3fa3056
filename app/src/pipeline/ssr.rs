use super::{Pipeline, Stage};
use crate::db::{self, Bind, Db};
use crate::error::AppResult;
use crate::server::internal;

#[derive(serde::Deserialize)]
struct PipelineRow {
    id: crate::ids::Id,
    name: String,
}

/// The organisation's default pipeline with its stages in order.
pub async fn default_pipeline(db: &Db) -> AppResult<Pipeline> {
    let mut response = db::run(db.query(
        "LET $p = (SELECT id, name FROM pipeline WHERE is_default = true LIMIT 1)[0];
         RETURN $p;
         SELECT id, name, position, probability, outcome, stall_days FROM stage WHERE pipeline = $p.id ORDER BY position;",
    ))
    .await?;
    let row: PipelineRow =
        db::take_one(&mut response, 1)?.ok_or_else(|| internal("no default pipeline"))?;
    let stages: Vec<Stage> = db::take_all(&mut response, 2)?;
    Ok(Pipeline {
        id: row.id,
        name: row.name,
        stages,
    })
}

/// Replaces the stages of the default pipeline. Admins only; a removed stage must be empty.
pub async fn save(cx: &crate::server::Cx, rows: &[super::StageInput]) -> AppResult<Pipeline> {
    use crate::error::AppError;
    if cx.actor.role != crate::auth::Role::Admin {
        return Err(AppError::Forbidden);
    }
    let stages = super::validate_stages(rows)?;
    let current = default_pipeline(&cx.db).await?;
    let removed: Vec<_> = current
        .stages
        .iter()
        .filter(|old| !stages.iter().any(|s| s.id == old.id))
        .map(|old| db::rid("stage", &old.id))
        .collect();
    let rows: Vec<serde_json::Value> = stages
        .iter()
        .map(|s| serde_json::json!({ "id": s.id, "name": s.name, "position": s.position, "probability": s.probability, "outcome": s.outcome.code(), "stall_days": s.stall_days }))
        .collect();
    // The emptiness check runs in the same transaction as the removal; every deal write
    // takes the same sync counter, so a deal moving into a removed stage meanwhile makes one
    // of the two start again and see the other.
    let write = db::Write::new(format!(
        "BEGIN TRANSACTION;
         IF count(SELECT id FROM deal WHERE stage IN $removed) > 0 {{ THROW $stage_in_use }};
         FOR $r IN $removed {{ DELETE $r; }};
         FOR $s IN $stages {{
             UPSERT type::record('stage', $s.id) CONTENT {{ pipeline: $pipeline, name: $s.name,
                 position: $s.position, probability: $s.probability, outcome: $s.outcome,
                 stall_days: $s.stall_days }};
         }};
         LET $changed = $pipeline;
         LET $scope_before = NONE;
         {}
         COMMIT TRANSACTION;",
        crate::history::ssr::LOG_CHANGE
    ))
    .bind(("removed", removed))
    .bind(db::vars(&serde_json::json!({ "stages": rows }))?)
    .bind(("pipeline", db::rid("pipeline", &current.id)))
    .bind(("stage_in_use", db::STAGE_IN_USE_MARK));
    db::write(&cx.db, &write).await?;
    default_pipeline(&cx.db).await
}
