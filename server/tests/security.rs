//! Signing in under attack, sessions that end when they should, headers that hold the page
//! to its own scripts, and probes for load balancers.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use server::config::Config;
use support::{Reply, TestApp, app_with, demo_app, session_from};

fn sign_in_request(
    email: &str,
    password: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> Request<Body> {
    let mut request = Request::post("/api/auth/sign_in")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT, "application/json")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000");
    if let Some(forwarded) = forwarded {
        request = request.header("x-forwarded-for", forwarded);
    }
    let mut request = request
        .body(Body::from(
            json!({ "form": { "email": email, "password": password } }).to_string(),
        ))
        .expect("request");
    let peer: SocketAddr = peer.parse().expect("address");
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_guesses_at_once_reach_the_password_check_only_five_times() {
    let app = Arc::new(demo_app().await);
    let mut guesses = Vec::new();
    for n in 0..60 {
        let app = app.clone();
        guesses.push(tokio::spawn(async move {
            app.send(sign_in_request(
                "rep2@example.com",
                &format!("guess {n}"),
                &format!("192.0.2.{}:5000", n + 1),
                None,
            ))
            .await
        }));
    }
    let mut checked = 0;
    let mut refused = 0;
    for guess in guesses {
        let reply = guess.await.expect("task");
        match reply.status {
            // Wrong password: only an attempt that reached argon2 can say so.
            StatusCode::UNPROCESSABLE_ENTITY => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(reply.headers.contains_key(header::RETRY_AFTER));
                refused += 1;
            }
            other => panic!("unexpected {other}: {:?}", reply.body),
        }
    }
    assert_eq!(
        checked, 5,
        "at most the free attempts reach the password check"
    );
    assert_eq!(refused, 55);
}

#[tokio::test]
async fn the_address_limit_uses_the_client_behind_a_trusted_proxy() {
    let mut config = Config {
        demo: true,
        ..Config::new("mem://")
    };
    config.policy.trusted_proxies = app::auth::proxy::Cidr::parse_list("127.0.0.1").expect("list");
    let app = app_with(&config).await;
    // One bad actor behind the proxy tries many accounts.
    for n in 0..5 {
        let reply = app
            .send(sign_in_request(
                &format!("nobody{n}@example.com"),
                "x",
                "127.0.0.1:4000",
                Some("198.51.100.1"),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = app
        .send(sign_in_request(
            "nobody9@example.com",
            "x",
            "127.0.0.1:4000",
            Some("198.51.100.1"),
        ))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    // Everyone else behind the same proxy still signs in.
    let other = app
        .send(sign_in_request(
            "rep@example.com",
            "hamrah-demo",
            "127.0.0.1:4000",
            Some("198.51.100.2"),
        ))
        .await;
    assert_eq!(other.status, StatusCode::OK, "{:?}", other.body);
    // A client that is not our proxy cannot escape its limit by naming other addresses.
    for n in 0..5 {
        let forged = format!("203.0.113.{n}");
        let reply = app
            .send(sign_in_request(
                &format!("x{n}@example.com"),
                "x",
                "192.0.2.50:4000",
                Some(&forged),
            ))
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let caught = app
        .send(sign_in_request(
            "x9@example.com",
            "x",
            "192.0.2.50:4000",
            Some("203.0.113.99"),
        ))
        .await;
    assert_eq!(caught.status, StatusCode::TOO_MANY_REQUESTS);
}

async fn me(app: &TestApp, session: &str) -> Reply {
    app.call(Some(session), "auth/me", json!({})).await
}

#[tokio::test]
async fn sessions_end_when_idle_or_old_and_a_sign_in_gets_a_new_one() {
    let app = demo_app().await;
    let first = app.sign_in("rep@example.com").await;
    let second = app.sign_in("rep@example.com").await;
    assert_ne!(first, second);
    assert_eq!(me(&app, &first).await.body["email"], "rep@example.com");

    // Signing in again from a browser that holds a session replaces it.
    let reply = app
        .send(
            Request::post("/api/auth/sign_in")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::HOST, "localhost:3000")
                .header(header::ORIGIN, "http://localhost:3000")
                .header(header::COOKIE, format!("hamrah_session={first}"))
                .body(Body::from(
                    json!({ "form": { "email": "rep@example.com", "password": "hamrah-demo" } })
                        .to_string(),
                ))
                .expect("request"),
        )
        .await;
    let third = session_from(&reply).expect("new session");
    assert_ne!(third, first);
    assert_eq!(
        me(&app, &first).await.body,
        Value::Null,
        "the old id no longer works"
    );
    assert_eq!(me(&app, &third).await.body["email"], "rep@example.com");

    // Unused past the idle time, or past the absolute end: over.
    app.state
        .db
        .query("UPDATE session SET idle_until = time::now() - 1s")
        .await
        .expect("age")
        .check()
        .expect("ok");
    assert_eq!(me(&app, &second).await.body, Value::Null);
    let fourth = app.sign_in("rep@example.com").await;
    app.state
        .db
        .query("UPDATE session SET expires_at = time::now() - 1s")
        .await
        .expect("age")
        .check()
        .expect("ok");
    assert_eq!(me(&app, &fourth).await.body, Value::Null);
    assert_eq!(
        app.call(Some(&fourth), "deals/board", json!({}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn using_a_session_moves_its_idle_end() {
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    // As if last used two minutes ago, ending in a minute.
    app.state
        .db
        .query("UPDATE session SET seen_at = time::now() - 2m, idle_until = time::now() + 1m")
        .await
        .expect("q")
        .check()
        .expect("ok");
    assert_eq!(me(&app, &session).await.body["email"], "rep@example.com");
    let mut response = app
        .state
        .db
        .query("RETURN (SELECT VALUE idle_until > time::now() + 13d FROM session)[0]")
        .await
        .expect("q");
    assert_eq!(response.take::<Option<bool>>(0).expect("idle"), Some(true));
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_user_only() {
    let app = demo_app().await;
    let phone = app.sign_in("rep@example.com").await;
    let desk = app.sign_in("rep@example.com").await;
    let colleague = app.sign_in("manager@example.com").await;
    assert_eq!(
        app.call(Some(&phone), "auth/sign_out_everywhere", json!({}))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(me(&app, &phone).await.body, Value::Null);
    assert_eq!(me(&app, &desk).await.body, Value::Null);
    assert_eq!(
        me(&app, &colleague).await.body["email"],
        "manager@example.com"
    );
    assert_eq!(
        app.call(None, "auth/sign_out_everywhere", json!({}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_a_strong_new_one() {
    let app = demo_app().await;
    let phone = app.sign_in("rep@example.com").await;
    let desk = app.sign_in("rep@example.com").await;
    let change = |current: &str, new: &str| {
        let change = json!({ "change": { "current": current, "new": new } });
        app.call(Some(&phone), "auth/change_password", change)
    };
    let short = change("hamrah-demo", "short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        short.body,
        json!({ "Validation": [["new", { "TooShort": { "min": 10 } }]] })
    );
    let common = change("hamrah-demo", "Password123").await;
    assert_eq!(
        common.body,
        json!({ "Validation": [["new", "CommonPassword"]] })
    );
    let wrong = change("not-it", "a long unusual passphrase").await;
    assert_eq!(
        wrong.body,
        json!({ "Validation": [["current", "WrongPassword"]] })
    );
    let ok = change("hamrah-demo", "a long unusual passphrase").await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(
        me(&app, &phone).await.body["email"],
        "rep@example.com",
        "this device stays signed in"
    );
    assert_eq!(
        me(&app, &desk).await.body,
        Value::Null,
        "every other one is signed out"
    );
    let old = app.attempt("rep@example.com", "hamrah-demo").await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = app
        .attempt("rep@example.com", "a long unusual passphrase")
        .await;
    assert_eq!(new.status, StatusCode::OK);
}

#[tokio::test]
async fn the_common_password_list_is_shipped_whole() {
    assert!(app::auth::ssr::is_common_password("123456"));
    assert!(app::auth::ssr::is_common_password("PASSWORD"));
    assert!(!app::auth::ssr::is_common_password(
        "a long unusual passphrase"
    ));
}

#[tokio::test]
async fn an_event_stream_closes_when_its_session_ends() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    let response = app
        .router
        .clone()
        .oneshot(
            Request::get("/api/sync/events")
                .header(header::COOKIE, format!("hamrah_session={session}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("stream");
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    app.call(Some(&session), "auth/sign_out", json!({})).await;
    let ended = tokio::time::timeout(server::events::SESSION_CHECK * 3, async {
        loop {
            match body.frame().await {
                None => return true,
                Some(Err(_)) => return true,
                Some(Ok(_)) => continue,
            }
        }
    })
    .await;
    assert_eq!(ended, Ok(true), "the stream ends after sign-out");
}

fn header_of(reply: &Reply, name: &str) -> String {
    reply
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The page's policy allows inline script only by a nonce, and every inline script of the
/// page carries that nonce: none is blocked, and no other inline script could run.
fn assert_only_own_scripts_run(page: &Reply) -> String {
    let policy = header_of(page, "content-security-policy");
    let script_src = policy
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .expect("script-src");
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    let nonce = script_src
        .split_whitespace()
        .find_map(|s| s.strip_prefix("'nonce-").and_then(|n| n.strip_suffix('\'')))
        .unwrap_or_else(|| panic!("a nonce in {script_src}"));
    let html = page.body.as_str().expect("html").to_owned();
    let inline: Vec<&str> = html
        .split("<script")
        .skip(1)
        .filter(|tag| !tag.split('>').next().unwrap_or("").contains("src="))
        .collect();
    assert!(!inline.is_empty());
    for tag in inline {
        assert!(
            tag.starts_with(&format!(" nonce=\"{nonce}\""))
                || tag.contains(&format!("nonce=\"{nonce}\"")),
            "{tag}"
        );
    }
    policy
}

#[tokio::test]
async fn pages_allow_only_their_own_scripts() {
    let app = demo_app().await;
    let page = app.get("/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    let policy = assert_only_own_scripts_run(&page);
    assert!(policy.contains("frame-ancestors 'none'"));
    assert_eq!(header_of(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header_of(&page, "referrer-policy"), "same-origin");
    assert_eq!(
        header_of(&page, "strict-transport-security"),
        "",
        "no HSTS over plain HTTP"
    );
    // Another page gets another nonce.
    let again = app.get("/sign-in").await;
    assert_ne!(header_of(&again, "content-security-policy"), policy);

    // API answers and files get the policy with no inline script at all.
    let api = app.call(None, "auth/me", json!({})).await;
    assert!(
        header_of(&api, "content-security-policy")
            .contains("script-src 'self'  'wasm-unsafe-eval'")
    );
    assert_eq!(header_of(&api, "x-content-type-options"), "nosniff");
}

/// An address no screen answers is a page like any other: a 404 whose scripts run (so the
/// app starts and shows its "not found" screen), never a 500.
#[tokio::test]
async fn an_unknown_address_is_a_working_not_found_page() {
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    for path in ["/nothing/here", "/deals/abc/", "/companies/x/y/z"] {
        let page = app
            .send(
                Request::get(path)
                    .header(header::COOKIE, format!("hamrah_session={session}"))
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_only_own_scripts_run(&page);
    }
}

#[tokio::test]
async fn the_offline_shell_allows_exactly_its_two_inline_scripts() {
    let app = demo_app().await;
    let shell = app
        .send(Request::get("/shell").body(Body::empty()).expect("request"))
        .await;
    let policy = header_of(&shell, "content-security-policy");
    let html = shell.body.as_str().expect("html").to_owned();
    let bodies: Vec<&str> = html
        .split("<script")
        .skip(1)
        .filter(|tag| !tag.split('>').next().unwrap_or("").contains("src="))
        .filter_map(|tag| {
            tag.split_once('>')
                .and_then(|(_, rest)| rest.split_once("</script>"))
                .map(|(body, _)| body)
        })
        .collect();
    assert_eq!(bodies.len(), 2);
    for body in bodies {
        assert!(
            policy.contains(&server::security::script_hash(body)),
            "{body}"
        );
    }
    assert!(!policy.contains("unsafe-inline' 'wasm"));
}

#[tokio::test]
async fn https_installations_send_hsts() {
    let config = Config {
        demo: true,
        secure_cookies: true,
        ..Config::new("mem://")
    };
    let app = app_with(&config).await;
    let page = app.get("/sign-in").await;
    assert!(header_of(&page, "strict-transport-security").starts_with("max-age="));
}

#[tokio::test]
async fn probes_answer_without_a_session() {
    let app = demo_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert_eq!(ready.body, json!("ready"));
    // A database that lacks a migration is not ready.
    app.state
        .db
        .query("DELETE migration WHERE name = '0004_hardening'")
        .await
        .expect("q")
        .check()
        .expect("ok");
    let behind = app.get("/readyz").await;
    assert_eq!(behind.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn an_oversized_body_is_refused_not_failed() {
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    let huge =
        json!({ "request": { "client": "x".repeat(server::http::MAX_BODY + 1), "mutations": [] } })
            .to_string();
    let request = Request::post("/api/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, huge.len())
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000")
        .header(header::COOKIE, format!("hamrah_session={session}"))
        .body(Body::from(huge))
        .expect("request");
    assert_eq!(
        app.send(request).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    // Streamed without a length, it is cut off all the same, and still no 5xx.
    let chunks =
        futures_util::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024])));
    let request = Request::post("/api/sync/push")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000")
        .header(header::COOKIE, format!("hamrah_session={session}"))
        .body(Body::from_stream(chunks))
        .expect("request");
    let streamed = app.send(request).await;
    assert!(streamed.status.is_client_error(), "{}", streamed.status);
}

#[tokio::test]
async fn metrics_count_requests_on_their_own_listener() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    let wrong = app.attempt("rep@example.com", "nope").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.board(&session).await;
    assert!(
        header_of(
            &app.call(Some(&session), "auth/me", json!({})).await,
            "x-request-id"
        )
        .len()
            >= 32
    );
    // Not on the public router.
    let public = app.get("/metrics").await;
    assert_ne!(public.status, StatusCode::OK);
    let response = server::metrics::router()
        .oneshot(
            Request::get("/metrics")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let text = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec(),
    )
    .expect("utf-8");
    assert!(
        text.contains("hamrah_http_requests_total{route=\"/api/deals/board\",status=\"200\"}"),
        "{text}"
    );
    assert!(text.contains(
        "hamrah_http_request_duration_seconds_bucket{route=\"/api/deals/board\",le=\"+Inf\"}"
    ));
    assert!(text.contains("hamrah_sign_in_failures_total{reason=\"wrong_credentials\"}"));
    assert!(text.contains("# TYPE hamrah_event_streams gauge"));
}
