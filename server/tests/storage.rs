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
    assert_eq!(users.take::<Option<i64>>(0).expect("count"), Some(4), "the demo was not seeded twice");
}

#[tokio::test]
async fn migrations_are_recorded_and_rerunning_them_changes_nothing() {
    let app = support::demo_app().await;
    server::storage::migrate(&app.state.db).await.expect("second run is a no-op");
    server::storage::migrate(&app.state.db).await.expect("third run is a no-op");
    let mut applied = app.state.db.query("SELECT VALUE name FROM migration").await.expect("query");
    let mut names: Vec<String> = applied.take(0).expect("names");
    names.sort();
    assert_eq!(names, vec!["0001_core".to_owned(), "0002_sync".to_owned()]);
}
