#![recursion_limit = "512"]

//! The Hamrah server: configuration, storage, demo data and the HTTP application.

pub mod backup;
pub mod config;
pub mod events;
pub mod health;
pub mod http;
pub mod imports;
pub mod logging;
pub mod metrics;
pub mod pwa;
pub mod security;
pub mod seed;
pub mod storage;

use app::server::AppState;

/// Opens the database, brings it up to date and seeds what the configuration asks for.
pub async fn prepare(config: &config::Config) -> anyhow::Result<AppState> {
    let db = storage::connect(config).await?;
    seed::ensure_defaults(&db).await?;
    if config.demo && seed::seed_demo(&db).await? {
        tracing::info!("seeded the demo organisation");
    }
    if let Some((email, password)) = &config.admin {
        seed::ensure_admin(&db, email, password).await?;
    }
    let changes = app::sync::ssr::watch_changes(db.clone(), config.sync_horizon_days).await;
    Ok(AppState {
        db,
        secure_cookies: config.secure_cookies,
        changes,
        policy: config.policy.clone(),
    })
}
