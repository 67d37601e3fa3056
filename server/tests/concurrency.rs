//! Many writers at once, as a sales team syncing together produces them: every write is
//! applied, none is answered 5xx, the change log has no gaps, and a pull never misses a
//! change that committed after a later-numbered one. Runs on a multi-threaded runtime, so
//! requests really overlap.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, demo_app, new_deal};

fn clock() -> String {
    app::sync::clock::Hlc {
        ms: app::sync::ssr::now_ms(),
        counter: 0,
        node: "load".into(),
    }
    .to_string()
}

fn create(board: &Value, number: i64, title: &str) -> Value {
    let mut fields = new_deal(board, title);
    let id = fields["id"].as_str().unwrap_or_default().to_owned();
    if let Some(map) = fields.as_object_mut() {
        map.remove("id");
        map.remove("rev");
        map.insert("value".into(), json!("12500"));
    }
    json!({ "id": number, "mutation": { "table": "deal", "id": id, "base": null, "fields": fields, "clock": clock() } })
}

async fn log_seqs(app: &TestApp) -> Vec<i64> {
    let mut response = app
        .state
        .db
        .query("SELECT VALUE seq FROM sync_log ORDER BY seq")
        .await
        .expect("query");
    response.take(0).expect("seqs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_pushes_from_eight_devices_at_once_are_all_applied() {
    let app = Arc::new(demo_app().await);
    let users = [
        "rep@example.com",
        "rep2@example.com",
        "manager@example.com",
        "admin@example.com",
    ];
    let mut sessions = Vec::new();
    for user in users {
        // Two devices (browsers) per user.
        sessions.push(app.sign_in(user).await);
        sessions.push(app.sign_in(user).await);
    }
    let board = app.board(&sessions[0]).await;
    let before = log_seqs(&app).await.len();
    let mut pushes = Vec::new();
    for (device, session) in sessions.iter().enumerate() {
        let client = app::ids::new_id();
        for push in 0..8i64 {
            let (app, session, client) = (app.clone(), session.clone(), client.clone());
            let mutations = json!([
                create(&board, push * 2 + 1, &format!("Load D{device} P{push} a")),
                create(&board, push * 2 + 2, &format!("Load D{device} P{push} b"))
            ]);
            pushes.push(tokio::spawn(async move {
                app.call(
                    Some(&session),
                    "sync/push",
                    json!({ "request": { "client": client, "mutations": mutations } }),
                )
                .await
            }));
        }
    }
    assert_eq!(pushes.len(), 64);
    let mut applied = 0;
    for push in pushes {
        let reply = push.await.expect("task");
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        for answer in reply.body.as_array().expect("answers") {
            assert_eq!(answer["outcome"]["status"], "applied", "{answer}");
            applied += 1;
        }
    }
    assert_eq!(applied, 128);
    let mut response = app
        .state
        .db
        .query("RETURN count(SELECT id FROM deal WHERE string::starts_with(title, 'Load '))")
        .await
        .expect("query");
    assert_eq!(response.take::<Option<i64>>(0).expect("count"), Some(128));
    // One log entry per write, numbered without gaps.
    let seqs = log_seqs(&app).await;
    assert_eq!(seqs.len() - before, 128);
    assert!(
        seqs.windows(2).all(|w| w[1] == w[0] + 1),
        "no gaps or repeats: {seqs:?}"
    );
}

/// A device pulls over and over while others write; afterwards it must hold every deal
/// they made, and the log numbers it walked past must be all there are. If a change could
/// commit after a higher-numbered one, a pull between the two would move the cursor past
/// it, and that deal would never reach the device.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_pull_never_skips_a_change_that_commits_late() {
    let app = Arc::new(demo_app().await);
    let admin = app.sign_in("admin@example.com").await;
    let writer = app.sign_in("manager@example.com").await;
    let board = app.board(&writer).await;
    let start = app::sync::ssr::current_seq(&app.state.db)
        .await
        .expect("seq");

    let writing = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let reader = {
        let (app, admin, writing) = (app.clone(), admin.clone(), writing.clone());
        tokio::spawn(async move {
            // The device: a first download, then pulls from its cursor while writes go on.
            let mut titles = BTreeSet::new();
            let (mut cursor, mut epoch, mut snapshot) = (0i64, String::new(), Value::Null);
            // The log as the pull reads it: entries after the cursor, in number order.
            let mut walked = BTreeSet::new();
            let mut log_cursor = start;
            loop {
                let done = !writing.load(std::sync::atomic::Ordering::SeqCst);
                let mut response = app
                    .state
                    .db
                    .query(
                        "SELECT VALUE seq FROM sync_log WHERE seq > $cursor ORDER BY seq LIMIT 500",
                    )
                    .bind(("cursor", log_cursor))
                    .await
                    .expect("log");
                let seqs: Vec<i64> = response.take(0).expect("seqs");
                log_cursor = seqs.last().copied().unwrap_or(log_cursor);
                walked.extend(seqs);

                let pulled = app
                    .call(Some(&admin), "sync/pull", json!({ "request": { "cursor": cursor, "epoch": epoch, "snapshot": snapshot } }))
                    .await;
                assert_eq!(pulled.status, StatusCode::OK, "{:?}", pulled.body);
                for row in pulled.body["rows"].as_array().into_iter().flatten() {
                    if let Some(title) = row["row"]["title"].as_str().filter(|t| t.starts_with('W'))
                    {
                        titles.insert(title.to_owned());
                    }
                }
                cursor = pulled.body["cursor"].as_i64().expect("cursor");
                epoch = pulled.body["epoch"].as_str().unwrap_or_default().to_owned();
                snapshot = pulled.body["snapshot"].clone();
                if done && pulled.body["has_more"] == false {
                    return (titles, walked, cursor);
                }
            }
        })
    };
    let mut writers = Vec::new();
    for w in 0..16 {
        let (app, writer, board) = (app.clone(), writer.clone(), board.clone());
        writers.push(tokio::spawn(async move {
            for n in 0..8 {
                let reply = app
                    .save(&writer, "deal", new_deal(&board, &format!("W{w} N{n}")))
                    .await;
                assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
            }
        }));
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    writing.store(false, std::sync::atomic::Ordering::SeqCst);
    let (titles, walked, cursor) = reader.await.expect("reader");
    assert_eq!(
        titles.len(),
        128,
        "the device holds every deal made while it pulled"
    );
    let all: BTreeSet<i64> = log_seqs(&app)
        .await
        .into_iter()
        .filter(|s| *s > start)
        .collect();
    assert_eq!(all.len(), 128);
    assert_eq!(cursor, *all.last().expect("last"));
    let missed: Vec<_> = all.difference(&walked).collect();
    assert!(
        missed.is_empty(),
        "log entries that appeared behind the cursor: {missed:?}"
    );
}

/// An admin removes a stage while reps move deals into it: either the stage stays, or no
/// deal is left in a stage that no longer exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stage_is_never_removed_under_a_deal_moving_into_it() {
    let app = Arc::new(demo_app().await);
    let admin = app.sign_in("admin@example.com").await;
    for round in 0..4 {
        let pipeline = app.call(Some(&admin), "pipeline/get", json!({})).await.body;
        let mut rows: Vec<Value> = pipeline["stages"].as_array().expect("stages").clone();
        // A fresh open stage to race over.
        let extra = app::ids::new_id();
        rows.insert(1, json!({ "id": extra, "name": format!("Extra {round}"), "probability": "30", "outcome": "open" }));
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|s| json!({ "id": s["id"], "name": s["name"], "probability": s["probability"].to_string().trim_matches('"'), "outcome": s["outcome"] }))
            .collect();
        let saved = app
            .call(Some(&admin), "pipeline/save", json!({ "stages": rows }))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
        let board = app.board(&admin).await;
        let mut ids = Vec::new();
        for n in 0..6 {
            let deal = new_deal(&board, &format!("Race {round} {n}"));
            ids.push(deal["id"].as_str().expect("id").to_owned());
            assert_eq!(app.save(&admin, "deal", deal).await.status, StatusCode::OK);
        }
        let mut tasks = Vec::new();
        for id in ids {
            let (app, admin, extra) = (app.clone(), admin.clone(), extra.clone());
            tasks.push(tokio::spawn(async move {
                app.move_deal(&admin, &id, &extra, None).await.status
            }));
        }
        let without: Vec<Value> = rows
            .iter()
            .filter(|r| r["id"] != extra.as_str())
            .cloned()
            .collect();
        let remove = {
            let (app, admin) = (app.clone(), admin.clone());
            tokio::spawn(async move {
                app.call(Some(&admin), "pipeline/save", json!({ "stages": without }))
                    .await
                    .status
            })
        };
        for task in tasks {
            let status = task.await.expect("move");
            assert!(
                status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
                "{status}"
            );
        }
        let removed = remove.await.expect("remove");
        assert!(
            removed == StatusCode::OK || removed == StatusCode::UNPROCESSABLE_ENTITY,
            "{removed}"
        );
        let mut response = app
            .state
            .db
            .query("RETURN count(SELECT id FROM deal WHERE !record::exists(stage))")
            .await
            .expect("query");
        assert_eq!(
            response.take::<Option<i64>>(0).expect("count"),
            Some(0),
            "round {round}: a deal in a removed stage"
        );
    }
}
