//! Incomplete records: the server's report is the device's, for every demo user.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{demo_app, device};

use app::incomplete::{Check, Report};

#[tokio::test]
async fn the_server_and_the_device_find_the_same_incomplete_records() {
    let app = demo_app().await;
    let today = app::calendar::iso(time::OffsetDateTime::now_utc().date());
    let mut seen = std::collections::HashSet::new();
    for email in [
        "rep@example.com",
        "negar@example.com",
        "manager@example.com",
        "admin@example.com",
    ] {
        let session = app.sign_in(email).await;
        let reply = app.call(Some(&session), "incomplete", json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let server: Report = serde_json::from_value(reply.body).expect("a report");
        let held = device(&app, &session).await;
        assert_eq!(server, app::incomplete::report(&held, &today), "{email}");
        for (check, count, lines) in &server.checks {
            assert_eq!(*count, lines.len().min(*count), "{email} {check:?}");
            if *count > 0 {
                seen.insert(*check);
            }
        }
    }
    // The demo has some of each, so the report is never seen empty.
    assert_eq!(seen.len(), Check::ALL.len(), "{seen:?}");
    let reply = app.call(None, "incomplete", json!({})).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}
