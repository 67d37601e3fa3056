//! Probes for load balancers and orchestrators: `/healthz` says the process answers,
//! `/readyz` that it can serve, with its database reachable and its schema up to date.

use app::server::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use leptos::prelude::LeptosOptions;

pub fn routes(state: AppState) -> Router<LeptosOptions> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready).with_state(state))
}

async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match crate::storage::pending_migrations(&state.db).await {
        Ok(0) => (StatusCode::OK, "ready"),
        Ok(_) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(error) => {
            tracing::warn!("readiness: database unreachable: {error}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}
