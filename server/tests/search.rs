//! Search: the server finds what the user may read and ranks it as the device does; the
//! device's index, built from a synced copy, finds everything the server finds that the
//! device holds.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, demo_app, device};

use app::search::Found;

async fn on_server(app: &TestApp, session: &str, query: &str) -> Found {
    let reply = app
        .call(Some(session), "search", json!({ "query": query }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {:?}", reply.body);
    serde_json::from_value(reply.body).expect("results")
}

fn ids(found: &Found) -> Vec<(app::kinds::Table, String)> {
    found
        .groups
        .iter()
        .flat_map(|(_, hits)| hits.iter().map(|h| (h.table, h.id.clone())))
        .collect()
}

#[tokio::test]
async fn the_device_finds_what_the_server_finds_and_nobody_finds_what_they_may_not_see() {
    let app = demo_app().await;
    for email in [
        "rep@example.com",
        "negar@example.com",
        "manager@example.com",
    ] {
        let session = app.sign_in(email).await;
        let held = device(&app, &session).await;
        let index = app::search::index::entries(&held);
        // A word of a name of each kind on the device, in English and in Persian.
        let mut queries: Vec<String> = index
            .iter()
            .step_by(7)
            .take(12)
            .filter_map(|e| {
                e.title
                    .split_whitespace()
                    .max_by_key(|w| w.chars().count())
                    .map(str::to_owned)
            })
            .collect();
        // Typed on an Arabic keyboard (yeh and kaf), stored in Persian letters.
        queries.push("نيكان".into());
        for query in queries {
            let server = on_server(&app, &session, &query).await;
            let local = app::search::index::find(&index, &query);
            let local_ids = ids(&local);
            for (table, id) in ids(&server) {
                let held_here = held.scope_of(&app::sync::RowKey {
                    table,
                    id: id.clone().into(),
                });
                assert!(
                    held_here.is_none() || local_ids.contains(&(table, id.clone())),
                    "{email} · {query}: {table:?} {id} found by the server, held, and not found on the device"
                );
            }
            for (_, hits) in &server.groups {
                assert!(hits.windows(2).all(|w| w[0].score <= w[1].score), "ranked");
            }
        }
    }
    // A deal is found by a word of its company's Persian name, typed with Arabic letters.
    let negar = app.sign_in("negar@example.com").await;
    let found = app::search::index::find(
        &app::search::index::entries(&device(&app, &negar).await),
        "نيكان",
    );
    let kinds: Vec<_> = found.groups.iter().map(|(t, _)| *t).collect();
    assert!(kinds.contains(&app::kinds::Table::Company), "{kinds:?}");
    assert!(kinds.contains(&app::kinds::Table::Deal), "{kinds:?}");
    let (_, companies) = &found.groups[0];
    assert!(companies[0].title.contains("نیکان"));

    // A rep of another team finds none of rep's own records, even by their exact names.
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let me = app.user_id("rep@example.com").await;
    let held = device(&app, &rep).await;
    let theirs = device(&app, &rep2).await;
    let own = held
        .companies
        .values()
        .find(|c| {
            c.stamp.owner.as_ref() == me.as_str() && !theirs.companies.contains_key(c.id.as_str())
        })
        .expect("a company of rep's that rep2 may not see");
    let found = on_server(&app, &rep2, &own.name).await;
    assert!(!ids(&found).iter().any(|(_, id)| id == own.id.as_str()));
    let found = on_server(&app, &rep, &own.name).await;
    assert!(ids(&found).iter().any(|(_, id)| id == own.id.as_str()));
}

#[tokio::test]
async fn bad_queries_are_answered_not_failed() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    assert!(on_server(&app, &rep, "").await.is_empty());
    assert!(on_server(&app, &rep, "a").await.is_empty());
    assert!(on_server(&app, &rep, "' OR true; --").await.is_empty());
    let reply = app
        .call(Some(&rep), "search", json!({ "query": "x".repeat(201) }))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reply = app.call(None, "search", json!({ "query": "Alborz" })).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}
