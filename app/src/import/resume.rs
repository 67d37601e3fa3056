//! Taking over an import or an undo whose server stopped (a deploy, a crash) halfway: every
//! server looks each minute for one whose heartbeat is older than [`STALLED`], takes its
//! lease, and goes on from the progress in the database. Nothing of a run lives only in the
//! memory of the process that started it, so closing the page, or losing that process,
//! never leaves an import stuck "running" with no way to finish or undo it.

use serde::Deserialize;

use super::Plan;
use super::ssr::Job;
use crate::db::{self, Bind, Db, Write, rid};
use crate::error::AppResult;
use crate::ids::Id;
use crate::kinds::Table;
use crate::server::Cx;

/// A run writes a chunk (and beats) every second or so, and reads what it matches against
/// first, which takes seconds even for 200,000 records: two minutes without a beat is a
/// run nobody carries on.
pub const STALLED: std::time::Duration = std::time::Duration::from_secs(120);

/// How often each server looks.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(60);

#[derive(Debug, Deserialize)]
struct Stalled {
    id: Id,
    tb: String,
    state: String,
    by: Id,
    #[serde(default)]
    plan: Option<Plan>,
    chunks: i64,
}

/// Takes over every stalled run and undo.
pub async fn stalled(db: &Db, changes: &crate::sync::ssr::Changes) -> AppResult<()> {
    let runner = crate::ids::new_id();
    // One statement: of two servers that look at once, the second finds the beat moved.
    let mut response = db::run(
        db.query(
            "UPDATE import SET runner = $runner, beat = time::now()
             WHERE state IN ['running', 'undoing'] AND beat < time::now() - $stalled
             RETURN AFTER",
        )
        .bind(("runner", runner.clone()))
        .bind(("stalled", surrealdb::types::Duration::from_std(STALLED))),
    )
    .await?;
    let taken: Vec<Stalled> = db::take_all(&mut response, 0)?;
    for import in &taken {
        tracing::warn!(import = %import.id, state = %import.state, "taking over a stalled import");
        let actor = crate::auth::ssr::actor_by_id(db, &import.by).await?;
        let table = Table::from_name(&import.tb);
        let (Some(actor), Some(table)) = (actor, table) else {
            // Its importer is gone: nobody may run it on their behalf.
            give_up(db, &import.id, &runner).await?;
            continue;
        };
        let job = Job {
            cx: Cx::acting_as(db.clone(), actor),
            changes: changes.clone(),
            id: import.id.to_string(),
            runner: runner.clone(),
        };
        match (import.state.as_str(), import.plan.clone()) {
            ("running", Some(plan)) => job.run(table, plan, import.chunks),
            ("undoing", _) => job.undo(),
            _ => give_up(db, &import.id, &runner).await?,
        }
    }
    Ok(())
}

/// Ends a run that cannot go on as failed; what it wrote stays, and can be undone.
async fn give_up(db: &Db, id: &Id, runner: &str) -> AppResult<()> {
    let write = Write::new(
        "UPDATE $import SET state = IF state = 'undoing' THEN 'done' ELSE 'failed' END,
            finished_at = finished_at ?? time::now()
         WHERE runner = $runner",
    )
    .bind(("import", rid("import", id)))
    .bind(("runner", runner.to_owned()));
    db::write(db, &write).await?;
    Ok(())
}
