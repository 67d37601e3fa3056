//! The axum application: Leptos pages and server functions, static files, and the rules
//! every request passes (cross-site check, sign-in for pages, caching, compression).

use app::app::{App, shell};
use app::i18n::{LANGUAGE_COOKIE, Locale};
use app::server::{AppState, SESSION_COOKIE, cookie};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// The largest request body accepted: a push of 200 changes is far below it.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

pub fn router(state: AppState, options: LeptosOptions) -> Router {
    register_by_name();
    let routes = route_list();
    let shell_options = options.clone();
    // An imported file may be far bigger than any other request: its route has its own limit.
    let uploads = Router::new()
        .route(
            "/import/upload",
            axum::routing::post(app::import::ssr::upload).with_state(state.clone()),
        )
        .layer(RequestBodyLimitLayer::new(
            app::import::MAX_FILE + 64 * 1024,
        ));
    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, page_context(state.clone()), move || {
            shell(shell_options.clone())
        })
        .merge(crate::pwa::routes(&options))
        .route(
            "/deals/export.csv",
            axum::routing::get(app::deals::table::export::csv).with_state(state.clone()),
        )
        .route(
            "/deals/export.xlsx",
            axum::routing::get(app::deals::table::export::xlsx).with_state(state.clone()),
        )
        .route(
            "/export/{file}",
            axum::routing::get(app::export::ssr::handler).with_state(state.clone()),
        )
        .route(
            "/import/{id}/refused.csv",
            axum::routing::get(app::import::ssr::refused).with_state(state.clone()),
        )
        .route(
            "/import/{id}/events",
            axum::routing::get(crate::imports::progress).with_state(state.clone()),
        )
        // The public complaint form posts here, with or without JavaScript.
        .route(
            "/complaint",
            axum::routing::post(app::cases::intake::ssr::submit).with_state(state.clone()),
        )
        .route(
            "/survey/{token}",
            axum::routing::post(app::cases::survey::ssr::submit).with_state(state.clone()),
        )
        .route(
            "/api/sync/events",
            axum::routing::get(crate::events::stream).with_state(state.clone()),
        )
        .merge(crate::health::routes(state.clone()))
        // The "not found" page is rendered like any other page, with the app's state for its
        // server calls.
        .fallback(leptos_axum::file_and_error_handler_with_context(
            page_context(state.clone()),
            shell,
        ))
        .with_state(options)
        .layer(RequestBodyLimitLayer::new(MAX_BODY));
    pages
        .merge(uploads)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_sign_in,
        ))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn(reject_cross_site))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn_with_state(
            state.secure_cookies,
            crate::security::headers,
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(middleware::from_fn(crate::metrics::track))
}

/// The app's routes, listed once per process. Listing them runs the app with resource loads
/// suppressed by a process-wide flag (leptos#4773): a page rendering on another thread
/// meanwhile had its first resource wait forever. Tests build a router per test, in
/// parallel; one such hang outlasted a whole CI run.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Server functions register themselves through `inventory`, whose entries live in the
/// object files the linker keeps; those of the saved views were seen dropped (their
/// endpoints answered 404). Naming them here keeps them.
fn register_by_name() {
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<app::deals::table::saved::SavedViews>();
    register_explicit::<app::deals::table::saved::SaveView>();
    register_explicit::<app::deals::table::saved::DeleteView>();
}

/// What every rendered page (and server function) has in context: the app's state. A page's
/// script policy is set from the nonce its scripts carry (`security::with_policy`): setting it
/// here through `ResponseOptions` lost the header under load.
fn page_context(state: AppState) -> impl Fn() + Clone + Send + 'static {
    move || provide_context(state.clone())
}

/// Server functions use a cookie session, so a request another site's page makes would carry
/// it: refuse state-changing requests whose Origin (or Fetch metadata) says they come from
/// elsewhere.
async fn reject_cross_site(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = headers
            .get(header::ORIGIN)
            .and_then(|o| o.to_str().ok())
            .map(|o| o.split_once("://").map_or(o, |(_, rest)| rest));
        let cross_origin = matches!((origin_host, host), (Some(o), Some(h)) if o != h)
            || (origin_host.is_some() && host.is_none())
            || headers.get(header::ORIGIN).is_some_and(|o| o == "null");
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "cross-site");
        if cross_origin || cross_site {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
    }
    next.run(request).await
}

/// Server function bodies set their own error status, but a request whose arguments cannot
/// even be decoded fails before any of our code runs, and Leptos answers 500. Give such
/// errors the status their `AppError` says (422 for malformed input).
async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

fn is_page(path: &str) -> bool {
    !path.starts_with("/api/")
        && !path.starts_with("/pkg/")
        && !path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// Pages need a session: the server redirects before rendering anything, so a signed-out
/// visitor never sees a flash of an empty app (and nothing private is rendered). The same
/// lookup decides the page's language, which the shell reads from the request.
async fn require_sign_in(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    if request.method() != Method::GET || !is_page(&path) {
        return next.run(request).await;
    }
    let token = cookie(request.headers(), SESSION_COOKIE).map(str::to_owned);
    let actor = match token {
        Some(token) => app::auth::ssr::actor_for_token(&state, &token)
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let public = is_public(&path);
    // A public page's language switch is a plain link (`?lang=fa`), so it works without
    // JavaScript and for a customer who has never been here.
    let asked = public
        .then(|| query_lang(request.uri().query().unwrap_or_default()))
        .flatten();
    let locale =
        asked.unwrap_or_else(|| page_locale(request.headers(), actor.as_ref().map(|a| a.locale)));
    request.extensions_mut().insert(locale);
    let signed_in = actor.is_some();
    match (path.as_str(), signed_in) {
        ("/sign-in", true) => Redirect::to("/").into_response(),
        // The app shell holds no data; the service worker fetches it before sign-in. Probes
        // of load balancers and orchestrators carry no session.
        ("/sign-in", false) | ("/shell" | "/healthz" | "/readyz", _) | (_, true) => {
            next.run(request).await
        }
        // A one-time link is opened by someone who cannot sign in yet; customers use the
        // public pages without an account.
        (p, false) if p.starts_with("/welcome/") || public => next.run(request).await,
        (_, false) => Redirect::to("/sign-in").into_response(),
    }
}

/// Pages for customers, who have no account.
fn is_public(path: &str) -> bool {
    matches!(path, "/complaint" | "/complaint/sent") || path.starts_with("/survey/")
}

/// The language a public page's address asks for.
fn query_lang(query: &str) -> Option<Locale> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| Locale::from_tag(v))
}

/// The signed-in user's saved language; before sign-in the device's last choice (a
/// cookie), then the browser's languages; English when none is spoken here.
fn page_locale(headers: &axum::http::HeaderMap, saved: Option<Locale>) -> Locale {
    saved
        .or_else(|| cookie(headers, LANGUAGE_COOKIE).and_then(Locale::from_tag))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or_default()
}

/// Built assets carry a content hash in their name (`hamrah.3f9a….wasm`), so they can be
/// cached for a year; everything else is revalidated, and pages are never stored.
async fn cache_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let value = if path.starts_with("/pkg/") && hashed_name(&path) {
        "public, max-age=31536000, immutable"
    } else if is_page(&path) || path.starts_with("/api/") {
        "no-store"
    } else {
        "no-cache"
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // A built file is sent as its brotli or gzip copy, as the request accepts: a cache
    // between must keep the copies apart.
    if path.starts_with("/pkg/") && !headers.contains_key(header::VARY) {
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

fn hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[parts.len() - 2].len() >= 8
        && parts[parts.len() - 2]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_assets_are_immutable() {
        assert!(hashed_name("/pkg/hamrah.a1b2c3d4e5f6.wasm"));
        assert!(
            hashed_name("/pkg/hamrah.a1b2c3d4e5f6_bg.wasm")
                || hashed_name("/pkg/hamrah_bg.a1b2c3d4e5f6.wasm")
        );
        assert!(!hashed_name("/pkg/hamrah.wasm"));
        assert!(!hashed_name("/pkg/hamrah_bg.wasm"));
    }

    #[test]
    fn a_page_speaks_the_users_language_then_the_devices_then_the_browsers() {
        let mut headers = axum::http::HeaderMap::new();
        assert_eq!(page_locale(&headers, None), Locale::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fa-IR,fa;q=0.9,en;q=0.5"),
        );
        assert_eq!(page_locale(&headers, None), Locale::Fa);
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("hamrah_tz=210; hamrah_lang=en"),
        );
        assert_eq!(page_locale(&headers, None), Locale::En);
        assert_eq!(page_locale(&headers, Some(Locale::Fa)), Locale::Fa);
    }

    #[test]
    fn pages_are_paths_without_extensions() {
        assert!(is_page("/"));
        assert!(is_page("/deals/0190c5e4-8b5a-7000-8000-000000000000"));
        assert!(!is_page("/api/sync/push"));
        assert!(!is_page("/pkg/hamrah.js"));
        assert!(!is_page("/favicon.svg"));
    }
}
