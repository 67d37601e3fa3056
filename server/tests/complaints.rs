//! The public complaint form through the real router, as a browser without JavaScript uses
//! it: the page, a plain form POST, and the redirect that answers it.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::*;

/// A token for a form shown `ago` seconds before now, signed with the organisation's key.
async fn token(app: &TestApp, ago: i64) -> String {
    let key = app::cases::intake::ssr::form_key(&app.state.db)
        .await
        .expect("form key");
    let shown = time::OffsetDateTime::now_utc().unix_timestamp() - ago;
    app::cases::intake::ssr::signed_token(&key, shown)
}

/// Posts the form from `address` as a browser does; answers where it was sent on to.
async fn post(app: &TestApp, fields: &[(&str, &str)], address: &str) -> (StatusCode, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", app::text::url_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let ip = address.parse().expect("an address");
    app.post_form("/complaint", body, Some(ip)).await
}

async fn cases(app: &TestApp) -> i64 {
    let mut response = app
        .state
        .db
        .query("RETURN count(SELECT id FROM case)")
        .await
        .expect("count");
    response.take::<Option<i64>>(0).expect("count").unwrap_or(0)
}

/// A value of the address's query, decoded.
fn query_value(location: &str, key: &str) -> Option<String> {
    let query = location.split_once('?')?.1;
    let raw = query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == key)?
        .1;
    let mut bytes = Vec::new();
    let mut rest = raw.as_bytes();
    while let Some((&first, tail)) = rest.split_first() {
        if first == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(first);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

#[tokio::test]
async fn the_form_is_public_in_either_language_and_works_without_script() {
    let app = demo_app().await;
    let page = app.get("/complaint").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body.as_str().expect("html").to_owned();
    assert!(html.contains("Tell us what went wrong"));
    assert!(html.contains(r#"method="post""#) && html.contains(r#"action="/complaint""#));
    assert!(
        html.contains(r#"name="token""#),
        "the token is in the page itself"
    );
    let persian = app.get("/complaint?lang=fa").await;
    let html = persian.body.as_str().expect("html").to_owned();
    assert!(html.contains(r#"dir="rtl""#));
    assert!(html.contains("به ما بگویید چه پیش آمد"));
    // The thank-you page too; every other page still needs a session.
    assert_eq!(
        app.get("/complaint/sent?reference=C-2026-0001")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(app.get("/cases").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_complaint_becomes_a_numbered_case_of_the_matching_contacts_owner() {
    let app = demo_app().await;
    let before = cases(&app).await;
    // A demo contact's phone, typed in Persian digits and the domestic form.
    let mut response = app
        .state
        .db
        .query("SELECT VALUE [record::id(id), phones[0], record::id(owner)] FROM contact LIMIT 1")
        .await
        .expect("contact");
    let row: Vec<Vec<String>> = response.take(0).expect("row");
    let (contact, phone, owner) = (&row[0][0], &row[0][1], &row[0][2]);
    let domestic = format!("0{}", &app::cases::intake::phone_key(phone)[2..]);
    let typed = app::text::persian_digits(&domestic);
    let token = token(&app, 30).await;
    let (status, location) = post(
        &app,
        &[
            ("name", "علی رضایی"),
            ("reach", &typed),
            ("what", "The printer arrived broken.\nThe box was crushed."),
            ("token", &token),
            ("lang", "fa"),
        ],
        "203.0.113.7",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/complaint/sent?lang=fa"),
        "{location}"
    );
    let reference = query_value(&location, "reference").expect("a reference");
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(reference, format!("C-{year}-0015"));
    assert_eq!(cases(&app).await, before + 1);
    let mut response = app
        .state
        .db
        .query("SELECT kind, channel, subject, status, record::id(contact) AS contact, record::id(owner) AS owner FROM ONLY case WHERE reference = $r LIMIT 1")
        .bind(("r", reference))
        .await
        .expect("case");
    let case: Option<serde_json::Value> = response.take(0).expect("case");
    let case = case.expect("saved");
    assert_eq!(case["kind"], "complaint");
    assert_eq!(case["channel"], "web_form");
    assert_eq!(case["subject"], "The printer arrived broken.");
    assert_eq!(case["contact"], json!(contact));
    assert_eq!(case["owner"], json!(owner));
}

#[tokio::test]
async fn bad_forms_come_back_with_their_problems_and_save_nothing() {
    let app = demo_app().await;
    let before = cases(&app).await;
    let token = token(&app, 30).await;
    let long = "x".repeat(app::cases::intake::WHAT_MAX as usize + 1);
    let (status, location) = post(
        &app,
        &[
            ("name", ""),
            ("reach", "call me"),
            ("what", &long),
            ("token", &token),
        ],
        "203.0.113.8",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/complaint?"), "{location}");
    let problems = app::cases::intake::problems_from_query(
        &query_value(&location, "problems").unwrap_or_default(),
    );
    use app::error::Problem;
    assert_eq!(problems.get("name"), Some(Problem::Required));
    assert_eq!(problems.get("reach"), Some(Problem::PhoneOrEmail));
    assert_eq!(
        problems.get("what"),
        Some(Problem::TooLong {
            max: app::cases::intake::WHAT_MAX
        })
    );
    // What was typed comes back with it.
    assert_eq!(query_value(&location, "reach").as_deref(), Some("call me"));

    // Forged, replayed and hurried forms are refused.
    let good = [
        ("name", "Ali"),
        ("reach", "ali@example.com"),
        ("what", "Broken"),
    ];
    for (token, problem) in [
        ("123.abc".to_owned(), "FormExpired"),
        (self::token(&app, 2 * 24 * 3600).await, "FormExpired"),
        (self::token(&app, 0).await, "SentTooFast"),
    ] {
        let mut fields = good.to_vec();
        fields.push(("token", &token));
        let (_, location) = post(&app, &fields, "203.0.113.9").await;
        assert!(location.contains(problem), "{problem}: {location}");
    }
    // A bot filling the field people never see is thanked, and nothing is recorded.
    let mut fields = good.to_vec();
    fields.push(("token", &token));
    fields.push(("website", "http://spam.example"));
    let (_, location) = post(&app, &fields, "203.0.113.10").await;
    assert_eq!(location, "/complaint/sent?lang=en");
    assert_eq!(cases(&app).await, before);
}

#[tokio::test]
async fn one_address_sends_at_most_five_an_hour() {
    let app = demo_app().await;
    let token = token(&app, 30).await;
    let fields = [
        ("name", "Sara"),
        ("reach", "sara@example.com"),
        ("what", "Still waiting"),
        ("token", token.as_str()),
    ];
    for _ in 0..app::cases::intake::PER_HOUR {
        let (_, location) = post(&app, &fields, "198.51.100.1").await;
        assert!(location.contains("reference="), "{location}");
    }
    let before = cases(&app).await;
    let (_, location) = post(&app, &fields, "198.51.100.1").await;
    assert!(location.contains("TooManySent"), "{location}");
    assert_eq!(cases(&app).await, before);
    // Another address is not held back.
    let (_, location) = post(&app, &fields, "198.51.100.2").await;
    assert!(location.contains("reference="), "{location}");
}
