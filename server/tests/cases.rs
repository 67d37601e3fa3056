//! Cases through the real router: numbered and logged by the server, moved only along their
//! flow, read and written by exactly whom deals are, and listed in a queue with the clocks
//! every device reads alike.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::*;

fn new_case(subject: &str) -> Value {
    json!({
        "id": app::ids::new_id(),
        "kind": "complaint",
        "subject": subject,
        "description": "",
        "company": "",
        "contact": "",
        "deal": "",
        "channel": "phone",
        "category": "Delivery",
        "priority": "high",
        "status": "new",
        "assessment": "",
        "root_cause": "",
        "corrective_action": "",
        "decision": "",
    })
}

async fn page(app: &TestApp, session: &str, id: &str) -> (StatusCode, Value) {
    let reply = app
        .call(Some(session), "cases/get", json!({ "id": id }))
        .await;
    (reply.status, reply.body)
}

/// Moves a case as its page's buttons do: a change of its status from `from`.
async fn move_case(app: &TestApp, session: &str, id: &str, from: &str, to: &str) -> Reply {
    app.push_change(
        session,
        "case",
        id,
        Some(json!({ "status": from })),
        json!({ "status": to }),
    )
    .await
}

#[tokio::test]
async fn a_case_is_numbered_logged_and_moved_along_its_flow_only() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let input = new_case("Order arrived damaged");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&rep, "case", input.clone()).await.status,
        StatusCode::OK
    );
    let (status, body) = page(&app, &rep, &id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let year = time::OffsetDateTime::now_utc().year();
    // The demo's fourteen cases came first.
    assert_eq!(body["case"]["reference"], format!("C-{year}-0015"));
    assert_eq!(body["case"]["log"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["clocks"]["response"]["state"], "on_track");
    assert_eq!(body["can_edit"], true);

    // A second case takes the next number.
    let second = new_case("Wrong invoice");
    assert_eq!(
        app.save(&rep, "case", second.clone()).await.status,
        StatusCode::OK
    );
    let (_, body) = page(&app, &rep, second["id"].as_str().expect("id")).await;
    assert_eq!(body["case"]["reference"], format!("C-{year}-0016"));

    // Acknowledged: the first response is given, and logged.
    assert_eq!(
        move_case(&app, &rep, &id, "new", "acknowledged")
            .await
            .status,
        StatusCode::OK
    );
    let (_, body) = page(&app, &rep, &id).await;
    assert_eq!(body["case"]["status"], "acknowledged");
    let logged: Vec<&str> = body["case"]["log"]
        .as_array()
        .map(|l| l.iter().filter_map(|e| e["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(logged, ["new", "acknowledged"]);
    assert!(body["clocks"]["response"]["done_at"].is_number());

    // Nothing goes back to New; nothing is saved when refused.
    let refused = move_case(&app, &rep, &id, "acknowledged", "new").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.body["Validation"],
        json!([["status", "StatusNotAllowed"]])
    );
    // A move made from a status the case is no longer in is a conflict to settle.
    let stale = move_case(&app, &rep, &id, "new", "in_progress").await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

    // Waiting on the customer stops the resolution clock: no deadline until it runs again.
    assert_eq!(
        move_case(&app, &rep, &id, "acknowledged", "waiting")
            .await
            .status,
        StatusCode::OK
    );
    let (_, body) = page(&app, &rep, &id).await;
    assert_eq!(body["clocks"]["resolution"]["paused"], true);
    assert_eq!(body["clocks"]["resolution"]["due"], Value::Null);
    assert_eq!(
        move_case(&app, &rep, &id, "waiting", "resolved")
            .await
            .status,
        StatusCode::OK
    );
    let (_, body) = page(&app, &rep, &id).await;
    assert_eq!(body["clocks"]["resolution"]["state"], "met");
    let history: Vec<&str> = body["history"]
        .as_array()
        .map(|h| h.iter().filter_map(|c| c["field"].as_str()).collect())
        .unwrap_or_default();
    assert!(history.contains(&"status"), "{history:?}");
}

#[tokio::test]
async fn cases_are_read_and_written_by_exactly_whom_deals_are() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let input = new_case("Printer jams");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(app.save(&rep, "case", input).await.status, StatusCode::OK);

    // The rep's manager (same team) reads and writes it; so does the admin.
    let (status, body) = page(&app, &manager, &id).await;
    assert_eq!((status, &body["can_edit"]), (StatusCode::OK, &json!(true)));
    let (status, body) = page(&app, &admin, &id).await;
    assert_eq!((status, &body["can_edit"]), (StatusCode::OK, &json!(true)));
    // Another team's rep neither reads nor writes it, however asked.
    let (status, _) = page(&app, &rep2, &id).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let denied = move_case(&app, &rep2, &id, "new", "acknowledged").await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND, "{}", denied.body);
    // A teammate's case is read-only for a rep, as a teammate's deal is.
    let manager_case = new_case("Manager's own");
    let manager_id = manager_case["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&manager, "case", manager_case).await.status,
        StatusCode::OK
    );
    let (status, body) = page(&app, &rep, &manager_id).await;
    assert_eq!((status, &body["can_edit"]), (StatusCode::OK, &json!(false)));
    let denied = move_case(&app, &rep, &manager_id, "new", "acknowledged").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.body);
    // Nothing changed.
    let (_, body) = page(&app, &manager, &manager_id).await;
    assert_eq!(body["case"]["status"], "new");

    // A link to what the actor may not read is refused, as on a deal: another team's company.
    let theirs = app
        .call(Some(&rep2), "companies/list", json!({ "query": "" }))
        .await
        .body;
    let theirs = theirs[0]["id"]
        .as_str()
        .expect("rep2 sees a company")
        .to_owned();
    let mut linked = new_case("Linked elsewhere");
    linked["company"] = json!(theirs);
    let refused = app.save(&rep, "case", linked.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.body["Validation"],
        json!([["company", "UnknownCompany"]])
    );
    let (status, _) = page(&app, &rep, linked["id"].as_str().expect("id")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing was saved");
}

#[tokio::test]
async fn a_queue_lists_open_cases_breached_first_and_only_whose_they_are() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let input = new_case("Fresh one");
    assert_eq!(
        app.save(&rep, "case", input.clone()).await.status,
        StatusCode::OK
    );
    let me = app.user_id("rep@example.com").await;
    let queue = |session: &str, view: &str| {
        let session = session.to_owned();
        let view = view.to_owned();
        let app = &app;
        async move {
            let reply = app
                .call(
                    Some(&session),
                    "cases/queue",
                    json!({ "view": view, "filter": {} }),
                )
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reply.body["cases"].as_array().cloned().unwrap_or_default()
        }
    };
    let mine = queue(&rep, "mine").await;
    assert!(mine.iter().any(|c| c["id"] == input["id"]));
    for case in &mine {
        assert!(!["resolved", "closed"].contains(&case["status"].as_str().unwrap_or_default()));
        let (_, body) = page(&app, &rep, case["id"].as_str().unwrap_or_default()).await;
        assert_eq!(body["case"]["owner"], me.as_str());
    }
    // The team's queue holds the rep's and more; breached cases lead it.
    let team = queue(&manager, "team").await;
    assert!(team.len() > mine.len(), "{} ≤ {}", team.len(), mine.len());
    let states: Vec<bool> = team
        .iter()
        .map(|c| {
            let clocks = &c["clocks"];
            let current = if clocks["response"]["done_at"].is_null()
                && clocks["resolution"]["done_at"].is_null()
            {
                &clocks["response"]
            } else {
                &clocks["resolution"]
            };
            current["state"] == "breached"
        })
        .collect();
    let first_unbreached = states.iter().position(|b| !b).unwrap_or(states.len());
    assert!(states[first_unbreached..].iter().all(|b| !b), "{states:?}");
    assert!(states.iter().any(|b| *b), "the demo has an overdue case");
}

#[tokio::test]
async fn service_figures_count_what_each_reader_may_see_and_open_their_cases() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let refused = app
        .call(Some(&rep), "cases/figures", json!({ "days": 30 }))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A case answered in time and resolved in time, then the figures.
    let input = new_case("Answered at once");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&manager, "case", input).await.status,
        StatusCode::OK
    );
    let before = app
        .call(Some(&manager), "cases/figures", json!({ "days": 30 }))
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(
        move_case(&app, &manager, &id, "new", "resolved")
            .await
            .status,
        StatusCode::OK
    );
    let after = app
        .call(Some(&manager), "cases/figures", json!({ "days": 30 }))
        .await
        .body;
    let count = |v: &Value, promise: &str, field: &str| v[promise][field].as_i64().unwrap_or(0);
    assert_eq!(
        count(&after, "resolution", "count"),
        count(&before.body, "resolution", "count") + 1
    );
    assert_eq!(
        count(&after, "resolution", "met"),
        count(&before.body, "resolution", "met") + 1
    );
    assert_eq!(
        count(&after, "response", "count"),
        count(&before.body, "response", "count") + 1
    );

    // Open cases by status add up to the team's queue, and each opens its own cases.
    for (session, who) in [(&manager, "manager"), (&admin, "admin")] {
        let figures = app
            .call(Some(session), "cases/figures", json!({ "days": 90 }))
            .await
            .body;
        let by_status = figures["open_by_status"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let total: i64 = by_status.iter().map(|s| s[1].as_i64().unwrap_or(0)).sum();
        let queue = app
            .call(
                Some(session),
                "cases/queue",
                json!({ "view": "team", "filter": {} }),
            )
            .await
            .body;
        assert_eq!(
            total,
            queue["cases"].as_array().map_or(0, |c| c.len() as i64),
            "{who}"
        );
        let ages: i64 = figures["open_by_age"]
            .as_array()
            .map_or(0, |a| a.iter().filter_map(Value::as_i64).sum());
        assert_eq!(ages, total, "{who}: every open case has an age");
        for entry in by_status {
            let status = entry[0].as_str().expect("a status");
            let narrowed = app
                .call(
                    Some(session),
                    "cases/queue",
                    json!({ "view": "team", "filter": { "status": status } }),
                )
                .await
                .body;
            let cases = narrowed["cases"].as_array().cloned().unwrap_or_default();
            assert_eq!(
                cases.len() as i64,
                entry[1].as_i64().unwrap_or(0),
                "{who} {status}"
            );
            assert!(cases.iter().all(|c| c["status"] == status));
        }
    }
    // The admin sees more than the manager's team.
    let team = app
        .call(Some(&manager), "cases/figures", json!({ "days": 365 }))
        .await
        .body;
    let all = app
        .call(Some(&admin), "cases/figures", json!({ "days": 365 }))
        .await
        .body;
    let agents = |v: &Value| v["agents"].as_array().map_or(0, Vec::len);
    assert!(
        agents(&all) > agents(&team),
        "{} ≤ {}",
        agents(&all),
        agents(&team)
    );
}
