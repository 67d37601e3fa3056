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
    app_serving(
        config,
        LeptosOptions::builder().output_name("hamrah").build(),
    )
    .await
}

/// The app serving the built site under `site_root`.
pub async fn app_with_site(site_root: &str) -> TestApp {
    let options = LeptosOptions::builder()
        .output_name("hamrah")
        .site_root(site_root)
        .build();
    app_serving(&config("mem://"), options).await
}

async fn app_serving(config: &Config, options: LeptosOptions) -> TestApp {
    // Internal errors are logged, not sent; show them when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(std::env::var("TEST_LOG").unwrap_or("warn".into()))
        .with_test_writer()
        .try_init();
    let state = server::prepare(config).await.expect("database prepared");
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
    /// The fields a record's history names, newest first, as `session` reads them.
    pub async fn history_fields(&self, session: &str, table: &str, id: &str) -> Vec<String> {
        let reply = self
            .call(
                Some(session),
                "history/list",
                json!({ "table": table, "id": id }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply
            .body
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["field"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Each of `keys` with its fields as the server holds them now (empty once gone).
    pub async fn snapshot(&self, keys: &[app::sync::RowKey]) -> Vec<(app::sync::RowKey, Value)> {
        let mut all = Vec::new();
        for key in keys {
            all.push((
                key.clone(),
                self.form_fields(key.table.name(), &key.id).await,
            ));
        }
        all
    }

    /// Ages the Trash entry of `table`/`id` past the Trash's 30 days and runs the hourly
    /// clean-up, as if a month had passed.
    pub async fn purge_from_trash(&self, table: app::kinds::Table, id: &str) {
        self.state
            .db
            .query("UPDATE type::record('trash', $entry) SET at = time::now() - 31d")
            .bind(("entry", app::trash::entry_key(table, id)))
            .await
            .expect("query")
            .check()
            .expect("aged");
        app::housekeeping::run_once(&self.state.db, 30)
            .await
            .expect("clean-up");
    }

    /// The id of the user signed up with `email` (the demo's, or one a test made).
    pub async fn user_id(&self, email: &str) -> String {
        let mut response = self
            .state
            .db
            .query("RETURN (SELECT VALUE record::id(id) FROM user WHERE email = $email)[0]")
            .bind(("email", email.to_owned()))
            .await
            .expect("query");
        response
            .take::<Option<String>>(0)
            .expect("id")
            .expect("a user")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let what = format!("{} {}", request.method(), request.uri());
        // A request that never answers fails the test and names itself, rather than leaving
        // the run waiting for CI's time limit. A page streams: the wait covers its whole body,
        // where a suspended resource would hang it.
        let (status, headers, bytes) =
            tokio::time::timeout(std::time::Duration::from_secs(120), async {
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
                (status, headers, bytes)
            })
            .await
            .unwrap_or_else(|_| panic!("{what}: no whole answer within 120 s"));
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Posts an HTML form (`fields` already encoded) as a browser without script does, from
    /// `address` if given; answers the status and where it was sent on to.
    pub async fn post_form(
        &self,
        path: &str,
        fields: String,
        address: Option<std::net::IpAddr>,
    ) -> (StatusCode, String) {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost:3000")
            .header(header::ORIGIN, "http://localhost:3000");
        if let Some(ip) = address {
            request = request.extension(axum::extract::ConnectInfo(std::net::SocketAddr::new(
                ip, 40_000,
            )));
        }
        let reply = self
            .send(request.body(Body::from(fields)).expect("request"))
            .await;
        let location = reply
            .headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (reply.status, location)
    }

    /// A plain GET, with no session.
    pub async fn get(&self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
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

    /// Saves a form the way the app does: as one change pushed from a device of the
    /// session's user (the outbox is the only write path). A form without `rev` creates the
    /// record; otherwise the change starts from the record as the server holds it now. The
    /// answer reads like a form endpoint's: 200 with the record's id, or the error's status
    /// with the error (409 with the conflicting fields).
    pub async fn save(&self, session: &str, table: &str, input: Value) -> Reply {
        let id = input["id"].as_str().unwrap_or_default().to_owned();
        let mut fields = input.clone();
        if let Some(map) = fields.as_object_mut() {
            map.remove("id");
            map.remove("rev");
        }
        let base = match input.get("rev") {
            Some(rev) if !rev.is_null() => Some(self.form_fields(table, &id).await),
            _ => None,
        };
        self.push_change(session, table, &id, base, fields).await
    }

    /// Pushes one change (`base`: the fields as the device had them, `None` for a create).
    pub async fn push_change(
        &self,
        session: &str,
        table: &str,
        id: &str,
        base: Option<Value>,
        fields: Value,
    ) -> Reply {
        let clock = app::sync::clock::Hlc {
            ms: app::sync::ssr::now_ms(),
            counter: 0,
            node: "test".into(),
        };
        let request = json!({ "request": { "client": app::ids::new_id(), "mutations": [
            { "id": 1, "mutation": { "table": table, "id": id, "base": base, "fields": fields, "clock": clock.to_string() } }
        ] } });
        let reply = self.call(Some(session), "sync/push", request).await;
        if reply.status != StatusCode::OK {
            return reply;
        }
        let outcome = reply.body[0]["outcome"].clone();
        let (status, body) = match outcome["status"].as_str() {
            Some("applied") => (StatusCode::OK, json!(id)),
            Some("conflict") => (StatusCode::CONFLICT, outcome),
            _ => {
                let error: app::error::AppError =
                    serde_json::from_value(outcome["error"].clone()).expect("an error");
                (
                    StatusCode::from_u16(error.status()).expect("a status"),
                    outcome["error"].clone(),
                )
            }
        };
        Reply {
            status,
            headers: reply.headers,
            body,
        }
    }

    /// Deletes a record as a device does, from `base` (its fields as the device had them;
    /// now's when `None`); answers the push's outcome.
    pub async fn push_delete(
        &self,
        session: &str,
        table: &str,
        id: &str,
        base: Option<Value>,
        with_linked: bool,
    ) -> Value {
        let base = match base {
            Some(base) => base,
            None => self.form_fields(table, id).await,
        };
        let clock = app::sync::clock::Hlc {
            ms: app::sync::ssr::now_ms(),
            counter: 0,
            node: "test".into(),
        };
        let op = if with_linked {
            "delete_with_linked"
        } else {
            "delete"
        };
        let request = json!({ "request": { "client": app::ids::new_id(), "mutations": [
            { "id": 1, "mutation": { "table": table, "id": id, "base": base, "fields": {}, "clock": clock.to_string(), "op": op } }
        ] } });
        let reply = self.call(Some(session), "sync/push", request).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body[0]["outcome"].clone()
    }

    /// Moves a deal to `stage` as the board does: a change of its stage from `from`, the
    /// stage the device showed (the one it is in now when `None`).
    pub async fn move_deal(
        &self,
        session: &str,
        id: &str,
        stage: &str,
        from: Option<&str>,
    ) -> Reply {
        let from = match from {
            Some(from) => from.to_owned(),
            None => self.form_fields("deal", id).await["stage"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let (base, fields) = (json!({ "stage": from }), json!({ "stage": stage }));
        self.push_change(session, "deal", id, Some(base), fields)
            .await
    }

    /// Ticks an activity off (or back on) as Today does.
    pub async fn set_done(&self, session: &str, id: &str, done: bool) -> Reply {
        let (base, fields) = (json!({ "done": !done }), json!({ "done": done }));
        self.push_change(session, "activity", id, Some(base), fields)
            .await
    }

    /// A record's form fields as the server holds them now.
    pub async fn form_fields(&self, table: &str, id: &str) -> Value {
        struct Fields<'a>(&'a app::db::Db, &'a str);
        impl<'a> app::kinds::Visit for Fields<'a> {
            type Out = std::pin::Pin<Box<dyn std::future::Future<Output = Value> + Send + 'a>>;
            fn visit<R: app::sync::replica::Synced>(self) -> Self::Out {
                Box::pin(async move {
                    let mut response = self
                        .0
                        .query("SELECT * FROM ONLY $id")
                        .bind(("id", R::TABLE.rid(self.1)))
                        .await
                        .expect("query");
                    let row: Option<Value> = response.take(0).expect("row");
                    match row.map(serde_json::from_value::<R>) {
                        Some(Ok(row)) => Value::Object(app::sync::replica::fields_of(&row.input())),
                        _ => json!({}),
                    }
                })
            }
        }
        let table = app::kinds::Table::from_name(table).expect("a synced table");
        table.visit(Fields(&self.state.db, id)).await
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

/// What a device holds after syncing as `session` from nothing, as the app applies pulls.
pub async fn device(app: &TestApp, session: &str) -> app::sync::replica::Replica {
    device_at(app, session).await.0
}

/// [`device`], and the request its next pull would send.
pub async fn device_at(
    app: &TestApp,
    session: &str,
) -> (app::sync::replica::Replica, app::sync::PullRequest) {
    let mut replica = app::sync::replica::Replica::default();
    let mut request = app::sync::PullRequest::default();
    loop {
        let reply = app
            .call(Some(session), "sync/pull", json!({ "request": request }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let page: app::sync::PullResponse =
            serde_json::from_value(reply.body).expect("a pull page");
        replica.apply(&page);
        request = app::sync::PullRequest {
            cursor: page.cursor,
            epoch: page.epoch.clone(),
            snapshot: page.snapshot.clone(),
        };
        if !page.has_more {
            return (replica, request);
        }
    }
}

/// A company of the rep's with contacts and deals linked to it, as the rep's device has it.
pub async fn linked_company(app: &TestApp, rep: &str) -> (String, Vec<app::sync::RowKey>) {
    let replica = device(app, rep).await;
    replica
        .companies
        .keys()
        .map(|id| {
            let key = app::sync::RowKey {
                table: app::kinds::Table::Company,
                id: id.clone(),
            };
            (id.to_string(), replica.linked_to(&key))
        })
        .filter(|(_, linked)| {
            let mine = |table: app::kinds::Table| {
                linked.iter().any(|k| {
                    k.table == table && replica.scope_of(k).is_some_and(|s| replica.can_edit(&s))
                })
            };
            mine(app::kinds::Table::Contact) && mine(app::kinds::Table::Deal)
        })
        .max_by_key(|(_, linked)| linked.len())
        .expect("a company with contacts and deals")
}
