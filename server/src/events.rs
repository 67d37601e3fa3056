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

pub async fn stream(State(state): State<AppState>, request: Request) -> Response {
    let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let signed_in = match token {
        Some(token) => app::auth::ssr::actor_for_token(&state.db, &token).await.ok().flatten().is_some(),
        None => false,
    };
    if !signed_in {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let changes = state.changes.clone();
    let events = stream::unfold(changes, |mut changes| async move {
        changes.changed().await.ok()?;
        let seq = *changes.borrow_and_update();
        Some((Ok::<_, Infallible>(Event::default().event("poke").data(seq.to_string())), changes))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))).into_response()
}
