//! `hamrah backup FILE` and `hamrah restore FILE`: the whole database as a SurrealQL script
//! (SurrealDB's own export format), and back.

use std::path::Path;

use app::db::Db;

/// Writes every table's definition and rows to `file`, but for the dashboard's tallies:
/// they are built again from the rest after a restore (and, loaded back with the rows, they
/// would be filled before the zone they count days in).
pub async fn backup(db: &Db, file: &Path) -> anyhow::Result<()> {
    let views = app::dashboard::ssr::tallies::view_names();
    let tables: Vec<String> = app::dashboard::ssr::tallies::tables(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .filter(|t| !views.contains(t))
        .collect();
    db.export(file).with_config().tables(tables).await?;
    Ok(())
}

/// Loads a backup into an empty database, brings its schema up to date, and gives it a new
/// generation: every device then downloads afresh instead of trusting a cursor that may
/// point past the restored change log.
pub async fn restore(db: &Db, file: &Path, remote: bool) -> anyhow::Result<()> {
    let mut response = db.query("INFO FOR DB").await?.check()?;
    let info: Option<serde_json::Value> = response.take(0)?;
    let tables = info
        .as_ref()
        .and_then(|i| i["tables"].as_object())
        .map_or(0, |t| t.len());
    if tables > 0 {
        anyhow::bail!(
            "the database is not empty: restore into a new one (move ./data aside, or name an empty HAMRAH_DB)"
        );
    }
    if remote {
        // The export is a SurrealQL script; a server runs it as a query.
        let script = std::fs::read_to_string(file)?;
        db.query(script).await?.check()?;
    } else {
        db.import(file).await?;
    }
    crate::storage::migrate(db).await?;
    db.query("UPSERT sync_counter:main SET generation = <string> rand::uuid::v7()")
        .await?
        .check()?;
    Ok(())
}
