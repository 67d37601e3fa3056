//! Server functions end to end through the HTTP router, against an in-memory database with
//! the demo organisation.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{demo_app, new_deal, session_from, stage_id};

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_rejects_wrong_passwords() {
    let app = demo_app().await;
    let wrong = app.attempt("rep@example.com", "nope").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.body,
        json!({ "Validation": [["form", "WrongCredentials"]] })
    );
    assert!(session_from(&wrong).is_none());

    let ok = app.attempt(" REP@example.com ", "hamrah-demo").await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.body["email"], "rep@example.com");
    assert_eq!(ok.body["role"], "rep");
    assert_eq!(ok.body["team_name"], "North");
    let cookie = ok
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain HTTP in tests");

    let session = session_from(&ok).expect("session");
    let me = app.call(Some(&session), "auth/me", json!({})).await;
    assert_eq!(me.body["email"], "rep@example.com");
    app.call(Some(&session), "auth/sign_out", json!({})).await;
    let after = app.call(Some(&session), "auth/me", json!({})).await;
    assert_eq!(
        after.body,
        serde_json::Value::Null,
        "the session is gone from the database"
    );
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_per_account() {
    let app = demo_app().await;
    let attempt = || app.attempt("rep2@example.com", "guess");
    for _ in 0..5 {
        assert_eq!(attempt().await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = attempt().await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        blocked.body["RateLimited"]["retry_after_secs"]
            .as_u64()
            .is_some_and(|s| s > 0 && s <= 30)
    );
    assert!(blocked.headers.contains_key(header::RETRY_AFTER));
    // Even the right password waits: the block is on the account, stored in the database.
    let right = app.attempt("rep2@example.com", "hamrah-demo").await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn data_needs_a_session_and_pages_redirect_to_sign_in() {
    let app = demo_app().await;
    assert_eq!(
        app.call(None, "deals/board", json!({})).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call(Some(&"ab".repeat(32)), "deals/board", json!({}))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let page = app
        .send(
            Request::get("/pipeline")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some("/sign-in")
    );
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    let request = Request::post("/api/deals/board")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, format!("hamrah_session={session}"))
        .body(Body::from("{}"))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_reps_deal_is_seen_by_the_team_manager_but_not_by_another_team() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = new_deal(&board, "Hamrah test deal");
    let id = deal["id"].as_str().expect("id").to_owned();
    let saved = app.save(&rep, "deal", deal.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(saved.body, json!(id));

    let mine = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.body["deal"]["title"], "Hamrah test deal");
    assert_eq!(mine.body["deal"]["value"], 1_250_000);
    assert_eq!(mine.body["deal"]["stage_name"], "Lead");
    assert_eq!(mine.body["can_edit"], true);
    assert_eq!(mine.body["history"][0]["field"], "created");

    let manager = app.sign_in("manager@example.com").await;
    let seen = app
        .call(Some(&manager), "deals/get", json!({ "id": id }))
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(
        seen.body["can_edit"], true,
        "a manager writes the team's deals"
    );

    let other = app.sign_in("rep2@example.com").await;
    let hidden = app
        .call(Some(&other), "deals/get", json!({ "id": id }))
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(hidden.body, json!("NotFound"));
    let board = app.board(&other).await;
    let titles: Vec<&str> = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .flat_map(|c| {
            c["deals"]
                .as_array()
                .expect("deals")
                .iter()
                .filter_map(|d| d["title"].as_str())
        })
        .collect();
    assert!(!titles.contains(&"Hamrah test deal"));
    let mut stolen = deal.clone();
    stolen["rev"] = json!(1);
    stolen["title"] = json!("Stolen");
    let stolen = app.save(&other, "deal", stolen).await;
    assert_eq!(
        stolen.status,
        StatusCode::NOT_FOUND,
        "another team cannot even learn it exists"
    );
    let moved = app
        .move_deal(&other, &id, &stage_id(&board, "Won"), None)
        .await;
    assert_eq!(moved.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_rep_reads_but_cannot_change_a_teammates_deal() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let board = app.board(&manager).await;
    let deal = new_deal(&board, "Manager's own deal");
    let id = deal["id"].as_str().expect("id").to_owned();
    assert_eq!(
        app.save(&manager, "deal", deal.clone()).await.status,
        StatusCode::OK
    );

    let rep = app.sign_in("rep@example.com").await;
    let read = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.body["can_edit"], false);
    let mut change = deal.clone();
    change["rev"] = json!(1);
    let refused = app.save(&rep, "deal", change).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let moved = app
        .move_deal(&rep, &id, &stage_id(&board, "Qualified"), None)
        .await;
    assert_eq!(moved.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_input_is_reported_per_field_and_nothing_is_saved() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let mut deal = new_deal(&board, "");
    deal["value"] = json!("-10");
    deal["stage"] = json!("not-a-stage");
    deal["expected_close"] = json!("2026-02-30");
    deal["company"] = json!(app::ids::new_id());
    let id = deal["id"].clone();
    let reply = app.save(&rep, "deal", deal).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = &reply.body["Validation"];
    for (field, problem) in [
        ("title", json!("Required")),
        ("value", json!("Negative")),
        ("stage", json!("UnknownStage")),
        ("expected_close", json!("InvalidDate")),
        ("company", json!("UnknownCompany")),
    ] {
        assert!(
            errors
                .as_array()
                .expect("list")
                .contains(&json!([field, problem])),
            "{field}: {errors}"
        );
    }
    assert_eq!(
        app.call(Some(&rep), "deals/get", json!({ "id": id }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let company = app.save(&rep, "company", json!({
        "id": app::ids::new_id(), "rev": null, "name": "Good Name", "industry": "", "phone": "call me",
        "email": "not-an-email", "website": "", "address": "" })).await;
    assert_eq!(company.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        company.body["Validation"],
        json!([["phone", "InvalidPhone"], ["email", "InvalidEmail"]])
    );
    let list = app
        .call(
            Some(&rep),
            "companies/list",
            json!({ "query": "good name" }),
        )
        .await;
    assert_eq!(list.body, json!([]));
}

#[tokio::test]
async fn moving_stages_records_history_and_stale_edits_conflict() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = new_deal(&board, "Conflict check");
    let id = deal["id"].as_str().expect("id").to_owned();
    app.save(&rep, "deal", deal).await;

    let moved = app
        .move_deal(&rep, &id, &stage_id(&board, "Qualified"), None)
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let page = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(page.body["deal"]["rev"], 2);
    // A board that still showed the deal in Lead: its move is a conflict, not a silent win.
    let stale = app
        .move_deal(
            &rep,
            &id,
            &stage_id(&board, "Proposal"),
            Some(&stage_id(&board, "Lead")),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let to_lost = app
        .move_deal(&rep, &id, &stage_id(&board, "Lost"), None)
        .await;
    assert_eq!(
        to_lost.body,
        json!({ "Validation": [["lost_reason", "LostReasonRequired"]] })
    );

    let page = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
    assert_eq!(page.body["deal"]["stage_name"], "Qualified");
    assert_eq!(page.body["deal"]["probability"], 25);
    let latest = &page.body["history"][0];
    assert_eq!(
        (
            latest["field"].as_str(),
            latest["old"].as_str(),
            latest["new"].as_str()
        ),
        (Some("stage"), Some("Lead"), Some("Qualified"))
    );
    assert_eq!(latest["by_name"], "Reza Ahmadi");
}

#[tokio::test]
async fn a_retried_create_makes_one_record() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = new_deal(&board, "Sent twice");
    // The same change sent again by the same device (its answer was lost on the way).
    let mutation = json!({ "table": "deal", "id": deal["id"], "base": null, "fields": deal, "clock": "000000000001000-000000-dev" });
    let push = json!({ "request": { "client": app::ids::new_id(), "mutations": [{ "id": 1, "mutation": mutation }] } });
    for _ in 0..2 {
        let reply = app.call(Some(&rep), "sync/push", push.clone()).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(
            reply.body[0]["outcome"]["status"], "applied",
            "{:?}",
            reply.body
        );
    }
    let board = app.board(&rep).await;
    let copies = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .flat_map(|c| c["deals"].as_array().expect("deals").iter())
        .filter(|d| d["title"] == "Sent twice")
        .count();
    assert_eq!(copies, 1);
}

#[tokio::test]
async fn demo_organisation_is_realistic_and_totals_come_from_the_database() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let board = app.board(&admin).await;
    let columns = board["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 6);
    let deals: i64 = columns
        .iter()
        .map(|c| c["count"].as_i64().expect("count"))
        .sum();
    assert!(deals >= 80, "{deals} deals");
    assert!(
        columns.iter().all(|c| c["count"].as_i64() > Some(0)),
        "every stage has deals"
    );
    // Each column lists its first page of cards; the count covers all of them.
    for column in columns {
        let listed = column["deals"].as_array().expect("deals").len() as i64;
        let count = column["count"].as_i64().expect("a count");
        assert_eq!(listed, count.min(i64::from(app::deals::CARDS_AT_ONCE)));
    }
    let companies = app
        .call(Some(&admin), "companies/list", json!({ "query": "" }))
        .await;
    assert!(companies.body.as_array().expect("list").len() >= 50);
    let filtered = app
        .call(
            Some(&admin),
            "companies/list",
            json!({ "query": "LOGISTICS" }),
        )
        .await;
    let names = filtered.body.as_array().expect("list");
    assert!(
        !names.is_empty()
            && names
                .iter()
                .all(|c| c["name"].as_str().is_some_and(|n| n.contains("Logistics")))
    );
    let contacts = app
        .call(Some(&admin), "contacts/list", json!({ "query": "" }))
        .await;
    assert!(contacts.body.as_array().expect("list").len() >= 120);

    let rep = app.sign_in("rep@example.com").await;
    let today = app.call(Some(&rep), "activities/today", json!({})).await;
    assert_eq!(today.status, StatusCode::OK, "{:?}", today.body);
    assert!(
        !today.body["overdue"]
            .as_array()
            .expect("overdue")
            .is_empty()
    );
    assert!(!today.body["due_today"].as_array().expect("due").is_empty());
    let rep_board = app.board(&rep).await;
    let rep_deals: i64 = rep_board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert!(
        rep_deals > 0 && rep_deals < deals,
        "a rep sees the team's deals only ({rep_deals} of {deals})"
    );
}

#[tokio::test]
async fn activities_are_logged_linked_and_ticked_off() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = new_deal(&board, "Deal with a call");
    let deal_id = deal["id"].as_str().expect("id").to_owned();
    app.save(&rep, "deal", deal).await;
    let activity_id = app::ids::new_id();
    let saved = app.save(&rep, "activity", json!({
        "id": activity_id, "rev": null, "kind": "call", "subject": "Call the buyer", "body": "", "due_date": "2026-11-20",
        "due_time": "10:30", "done": false, "deal": deal_id, "contact": "", "company": "" })).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let done = app.set_done(&rep, &activity_id, true).await;
    assert_eq!(done.status, StatusCode::OK);
    let page = app
        .call(Some(&rep), "deals/get", json!({ "id": deal_id }))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let item = &page.body["activities"][0];
    assert_eq!(
        (
            item["subject"].as_str(),
            item["done"].as_bool(),
            item["deal_title"].as_str()
        ),
        (Some("Call the buyer"), Some(true), Some("Deal with a call"))
    );

    let other = app.sign_in("rep2@example.com").await;
    assert_eq!(
        app.set_done(&other, &activity_id, false).await.status,
        StatusCode::NOT_FOUND
    );
    let sneaky = app.save(&other, "activity", json!({
        "id": app::ids::new_id(), "rev": null, "kind": "note", "subject": "Peek", "body": "", "due_date": "", "due_time": "",
        "done": false, "deal": deal_id, "contact": "", "company": "" })).await;
    assert_eq!(
        sneaky.body,
        json!({ "Validation": [["deal", "UnknownDeal"]] }),
        "cannot attach to a hidden deal"
    );
}

#[tokio::test]
async fn malformed_ids_are_not_found_not_errors() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    for id in [
        "",
        "deal:1",
        "'; DELETE deal; --",
        "0190C5E4-8B5A-7000-8000-000000000000",
    ] {
        let reply = app.call(Some(&rep), "deals/get", json!({ "id": id })).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{id}");
    }
    let garbage = app.save(&rep, "deal", json!(42)).await;
    assert!(garbage.status.is_client_error(), "{:?}", garbage.status);
}

#[tokio::test]
async fn today_is_the_reps_local_day_even_when_rendered_on_the_server() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    // Pick a zone whose date differs from UTC's right now: UTC+14 late in the UTC day, UTC-12 early.
    let utc = time::OffsetDateTime::now_utc();
    let minutes: i32 = if utc.hour() >= 10 { 14 * 60 } else { -12 * 60 };
    let local = utc.to_offset(time::UtcOffset::from_whole_seconds(minutes * 60).expect("offset"));
    assert_ne!(local.date(), utc.date());
    let today = format!(
        "{:04}-{:02}-{:02}",
        local.year(),
        u8::from(local.month()),
        local.day()
    );
    let saved = app.save(&rep, "activity", json!({
        "id": app::ids::new_id(), "rev": null, "kind": "task", "subject": "Due on my local today", "body": "",
        "due_date": today, "due_time": "", "done": false, "deal": "", "contact": "", "company": "" })).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    let page = app
        .send(
            Request::get("/")
                .header(
                    header::COOKIE,
                    format!("hamrah_session={rep}; hamrah_tz={minutes}"),
                )
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html").to_owned();
    let due_heading = html.find("id=\"due-h\"").expect("a Due today section");
    let item = html
        .find("Due on my local today")
        .expect("the task is listed");
    assert!(item > due_heading, "listed under Due today, not Overdue");
}

#[tokio::test]
async fn a_company_timeline_gathers_its_contacts_and_deals_activities_and_nothing_else() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let save = |kind: &'static str, input: serde_json::Value| {
        let (app, rep) = (&app, &rep);
        async move {
            let saved = app.save(rep, kind, input).await;
            assert_eq!(saved.status, StatusCode::OK, "{kind}: {:?}", saved.body);
        }
    };
    let company = app::ids::new_id();
    save("company", json!({ "id": company, "rev": null, "name": "Timeline Ltd", "industry": "", "phone": "", "email": "", "website": "", "address": "" })).await;
    let contact = app::ids::new_id();
    save("contact", json!({ "id": contact, "rev": null, "name": "Tara Timeline", "title": "", "company": company, "phone": "", "phone2": "", "email": "", "email2": "" })).await;
    let board = app.board(&rep).await;
    let mut deal = new_deal(&board, "Timeline deal");
    deal["company"] = json!(company);
    let deal_id = deal["id"].as_str().expect("id").to_owned();
    save("deal", deal).await;
    let elsewhere = new_deal(&board, "Unrelated deal");
    let elsewhere_id = elsewhere["id"].as_str().expect("id").to_owned();
    save("deal", elsewhere).await;
    let activity = |subject: &str, company: &str, contact: &str, deal: &str| {
        json!({
        "id": app::ids::new_id(), "rev": null, "kind": "note", "subject": subject, "body": "", "due_date": "", "due_time": "",
        "done": false, "deal": deal, "contact": contact, "company": company })
    };
    save("activity", activity("On the company", &company, "", "")).await;
    save("activity", activity("On its contact", "", &contact, "")).await;
    save("activity", activity("On its deal", "", "", &deal_id)).await;
    save(
        "activity",
        activity("On another deal", "", "", &elsewhere_id),
    )
    .await;

    let page = app
        .call(Some(&rep), "companies/get", json!({ "id": company }))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let mut subjects: Vec<&str> = page.body["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["subject"].as_str())
        .collect();
    subjects.sort_unstable();
    assert_eq!(
        subjects,
        ["On its contact", "On its deal", "On the company"]
    );
    let deal_page = app
        .call(Some(&rep), "deals/get", json!({ "id": deal_id }))
        .await;
    let subjects: Vec<&str> = deal_page.body["activities"]
        .as_array()
        .expect("activities")
        .iter()
        .filter_map(|a| a["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["On its deal"]);

    // Another team's rep sees neither the company nor, through another way in, its activities.
    let other = app.sign_in("rep2@example.com").await;
    assert_eq!(
        app.call(Some(&other), "companies/get", json!({ "id": company }))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A stage of the board sends its first page of cards, newest first, while its count and
/// totals cover every deal in it; "Show more" asks for a longer page. Input the board cannot
/// use is refused as such, never a server error.
#[tokio::test]
async fn the_board_sends_a_page_of_cards_per_stage_with_whole_counts_and_totals() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let lead = stage_id(&board, "Lead");
    let column = |board: &Value| {
        board["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .find(|c| c["stage"]["id"] == lead.as_str())
            .cloned()
            .expect("the Lead column")
    };
    let usd = |column: &Value| {
        column["totals"]
            .as_array()
            .expect("totals")
            .iter()
            .find(|t| t["currency"] == "USD")
            .and_then(|t| t["total"].as_i64())
            .unwrap_or(0)
    };
    let before = column(&board);
    let count = before["count"].as_i64().expect("count");
    for i in 0..60 {
        let saved = app
            .save(&rep, "deal", new_deal(&board, &format!("Paged deal {i}")))
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    }

    let after = column(&app.board(&rep).await);
    assert_eq!(after["count"], count + 60);
    assert_eq!(usd(&after), usd(&before) + 60 * 1_250_000);
    let cards = after["deals"].as_array().expect("cards");
    assert_eq!(cards.len(), 50, "one page of cards");
    assert!(
        cards.iter().all(|c| c["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Paged deal"))),
        "the most recently changed first"
    );

    let longer = app
        .call(
            Some(&rep),
            "deals/board",
            json!({ "query": { "shown": { lead.clone(): 100 } } }),
        )
        .await;
    assert_eq!(longer.status, StatusCode::OK, "{:?}", longer.body);
    let cards = column(&longer.body)["deals"]
        .as_array()
        .expect("cards")
        .len() as i64;
    assert_eq!(cards, (count + 60).min(100));

    for bad in [json!(-1), json!("many"), json!(1.5)] {
        let refused = app
            .call(
                Some(&rep),
                "deals/board",
                json!({ "query": { "shown": { lead.clone(): bad } } }),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

/// Building a router lists the app's routes, which Leptos does with resource loads suppressed
/// process-wide; a page rendered meanwhile must still finish. Several servers (and every
/// test) build routers while others serve.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_another_router_is_built() {
    let app = demo_app().await;
    let session = app.sign_in("rep@example.com").await;
    let cookie = format!("hamrah_session={session}");
    let building = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let builder = std::thread::spawn({
        let building = building.clone();
        let state = app.state.clone();
        move || {
            while building.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = server::http::router(
                    state.clone(),
                    leptos::prelude::LeptosOptions::builder()
                        .output_name("hamrah")
                        .build(),
                );
            }
        }
    });
    for path in [
        "/",
        "/pipeline",
        "/deals",
        "/contacts",
        "/companies",
        "/dashboard",
    ]
    .repeat(8)
    {
        let page = app
            .send(
                Request::get(path)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
    }
    building.store(false, std::sync::atomic::Ordering::Relaxed);
    builder.join().expect("the builder ends");
}
