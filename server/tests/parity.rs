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

/// Who each test reads as: someone who sees their own records, a team, everything.
const ROLES: [(&str, &str); 3] = [
    ("rep@example.com", "rep"),
    ("manager@example.com", "manager"),
    ("admin@example.com", "admin"),
];

struct Check<'a> {
    app: &'a TestApp,
    session: String,
    role: &'static str,
    view: Replica,
    compared: usize,
}

impl<'a> Check<'a> {
    /// Signed in as one of [`ROLES`], with the copy a first pull gives that user.
    async fn signed_in(app: &'a TestApp, (email, role): (&str, &'static str)) -> Check<'a> {
        let session = app.sign_in(email).await;
        let view = device(app, &session).await;
        Check {
            app,
            session,
            role,
            view,
            compared: 0,
        }
    }

    /// The server's answer to `endpoint` and the local loader's, as the page receives them.
    /// History is left out: devices do not keep it, pages fetch it from the server.
    async fn same<T: Serialize>(
        &mut self,
        endpoint: &str,
        args: Value,
        local: Result<T, app::error::AppError>,
    ) {
        self.same_but(endpoint, args, local, |_| {}).await;
    }

    /// [`Check::same`], after `strip` took out of both what a device cannot know.
    async fn same_but<T: Serialize>(
        &mut self,
        endpoint: &str,
        args: Value,
        local: Result<T, app::error::AppError>,
        strip: impl Fn(&mut Value),
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
        strip(&mut server);
        strip(&mut local);
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
    for who in ROLES {
        let mut check = Check::signed_in(&app, who).await;
        let (v, role) = (check.view.clone(), check.role);

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
            .same_but(
                "activities/today",
                json!({}),
                app::activities::local::today(
                    &v,
                    &app::calendar::iso(today),
                    &app::calendar::iso(today + time::Duration::days(14)),
                ),
                strip_used,
            )
            .await;

        // Cases: both queues, a sample of pages and forms, each customer's cases; the same
        // order, deadlines and states (the seconds used are read a moment apart).
        for view in ["mine", "team"] {
            check
                .same_but(
                    "cases/queue",
                    json!({ "view": view, "filter": {} }),
                    Ok(app::cases::local::queue(
                        &v,
                        app::cases::QueueView::from_query(Some(view)),
                        &Default::default(),
                    )),
                    strip_used,
                )
                .await;
        }
        let waiting = app::cases::CaseFilter {
            status: Some(app::cases::Status::Waiting),
            ..Default::default()
        };
        check
            .same_but(
                "cases/queue",
                json!({ "view": "team", "filter": waiting }),
                Ok(app::cases::local::queue(
                    &v,
                    app::cases::QueueView::Team,
                    &waiting,
                )),
                strip_used,
            )
            .await;
        for id in v.cases.keys().step_by(3).take(5) {
            check
                .same_but(
                    "cases/get",
                    json!({ "id": id }),
                    app::cases::local::page(&v, id),
                    strip_used,
                )
                .await;
        }
        check
            .same(
                "cases/form",
                json!({ "id": null }),
                app::cases::local::form_data(&v, None),
            )
            .await;
        let customers: Vec<(app::kinds::Table, String)> = v
            .cases
            .values()
            .take(4)
            .flat_map(|c| {
                [
                    c.company
                        .clone()
                        .map(|id| (app::kinds::Table::Company, id.to_string())),
                    c.contact
                        .clone()
                        .map(|id| (app::kinds::Table::Contact, id.to_string())),
                ]
            })
            .flatten()
            // A customer the user cannot open has no cases page for them.
            .filter(|(table, id)| match table {
                app::kinds::Table::Company => v.companies.contains_key(id.as_str()),
                _ => v.contacts.contains_key(id.as_str()),
            })
            .collect();
        for (table, id) in customers {
            check
                .same_but(
                    "cases/customer",
                    json!({ "table": table, "id": id }),
                    Ok(app::cases::local::for_customer(&v, table, &id)),
                    strip_used,
                )
                .await;
        }

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

/// Takes out the working seconds a clock has used: the server and the device read them a
/// moment apart.
fn strip_used(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("used");
            map.values_mut().for_each(strip_used);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_used),
        _ => {}
    }
}

/// What the server gives a device for the dashboard offline.
async fn basis(app: &TestApp, session: &str) -> app::dashboard::basis::Basis {
    let reply = app.call(Some(session), "dashboard/basis", json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_value(reply.body).expect("a basis")
}

/// The dashboard offline: the device works the page out from its copy and the basis the
/// server gave it, and gets the server's page, for every period the copy reaches whole (the
/// device keeps deals closed in the last year and activities of the last 90 days), in both
/// calendars, for a rep, a manager and an admin, with and without filters.
#[tokio::test]
async fn the_dashboard_reads_the_same_on_the_server_and_the_device() {
    use app::dashboard::Filters;
    use app::dashboard::period::{Calendar, Period};
    let app = support::demo_app().await;
    let mut total = 0;
    for who in ROLES {
        let mut check = Check::signed_in(&app, who).await;
        let basis = basis(&app, &check.session).await;
        assert!(!basis.offsets.changes.is_empty());
        let (v, role) = (check.view.clone(), check.role);
        let mut narrowed = vec![Filters::default()];
        for team in basis.teams.iter().take(2) {
            narrowed.push(Filters {
                team: Some(team.id.clone()),
                ..Filters::default()
            });
        }
        for owner in basis.owners.iter().take(3) {
            narrowed.push(Filters {
                owner: Some(owner.id.clone()),
                ..Filters::default()
            });
        }
        for calendar in [Calendar::Gregorian, Calendar::Jalali] {
            for period in [Period::ThisMonth, Period::ThisQuarter, Period::LastMonth] {
                for base in &narrowed {
                    let filters = Filters {
                        period: period.clone(),
                        ..base.clone()
                    };
                    let local = app::dashboard::local::dashboard(
                        &v,
                        &basis,
                        filters.clone(),
                        calendar,
                        time::OffsetDateTime::now_utc(),
                    );
                    let unfiltered = base.team.is_none() && base.owner.is_none();
                    if let (Ok(page), true) = (&local, unfiltered) {
                        assert!(
                            page.now.created + page.before.created > 0 || role == "rep",
                            "{role}: the demo has deals in {period:?}"
                        );
                    }
                    check
                        .same(
                            "dashboard",
                            json!({ "filters": filters, "calendar": calendar }),
                            local,
                        )
                        .await;
                }
            }
        }
        total += check.compared;
    }
    println!("dashboard parity: {total} pages compared across 3 roles");
}

/// The deals table offline: the same rows, order, pages and counts as the server's, for the
/// queries the dashboard's figures open and the table's own sorts. The last activity is left
/// out: a device knows only the activities of the last 90 days.
#[tokio::test]
async fn the_deals_table_reads_the_same_on_the_server_and_the_device() {
    use app::deals::table::{Column, Days, TableQuery};
    use app::pipeline::Outcome;
    let app = support::demo_app().await;
    let mut compared = 0;
    for who in ROLES {
        let mut check = Check::signed_in(&app, who).await;
        let basis = basis(&app, &check.session).await;
        let view = check.view.clone();
        let today = basis.offsets.today(time::OffsetDateTime::now_utc());
        let days = |back: i64| Days {
            from: app::calendar::IsoDate::parse(&app::calendar::iso(
                today - time::Duration::days(back),
            ))
            .expect("a date"),
            until: app::calendar::IsoDate::parse(&app::calendar::iso(
                today + time::Duration::days(1),
            ))
            .expect("a date"),
        };
        let stages: Vec<app::ids::Id> = view
            .reference
            .as_ref()
            .map(|r| r.pipeline.stages.iter().map(|s| s.id.clone()).collect())
            .unwrap_or_default();
        // Every deal the user may read reaches back further than a device keeps: the table
        // offline is the open deals and those closed within the year.
        let open = TableQuery {
            outcome: Some(Outcome::Open),
            ..TableQuery::default()
        };
        let mut queries = vec![
            open.clone(),
            TableQuery {
                page: 1,
                ..open.clone()
            },
            TableQuery {
                outcome: Some(Outcome::Won),
                closed: Some(days(90)),
                sort: Column::Value,
                ..TableQuery::default()
            },
            TableQuery {
                outcome: Some(Outcome::Lost),
                closed: Some(days(180)),
                reason: Some(String::new()),
                ..TableQuery::default()
            },
            TableQuery {
                outcome: Some(Outcome::Open),
                closing: Some(days(30)),
                sort: Column::ExpectedClose,
                reversed: true,
                ..TableQuery::default()
            },
            TableQuery {
                created: Some(days(60)),
                sort: Column::Probability,
                ..TableQuery::default()
            },
            TableQuery {
                sort: Column::Company,
                ..open.clone()
            },
            TableQuery {
                sort: Column::Source,
                reversed: true,
                ..open.clone()
            },
            TableQuery {
                stalled: true,
                sort: Column::Stage,
                ..TableQuery::default()
            },
            TableQuery {
                text: "a".into(),
                sort: Column::Title,
                ..open.clone()
            },
        ];
        for stage in &stages {
            queries.push(TableQuery {
                entered: Some((stage.clone(), days(90))),
                ..TableQuery::default()
            });
        }
        for owner in basis.owners.iter().take(2) {
            queries.push(TableQuery {
                owner: Some(owner.id.clone()),
                sort: Column::Owner,
                ..open.clone()
            });
        }
        for query in queries {
            let local = app::deals::table::local::page(
                &view,
                &basis.offsets,
                query.clone(),
                time::OffsetDateTime::now_utc(),
            );
            assert!(local.is_ok(), "{} {query:?}: {local:?}", check.role);
            check
                .same_but("deals/table", json!({ "query": query }), local, |page| {
                    if let Some(rows) = page.get_mut("rows").and_then(Value::as_array_mut) {
                        for row in rows.iter_mut().filter_map(Value::as_object_mut) {
                            row.remove("last_activity");
                        }
                    }
                })
                .await;
        }
        compared += check.compared;
    }
    println!("table parity: {compared} pages compared");
}
