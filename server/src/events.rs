//! `/api/sync/events`: a server-sent event stream that says "something changed" (never
//! what), so an open app pulls at once instead of waiting for its timer.

use std::convert::Infallible;
use std::time::Duration;

use app::server::{AppState, SESSION_COOKIE, cookie};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;

/// How often an open stream checks that its session still holds; a stream of a session that
/// ended (sign-out, sign-out everywhere, expiry) closes within this time.
pub const SESSION_CHECK: Duration = Duration::from_secs(5);

pub async fn stream(State(state): State<AppState>, request: Request) -> Response {
    let Some(token) = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if app::auth::ssr::actor_for_token(&state, &token)
        .await
        .ok()
        .flatten()
        .is_none()
    {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let changes = state.changes.seen.clone();
    let open = Open::new();
    let mut check = tokio::time::interval(SESSION_CHECK);
    check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let events = stream::unfold(
        (changes, check, state, token, open),
        |(mut changes, mut check, state, token, open)| async move {
            loop {
                tokio::select! {
                    changed = changes.changed() => {
                        changed.ok()?;
                        let seq = *changes.borrow_and_update();
                        let event = Event::default().event("poke").data(seq.to_string());
                        return Some((Ok::<_, Infallible>(event), (changes, check, state, token, open)));
                    }
                    _ = check.tick() => {
                        match app::auth::ssr::session_alive(&state, &token).await {
                            Ok(false) => return None,
                            Ok(true) => {}
                            // The database is unreachable for a moment: keep the stream, check again.
                            Err(_) => tracing::warn!("event stream could not check its session"),
                        }
                    }
                }
            }
        },
    );
    Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

/// Counts an open stream for `/metrics` while it lives.
struct Open;

impl Open {
    fn new() -> Open {
        app::metrics::gauge_add("hamrah_event_streams", 1);
        Open
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        app::metrics::gauge_add("hamrah_event_streams", -1);
    }
}
