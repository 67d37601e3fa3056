//! The manager's tools on the deals table: stalled deals (the database's rule held against
//! the Rust one), changes to many deals at once (permissions, all or nothing, history and
//! sync), and the CSV export.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{TestApp, demo_app};

async fn table(app: &TestApp, session: &str, query: Value) -> Value {
    let reply = app
        .call(Some(session), "deals/table", json!({ "query": query }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

async fn ids_of(app: &TestApp, session: &str, query: Value) -> Vec<String> {
    table(app, session, query).await["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

#[derive(serde::Deserialize, Debug)]
struct Stored {
    id: String,
    stage: String,
    owner: String,
    touched_at: String,
}

async fn deals(app: &TestApp) -> Vec<Stored> {
    let mut response = app
        .state
        .db
        .query(
            "SELECT record::id(id) AS id, record::id(stage) AS stage, record::id(owner) AS owner,
                <string>touched_at AS touched_at FROM deal",
        )
        .await
        .expect("query");
    let rows: Vec<Value> = response.take(0).expect("rows");
    rows.into_iter()
        .map(|r| serde_json::from_value(r).expect("a deal"))
        .collect()
}

/// The table's stalled filter (SurrealQL) selects exactly the deals the Rust rule marks,
/// and every stalled row carries the mark; an activity on a stalled deal un-stalls it.
#[tokio::test]
async fn the_stalled_filter_and_the_stalled_mark_agree() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let pipeline: app::pipeline::Pipeline =
        serde_json::from_value(app.call(Some(&admin), "pipeline/get", json!({})).await.body)
            .expect("a pipeline");
    let stall = app::deals::stalled::Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let mut expected: Vec<String> = deals(&app)
        .await
        .into_iter()
        .filter(|d| {
            stall.is_stalled(
                &d.stage,
                Some(d.touched_at.trim_start_matches("d'").trim_matches('\'')),
            )
        })
        .map(|d| d.id)
        .collect();
    expected.sort();
    assert!(
        expected.len() >= 3,
        "the demo shows stalled deals: {expected:?}"
    );
    let page = table(&app, &admin, json!({ "stalled": true, "page": 0 })).await;
    assert_eq!(page["total"].as_i64(), Some(expected.len() as i64));
    let mut listed: Vec<String> = Vec::new();
    for number in 0..=(expected.len() / 50) {
        for row in table(&app, &admin, json!({ "stalled": true, "page": number })).await["rows"]
            .as_array()
            .expect("rows")
        {
            assert_eq!(row["stalled"], json!(true), "{row}");
            listed.push(row["id"].as_str().expect("id").to_owned());
        }
    }
    listed.sort();
    assert_eq!(listed, expected);

    // The dashboard counts the same deals; Today lists the admin's.
    let dashboard = app
        .call(
            Some(&admin),
            "dashboard",
            json!({ "filters": { "period": { "kind": "this_month" } }, "calendar": "gregorian" }),
        )
        .await;
    assert_eq!(
        dashboard.body["stalled_count"].as_i64(),
        Some(expected.len() as i64)
    );
    let today = app.call(Some(&admin), "activities/today", json!({})).await;
    assert_eq!(
        today.body["stalled_count"].as_i64(),
        Some(expected.len() as i64)
    );

    // A call logged against one of them: it is worked on again.
    let deal = &expected[0];
    let logged = app
        .save(
            &admin,
            "activity",
            json!({ "id": app::ids::new_id(), "rev": null, "kind": "call", "subject": "Checked in",
                "done": true, "deal": deal }),
        )
        .await;
    assert_eq!(logged.status, StatusCode::OK, "{:?}", logged.body);
    let after = ids_of(&app, &admin, json!({ "stalled": true })).await;
    assert!(!after.contains(deal), "{deal} still stalled");
    assert_eq!(
        table(&app, &admin, json!({ "stalled": true })).await["total"].as_i64(),
        Some(expected.len() as i64 - 1)
    );
}

#[tokio::test]
async fn days_until_stalled_are_set_per_open_stage_and_checked() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let pipeline = app.call(Some(&admin), "pipeline/get", json!({})).await.body;
    let rows = |days: &str| -> Vec<Value> {
        pipeline["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .map(|s| json!({ "id": s["id"], "name": s["name"], "probability": s["probability"].to_string(),
                "outcome": s["outcome"], "stall_days": days }))
            .collect()
    };
    let refused = app
        .call(
            Some(&admin),
            "pipeline/save",
            json!({ "stages": rows("400") }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("stages.0.stall_days"),
        "{:?}",
        refused.body
    );
    let saved = app
        .call(
            Some(&admin),
            "pipeline/save",
            json!({ "stages": rows("۳۰") }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let days: Vec<Value> = saved.body["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| (s["outcome"].clone(), s["stall_days"].clone()))
        .map(|(o, d)| json!([o, d]))
        .collect();
    assert!(days.contains(&json!(["open", 30])), "{days:?}");
    assert!(days.contains(&json!(["won", null])), "{days:?}");
}

/// A manager gives two deals of the team to a teammate: both change in one go, with a
/// history line and a sync entry each; the teammate's device gets them.
#[tokio::test]
async fn a_manager_reassigns_deals_within_the_team_only() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let manager_id = app.user_id("manager@example.com").await;
    let rep_id = app.user_id("rep@example.com").await;
    let south_id = app.user_id("rep2@example.com").await;
    let mine = ids_of(
        &app,
        &manager,
        json!({ "owner": manager_id, "outcome": "open" }),
    )
    .await;
    let two: Vec<String> = mine.into_iter().take(2).collect();
    assert_eq!(two.len(), 2);

    let refused = app
        .call(
            Some(&manager),
            "deals/bulk",
            json!({ "ids": two, "change": { "do": "reassign", "owner": south_id } }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.to_string().contains("NotAssignable"),
        "{:?}",
        refused.body
    );

    let rep_session = app.sign_in("rep@example.com").await;
    let before = support::device(&app, &rep_session).await;
    let done = app
        .call(
            Some(&manager),
            "deals/bulk",
            json!({ "ids": two, "change": { "do": "reassign", "owner": rep_id } }),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{:?}", done.body);
    assert_eq!(done.body, json!(2));
    let stored = deals(&app).await;
    for id in &two {
        let deal = stored.iter().find(|d| &d.id == id).expect("kept");
        assert_eq!(deal.owner, rep_id);
        let page = app
            .call(Some(&manager), "deals/get", json!({ "id": id }))
            .await;
        let history = page.body["history"].as_array().expect("history");
        assert!(
            history
                .iter()
                .any(|c| c["field"] == "owner" && c["new"] == "Reza Ahmadi"),
            "{history:?}"
        );
    }
    // The rep's device hears of the change.
    let after = support::device(&app, &rep_session).await;
    for id in &two {
        assert_eq!(
            after
                .deals
                .get(id.as_str())
                .map(|d| d.stamp.owner.to_string()),
            Some(rep_id.clone())
        );
    }
    assert!(after.deals.len() >= before.deals.len());

    // A rep may not hand out the team's deals, not even to themself.
    let rep_refused = app
        .call(
            Some(&rep_session),
            "deals/bulk",
            json!({ "ids": two, "change": { "do": "reassign", "owner": manager_id } }),
        )
        .await;
    assert_eq!(rep_refused.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Moving deals is all or nothing: a lost stage needs a reason, a deal the user may not
/// change refuses the whole batch, and a move writes the stage entry the funnel counts.
#[tokio::test]
async fn moving_deals_is_all_or_nothing() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&admin).await;
    let lost = support::stage_id(&board, "Lost");
    let negotiation = support::stage_id(&board, "Negotiation");
    let rep_id = app.user_id("rep@example.com").await;
    let theirs = ids_of(&app, &admin, json!({ "owner": rep_id, "outcome": "open" })).await;
    let others = ids_of(&app, &admin, json!({ "outcome": "open" }))
        .await
        .into_iter()
        .filter(|id| !theirs.contains(id))
        .take(1)
        .collect::<Vec<_>>();
    let snapshot = deals(&app).await;
    let stage_of =
        |stored: &[Stored], id: &str| stored.iter().find(|d| d.id == id).map(|d| d.stage.clone());

    let no_reason = app
        .call(
            Some(&admin),
            "deals/bulk",
            json!({ "ids": [theirs[0]], "change": { "do": "move", "stage": lost } }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason.body.to_string().contains("lost_reason"),
        "{:?}",
        no_reason.body
    );

    let mixed: Vec<&String> = theirs.iter().take(1).chain(others.iter()).collect();
    let refused = app
        .call(
            Some(&rep),
            "deals/bulk",
            json!({ "ids": mixed, "change": { "do": "move", "stage": negotiation } }),
        )
        .await;
    assert!(
        refused.status == StatusCode::FORBIDDEN || refused.status == StatusCode::NOT_FOUND,
        "{:?}",
        refused.status
    );
    let unchanged = deals(&app).await;
    for id in &mixed {
        assert_eq!(
            stage_of(&unchanged, id),
            stage_of(&snapshot, id),
            "{id} moved"
        );
    }

    let bad = app
        .call(
            Some(&admin),
            "deals/bulk",
            json!({ "ids": ["x' OR true"], "change": { "do": "move", "stage": negotiation } }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let moved = app
        .call(
            Some(&admin),
            "deals/bulk",
            json!({ "ids": theirs.iter().take(2).collect::<Vec<_>>(),
                "change": { "do": "move", "stage": lost, "lost_reason": "Went quiet" } }),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let mut response = app
        .state
        .db
        .query(
            "SELECT count() AS count FROM stage_entry WHERE deal IN $deals AND stage = $stage GROUP ALL;
             SELECT VALUE lost_reason FROM $deals;",
        )
        .bind((
            "deals",
            theirs
                .iter()
                .take(2)
                .map(|id| app::kinds::Table::Deal.rid(id))
                .collect::<Vec<_>>(),
        ))
        .bind(("stage", app::db::rid("stage", &lost)))
        .await
        .expect("query");
    let entries: Vec<Value> = response.take(0).expect("count");
    assert_eq!(entries[0]["count"], json!(2));
    let reasons: Vec<Option<String>> = response.take(1).expect("reasons");
    assert_eq!(
        reasons,
        [Some("Went quiet".into()), Some("Went quiet".into())]
    );
}

async fn export(app: &TestApp, session: Option<&str>, query: &str) -> (StatusCode, String) {
    let mut request =
        Request::get(format!("/deals/export.csv?{query}")).header(header::HOST, "localhost:3000");
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("hamrah_session={session}"));
    }
    let reply = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    let text = match reply.body {
        Value::String(text) => text,
        other => other.to_string(),
    };
    (reply.status, text)
}

/// The export holds every row the filter selects, not a page; Persian users read Persian
/// headings; a stranger gets nothing.
#[tokio::test]
async fn the_export_is_the_whole_filtered_table_as_csv() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let total = table(&app, &admin, json!({ "outcome": "won" })).await["total"]
        .as_i64()
        .expect("total");
    assert!(total > 50, "more than one page: {total}");
    let (status, csv) = export(&app, Some(&admin), "outcome=won&sort=value").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with('\u{feff}'), "a byte order mark");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len() as i64, total + 1, "a heading and every row");
    assert!(
        lines[0].contains("Title,Company,Owner,Stage,Value,Currency"),
        "{}",
        lines[0]
    );

    let persian = app.sign_in("negar@example.com").await;
    let (status, csv) = export(&app, Some(&persian), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains("عنوان"), "{}", &csv[..200.min(csv.len())]);

    let (status, _) = export(&app, None, "").await;
    assert!(
        status == StatusCode::UNAUTHORIZED || status.is_redirection(),
        "{status}"
    );
    let (status, _) = export(&app, Some(&admin), "q=%FF%FE&stage=';DROP").await;
    assert_eq!(status, StatusCode::OK, "bad parts of a query are left out");
}

/// A manager sets their reps' targets for a month or a quarter, an admin a team's; the
/// Dashboard shows won against them.
#[tokio::test]
async fn targets_are_set_by_whoever_runs_the_rep_or_the_team() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let rep = app.user_id("rep@example.com").await;
    let south_rep = app.user_id("rep2@example.com").await;
    let me = app.user_id("manager@example.com").await;
    let set = |session: String,
               period: &'static str,
               whose: &'static str,
               id: String,
               amount: &'static str| {
        let app = &app;
        async move {
            app.call(
                Some(&session),
                "dashboard/target",
                json!({ "period": { "kind": period }, "calendar": "gregorian", "whose": whose, "id": id, "amount": amount }),
            )
            .await
        }
    };
    assert_eq!(
        set(manager.clone(), "this_month", "rep", rep.clone(), "25,000")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        set(
            manager.clone(),
            "this_month",
            "rep",
            south_rep.clone(),
            "1000"
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        set(manager.clone(), "this_month", "rep", me.clone(), "1000")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let north = {
        let mut r = app
            .state
            .db
            .query("RETURN (SELECT VALUE record::id(id) FROM team WHERE name = 'North')[0]")
            .await
            .expect("query");
        r.take::<Option<String>>(0).expect("id").expect("North")
    };
    assert_eq!(
        set(manager.clone(), "this_month", "team", north.clone(), "1000")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        set(manager.clone(), "this_year", "rep", rep.clone(), "1000")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        set(manager.clone(), "this_month", "rep", rep.clone(), "lots")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        set(
            admin.clone(),
            "this_quarter",
            "team",
            north.clone(),
            "90000"
        )
        .await
        .status,
        StatusCode::OK
    );

    let dashboard = |session: String, period: &'static str| {
        let app = &app;
        async move {
            app.call(
                Some(&session),
                "dashboard",
                json!({ "filters": { "period": { "kind": period } }, "calendar": "gregorian" }),
            )
            .await
            .body
        }
    };
    let month = dashboard(manager.clone(), "this_month").await;
    assert_eq!(month["targets_settable"], json!(true));
    let row = month["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["id"].as_str().is_some_and(|id| id.contains(&rep)))
        .expect("the rep's row");
    assert_eq!(row["target"], json!(2_500_000));
    let quarter = dashboard(admin.clone(), "this_quarter").await;
    let team = quarter["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["whose"] == "team" && t["name"] == "North")
        .expect("the team's row");
    assert_eq!(team["target"], json!(9_000_000));
    // A rep sees no one's targets.
    let reps_view = dashboard(app.sign_in("rep@example.com").await, "this_month").await;
    assert_eq!(reps_view["targets"], json!([]));
    // Cleared with an empty amount.
    assert_eq!(
        set(manager.clone(), "this_month", "rep", rep.clone(), "")
            .await
            .status,
        StatusCode::OK
    );
    let cleared = dashboard(manager, "this_month").await;
    let row = cleared["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["id"].as_str().is_some_and(|id| id.contains(&rep)))
        .expect("the rep's row");
    assert!(row["target"].is_null(), "{row:?}");
}

/// Saved views are each user's own: saved again under its name a view is replaced, and
/// nobody else can list or delete it.
#[tokio::test]
async fn saved_views_belong_to_their_user() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let save = |session: String, name: &'static str, query: Value| {
        let app = &app;
        async move {
            app.call(
                Some(&session),
                "deals/views/save",
                json!({ "name": name, "query": query }),
            )
            .await
        }
    };
    let first = save(
        manager.clone(),
        "Stalled, by value",
        json!({ "stalled": true, "sort": "value", "page": 3, "columns": ["title", "value"] }),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let again = save(
        manager.clone(),
        "Stalled, by value",
        json!({ "stalled": true, "sort": "title" }),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let blank = save(manager.clone(), " ", json!({})).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app
        .call(Some(&manager), "deals/views/list", json!({}))
        .await
        .body;
    let views = list.as_array().expect("views");
    assert_eq!(views.len(), 1, "{views:?}");
    assert_eq!(views[0]["query"], "stalled=1&sort=title");
    assert_eq!(
        app.call(Some(&admin), "deals/views/list", json!({}))
            .await
            .body,
        json!([])
    );
    let id = views[0]["id"].as_str().expect("id").to_owned();
    let theirs = app
        .call(Some(&admin), "deals/views/delete", json!({ "id": id }))
        .await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(
        app.call(Some(&manager), "deals/views/list", json!({}))
            .await
            .body
            .as_array()
            .map(Vec::len),
        Some(1),
        "another user's delete touches nothing"
    );
    app.call(Some(&manager), "deals/views/delete", json!({ "id": id }))
        .await;
    assert_eq!(
        app.call(Some(&manager), "deals/views/list", json!({}))
            .await
            .body,
        json!([])
    );
}
