//! Malformed and hostile input against every server function: random JSON of any shape,
//! and valid arguments with one part swapped for something else. Whatever arrives, the
//! server answers, and never with a 5xx.

mod support;

use axum::body::Body;
use axum::http::{Request, header};
use proptest::prelude::*;
use proptest::test_runner::{Config as Cases, TestRunner};
use serde_json::{Value, json};
use support::TestApp;

fn push(table: &str, id: &str, fields: Value) -> (&'static str, Value) {
    let clock = "000000000001000-000000-dev";
    let mutation =
        json!({ "table": table, "id": id, "base": null, "fields": fields, "clock": clock });
    (
        "sync/push",
        json!({ "request": { "client": app::ids::new_id(), "mutations": [{ "id": 1, "mutation": mutation }] } }),
    )
}

/// Each endpoint with arguments it would accept, to mutate.
fn templates(board: &Value) -> Vec<(&'static str, Value)> {
    let deal = support::new_deal(board, "Fuzz");
    let id = app::ids::new_id();
    let mutation = json!({ "table": "deal", "id": id, "base": null, "fields": { "title": "x", "value": "1", "currency": "USD" }, "clock": "0000000000001000:0000:dev" });
    vec![
        (
            "auth/sign_in",
            json!({ "form": { "email": "nobody@example.com", "password": "x" } }),
        ),
        ("auth/me", json!({})),
        (
            "auth/change_password",
            json!({ "change": { "current": "wrong", "new": "a long new passphrase" } }),
        ),
        ("companies/list", json!({ "query": "a" })),
        ("companies/get", json!({ "id": id })),
        ("contacts/list", json!({ "query": "a" })),
        ("contacts/get", json!({ "id": id })),
        ("contacts/form", json!({ "id": null })),
        ("deals/board", json!({})),
        ("deals/get", json!({ "id": id })),
        ("deals/form", json!({ "id": null })),
        ("activities/today", json!({})),
        ("activities/form", json!({ "id": null })),
        ("history/list", json!({ "table": "deal", "id": id })),
        ("pipeline/get", json!({})),
        (
            "pipeline/save",
            json!({ "stages": [{ "id": id, "name": "Only", "probability": "10", "outcome": "open" }] }),
        ),
        ("settings/language", json!({ "locale": "fa" })),
        ("settings/organisation", json!({})),
        (
            "settings/organisation/save",
            json!({ "organisation": { "default_currency": "IRT" } }),
        ),
        (
            "sync/push",
            json!({ "request": { "client": app::ids::new_id(), "mutations": [{ "id": 1, "mutation": mutation }] } }),
        ),
        // Every kind's create, as the forms send it through the outbox.
        push("deal", &id, deal),
        push(
            "company",
            &id,
            json!({ "name": "Fuzz Ltd", "industry": "", "phone": "", "email": "", "website": "", "address": "" }),
        ),
        push(
            "contact",
            &id,
            json!({ "name": "Fuzz", "title": "", "company": "", "phone": "", "phone2": "", "email": "", "email2": "" }),
        ),
        push(
            "activity",
            &id,
            json!({ "kind": "call", "subject": "Call", "body": "", "due_date": "", "due_time": "", "done": false, "deal": "", "contact": "", "company": "" }),
        ),
        (
            "sync/pull",
            json!({ "request": { "cursor": 0, "epoch": "", "snapshot": null } }),
        ),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        Just(json!(i64::MAX)),
        Just(json!(u64::MAX)),
        "\\PC{0,40}".prop_map(Value::String),
        Just(json!("x".repeat(5_000))),
        Just(json!("'; DELETE deal; --")),
        Just(json!("deal:⟨x⟩")),
        Just(json!("0190c5e4-8b5a-7000-8000-000000000000")),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "input",
        "form",
        "request",
        "id",
        "rev",
        "stages",
        "mutations",
        "client",
        "title",
        "value",
        "table",
        "fields",
        "cursor",
        "x",
    ]);
    leaf().prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone().prop_map(str::to_owned), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the value at one path of `template` (picked by `pick`) with `with`.
fn mutate(template: &Value, pick: usize, with: Value) -> Value {
    fn paths(value: &Value, here: Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(here.clone());
        match value {
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| paths(v, [here.clone(), vec![k.clone()]].concat(), out)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| paths(v, [here.clone(), vec![i.to_string()]].concat(), out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    paths(template, Vec::new(), &mut all);
    let path = &all[pick % all.len()];
    let mut result = template.clone();
    let mut slot = &mut result;
    for part in path {
        slot = match slot {
            Value::Object(map) => map.get_mut(part).expect("path"),
            Value::Array(items) => &mut items[part.parse::<usize>().expect("index")],
            _ => unreachable!("paths only lead through containers"),
        };
    }
    *slot = with;
    result
}

async fn raw(
    app: &TestApp,
    session: Option<&str>,
    endpoint: &str,
    body: String,
) -> axum::http::StatusCode {
    let mut request = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000");
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("hamrah_session={session}"));
    }
    app.send(request.body(Body::from(body)).expect("request"))
        .await
        .status
}

#[test]
fn no_input_makes_a_server_function_fail_with_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, session, board) = runtime.block_on(async {
        let app = support::demo_app().await;
        let session = app.sign_in("admin@example.com").await;
        let board = app.board(&session).await;
        (app, session, board)
    });
    let templates = templates(&board);
    let mut runner = TestRunner::new(Cases {
        cases: 400,
        failure_persistence: None,
        ..Cases::default()
    });
    let strategy = (
        0..templates.len(),
        any::<usize>(),
        any_json(),
        any::<bool>(),
        any::<bool>(),
    );
    runner
        .run(&strategy, |(which, pick, value, shaped, signed_in)| {
            let (endpoint, template) = &templates[which];
            let body = if shaped {
                mutate(template, pick, value).to_string()
            } else {
                value.to_string()
            };
            let session = signed_in.then_some(session.as_str());
            let status = runtime.block_on(raw(&app, session, endpoint, body.clone()));
            prop_assert!(
                !status.is_server_error(),
                "{endpoint} answered {status} to {body}"
            );
            Ok(())
        })
        .expect("no 5xx");
    // Bytes that are not JSON at all.
    for (endpoint, _) in &templates {
        for body in ["", "{", "[]", "null", "\u{0}", "{\"input\":", "💥"] {
            let status = runtime.block_on(raw(&app, Some(&session), endpoint, body.to_owned()));
            assert!(
                !status.is_server_error(),
                "{endpoint} answered {status} to {body:?}"
            );
        }
    }
}
