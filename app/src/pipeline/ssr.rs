use super::{Pipeline, Stage};
use crate::db::{self, Db};
use crate::error::AppResult;
use crate::server::internal;

#[derive(serde::Deserialize)]
struct PipelineRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    id: String,
    name: String,
}

/// The organisation's default pipeline with its stages in order.
pub async fn default_pipeline(db: &Db) -> AppResult<Pipeline> {
    let mut response = db::run(db.query(
        "LET $p = (SELECT id, name FROM pipeline WHERE is_default = true LIMIT 1)[0];
         RETURN $p;
         SELECT id, name, position, probability, outcome FROM stage WHERE pipeline = $p.id ORDER BY position;",
    ))
    .await?;
    let row: PipelineRow = db::take_one(&mut response, 1)?.ok_or_else(|| internal("no default pipeline"))?;
    let stages: Vec<Stage> = db::take_all(&mut response, 2)?;
    Ok(Pipeline { id: row.id, name: row.name, stages })
}
