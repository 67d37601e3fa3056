//! Satisfaction surveys through the real router: a link made for a resolved case, answered
//! once by a customer without an account, and a low score turned into a task for the owner.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::*;

fn case(subject: &str) -> Value {
    json!({
        "id": app::ids::new_id(), "kind": "complaint", "subject": subject, "description": "",
        "company": "", "contact": "", "deal": "", "channel": "phone", "category": "",
        "priority": "normal", "status": "new", "assessment": "", "root_cause": "",
        "corrective_action": "", "decision": "",
    })
}

async fn answer(app: &TestApp, url: &str, score: &str) -> (StatusCode, String) {
    let path = url.split_once("localhost:3000").map_or(url, |(_, p)| p);
    let body = format!("score={score}&comment=Nobody%20called&lang=en");
    app.post_form(path, body, None).await
}

async fn page(app: &TestApp, url: &str) -> String {
    let path = url.split_once("localhost:3000").map_or(url, |(_, p)| p);
    let reply = app.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply.body.as_str().unwrap_or_default().to_owned()
}

async fn follow_ups(app: &TestApp, owner: &str) -> Vec<Value> {
    let mut response = app
        .state
        .db
        .query("SELECT subject, body, due_date FROM activity WHERE owner = type::record('user', $o) AND kind = 'task' AND string::starts_with(subject, 'Call back')")
        .bind(("o", owner.to_owned()))
        .await
        .expect("tasks");
    response.take(0).expect("rows")
}

#[tokio::test]
async fn a_resolved_case_gets_a_single_use_survey_and_a_low_score_a_follow_up() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let input = case("Printer jams");
    let id = input["id"].as_str().expect("id").to_owned();
    assert_eq!(app.save(&rep, "case", input).await.status, StatusCode::OK);

    // Not before it is resolved; never for someone who cannot see the case.
    let early = app
        .call(Some(&rep), "surveys/case", json!({ "case": id }))
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.body
    );
    let moved = app
        .push_change(
            &rep,
            "case",
            &id,
            Some(json!({ "status": "new" })),
            json!({ "status": "resolved" }),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let stranger = app
        .call(Some(&rep2), "surveys/case", json!({ "case": id }))
        .await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND);

    let link = app
        .call(Some(&rep), "surveys/case", json!({ "case": id }))
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    let url = link.body["url"].as_str().expect("url").to_owned();
    assert!(url.starts_with("http://localhost:3000/survey/"), "{url}");

    // The customer opens it without an account and answers 2 of 5.
    let html = page(&app, &url).await;
    assert!(html.contains("How satisfied are you"), "{html}");
    assert!(html.contains("Printer jams"));
    let me = app.user_id("rep@example.com").await;
    let before = follow_ups(&app, &me).await.len();
    assert_eq!(
        answer(&app, &url, "2").await,
        (StatusCode::SEE_OTHER, "/survey/thanks?lang=en".to_owned())
    );
    // Used: shown as answered, and a second answer changes nothing.
    assert!(page(&app, &url).await.contains("answered already"));
    let (_, again) = answer(&app, &url, "5").await;
    assert!(!again.contains("thanks"), "{again}");
    let mut response = app
        .state
        .db
        .query("SELECT VALUE score FROM survey WHERE case = type::record('case', $id)")
        .bind(("id", id.clone()))
        .await
        .expect("scores");
    let scores: Vec<i64> = response.take(0).expect("scores");
    assert_eq!(scores, [2]);
    // The loop is closed: a task for the owner, due today, with the comment.
    let tasks = follow_ups(&app, &me).await;
    assert_eq!(tasks.len(), before + 1, "{tasks:?}");
    let task = tasks
        .iter()
        .find(|t| {
            t["body"]
                .as_str()
                .is_some_and(|b| b.contains("Nobody called"))
        })
        .expect("the task");
    assert!(
        task["body"]
            .as_str()
            .is_some_and(|b| b.contains("Printer jams"))
    );

    // A score off the scale is refused and leaves the survey open.
    let link = app
        .call(Some(&rep), "surveys/case", json!({ "case": id }))
        .await;
    let url = link.body["url"].as_str().expect("url").to_owned();
    let (_, refused) = answer(&app, &url, "9").await;
    assert!(refused.contains("problem=score"), "{refused}");
    assert!(page(&app, &url).await.contains("How satisfied are you"));
}

#[tokio::test]
async fn expired_and_forged_links_record_nothing() {
    let app = demo_app().await;
    let answered = |app: &TestApp| {
        let db = app.state.db.clone();
        async move {
            let mut response = db
                .query("RETURN count(SELECT id FROM survey WHERE answered_at != NONE)")
                .await
                .expect("count");
            response.take::<Option<i64>>(0).expect("count").unwrap_or(0)
        }
    };
    // The demo's customers answered some already.
    let before = answered(&app).await;
    let manager = app.sign_in("manager@example.com").await;
    let mut response = app
        .state
        .db
        .query("SELECT VALUE record::id(id) FROM contact WHERE owner.email = 'manager@example.com' LIMIT 1")
        .await
        .expect("contact");
    let contacts: Vec<String> = response.take(0).expect("ids");
    let contact = contacts
        .first()
        .expect("the manager owns a contact")
        .clone();
    let link = app
        .call(Some(&manager), "surveys/nps", json!({ "contact": contact }))
        .await;
    assert_eq!(link.status, StatusCode::OK, "{}", link.body);
    let url = link.body["url"].as_str().expect("url").to_owned();
    assert!(page(&app, &url).await.contains("recommend us"));
    app.state
        .db
        .query("UPDATE survey SET expires_at = time::now() - 1d WHERE contact = type::record('contact', $c)")
        .bind(("c", contact.clone()))
        .await
        .expect("expire");
    assert!(page(&app, &url).await.contains("has expired"));
    let (_, location) = answer(&app, &url, "3").await;
    assert!(!location.contains("thanks"), "{location}");
    let forged = format!("http://localhost:3000/survey/{}", "ab".repeat(24));
    assert!(page(&app, &forged).await.contains("not valid"));
    let (_, location) = answer(&app, &forged, "3").await;
    assert!(!location.contains("thanks"), "{location}");
    assert!(
        page(&app, "/survey/not-even-hex")
            .await
            .contains("not valid")
    );
    assert_eq!(answered(&app).await, before);
}

#[tokio::test]
async fn a_customers_page_shows_their_answers_over_time_to_whoever_may_read_them() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let mut response = app
        .state
        .db
        .query("SELECT VALUE [record::id(contact), owner.email] FROM survey WHERE answered_at != NONE AND kind = 'nps' ORDER BY answered_at LIMIT 1")
        .await
        .expect("a demo answer");
    let found: Vec<Vec<String>> = response.take(0).expect("rows");
    let (contact, owner) = (found[0][0].clone(), found[0][1].clone());
    let answers = app
        .call(
            Some(&admin),
            "surveys/customer",
            json!({ "table": "contact", "id": contact }),
        )
        .await;
    assert_eq!(answers.status, StatusCode::OK, "{}", answers.body);
    let list = answers.body.as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty());
    let days: Vec<&str> = list.iter().filter_map(|a| a["day"].as_str()).collect();
    let mut newest_first = days.clone();
    newest_first.sort_by(|a, b| b.cmp(a));
    assert_eq!(days, newest_first);
    assert!(
        list.iter()
            .all(|a| (0..=10).contains(&a["score"].as_i64().unwrap_or(-1)))
    );
    // A rep of another team cannot read this contact, nor its answers.
    let mut response = app
        .state
        .db
        .query("SELECT VALUE email FROM user WHERE role = 'rep' AND email != $owner
                AND (team = NONE OR team != (SELECT VALUE team FROM ONLY type::record('contact', $c))) LIMIT 1")
        .bind(("owner", owner))
        .bind(("c", contact.clone()))
        .await
        .expect("an outsider");
    let outsiders: Vec<String> = response.take(0).expect("emails");
    let outsider = app
        .sign_in(outsiders.first().expect("a rep of another team"))
        .await;
    let refused = app
        .call(
            Some(&outsider),
            "surveys/customer",
            json!({ "table": "contact", "id": contact }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}
