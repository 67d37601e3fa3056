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

async fn export(app: &support::TestApp, session: Option<&str>, path: &str) -> support::Reply {
    use axum::body::Body;
    use axum::http::{Request, header};
    let mut request = Request::get(path).header(header::HOST, "localhost:3000");
    if let Some(session) = session {
        request = request.header(header::COOKIE, format!("hamrah_session={session}"));
    }
    app.send(request.body(Body::empty()).expect("request"))
        .await
}

fn csv_lines(reply: &support::Reply) -> Vec<String> {
    let text = reply.body.as_str().expect("a CSV file");
    assert!(text.starts_with('\u{feff}'), "a byte order mark");
    text.trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

/// Each list exports what its reader may see, the list's filter applied, as CSV and as a
/// workbook; a stranger gets nothing and a list that does not exist is not found.
#[tokio::test]
async fn every_list_exports_what_its_reader_may_see() {
    let app = demo_app().await;
    for email in [
        "rep@example.com",
        "manager@example.com",
        "admin@example.com",
    ] {
        let session = app.sign_in(email).await;
        let held = device(&app, &session).await;

        let reply = export(&app, Some(&session), "/export/contacts.csv").await;
        assert_eq!(reply.status, StatusCode::OK, "{email}");
        let lines = csv_lines(&reply);
        assert!(
            lines[0].starts_with(
                "Name,Job title,Company,Phone,Phone 2,Email,Email 2,Owner,Created,Updated"
            ),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines.len() - 1,
            held.contacts.len(),
            "{email}: every contact it may see"
        );
        for contact in held
            .contacts
            .values()
            .filter(|c| !c.name.contains([',', '"']))
        {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with(&format!("{},", contact.name))),
                "{email}: {}",
                contact.name
            );
        }

        let reply = export(&app, Some(&session), "/export/companies.csv").await;
        assert_eq!(csv_lines(&reply).len() - 1, held.companies.len(), "{email}");

        let open = held.cases.values().filter(|c| !c.status.is_done()).count();
        let reply = export(&app, Some(&session), "/export/cases.csv?view=team").await;
        let lines = csv_lines(&reply);
        assert!(
            lines[0].starts_with("Reference,Type,Subject"),
            "{}",
            lines[0]
        );
        assert_eq!(
            lines.len() - 1,
            open,
            "{email}: the open cases of the team queue"
        );
    }

    // The list's filter: a fragment of a name, Persian-aware as the list is.
    let admin = app.sign_in("admin@example.com").await;
    let held = device(&app, &admin).await;
    let name = held
        .companies
        .values()
        .map(|c| c.name.clone())
        .find(|n| n.chars().count() > 6)
        .expect("a company");
    let fragment: String = name.chars().skip(1).take(5).collect();
    let folded = app::text::fold(&fragment);
    let expected = held
        .companies
        .values()
        .filter(|c| app::text::fold(&c.name).contains(&folded))
        .count();
    let reply = export(
        &app,
        Some(&admin),
        &format!(
            "/export/companies.csv?q={}",
            app::text::url_encode(&fragment)
        ),
    )
    .await;
    let lines = csv_lines(&reply);
    assert_eq!(lines.len() - 1, expected, "{fragment}");
    assert!(lines.iter().any(|l| l.contains(&name)), "{name}");

    let reply = export(&app, Some(&admin), "/export/contacts.xlsx").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.headers[axum::http::header::CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        reply
            .body
            .as_str()
            .is_some_and(|b| b.starts_with("PK\u{3}\u{4}")),
        "a zip"
    );
    let reply = export(&app, Some(&admin), "/deals/export.xlsx?outcome=won").await;
    assert_eq!(reply.status, StatusCode::OK);

    // Persian headings for a Persian reader.
    let negar = app.sign_in("negar@example.com").await;
    let reply = export(&app, Some(&negar), "/export/contacts.csv").await;
    assert!(
        csv_lines(&reply)[0].starts_with("نام,"),
        "{:?}",
        csv_lines(&reply)[0]
    );

    for path in [
        "/export/users.csv",
        "/export/contacts.pdf",
        "/export/contacts",
    ] {
        let reply = export(&app, Some(&admin), path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let reply = export(&app, None, "/export/contacts.csv").await;
    assert!(
        reply.status == StatusCode::UNAUTHORIZED || reply.status.is_redirection(),
        "{}",
        reply.status
    );
}

#[tokio::test]
async fn the_duplicates_scan_is_the_same_on_the_server_and_the_device_and_not_for_reps() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    // Two records of one person, typed differently: the same number in two forms.
    for (name, phone) in [
        ("Kaveh Moradi", "0912 555 0101"),
        ("K. Moradi", "+98 912 555 0101"),
    ] {
        let contact = json!({ "id": app::ids::new_id(), "rev": null, "name": name, "title": "",
            "company": "", "phone": phone, "phone2": "", "email": "", "email2": "" });
        let reply = app.save(&admin, "contact", contact).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
    let mut found = false;
    for email in ["manager@example.com", "admin@example.com"] {
        let session = app.sign_in(email).await;
        let reply = app.call(Some(&session), "duplicates/scan", json!({})).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let server: Vec<app::duplicates::scan::Group> =
            serde_json::from_value(reply.body).expect("groups");
        let held = device(&app, &session).await;
        let mut device_groups = app::duplicates::scan::scan(&held, app::kinds::Table::Company);
        device_groups.extend(app::duplicates::scan::scan(
            &held,
            app::kinds::Table::Contact,
        ));
        assert_eq!(server, device_groups, "{email}");
        found |= server.iter().any(|g| {
            g.members.iter().any(|m| m.name == "Kaveh Moradi")
                && g.members.iter().any(|m| m.name == "K. Moradi")
        });
    }
    assert!(found, "the admin sees the pair");
    let rep = app.sign_in("rep@example.com").await;
    let reply = app.call(Some(&rep), "duplicates/scan", json!({})).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
