//! The on-disk database: data survives a restart, and migrations run once.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{app_with, config, new_deal};

#[tokio::test]
async fn a_deal_survives_a_restart_of_the_embedded_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("surrealkv://{}", dir.path().join("hamrah").display());
    let id = {
        let app = app_with(&config(&url)).await;
        let rep = app.sign_in("rep@example.com").await;
        let board = app.board(&rep).await;
        let deal = new_deal(&board, "Written to disk");
        assert_eq!(app.call(Some(&rep), "deals/save", json!({ "input": deal.clone() })).await.status, StatusCode::OK);
        deal["id"].as_str().expect("id").to_owned()
    };
    // The embedded engine releases its files in the background after the last handle goes.
    let mut reopened = None;
    for _ in 0..50 {
        match server::prepare(&config(&url)).await {
            Ok(state) => {
                reopened = Some(state);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    let state = reopened.expect("database reopens");
    let options = leptos::prelude::LeptosOptions::builder().output_name("hamrah").build();
    let app = support::TestApp { router: server::http::router(state.clone(), options), state };
    let rep = app.sign_in("rep@example.com").await;
    let page = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["deal"]["title"], "Written to disk");
    let mut users = app.state.db.query("RETURN count(SELECT id FROM user)").await.expect("query");
    let seeded = server::seed::DEMO_USERS.len() as i64;
    assert_eq!(users.take::<Option<i64>>(0).expect("count"), Some(seeded), "the demo was not seeded twice");
}

#[tokio::test]
async fn migrations_are_recorded_and_rerunning_them_changes_nothing() {
    let app = support::demo_app().await;
    server::storage::migrate(&app.state.db).await.expect("second run is a no-op");
    server::storage::migrate(&app.state.db).await.expect("third run is a no-op");
    let mut applied = app.state.db.query("SELECT VALUE name FROM migration").await.expect("query");
    let mut names: Vec<String> = applied.take(0).expect("names");
    names.sort();
    assert_eq!(names, ["0001_core", "0002_sync", "0003_persian"]);
}

#[tokio::test]
async fn records_written_before_sync_existed_stay_editable_and_sync() {
    // A database as the previous release left it: only the core migration, demo data in it.
    let db = surrealdb::engine::any::connect("mem://").await.expect("connect");
    db.use_ns("hamrah").use_db("main").await.expect("namespace");
    let core = format!(
        "DEFINE TABLE migration SCHEMAFULL;
         DEFINE FIELD name ON migration TYPE string;
         DEFINE FIELD applied_at ON migration TYPE datetime DEFAULT time::now();
         {}
         CREATE migration:core CONTENT {{ name: '0001_core' }};",
        include_str!("../migrations/0001_core.surql")
    );
    db.query(core).await.expect("query").check().expect("core schema");
    server::seed::ensure_defaults(&db).await.expect("defaults");
    assert!(server::seed::seed_demo(&db).await.expect("demo"));

    // This release starts on it: the sync migration runs, then a rep edits an old deal.
    server::storage::migrate(&db).await.expect("sync migration");
    let state = app::server::AppState {
        db: db.clone(),
        secure_cookies: false,
        changes: app::sync::ssr::watch_changes(db.clone()).await,
    };
    let options = leptos::prelude::LeptosOptions::builder().output_name("hamrah").build();
    let app = support::TestApp { router: server::http::router(state.clone(), options), state };
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let old = board["columns"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["deals"].as_array().cloned().unwrap_or_default())
        .find(|d| d["can_edit"] == true)
        .expect("an old deal the rep may edit");
    let id = old["id"].as_str().expect("id").to_owned();
    let page = app.call(Some(&rep), "deals/get", json!({ "id": id })).await.body;
    let deal = &page["deal"];
    let input = json!({
        "id": id, "rev": deal["rev"], "title": "Edited after the upgrade", "value": "100", "currency": deal["currency"],
        "stage": deal["stage"], "company": "", "contact": "",
        "expected_close": deal["expected_close"].as_str().unwrap_or(""), "next_step": "", "lost_reason": "",
    });
    let saved = app.call(Some(&rep), "deals/save", json!({ "input": input })).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let pulled = app
        .call(Some(&rep), "sync/pull", json!({ "request": { "cursor": 0, "epoch": "", "snapshot": null } }))
        .await;
    assert_eq!(pulled.status, StatusCode::OK, "{:?}", pulled.body);
}
