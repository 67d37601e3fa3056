//! One read rule: every page loader answers the same from the server as from the device's
//! copy that a pull gave the same user. Run over the demo organisation for a rep, a manager
//! and an admin; a difference (a sort, a search, a permission, a name) fails here before a
//! user sees a page change when their phone goes offline.

mod support;

use app::sync::replica::Replica;
use serde::Serialize;
use serde_json::{Value, json};
use support::{TestApp, device};

/// Where two answers first differ, with both values there.
fn first_difference(server: &Value, local: &Value, path: String) -> Option<String> {
    match (server, local) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                first_difference(
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                    format!("{path}.{k}"),
                )
            })
        }
        (Value::Array(a), Value::Array(b)) => {
            let found = a
                .iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]")));
            found.or_else(|| {
                (a.len() != b.len()).then(|| {
                    format!(
                        "{path}: {} items on the server, {} on the device",
                        a.len(),
                        b.len()
                    )
                })
            })
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: server {a}, device {b}")),
    }
}

struct Check<'a> {
    app: &'a TestApp,
    session: String,
    role: &'static str,
    view: Replica,
    compared: usize,
}

impl Check<'_> {
    /// The server's answer to `endpoint` and the local loader's, as the page receives them.
    /// History is left out: devices do not keep it, pages fetch it from the server.
    async fn same<T: Serialize>(
        &mut self,
        endpoint: &str,
        args: Value,
        local: Result<T, app::error::AppError>,
    ) {
        let reply = self
            .app
            .call(Some(&self.session), endpoint, args.clone())
            .await;
        let local = match local {
            Ok(value) => serde_json::to_value(value).expect("serialises"),
            Err(error) => serde_json::to_value(error).expect("serialises"),
        };
        let mut server = reply.body;
        if let Some(map) = server.as_object_mut() {
            map.remove("history");
        }
        let mut local = local;
        if let Some(map) = local.as_object_mut() {
            map.remove("history");
        }
        if let Some(at) = first_difference(&server, &local, String::new()) {
            panic!(
                "{} {endpoint} {args}: server and device differ at {at}",
                self.role
            );
        }
        self.compared += 1;
    }
}

#[tokio::test]
async fn every_loader_reads_the_same_on_the_server_and_the_device() {
    let app = support::demo_app().await;
    let mut total = 0;
    for (email, role) in [
        ("rep@example.com", "rep"),
        ("manager@example.com", "manager"),
        ("admin@example.com", "admin"),
    ] {
        let session = app.sign_in(email).await;
        let view = device(&app, &session).await;
        let mut check = Check {
            app: &app,
            session,
            role,
            view,
            compared: 0,
        };
        let v = check.view.clone();

        // Lists and their searches: Latin case, Persian letters typed with Arabic forms,
        // digits typed in Persian, and a query that finds nothing.
        for query in ["", "a", "TECH", "كي", "۲", "zzzz"] {
            check
                .same(
                    "companies/list",
                    json!({ "query": query }),
                    Ok(app::companies::local::list(&v, query)),
                )
                .await;
            check
                .same(
                    "contacts/list",
                    json!({ "query": query }),
                    Ok(app::contacts::local::list(&v, query)),
                )
                .await;
        }

        // The board as it opens, and with its stages cut short at one or two cards (the
        // demo's stages hold fewer than a page): the same cards, counts and totals.
        let stages: Vec<String> = v
            .reference
            .as_ref()
            .map(|r| r.pipeline.stages.iter().map(|s| s.id.to_string()).collect())
            .unwrap_or_default();
        let mut short = app::deals::BoardQuery::default();
        for (i, stage) in stages.iter().enumerate() {
            short.shown.insert(stage.clone(), 1 + (i % 2) as u32);
        }
        for query in [app::deals::BoardQuery::default(), short] {
            check
                .same(
                    "deals/board",
                    json!({ "query": query }),
                    app::deals::local::board(&v, &query),
                )
                .await;
        }
        check
            .same(
                "deals/board",
                json!({}),
                app::deals::local::board(&v, &app::deals::BoardQuery::default()),
            )
            .await;
        check
            .same(
                "deals/form",
                json!({ "id": null }),
                app::deals::local::form_data(&v, None),
            )
            .await;
        check
            .same(
                "contacts/form",
                json!({ "id": null }),
                app::contacts::local::form_data(&v, None),
            )
            .await;
        check
            .same(
                "activities/form",
                json!({ "id": null }),
                app::activities::local::form_data(&v, None),
            )
            .await;
        let today = time::OffsetDateTime::now_utc().date();
        check
            .same(
                "activities/today",
                json!({}),
                app::activities::local::today(
                    &v,
                    &app::calendar::iso(today),
                    &app::calendar::iso(today + time::Duration::days(14)),
                ),
            )
            .await;

        // Record pages: a sample of each kind the user holds, and one they do not.
        for id in v.companies.keys().step_by(7).take(6) {
            check
                .same(
                    "companies/get",
                    json!({ "id": id }),
                    app::companies::local::page(&v, id),
                )
                .await;
        }
        for id in v.contacts.keys().step_by(11).take(6) {
            check
                .same(
                    "contacts/get",
                    json!({ "id": id }),
                    app::contacts::local::page(&v, id),
                )
                .await;
            check
                .same(
                    "contacts/form",
                    json!({ "id": id }),
                    app::contacts::local::form_data(&v, Some(id)),
                )
                .await;
        }
        for id in v.deals.keys().step_by(9).take(6) {
            check
                .same(
                    "deals/get",
                    json!({ "id": id }),
                    app::deals::local::page(&v, id),
                )
                .await;
            check
                .same(
                    "deals/form",
                    json!({ "id": id }),
                    app::deals::local::form_data(&v, Some(id)),
                )
                .await;
        }
        for id in v.activities.keys().step_by(13).take(4) {
            check
                .same(
                    "activities/form",
                    json!({ "id": id }),
                    app::activities::local::form_data(&v, Some(id)),
                )
                .await;
        }
        let unseen = app::ids::new_id();
        check
            .same(
                "deals/get",
                json!({ "id": unseen }),
                app::deals::local::page(&v, &unseen),
            )
            .await;
        check
            .same(
                "companies/get",
                json!({ "id": unseen }),
                app::companies::local::page(&v, &unseen),
            )
            .await;
        assert!(
            check.compared >= 40,
            "{role}: only {} comparisons",
            check.compared
        );
        total += check.compared;
    }
    println!("parity: {total} answers compared across 3 roles");
}
