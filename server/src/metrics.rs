//! Per-request bookkeeping: a request id (taken from `X-Request-Id` or made here) on a
//! tracing span and in the answer, and the request counted and timed for `/metrics`,
//! which is served on its own address (`HAMRAH_METRICS_ADDR`), never to the public.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use tracing::Instrument;

pub fn router() -> Router {
    Router::new().route(
        "/metrics",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                app::metrics::render(),
            )
        }),
    )
}

/// The route a request matched, not its path: ids in paths would make a series per record.
fn route_of(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path();
    if path.starts_with("/api/")
        || path == "/healthz"
        || path == "/readyz"
        || path == "/shell"
        || path == "/sw.js"
    {
        path.to_owned()
    } else if path.starts_with("/pkg/") {
        "/pkg/*".to_owned()
    } else {
        "other".to_owned()
    }
}

pub async fn track(request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map_or_else(app::ids::new_id, str::to_owned);
    let route = route_of(&request);
    let span = tracing::info_span!("request", id = %id, method = %request.method(), route = %route);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status();
    app::metrics::count(
        "hamrah_http_requests_total",
        &[("route", &route), ("status", status.as_str())],
    );
    app::metrics::observe(
        "hamrah_http_request_duration_seconds",
        &[("route", &route)],
        seconds,
    );
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::warn!(
                status = status.as_u16(),
                ms = seconds * 1000.0,
                "answered with an error"
            );
        } else {
            tracing::debug!(status = status.as_u16(), ms = seconds * 1000.0, "answered");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}
