//! Opening the database and bringing its schema up to date.

use app::db::Db;
use surrealdb::opt::auth::Root;

use crate::config::Config;

/// Migrations in order. A name, once shipped, never changes: it is what the database
/// remembers as applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core", include_str!("../migrations/0001_core.surql")),
    ("0002_sync", include_str!("../migrations/0002_sync.surql")),
    (
        "0003_persian",
        include_str!("../migrations/0003_persian.surql"),
    ),
    (
        "0004_hardening",
        include_str!("../migrations/0004_hardening.surql"),
    ),
    (
        "0005_sources",
        include_str!("../migrations/0005_sources.surql"),
    ),
    (
        "0006_board_pages",
        include_str!("../migrations/0006_board_pages.surql"),
    ),
    (
        "0007_search_keys",
        include_str!("../migrations/0007_search_keys.surql"),
    ),
    (
        "0008_stage_history",
        include_str!("../migrations/0008_stage_history.surql"),
    ),
    (
        "0009_dashboard",
        include_str!("../migrations/0009_dashboard.surql"),
    ),
    (
        "0010_stalled",
        include_str!("../migrations/0010_stalled.surql"),
    ),
    ("0011_team", include_str!("../migrations/0011_team.surql")),
    (
        "0012_targets",
        include_str!("../migrations/0012_targets.surql"),
    ),
    (
        "0013_saved_views",
        include_str!("../migrations/0013_saved_views.surql"),
    ),
    (
        "0014_entered",
        include_str!("../migrations/0014_entered.surql"),
    ),
    (
        "0015_tallies",
        include_str!("../migrations/0015_tallies.surql"),
    ),
    (
        "0016_stalled_by_owner",
        include_str!("../migrations/0016_stalled_by_owner.surql"),
    ),
    ("0017_cases", include_str!("../migrations/0017_cases.surql")),
    ("0018_trash", include_str!("../migrations/0018_trash.surql")),
    (
        "0019_import",
        include_str!("../migrations/0019_import.surql"),
    ),
    ("0020_merge", include_str!("../migrations/0020_merge.surql")),
    (
        "0021_import_activities",
        include_str!("../migrations/0021_import_activities.surql"),
    ),
    (
        "0022_import_deals",
        include_str!("../migrations/0022_import_deals.surql"),
    ),
];

pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    let db = open(config).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Connects without touching the schema (a restore brings its own).
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    if let Some(path) = config.db_url.strip_prefix("surrealkv://")
        && let Some(parent) = std::path::Path::new(path).parent()
    {
        std::fs::create_dir_all(parent)?;
    }
    let db = surrealdb::engine::any::connect(config.db_url.as_str()).await?;
    if let (Some(username), Some(password)) = (&config.db_user, &config.db_pass) {
        db.signin(Root {
            username: username.clone(),
            password: password.clone(),
        })
        .await?;
    }
    db.use_ns("hamrah").use_db("main").await?;
    Ok(std::sync::Arc::new(db))
}

async fn applied(db: &Db) -> anyhow::Result<Vec<String>> {
    let mut response = db
        .query("SELECT VALUE name FROM migration")
        .await?
        .check()?;
    Ok(response.take(0)?)
}

/// How many migrations this build has that the database has not applied.
pub async fn pending_migrations(db: &Db) -> anyhow::Result<usize> {
    let done = applied(db).await?;
    Ok(MIGRATIONS
        .iter()
        .filter(|(name, _)| !done.iter().any(|d| d == name))
        .count())
}

/// Applies what has not run yet, each migration in one transaction with its record, so
/// re-running is a no-op and two servers starting at once cannot both apply one.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
         DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime DEFAULT time::now();",
    )
    .await?
    .check()?;
    let done = applied(db).await?;
    for (name, sql) in MIGRATIONS {
        if done.iter().any(|d| d == name) {
            continue;
        }
        let script = format!(
            "BEGIN TRANSACTION; {sql}\nCREATE type::record('migration', $name) CONTENT {{ name: $name }}; COMMIT TRANSACTION;"
        );
        let result = db
            .query(script)
            .bind(("name", name.to_string()))
            .await
            .map_err(|e| e.to_string())
            .and_then(|mut r| {
                // The failed statement's error, not the "not executed" of the rest.
                let mut errors: Vec<(usize, String)> = r
                    .take_errors()
                    .into_iter()
                    .map(|(i, e)| (i, e.to_string()))
                    .collect();
                errors.sort();
                let errors: Vec<String> = errors
                    .into_iter()
                    .map(|(_, e)| e)
                    .filter(|e| !e.contains("not executed"))
                    .collect();
                if errors.is_empty() {
                    Ok(())
                } else {
                    Err(errors.join("; "))
                }
            });
        if let Err(error) = result {
            // Another server may have applied it in the meantime.
            if !applied(db).await?.iter().any(|d| d == name) {
                return Err(anyhow::anyhow!("migration {name} failed: {error}"));
            }
        }
        tracing::info!(migration = name, "applied");
    }
    // The dashboard's tallies are views defined from the data's zone, not a fixed script.
    app::dashboard::ssr::tallies::ensure(db)
        .await
        .map_err(|e| anyhow::anyhow!("dashboard tallies: {e}"))?;
    Ok(())
}
