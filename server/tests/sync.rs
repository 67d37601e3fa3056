//! Push and pull through the router against `mem://` with the demo organisation: scoping,
//! idempotent pushes, field merges, conflicts and rows that leave a user's sight.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, demo_app, new_deal};

const CLOCK_NODE: &str = "test";

fn clock(ms: i64) -> String {
    app::sync::clock::Hlc {
        ms,
        counter: 0,
        node: CLOCK_NODE.into(),
    }
    .to_string()
}

fn now() -> i64 {
    app::sync::ssr::now_ms()
}

struct Device {
    client: String,
    cursor: i64,
    epoch: String,
    rows: std::collections::BTreeMap<String, Value>,
}

impl Device {
    fn new() -> Self {
        Device {
            client: app::ids::new_id(),
            cursor: 0,
            epoch: String::new(),
            rows: Default::default(),
        }
    }

    /// Pulls until the server has nothing more; returns the pages.
    async fn pull(&mut self, app: &TestApp, session: &str) -> Vec<Value> {
        let mut snapshot = Value::Null;
        let mut pages = Vec::new();
        loop {
            let reply = app
                .call(Some(session), "sync/pull", json!({ "request": { "cursor": self.cursor, "epoch": self.epoch, "snapshot": snapshot } }))
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
            let page = reply.body;
            if page["reset"] == true {
                self.rows.clear();
            }
            for row in page["rows"].as_array().into_iter().flatten() {
                self.rows.insert(
                    format!(
                        "{}/{}",
                        row["table"].as_str().unwrap_or(""),
                        row["row"]["id"].as_str().unwrap_or("")
                    ),
                    row["row"].clone(),
                );
            }
            for key in page["removed"].as_array().into_iter().flatten() {
                self.rows.remove(&format!(
                    "{}/{}",
                    key["table"].as_str().unwrap_or(""),
                    key["id"].as_str().unwrap_or("")
                ));
            }
            self.cursor = page["cursor"].as_i64().expect("cursor");
            self.epoch = page["epoch"].as_str().unwrap_or_default().to_owned();
            snapshot = page["snapshot"].clone();
            let more = page["has_more"] == true;
            pages.push(page);
            if !more {
                return pages;
            }
        }
    }

    async fn push(&self, app: &TestApp, session: &str, mutations: Value) -> (StatusCode, Value) {
        let reply = app
            .call(
                Some(session),
                "sync/push",
                json!({ "request": { "client": self.client, "mutations": mutations } }),
            )
            .await;
        (reply.status, reply.body)
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut response = app
        .state
        .db
        .query(sql)
        .await
        .expect("query")
        .check()
        .expect("ok");
    response.take::<Option<i64>>(0).expect("count").unwrap_or(0)
}

/// A deal form's fields as a device holds them (amounts as stored, without grouping).
fn deal_fields(input: &Value) -> Value {
    let mut fields = input.clone();
    if let Some(map) = fields.as_object_mut() {
        map.remove("id");
        map.remove("rev");
        if let Some(value) = map.get_mut("value") {
            *value = json!(value.as_str().unwrap_or_default().replace(',', ""));
        }
    }
    fields
}

#[tokio::test]
async fn a_first_sync_brings_exactly_what_the_rep_may_see_in_pages() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let mut device = Device::new();
    let pages = device.pull(&app, &rep).await;
    assert!(pages.len() >= 2, "the snapshot comes table by table");
    assert_eq!(pages[0]["reset"], true);
    assert_eq!(pages[0]["reference"]["me"]["email"], "rep@example.com");
    // Closed deals and done activities stay on a device for as long as their kind keeps them.
    use app::kinds::row::Declaration;
    let kept = |days: Option<i64>| format!("{}d", days.expect("a horizon"));
    let mut response = app
        .state
        .db
        .query(
            "LET $me = (SELECT VALUE id FROM ONLY user WHERE email = 'rep@example.com' LIMIT 1);
                LET $team = $me.team;
                LET $today = time::floor(time::now(), 1d);
                RETURN count(SELECT id FROM deal WHERE (owner = $me OR team = $team)
                        AND (stage.outcome = 'open' OR updated_at >= $today - <duration>$deal_days))
                     + count(SELECT id FROM company WHERE owner = $me OR team = $team)
                     + count(SELECT id FROM contact WHERE owner = $me OR team = $team)
                     + count(SELECT id FROM activity WHERE (owner = $me OR team = $team)
                        AND (done = false OR updated_at >= $today - <duration>$activity_days))
                     + count(SELECT id FROM case WHERE (owner = $me OR team = $team)
                        AND (status NOT IN ['resolved', 'closed'] OR updated_at >= $today - <duration>$case_days));",
        )
        .bind(("deal_days", kept(app::deals::DealFields::KEPT_DAYS)))
        .bind((
            "activity_days",
            kept(app::activities::ActivityFields::KEPT_DAYS),
        ))
        .bind(("case_days", kept(app::cases::CaseFields::KEPT_DAYS)))
        .await
        .expect("query");
    let expected: Option<i64> = response.take(3).expect("count");
    assert_eq!(
        device.rows.len() as i64,
        expected.expect("count"),
        "every readable row, once"
    );
    let rep2 = app.user_id("rep2@example.com").await;
    assert!(
        device.rows.values().all(|r| r["owner"] != rep2.as_str()),
        "nothing of the other team"
    );

    // Nothing changed: the next pull is empty and keeps the cursor.
    let cursor = device.cursor;
    let again = device.pull(&app, &rep).await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["reset"], false);
    assert_eq!(again[0]["rows"], json!([]));
    assert_eq!(device.cursor, cursor);
}

#[tokio::test]
async fn a_pushed_create_applies_once_however_often_it_is_sent_and_reaches_other_devices() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let mut phone = Device::new();
    let mut desk = Device::new();
    phone.pull(&app, &rep).await;
    desk.pull(&app, &manager).await;

    let board = app.board(&rep).await;
    let input = new_deal(&board, "Made offline");
    let id = input["id"].as_str().expect("id").to_owned();
    let mutations = json!([{ "id": 1, "mutation": { "table": "deal", "id": id, "base": null, "fields": deal_fields(&input), "clock": clock(now()) } }]);
    let (status, first) = phone.push(&app, &rep, mutations.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first:?}");
    assert_eq!(
        first,
        json!([{ "id": 1, "outcome": { "status": "applied", "superseded": [] } }])
    );
    let (_, again) = phone.push(&app, &rep, mutations).await;
    assert_eq!(again, first, "a retried push gets the same answer");
    assert_eq!(
        count(
            &app,
            "RETURN count(SELECT id FROM deal WHERE title = 'Made offline')"
        )
        .await,
        1
    );

    desk.pull(&app, &manager).await;
    assert_eq!(
        desk.rows
            .get(&format!("deal/{id}"))
            .map(|r| r["title"].clone()),
        Some(json!("Made offline"))
    );
    phone.pull(&app, &rep).await;
    assert_eq!(
        phone
            .rows
            .get(&format!("deal/{id}"))
            .map(|r| r["value"].clone()),
        Some(json!(1_250_000))
    );

    // Another user cannot push as this device.
    let (status, _) = phone.push(&app, &manager, json!([])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn different_fields_merge_and_the_same_guarded_field_conflicts() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let board = app.board(&rep).await;
    let input = new_deal(&board, "Fleet");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&rep, "deal", input.clone()).await.status,
        StatusCode::OK
    );
    let base = deal_fields(&input);

    // The manager changes the value while the rep, offline, renames the deal.
    let mut by_manager = input.clone();
    by_manager["rev"] = json!(1);
    by_manager["value"] = json!("30000");
    assert_eq!(
        app.save(&manager, "deal", by_manager).await.status,
        StatusCode::OK
    );

    let device = Device::new();
    let rename = json!([{ "id": 1, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "title": "Fleet renewal" }, "clock": clock(now() - 60_000) } }]);
    let (_, answers) = device.push(&app, &rep, rename).await;
    assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers:?}");
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["title"], "Fleet renewal");
    assert_eq!(
        page["deal"]["value"], 3_000_000,
        "the manager's value stays"
    );

    // The rep also changed the value from the old base: that is a conflict, theirs is kept.
    let revalue = json!([{ "id": 2, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "value": "15000" }, "clock": clock(now()) } }]);
    let (_, answers) = device.push(&app, &rep, revalue).await;
    assert_eq!(
        answers[0]["outcome"],
        json!({ "status": "conflict", "fields": [{ "field": "value", "mine": "15000", "theirs": "30000" }], "superseded": [] })
    );
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["value"], 3_000_000);

    // "Keep mine": the same edit against what the server has now applies.
    let mut now_base = base.clone();
    now_base["value"] = json!("30000");
    now_base["title"] = json!("Fleet renewal");
    let keep = json!([{ "id": 3, "mutation": { "table": "deal", "id": id, "base": now_base, "fields": { "value": "15000" }, "clock": clock(now()) } }]);
    let (_, answers) = device.push(&app, &rep, keep).await;
    assert_eq!(answers[0]["outcome"]["status"], "applied");
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["value"], 1_500_000);
}

#[tokio::test]
async fn a_descriptive_field_keeps_the_later_edit_by_clock_not_by_arrival() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let input = new_deal(&board, "Clocks");
    let id = input["id"].as_str().expect("id").to_owned();
    let base = deal_fields(&input);
    let device = Device::new();
    let create = json!([{ "id": 1, "mutation": { "table": "deal", "id": id, "base": null, "fields": base, "clock": clock(now() - 100_000) } }]);
    device.push(&app, &rep, create).await;
    let later = json!([{ "id": 2, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "next_step": "Visit at 11" }, "clock": clock(now() - 10_000) } }]);
    device.push(&app, &rep, later).await;
    // An edit made earlier (at "10:00") that arrives last loses, and says so.
    let earlier = json!([{ "id": 3, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "next_step": "Email at 10" }, "clock": clock(now() - 50_000) } }]);
    let (_, answers) = device.push(&app, &rep, earlier).await;
    assert_eq!(
        answers[0]["outcome"],
        json!({ "status": "applied", "superseded": ["next_step"] })
    );
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["next_step"], "Visit at 11");
}

#[tokio::test]
async fn pushes_are_checked_like_forms_and_permissions() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let board = app.board(&manager).await;
    let input = new_deal(&board, "Manager's own");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&manager, "deal", input.clone()).await.status,
        StatusCode::OK
    );
    let base = deal_fields(&input);
    let edit = |n: i64| json!([{ "id": n, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "title": "Mine now" }, "clock": clock(now()) } }]);
    // A teammate's deal is read-only for a rep; another team's is not there at all.
    let (_, answers) = Device::new().push(&app, &rep, edit(1)).await;
    assert_eq!(
        answers[0]["outcome"],
        json!({ "status": "rejected", "error": "Forbidden" })
    );
    let (_, answers) = Device::new().push(&app, &rep2, edit(1)).await;
    assert_eq!(
        answers[0]["outcome"],
        json!({ "status": "rejected", "error": "NotFound" })
    );
    // Bad values are rejected with the field's problem; nothing is saved.
    let bad = json!([{ "id": 1, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "title": " ", "value": "-3" }, "clock": clock(now()) } }]);
    let (_, answers) = Device::new().push(&app, &manager, bad).await;
    assert_eq!(answers[0]["outcome"]["status"], "rejected");
    assert_eq!(
        answers[0]["outcome"]["error"]["Validation"],
        json!([["title", "Required"], ["value", "Negative"]])
    );
    let page = app
        .call(Some(&manager), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["title"], "Manager's own");
    // The owner cannot be changed through fields.
    let (_, answers) = Device::new()
        .push(&app, &manager, json!([{ "id": 2, "mutation": { "table": "deal", "id": id, "base": base, "fields": { "owner": "someone" }, "clock": clock(now()) } }]))
        .await;
    assert_eq!(answers[0]["outcome"]["status"], "applied");
    let page = app
        .call(Some(&manager), "deals/get", json!({ "id": id }))
        .await
        .body;
    assert_eq!(page["deal"]["owner_name"], "Maryam Karimi");
}

#[tokio::test]
async fn a_row_that_leaves_a_users_sight_is_removed_from_their_device() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let mut device = Device::new();
    device.pull(&app, &rep).await;
    let me = app.user_id("rep@example.com").await;
    let deal = device
        .rows
        .iter()
        .find(|(k, r)| k.starts_with("deal/") && r["owner"] == me.as_str())
        .map(|(k, _)| k.clone())
        .expect("own deal");
    let id = deal.trim_start_matches("deal/").to_owned();
    let rep2 = app.user_id("rep2@example.com").await;
    // Reassigned to the other team, through the same logged write path the app uses.
    app.state
        .db
        .query(format!(
            "BEGIN TRANSACTION;
             LET $to = type::record('user', $rep2);
             LET $scope_before = (SELECT owner, team FROM ONLY type::record('deal', $id));
             UPDATE type::record('deal', $id) SET owner = $to, team = $to.team, rev += 1;
             LET $changed = type::record('deal', $id);
             {}
             COMMIT TRANSACTION;",
            app::history::ssr::LOG_CHANGE
        ))
        .bind(("rep2", rep2))
        .bind(("id", id.clone()))
        .await
        .expect("query")
        .check()
        .expect("reassigned");
    let pages = device.pull(&app, &rep).await;
    assert_eq!(pages[0]["removed"], json!([{ "table": "deal", "id": id }]));
    assert!(!device.rows.contains_key(&deal));
}

#[tokio::test]
async fn a_device_built_for_another_role_or_team_downloads_again() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let mut device = Device::new();
    device.pull(&app, &rep).await;
    device.epoch = "Rep:some-old-team".into();
    let pages = device.pull(&app, &rep).await;
    assert_eq!(pages[0]["reset"], true);
}

#[tokio::test]
async fn a_save_through_one_server_pokes_devices_connected_to_another() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let first = demo_app().await;
    // A second server process on the same database: its own state and change watcher.
    let state = app::server::AppState {
        db: first.state.db.clone(),
        secure_cookies: false,
        changes: app::sync::ssr::watch_changes(first.state.db.clone(), 90).await,
        policy: Default::default(),
    };
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("hamrah")
        .build();
    let second = server::http::router(state, options);

    let rep = first.sign_in("rep@example.com").await;
    let request = Request::get("/api/sync/events")
        .header(header::COOKIE, format!("hamrah_session={rep}"))
        .body(Body::empty())
        .expect("request");
    let response = second.oneshot(request).await.expect("stream");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("text/event-stream")
    );
    let mut body = response.into_body();

    let board = first.board(&rep).await;
    assert_eq!(
        first
            .save(&rep, "deal", new_deal(&board, "Poked"))
            .await
            .status,
        StatusCode::OK
    );
    let started = std::time::Instant::now();
    let poke = loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(2), body.frame())
            .await
            .expect("a poke within 2 s")
            .expect("frame")
            .expect("data");
        let text =
            String::from_utf8_lossy(frame.data_ref().map(|b| b.as_ref()).unwrap_or_default())
                .into_owned();
        if text.contains("event: poke") {
            break text;
        }
        assert!(!text.contains("data:"), "only pokes carry data: {text}");
    };
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let seq: i64 = poke
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .and_then(|d| d.trim().parse().ok())
        .expect("seq");
    assert_eq!(
        seq,
        app::sync::ssr::current_seq(&first.state.db)
            .await
            .expect("seq")
    );

    let signed_out = server::http::router(
        first.state.clone(),
        leptos::prelude::LeptosOptions::builder()
            .output_name("hamrah")
            .build(),
    )
    .oneshot(
        Request::get("/api/sync/events")
            .body(Body::empty())
            .expect("request"),
    )
    .await
    .expect("answer");
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_pull_names_as_removed_only_what_the_user_could_see() {
    let app = demo_app().await;
    let north = app.sign_in("rep@example.com").await;
    let south = app.sign_in("rep2@example.com").await;
    let mut device = Device::new();
    device.pull(&app, &south).await;
    // North creates and edits a deal South may not see.
    let board = app.board(&north).await;
    let input = new_deal(&board, "North only");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(app.save(&north, "deal", input).await.status, StatusCode::OK);
    let pages = device.pull(&app, &south).await;
    let text = serde_json::to_string(&pages).expect("json");
    assert!(
        !text.contains(&id),
        "South learns nothing of North's deal: {text}"
    );
    assert_eq!(pages[0]["removed"], json!([]));
}

#[tokio::test]
async fn a_change_number_used_again_for_other_content_is_refused() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let device = Device::new();
    let first = new_deal(&board, "First under 7");
    let second = new_deal(&board, "Second under 7");
    let under_7 = |input: &Value| json!([{ "id": 7, "mutation": { "table": "deal", "id": input["id"], "base": null, "fields": deal_fields(input), "clock": clock(1_000) } }]);
    let (_, answers) = device.push(&app, &rep, under_7(&first)).await;
    assert_eq!(answers[0]["outcome"]["status"], "applied");
    let (status, answers) = device.push(&app, &rep, under_7(&second)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        answers[0]["outcome"],
        json!({ "status": "rejected", "error": { "Validation": [["form", "ChangeNumberReused"]] } })
    );
    assert_eq!(
        count(
            &app,
            "RETURN count(SELECT id FROM deal WHERE title = 'Second under 7')"
        )
        .await,
        0
    );
    // The first content under that number still gets its own answer.
    let (_, again) = device.push(&app, &rep, under_7(&first)).await;
    assert_eq!(again[0]["outcome"]["status"], "applied");
    assert_eq!(
        count(
            &app,
            "RETURN count(SELECT id FROM deal WHERE title = 'First under 7')"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_change_number_repeated_within_one_push_is_answered_as_across_pushes() {
    // A push reads the stored answers of all its changes at once; a number that comes
    // twice in one push must still be applied once, and refused with other content.
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let device = Device::new();
    let same = new_deal(&board, "Twice in one push");
    let other = new_deal(&board, "Other content under 4");
    let under = |n: i64, input: &Value| json!({ "id": n, "mutation": { "table": "deal", "id": input["id"], "base": null, "fields": deal_fields(input), "clock": clock(2_000) } });
    let (status, answers) = device
        .push(
            &app,
            &rep,
            json!([under(4, &same), under(4, &same), under(4, &other)]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answers:?}");
    assert_eq!(answers[0]["outcome"]["status"], "applied");
    assert_eq!(answers[1], answers[0]);
    assert_eq!(
        answers[2]["outcome"],
        json!({ "status": "rejected", "error": { "Validation": [["form", "ChangeNumberReused"]] } })
    );
    for (title, expected) in [("Twice in one push", 1), ("Other content under 4", 0)] {
        let sql = format!("RETURN count(SELECT id FROM deal WHERE title = '{title}')");
        assert_eq!(count(&app, &sql).await, expected, "{title}");
    }
}

#[tokio::test]
async fn an_answer_is_stored_with_the_change_it_answers() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let device = Device::new();
    let input = new_deal(&board, "Receipt");
    let push = json!([{ "id": 3, "mutation": { "table": "deal", "id": input["id"], "base": null, "fields": deal_fields(&input), "clock": clock(now()) } }]);
    device.push(&app, &rep, push).await;
    // The receipt and the log entry of the write carry the same moment: one transaction.
    let mut response = app
        .state
        .db
        .query("RETURN (SELECT VALUE digest FROM sync_outcome WHERE mutation = 3)[0]")
        .await
        .expect("query");
    let digest: Option<String> = response.take(0).expect("digest");
    assert_eq!(digest.map(|d| d.len()), Some(64));
}

#[tokio::test]
async fn a_restored_database_makes_every_device_download_again() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let mut device = Device::new();
    device.pull(&app, &rep).await;
    let again = device.pull(&app, &rep).await;
    assert_eq!(again[0]["reset"], false);
    app.state
        .db
        .query("UPDATE sync_counter:main SET generation = 'restored'")
        .await
        .expect("q")
        .check()
        .expect("ok");
    let after = device.pull(&app, &rep).await;
    assert_eq!(after[0]["reset"], true, "a new generation is a new epoch");
}

#[tokio::test]
async fn a_device_older_than_the_pruned_log_downloads_again() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let mut device = Device::new();
    device.pull(&app, &rep).await;
    let board = app.board(&rep).await;
    assert_eq!(
        app.save(&rep, "deal", new_deal(&board, "After"))
            .await
            .status,
        StatusCode::OK
    );
    let seq = app::sync::ssr::current_seq(&app.state.db)
        .await
        .expect("seq");
    app.state
        .db
        .query(
            "DELETE sync_log WHERE seq <= $seq; UPDATE sync_counter:main SET pruned_through = $seq",
        )
        .bind(("seq", seq))
        .await
        .expect("q")
        .check()
        .expect("ok");
    let pages = device.pull(&app, &rep).await;
    assert_eq!(
        pages[0]["reset"], true,
        "its missed changes are gone from the log"
    );
    assert!(device.rows.values().any(|r| r["title"] == "After"));
}

/// One pushed change: `base` is `None` for a create.
fn change(n: i64, table: &str, id: &str, base: Option<Value>, fields: Value) -> Value {
    json!({ "id": n, "mutation": { "table": table, "id": id, "base": base, "fields": fields, "clock": clock(now() + n) } })
}

/// The outbox is the one way the app writes: every kind is created and then edited through
/// a push, reaches the manager's device, and leaves its history.
#[tokio::test]
async fn every_kind_is_created_and_edited_through_a_push() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let phone = Device::new();
    let mut desk = Device::new();
    desk.pull(&app, &manager).await;
    let board = app.board(&rep).await;
    let [company, contact, deal, activity] = [(); 4].map(|_| app::ids::new_id());
    let deal_input = deal_fields(&new_deal(&board, "Pushed deal"));
    let creates = json!([
        change(
            1,
            "company",
            &company,
            None,
            json!({ "name": "Pushed firm", "industry": "", "phone": "", "email": "", "website": "", "address": "" })
        ),
        change(
            2,
            "contact",
            &contact,
            None,
            json!({ "name": "Pushed person", "title": "", "company": company, "phone": "+98 21 5555 0101", "phone2": "", "email": "", "email2": "" })
        ),
        change(
            3,
            "deal",
            &deal,
            None,
            json!(deal_input.as_object().map(|m| {
                let mut m = m.clone();
                m.insert("company".into(), json!(company));
                m
            }))
        ),
        change(
            4,
            "activity",
            &activity,
            None,
            json!({ "kind": "call", "subject": "Pushed call", "body": "", "due_date": "2027-01-05", "due_time": "", "done": false, "deal": deal, "contact": "", "company": "" })
        ),
    ]);
    let (status, answers) = phone.push(&app, &rep, creates).await;
    assert_eq!(status, StatusCode::OK, "{answers:?}");
    for answer in answers.as_array().expect("answers") {
        assert_eq!(answer["outcome"]["status"], "applied", "{answer:?}");
    }
    let edits = json!([
        change(
            5,
            "company",
            &company,
            Some(json!({ "industry": "" })),
            json!({ "industry": "Logistics" })
        ),
        change(
            6,
            "contact",
            &contact,
            Some(json!({ "title": "" })),
            json!({ "title": "Buyer" })
        ),
        change(
            7,
            "deal",
            &deal,
            Some(json!({ "next_step": "" })),
            json!({ "next_step": "Send the offer" })
        ),
        change(
            8,
            "activity",
            &activity,
            Some(json!({ "done": false })),
            json!({ "done": true })
        ),
    ]);
    let (status, answers) = phone.push(&app, &rep, edits).await;
    assert_eq!(status, StatusCode::OK, "{answers:?}");
    for answer in answers.as_array().expect("answers") {
        assert_eq!(answer["outcome"]["status"], "applied", "{answer:?}");
    }

    desk.pull(&app, &manager).await;
    let row = |key: String| desk.rows.get(&key).cloned().unwrap_or(Value::Null);
    assert_eq!(row(format!("company/{company}"))["industry"], "Logistics");
    assert_eq!(row(format!("contact/{contact}"))["title"], "Buyer");
    assert_eq!(
        row(format!("contact/{contact}"))["company"],
        company.as_str()
    );
    assert_eq!(row(format!("deal/{deal}"))["next_step"], "Send the offer");
    assert_eq!(row(format!("activity/{activity}"))["done"], true);

    assert_eq!(
        app.history_fields(&manager, "company", &company).await,
        ["industry", "created"]
    );
    assert_eq!(
        app.history_fields(&manager, "contact", &contact).await,
        ["job_title", "created"]
    );
    assert_eq!(
        app.history_fields(&manager, "deal", &deal).await,
        ["next_step", "created"]
    );
    // An unknown kind is refused as such, never read as a company.
    let reply = app
        .call(
            Some(&manager),
            "history/list",
            json!({ "table": "deals", "id": deal }),
        )
        .await;
    assert!(reply.status.is_client_error(), "{:?}", reply.status);
}

/// A deal's Source is one of the organisation's list, which only an admin changes; a
/// source removed from the list stays on the deals that have it.
#[tokio::test]
async fn a_deal_source_comes_from_the_organisations_list() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let phone = Device::new();
    let board = app.board(&rep).await;
    let id = app::ids::new_id();
    let mut fields = deal_fields(&new_deal(&board, "From the fair"));
    fields["source"] = json!("exhibition");
    let (_, answers) = phone
        .push(&app, &rep, json!([change(1, "deal", &id, None, fields)]))
        .await;
    assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers:?}");
    // A later edit of the deal from this phone, from `base` to `fields`.
    let edit = |n: i64, base: Value, fields: Value| {
        let (app, rep, phone, id) = (&app, &rep, &phone, &id);
        async move {
            let (_, answers) = phone
                .push(app, rep, json!([change(n, "deal", id, Some(base), fields)]))
                .await;
            answers
        }
    };

    let answers = edit(
        2,
        json!({ "source": "exhibition" }),
        json!({ "source": "Trade fair 2027" }),
    )
    .await;
    assert_eq!(answers[0]["outcome"]["status"], "rejected");
    assert_eq!(
        answers[0]["outcome"]["error"]["Validation"],
        json!([["source", "UnknownSource"]]),
        "{answers:?}"
    );

    // A rep may not change the list; the admin may, and names of defaults become codes.
    let list = json!({ "organisation": { "default_currency": "USD", "deal_sources": ["Referral", "Trade fair 2027", "Website"] } });
    let reply = app
        .call(Some(&rep), "settings/organisation/save", list.clone())
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = app
        .call(Some(&admin), "settings/organisation/save", list)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(
        reply.body["deal_sources"],
        json!(["referral", "Trade fair 2027", "website"])
    );
    let bad = json!({ "organisation": { "default_currency": "USD", "deal_sources": ["Website", " website "] } });
    let reply = app
        .call(Some(&admin), "settings/organisation/save", bad)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);

    // "exhibition" is no longer listed, yet the deal keeps it through other edits.
    let answers = edit(
        3,
        json!({ "next_step": "" }),
        json!({ "next_step": "Call back" }),
    )
    .await;
    assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers:?}");
    let answers = edit(
        4,
        json!({ "source": "exhibition" }),
        json!({ "source": "Trade fair 2027" }),
    )
    .await;
    assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers:?}");
    let mut desk = Device::new();
    desk.pull(&app, &rep).await;
    assert_eq!(
        desk.rows[&format!("deal/{id}")]["source"],
        "Trade fair 2027"
    );
    let history = app
        .call(
            Some(&rep),
            "history/list",
            json!({ "table": "deal", "id": id }),
        )
        .await
        .body;
    assert_eq!(history[0]["field"], "source");
    assert_eq!(history[0]["old"], "exhibition");
    assert_eq!(history[0]["new"], "Trade fair 2027");

    // Emptied, a field is stored as absent, not kept.
    let answers = edit(
        5,
        json!({ "source": "Trade fair 2027", "next_step": "Call back" }),
        json!({ "source": "", "next_step": "" }),
    )
    .await;
    assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers:?}");
    desk.pull(&app, &rep).await;
    let row = &desk.rows[&format!("deal/{id}")];
    assert!(row.get("source").is_none_or(Value::is_null), "{row:?}");
    assert!(row.get("next_step").is_none_or(Value::is_null), "{row:?}");
}
