//! `/import/{id}/events`: an import's progress as server-sent events, read from the database
//! (the run may be on another server), until it has finished.

use std::convert::Infallible;
use std::time::Duration;

use app::server::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;

/// How often a stream reads the import's progress.
const EVERY: Duration = Duration::from_millis(400);
/// A stream ends after this long; the page asks again if the import is still going.
const LONGEST: Duration = Duration::from_secs(30 * 60);

pub async fn progress(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let cx = match app::server::cx_from(state, &headers).await {
        Ok(cx) => cx,
        Err(error) => return app::export::ssr::error_response(error),
    };
    // Asked once before the stream opens, so an unknown or foreign import is a plain 404.
    if let Err(error) = app::import::ssr::status(&cx, &id).await {
        return app::export::ssr::error_response(error);
    }
    let started = tokio::time::Instant::now();
    let events = stream::unfold(
        (cx, id, None::<String>, false),
        move |(cx, id, last, ended)| async move {
            if ended || started.elapsed() > LONGEST {
                return None;
            }
            loop {
                let status = match app::import::ssr::status(&cx, &id).await {
                    Ok(status) => status,
                    Err(error) => {
                        tracing::warn!(import = %id, %error, "import progress not read");
                        return None;
                    }
                };
                let text = serde_json::to_string(&status).unwrap_or_default();
                if status.finished() {
                    let event = Event::default().event("status").data(text.clone());
                    // The next turn sends "end", which closes the page's stream.
                    return Some((Ok::<_, Infallible>(event), (cx, id, Some(text), true)));
                }
                if last.as_deref() != Some(text.as_str()) {
                    let event = Event::default().event("status").data(text.clone());
                    return Some((Ok(event), (cx, id, Some(text), false)));
                }
                tokio::time::sleep(EVERY).await;
            }
        },
    );
    let end = stream::once(async { Ok::<_, Infallible>(Event::default().event("end").data("")) });
    Sse::new(futures_util::StreamExt::chain(events, end))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}
