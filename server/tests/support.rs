//! Drives the real router in-process (no port): sign in, call server functions as the
//! browser does (JSON POSTs with the session cookie), read statuses and bodies.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use serde_json::{Value, json};
use server::config::Config;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: app::server::AppState,
}

pub fn config(db_url: &str) -> Config {
    Config {
        demo: true,
        ..Config::new(db_url)
    }
}

pub async fn demo_app() -> TestApp {
    app_with(&config("mem://")).await
}

pub async fn app_with(config: &Config) -> TestApp {
    // Internal errors are logged, not sent; show them when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let state = server::prepare(config).await.expect("database prepared");
    let options = LeptosOptions::builder().output_name("hamrah").build();
    TestApp {
        router: server::http::router(state.clone(), options),
        state,
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Calls a server function as the app's own pages do.
    pub async fn call(&self, session: Option<&str>, endpoint: &str, args: Value) -> Reply {
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000");
        if let Some(session) = session {
            request = request.header(header::COOKIE, format!("hamrah_session={session}"));
        }
        self.send(request.body(Body::from(args.to_string())).expect("request"))
            .await
    }

    /// One sign-in attempt, whatever its answer.
    pub async fn attempt(&self, email: &str, password: &str) -> Reply {
        let form = json!({ "form": { "email": email, "password": password } });
        self.call(None, "auth/sign_in", form).await
    }

    pub async fn sign_in(&self, email: &str) -> String {
        let reply = self.attempt(email, "hamrah-demo").await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "sign-in of {email}: {:?}",
            reply.body
        );
        session_from(&reply).expect("session cookie set")
    }

    pub async fn board(&self, session: &str) -> Value {
        let reply = self.call(Some(session), "deals/board", json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body
    }
}

pub fn session_from(reply: &Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.strip_prefix("hamrah_session=")
                .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
        })
        .filter(|token| !token.is_empty())
}

pub fn stage_id(board: &Value, name: &str) -> String {
    board["pipeline"]["stages"]
        .as_array()
        .and_then(|stages| stages.iter().find(|s| s["name"] == name))
        .and_then(|s| s["id"].as_str())
        .expect("stage exists")
        .to_owned()
}

pub fn new_deal(board: &Value, title: &str) -> Value {
    json!({
        "id": app::ids::new_id(), "rev": null, "title": title, "value": "12,500", "currency": "USD",
        "stage": stage_id(board, "Lead"), "company": "", "contact": "", "expected_close": "2026-12-24",
        "next_step": "Send the proposal", "lost_reason": "",
    })
}
