//! The on-disk database: data survives a restart, and migrations run once.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use server::config::Config;
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
        assert_eq!(
            app.save(&rep, "deal", deal.clone()).await.status,
            StatusCode::OK
        );
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
            Err(error) => {
                eprintln!("reopen: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await
            }
        }
    }
    let state = reopened.expect("database reopens");
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("hamrah")
        .build();
    let app = support::TestApp {
        router: server::http::router(state.clone(), options),
        state,
    };
    let rep = app.sign_in("rep@example.com").await;
    let page = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["deal"]["title"], "Written to disk");
    let mut users = app
        .state
        .db
        .query("RETURN count(SELECT id FROM user)")
        .await
        .expect("query");
    let seeded = server::seed::DEMO_USERS.len() as i64;
    assert_eq!(
        users.take::<Option<i64>>(0).expect("count"),
        Some(seeded),
        "the demo was not seeded twice"
    );
}

#[tokio::test]
async fn migrations_are_recorded_and_rerunning_them_changes_nothing() {
    let app = support::demo_app().await;
    server::storage::migrate(&app.state.db)
        .await
        .expect("second run is a no-op");
    server::storage::migrate(&app.state.db)
        .await
        .expect("third run is a no-op");
    let mut applied = app
        .state
        .db
        .query("SELECT VALUE name FROM migration")
        .await
        .expect("query");
    let mut names: Vec<String> = applied.take(0).expect("names");
    names.sort();
    let shipped: Vec<&str> = server::storage::MIGRATIONS.iter().map(|m| m.0).collect();
    assert_eq!(names, shipped, "each shipped migration recorded once");
    assert_eq!(shipped.first(), Some(&"0001_core"));
}

/// Every column a kind's row declares (and so a device stores and a pull sends) is defined
/// on its SCHEMAFULL table by the migrations: a field added to a kind but not to a
/// migration would be dropped silently on every write.
#[tokio::test]
async fn the_migrations_define_every_column_each_kind_declares() {
    use app::kinds::{Table, Visit};
    use app::sync::replica::{Stamp, Synced};
    struct Columns;
    impl Visit for Columns {
        type Out = Vec<String>;
        fn visit<R: Synced>(self) -> Vec<String> {
            let stamp = Stamp {
                owner: "u".into(),
                team: Some("t".into()),
                created_at: String::new(),
                created_by: "u".into(),
                updated_at: String::new(),
                updated_by: "u".into(),
            };
            let row = serde_json::to_value(R::blank("x", stamp)).expect("row serialises");
            row.as_object()
                .expect("a row is an object")
                .keys()
                .filter(|k| *k != "id")
                .cloned()
                .collect()
        }
    }
    let app = support::demo_app().await;
    for table in Table::ALL {
        // A table name from the registry's closed list, not from input.
        let sql = format!("INFO FOR TABLE {}", table.name());
        let mut info = app.state.db.query(sql).await.expect("info");
        let info: Option<serde_json::Value> = info.take(0).expect("info row");
        let defined = info.expect("table info")["fields"].clone();
        for column in table.visit(Columns) {
            assert!(
                defined.get(&column).is_some(),
                "{} has no DEFINE FIELD {column}",
                table.name()
            );
        }
    }
}

#[tokio::test]
async fn records_written_before_sync_existed_stay_editable_and_sync() {
    // A database as the previous release left it: only the core migration, demo data in it.
    let db = std::sync::Arc::new(
        surrealdb::engine::any::connect("mem://")
            .await
            .expect("connect"),
    );
    db.use_ns("hamrah").use_db("main").await.expect("namespace");
    let core = format!(
        "DEFINE TABLE migration SCHEMAFULL;
         DEFINE FIELD name ON migration TYPE string;
         DEFINE FIELD applied_at ON migration TYPE datetime DEFAULT time::now();
         {}
         CREATE migration:core CONTENT {{ name: '0001_core' }};
         -- Today's seed also writes the deal columns added since; they are defined as their
         -- migration will define them again.
         DEFINE FIELD source ON deal TYPE option<string>;
         DEFINE FIELD deal_sources ON organisation TYPE option<array<string>>;
         DEFINE FIELD time_zone ON organisation TYPE option<string>;
         DEFINE FIELD rates ON organisation TYPE option<object> FLEXIBLE;
         DEFINE FIELD stall_days ON stage TYPE option<int>;
         DEFINE FIELD manager ON team TYPE option<record<user>>;
         DEFINE FIELD entered ON deal TYPE array<object> DEFAULT [];
         DEFINE FIELD entered[*].stage ON deal TYPE record<stage>;
         DEFINE FIELD entered[*].at ON deal TYPE datetime;",
        include_str!("../migrations/0001_core.surql")
    );
    db.query(core)
        .await
        .expect("query")
        .check()
        .expect("core schema");
    server::seed::ensure_defaults(&db).await.expect("defaults");
    assert!(server::seed::seed_demo(&db).await.expect("demo"));

    // This release starts on it: the sync migration runs, then a rep edits an old deal.
    server::storage::migrate(&db).await.expect("sync migration");
    let state = app::server::AppState {
        db: db.clone(),
        secure_cookies: false,
        changes: app::sync::ssr::watch_changes(db.clone(), 90).await,
        policy: Default::default(),
    };
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("hamrah")
        .build();
    let app = support::TestApp {
        router: server::http::router(state.clone(), options),
        state,
    };
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
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": id }))
        .await
        .body;
    let deal = &page["deal"];
    let input = json!({
        "id": id, "rev": deal["rev"], "title": "Edited after the upgrade", "value": "100", "currency": deal["currency"],
        "stage": deal["stage"], "company": "", "contact": "",
        "expected_close": deal["expected_close"].as_str().unwrap_or(""), "next_step": "", "lost_reason": "",
    });
    let saved = app.save(&rep, "deal", input).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let pulled = app
        .call(
            Some(&rep),
            "sync/pull",
            json!({ "request": { "cursor": 0, "epoch": "", "snapshot": null } }),
        )
        .await;
    assert_eq!(pulled.status, StatusCode::OK, "{:?}", pulled.body);
}

/// Every table of a database, each row as JSON, in id order.
async fn dump(db: &app::db::Db) -> std::collections::BTreeMap<String, Vec<serde_json::Value>> {
    let mut info = db
        .query("INFO FOR DB")
        .await
        .expect("info")
        .check()
        .expect("ok");
    let info: Option<serde_json::Value> = info.take(0).expect("info");
    let tables: Vec<String> = info.expect("info")["tables"]
        .as_object()
        .expect("tables")
        .keys()
        .cloned()
        .collect();
    let mut all = std::collections::BTreeMap::new();
    for table in tables {
        let mut rows = db
            .query("SELECT * FROM type::table($t) ORDER BY id")
            .bind(("t", table.clone()))
            .await
            .expect("rows");
        let rows: Vec<serde_json::Value> = rows.take(0).expect("rows");
        all.insert(table, rows);
    }
    all
}

#[tokio::test]
async fn a_backup_restores_into_an_empty_database_row_for_row() {
    let dir = tempfile::tempdir().expect("dir");
    let source = Config {
        demo: true,
        ..Config::new(&format!("surrealkv://{}/source", dir.path().display()))
    };
    let app = support::app_with(&source).await;
    // Some history, sessions, sync state and a pushed change, so every kind of table has rows.
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = support::new_deal(&board, "Backed up");
    assert_eq!(
        app.save(&rep, "deal", deal).await.status,
        axum::http::StatusCode::OK
    );
    let before = dump(&app.state.db).await;
    assert!(
        before.get("deal").is_some_and(|rows| rows.len() > 10)
            && before.get("sync_log").is_some_and(|r| !r.is_empty())
    );
    let file = dir.path().join("hamrah.surql");
    server::backup::backup(&app.state.db, &file)
        .await
        .expect("backup");

    let target = Config::new(&format!("surrealkv://{}/target", dir.path().display()));
    let db = server::storage::open(&target).await.expect("open");
    server::backup::restore(&db, &file, false)
        .await
        .expect("restore");
    let mut after = dump(&db).await;
    let mut before = before;
    // The one difference: a new generation, so devices download afresh.
    let generation = |rows: &mut Vec<serde_json::Value>| {
        rows[0].as_object_mut().and_then(|o| o.remove("generation"))
    };
    let old = before.get_mut("sync_counter").and_then(generation);
    let new = after.get_mut("sync_counter").and_then(generation);
    assert!(
        old.is_some() && new.is_some() && old != new,
        "{old:?} → {new:?}"
    );
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &before {
        assert_eq!(
            after.get(table),
            Some(rows),
            "table {table} restored as it was"
        );
    }
    // A second restore into a database that is in use is refused.
    assert!(server::backup::restore(&db, &file, false).await.is_err());
}
