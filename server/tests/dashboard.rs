//! The dashboard's figures at rep, manager and admin scope, each held against the same figure
//! worked out here row by row from the stored deals, so the database's grouping, the scope and
//! the period bounds are all checked by something that does not share their code.

mod support;

use std::collections::BTreeMap;

use app::dashboard::Dashboard;
use app::dashboard::period::{Calendar, Period, Rules};
use app::dashboard::ssr::zone::Zone;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use support::{TestApp, demo_app};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Deserialize)]
struct DealRow {
    currency: String,
    value: i64,
    probability: i64,
    stage: String,
    owner: String,
    #[serde(default)]
    team: Option<String>,
    created_at: String,
    stage_changed_at: String,
    #[serde(default)]
    expected_close: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EntryRow {
    deal: String,
    stage: String,
    owner: String,
    #[serde(default)]
    team: Option<String>,
    at: String,
}

#[derive(Debug, Deserialize)]
struct UserRow {
    id: String,
    #[serde(default)]
    team: Option<String>,
}

/// Everything stored, read as the test sees it.
struct World {
    deals: Vec<DealRow>,
    entries: Vec<EntryRow>,
    outcome: BTreeMap<String, String>,
    users: BTreeMap<String, UserRow>,
    zone: String,
}

async fn world(app: &TestApp) -> World {
    let mut response = app
        .state
        .db
        .query(
            "SELECT currency, value, probability, record::id(stage) AS stage,
                record::id(owner) AS owner, (IF team != NONE THEN record::id(team) END) AS team, <string>created_at AS created_at,
                <string>stage_changed_at AS stage_changed_at, expected_close FROM deal;
             SELECT record::id(deal) AS deal, record::id(stage) AS stage, record::id(owner) AS owner,
                (IF team != NONE THEN record::id(team) END) AS team, <string>at AS at FROM stage_entry;
             SELECT record::id(id) AS id, outcome FROM stage;
             SELECT email, record::id(id) AS id, (IF team != NONE THEN record::id(team) END) AS team FROM user;
             SELECT VALUE time_zone FROM ONLY organisation:main;",
        )
        .await
        .expect("query");
    let rows = |response: &mut surrealdb::IndexedResults, i: usize| -> Vec<Value> {
        response.take(i).expect("rows")
    };
    let deals = rows(&mut response, 0).into_iter().map(parse).collect();
    let entries = rows(&mut response, 1).into_iter().map(parse).collect();
    let outcome = rows(&mut response, 2)
        .into_iter()
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_owned(),
                s["outcome"].as_str().expect("outcome").to_owned(),
            )
        })
        .collect();
    let users = rows(&mut response, 3)
        .into_iter()
        .map(|u| {
            let email = u["email"].as_str().expect("email").to_owned();
            (email, parse(u))
        })
        .collect();
    let zone: Option<String> = response.take(4).expect("zone");
    World {
        deals,
        entries,
        outcome,
        users,
        zone: zone.expect("a zone"),
    }
}

fn parse<T: serde::de::DeserializeOwned>(row: Value) -> T {
    serde_json::from_value(row).expect("a row")
}

fn instant(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text.trim_matches('\''), &Rfc3339)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Who an actor's figures count: a rep their own, a manager their team's, an admin all.
fn counts(world: &World, email: &str, owner: &str, team: Option<&str>) -> bool {
    let me = &world.users[email];
    match email {
        "admin@example.com" => true,
        "manager@example.com" => {
            owner == me.id || (me.team.is_some() && team == me.team.as_deref())
        }
        _ => owner == me.id,
    }
}

async fn dashboard(app: &TestApp, session: &str, filters: Value, calendar: &str) -> Dashboard {
    let reply = app
        .call(
            Some(session),
            "dashboard",
            json!({ "filters": filters, "calendar": calendar }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    serde_json::from_value(reply.body).expect("a dashboard")
}

/// The figures worked out row by row for `email` over `period`.
struct Expected {
    won: BTreeMap<String, (i64, i64)>,
    lost: i64,
    created: i64,
    open: BTreeMap<String, (i64, i64, i64)>,
    entered: BTreeMap<String, i64>,
    forecast_open: i64,
}

fn expected(world: &World, email: &str, period: &Period, calendar: Calendar) -> Expected {
    let zone = Zone::named(&world.zone);
    let rules = Rules {
        calendar,
        fiscal_start: 1,
    };
    let span = period.span(zone.today(), rules).expect("a span");
    let (start, end) = (
        instant(&zone.midnight(span.start)),
        instant(&zone.midnight(span.end)),
    );
    let inside = |at: &str| (start..end).contains(&instant(at));
    let (first_day, after) = (app::calendar::iso(span.start), app::calendar::iso(span.end));
    let mut e = Expected {
        won: BTreeMap::new(),
        lost: 0,
        created: 0,
        open: BTreeMap::new(),
        entered: BTreeMap::new(),
        forecast_open: 0,
    };
    for deal in &world.deals {
        if !counts(world, email, &deal.owner, deal.team.as_deref()) {
            continue;
        }
        let outcome = world.outcome[&deal.stage].as_str();
        if outcome == "won" && inside(&deal.stage_changed_at) {
            let w = e.won.entry(deal.currency.clone()).or_default();
            w.0 += 1;
            w.1 += deal.value;
        }
        if outcome == "lost" && inside(&deal.stage_changed_at) {
            e.lost += 1;
        }
        if inside(&deal.created_at) {
            e.created += 1;
        }
        if outcome == "open" {
            let o = e.open.entry(deal.currency.clone()).or_default();
            o.0 += 1;
            o.1 += deal.value;
            o.2 += deal.value * deal.probability;
            let close = deal.expected_close.as_deref().unwrap_or_default();
            if close >= first_day.as_str() && close < after.as_str() {
                e.forecast_open += 1;
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for entry in &world.entries {
        if counts(world, email, &entry.owner, entry.team.as_deref())
            && inside(&entry.at)
            && seen.insert((entry.stage.clone(), entry.deal.clone()))
        {
            *e.entered.entry(entry.stage.clone()).or_default() += 1;
        }
    }
    e
}

fn assert_matches(got: &Dashboard, want: &Expected, who: &str) {
    let won: BTreeMap<String, (i64, i64)> = got
        .now
        .won
        .iter()
        .map(|s| (s.currency.code().to_owned(), (s.count, s.total)))
        .collect();
    assert_eq!(won, want.won, "{who}: won");
    assert_eq!(got.now.lost, want.lost, "{who}: lost");
    assert_eq!(got.now.created, want.created, "{who}: created");
    let open: BTreeMap<String, (i64, i64, i64)> = got
        .open
        .iter()
        .map(|o| (o.currency.code().to_owned(), (o.count, o.total, o.weighted)))
        .collect();
    let want_open: BTreeMap<String, (i64, i64, i64)> = want
        .open
        .iter()
        .map(|(c, (n, t, w))| (c.clone(), (*n, *t, (*w as f64 / 100.0).round() as i64)))
        .collect();
    assert_eq!(open, want_open, "{who}: open");
    for step in &got.funnel {
        let want_entered = want
            .entered
            .get(step.stage.id.as_str())
            .copied()
            .unwrap_or(0);
        assert_eq!(
            step.entered, want_entered,
            "{who}: entered {}",
            step.stage.name
        );
    }
    let forecast_open: i64 = got
        .forecast
        .iter()
        .flat_map(|m| m.open.iter().map(|o| o.count))
        .sum();
    assert_eq!(forecast_open, want.forecast_open, "{who}: forecast");
}

#[tokio::test]
async fn every_figure_counts_what_each_role_may_see() {
    let app = demo_app().await;
    let world = world(&app).await;
    let mut won_by = Vec::new();
    for email in [
        "rep@example.com",
        "manager@example.com",
        "admin@example.com",
    ] {
        let session = app.sign_in(email).await;
        for (period, code) in [
            (Period::ThisYear, "this_year"),
            (Period::LastYear, "last_year"),
            (Period::ThisQuarter, "this_quarter"),
        ] {
            let filters = json!({ "period": { "kind": code } });
            let got = dashboard(&app, &session, filters, "gregorian").await;
            let want = expected(&world, email, &period, Calendar::Gregorian);
            assert_matches(&got, &want, &format!("{email} {code}"));
            if code == "last_year" {
                won_by.push(want.won.values().map(|w| w.0).sum::<i64>());
            }
        }
    }
    // The demo has a past at every scope, and each wider scope sees more.
    assert!(
        0 < won_by[0] && won_by[0] < won_by[1] && won_by[1] < won_by[2],
        "won last year by rep, manager, admin: {won_by:?}"
    );
}

#[tokio::test]
async fn jalali_periods_cut_the_same_deals_a_persian_reader_expects() {
    let app = demo_app().await;
    let world = world(&app).await;
    let session = app.sign_in("admin@example.com").await;
    let filters = json!({ "period": { "kind": "this_year" } });
    let got = dashboard(&app, &session, filters, "jalali").await;
    assert_eq!(got.calendar, Calendar::Jalali);
    assert_eq!(got.forecast.len(), 12);
    assert!(
        got.forecast
            .iter()
            .all(|m| m.month.calendar == Calendar::Jalali)
    );
    assert_eq!(
        got.forecast[0].month.month, 1,
        "the year starts in Farvardin"
    );
    let want = expected(
        &world,
        "admin@example.com",
        &Period::ThisYear,
        Calendar::Jalali,
    );
    assert_matches(&got, &want, "admin, Jalali year");
}

#[tokio::test]
async fn filters_narrow_and_never_widen() {
    let app = demo_app().await;
    let world = world(&app).await;
    let admin = app.sign_in("admin@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let rep = &world.users["rep@example.com"];
    let south = world.users["rep2@example.com"]
        .team
        .clone()
        .expect("a team");
    let year = json!({ "kind": "last_year" });

    // The admin narrowed to the rep sees exactly the rep's own figures.
    let narrowed = dashboard(
        &app,
        &admin,
        json!({ "period": year, "owner": rep.id }),
        "gregorian",
    )
    .await;
    let want = expected(
        &world,
        "rep@example.com",
        &Period::LastYear,
        Calendar::Gregorian,
    );
    assert_matches(&narrowed, &want, "admin narrowed to the rep");

    // A manager asking for another team's figures gets nothing of theirs.
    let other = dashboard(
        &app,
        &manager,
        json!({ "period": year, "team": south }),
        "gregorian",
    )
    .await;
    assert!(
        other.now.won.is_empty() && other.now.lost == 0,
        "{:?}",
        other.now
    );
    assert!(other.open.is_empty());
    assert!(other.funnel.iter().all(|s| s.entered == 0));
    assert!(other.activity.is_empty());
    // Nor can they list the other team or its people.
    assert!(other.teams.iter().all(|t| t.id.as_str() != south));
    assert!(
        other
            .owners
            .iter()
            .all(|o| o.team.as_deref() != Some(south.as_str()))
    );
}

#[tokio::test]
async fn bad_filters_are_refused_and_strangers_are_not_answered() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let ask = |filters: Value| {
        app.call(
            Some(&admin),
            "dashboard",
            json!({ "filters": filters, "calendar": "gregorian" }),
        )
    };
    let backwards =
        ask(json!({ "period": { "kind": "custom", "from": "2026-05-01", "to": "2026-04-01" } }))
            .await;
    assert_eq!(
        backwards.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        backwards.body
    );
    let bad_team =
        ask(json!({ "period": { "kind": "this_month" }, "team": "north' OR true" })).await;
    assert_eq!(
        bad_team.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad_team.body
    );
    let nonsense = ask(json!({ "period": { "kind": "forever" } })).await;
    assert!(nonsense.status.is_client_error(), "{:?}", nonsense.status);
    let stranger = app
        .call(
            None,
            "dashboard",
            json!({ "filters": { "period": { "kind": "this_month" } }, "calendar": "gregorian" }),
        )
        .await;
    assert_eq!(stranger.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_custom_range_counts_its_days_and_compares_with_as_many_before() {
    let app = demo_app().await;
    let world = world(&app).await;
    let admin = app.sign_in("admin@example.com").await;
    let today = Zone::named("Asia/Tehran").today();
    let from = today - time::Duration::days(200);
    let to = today - time::Duration::days(20);
    let period = Period::Custom { from, to };
    let filters = json!({ "period": {
        "kind": "custom", "from": app::calendar::iso(from), "to": app::calendar::iso(to) } });
    let got = dashboard(&app, &admin, filters, "gregorian").await;
    assert_eq!(got.start, app::calendar::iso(from));
    assert_eq!(got.end, app::calendar::iso(to + time::Duration::days(1)));
    assert_eq!(got.previous_end, got.start);
    let want = expected(&world, "admin@example.com", &period, Calendar::Gregorian);
    assert_matches(&got, &want, "admin, custom range");
    assert!(
        want.won.values().map(|w| w.0).sum::<i64>() > 10,
        "the demo's past fills the range"
    );
}

async fn table_total(app: &TestApp, session: &str, query: &app::deals::table::TableQuery) -> i64 {
    let reply = app
        .call(Some(session), "deals/table", json!({ "query": query }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let page: app::deals::table::TablePage =
        serde_json::from_value(reply.body).expect("a table page");
    // The page holds at most a page of rows, all of them when they fit.
    assert_eq!(
        page.rows.len() as i64,
        page.total.min(i64::from(app::deals::table::PAGE_ROWS))
    );
    page.total
}

#[tokio::test]
async fn every_number_opens_a_table_of_exactly_its_deals() {
    use app::dashboard::drill;
    let app = demo_app().await;
    let world = world(&app).await;
    let rep_team = world.users["rep@example.com"].team.clone();
    for (email, filters) in [
        (
            "admin@example.com",
            json!({ "period": { "kind": "last_year" } }),
        ),
        (
            "admin@example.com",
            json!({ "period": { "kind": "this_year" }, "team": rep_team }),
        ),
        (
            "manager@example.com",
            json!({ "period": { "kind": "this_year" } }),
        ),
        (
            "rep@example.com",
            json!({ "period": { "kind": "last_year" } }),
        ),
    ] {
        let session = app.sign_in(email).await;
        let d = dashboard(&app, &session, filters, "gregorian").await;
        let who = format!("{email} {:?}", d.filters);
        let won: i64 = d.now.won.iter().map(|s| s.count).sum();
        assert_eq!(
            table_total(&app, &session, &drill::won(&d)).await,
            won,
            "{who}: won"
        );
        assert_eq!(
            table_total(&app, &session, &drill::lost(&d, None)).await,
            d.now.lost,
            "{who}: lost"
        );
        assert_eq!(
            table_total(&app, &session, &drill::created(&d, None)).await,
            d.now.created,
            "{who}: new"
        );
        let open: i64 = d.open.iter().map(|o| o.count).sum();
        assert_eq!(
            table_total(&app, &session, &drill::open(&d)).await,
            open,
            "{who}: open"
        );
        for step in &d.funnel {
            let total = table_total(&app, &session, &drill::entered(&d, &step.stage.id)).await;
            assert_eq!(total, step.entered, "{who}: entered {}", step.stage.name);
        }
        for reason in &d.lost_reasons {
            let query = drill::lost(&d, Some(reason.label.as_deref().unwrap_or_default()));
            assert_eq!(
                table_total(&app, &session, &query).await,
                reason.count,
                "{who}: {reason:?}"
            );
        }
        for source in &d.sources {
            let query = drill::created(&d, Some(source.label.as_deref().unwrap_or_default()));
            assert_eq!(
                table_total(&app, &session, &query).await,
                source.count,
                "{who}: {source:?}"
            );
        }
        for month in &d.forecast {
            let open: i64 = month.open.iter().map(|o| o.count).sum();
            let total = table_total(&app, &session, &drill::closing(&d, month)).await;
            assert_eq!(total, open, "{who}: closing in {:?}", month.month);
        }
        assert!(
            won > 0 && d.now.lost > 0,
            "{who}: the demo fills the figures"
        );
    }
}

#[tokio::test]
async fn the_organisation_sets_its_zone_fiscal_year_and_rates() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let reply = app
        .call(Some(&admin), "settings/organisation", json!({}))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let mut organisation = reply.body;
    assert_eq!(organisation["reporting"]["time_zone"], "Asia/Tehran");
    assert!(
        organisation["reporting"]["zones"]
            .as_array()
            .is_some_and(|z| z.len() > 300),
        "admins get the zones to choose from"
    );

    // Nothing of a save with a bad field is kept.
    organisation["reporting"]["time_zone"] = json!("Mars/Olympus");
    organisation["reporting"]["fiscal_start"] = json!(4);
    organisation["reporting"]["rates"] = json!([["EUR", "-2"], ["GBP", "abc"], ["IRT", ""]]);
    let save = |session: String, organisation: Value| {
        let app = &app;
        async move {
            app.call(
                Some(&session),
                "settings/organisation/save",
                json!({ "organisation": organisation }),
            )
            .await
        }
    };
    let refused = save(admin.clone(), organisation.clone()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problems = refused.body.to_string();
    for field in ["time_zone", "rates.EUR", "rates.GBP"] {
        assert!(problems.contains(field), "{field} in {problems}");
    }
    assert!(!problems.contains("rates.IRT"), "an empty rate is no rate");
    let forbidden = save(manager.clone(), organisation.clone()).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    organisation["reporting"]["time_zone"] = json!("Europe/London");
    organisation["reporting"]["rates"] =
        json!([["EUR", "1.1"], ["GBP", "1,27"], ["IRT", "۰٫۰۰۰۰۱"]]);
    let saved = save(admin.clone(), organisation.clone()).await;
    assert_eq!(
        saved.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a comma is not a decimal point"
    );
    organisation["reporting"]["rates"] = json!([["EUR", "1.1"], ["GBP", ""], ["IRT", "۰٫۰۰۰۰۱"]]);
    let saved = save(admin.clone(), organisation).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    // The dashboard counts by the new settings: a fiscal year from April, London's days,
    // and euros and tomans (typed in Persian digits) at their rates.
    let d = dashboard(
        &app,
        &manager,
        json!({ "period": { "kind": "this_year" } }),
        "gregorian",
    )
    .await;
    assert_eq!(d.time_zone, "Europe/London");
    assert!(d.start.ends_with("-04-01"), "{}", d.start);
    let rate = |code: &str| {
        d.rates
            .iter()
            .find(|r| r.currency.code() == code)
            .map(|r| r.per_unit)
    };
    assert_eq!(rate("EUR"), Some(1.1));
    assert_eq!(rate("IRT"), Some(0.00001));
    assert_eq!(rate("GBP"), None);
}

/// Every figure of `sessions` this month and this year, in both calendars, against the rows.
async fn figures_match(app: &TestApp, sessions: &[(&str, &str)], label: &str) {
    let world = world(app).await;
    for (email, session) in sessions {
        for (period, code) in [
            (Period::ThisMonth, "this_month"),
            (Period::ThisYear, "this_year"),
        ] {
            for (calendar, name) in [
                (Calendar::Gregorian, "gregorian"),
                (Calendar::Jalali, "jalali"),
            ] {
                let filters = json!({ "period": { "kind": code } });
                let got = dashboard(app, session, filters, name).await;
                let want = expected(&world, email, &period, calendar);
                assert_matches(&got, &want, &format!("{label}: {email} {code} {name}"));
            }
        }
    }
}

/// The server sums from tallies the database keeps up to date as records are written
/// (`dashboard/ssr/tallies.surql`): they follow a deal made, won, and taken back (entering
/// its first stage a second time in the period, which the funnel counts once), and count
/// the days of a new zone once the organisation chooses it.
#[tokio::test]
async fn the_tallies_follow_every_save_and_a_new_zone() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let sessions = [
        ("rep@example.com", rep.as_str()),
        ("admin@example.com", admin.as_str()),
    ];
    let won_this_month = || async {
        let d = dashboard(
            &app,
            &rep,
            json!({ "period": { "kind": "this_month" } }),
            "gregorian",
        )
        .await;
        d.now.won.iter().map(|s| s.count).sum::<i64>()
    };
    let board = app.board(&rep).await;
    let deal = support::new_deal(&board, "Tallied");
    let id = deal["id"].as_str().expect("id").to_owned();
    assert_eq!(app.save(&rep, "deal", deal).await.status, StatusCode::OK);
    figures_match(&app, &sessions, "made").await;

    let won_before = won_this_month().await;
    let won = app
        .move_deal(&rep, &id, &support::stage_id(&board, "Won"), None)
        .await;
    assert_eq!(won.status, StatusCode::OK, "{:?}", won.body);
    assert_eq!(won_this_month().await, won_before + 1);
    figures_match(&app, &sessions, "won").await;

    let back = app
        .move_deal(&rep, &id, &support::stage_id(&board, "Lead"), None)
        .await;
    assert_eq!(back.status, StatusCode::OK, "{:?}", back.body);
    assert_eq!(won_this_month().await, won_before);
    figures_match(&app, &sessions, "taken back").await;

    let mut organisation = app
        .call(Some(&admin), "settings/organisation", json!({}))
        .await
        .body;
    organisation["reporting"]["time_zone"] = json!("America/Los_Angeles");
    organisation["reporting"]["rates"] = json!([]);
    let saved = app
        .call(
            Some(&admin),
            "settings/organisation/save",
            json!({ "organisation": organisation }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    figures_match(&app, &sessions, "in Los Angeles").await;
}

/// `fn::day`, which buckets every tally, names the same day as the zone's midnights do,
/// across daylight-saving changes and in a zone whose offset is not whole hours.
#[tokio::test]
async fn the_database_counts_days_where_the_zone_begins_them() {
    let app = demo_app().await;
    let db = &app.state.db;
    for (name, around) in [
        ("Europe/London", ["2026-03-29", "2026-10-25"]),
        ("America/Los_Angeles", ["2026-03-08", "2026-11-01"]),
        ("Asia/Tehran", ["2021-03-22", "2021-09-22"]),
        ("Asia/Kolkata", ["2026-01-01", "2026-07-01"]),
    ] {
        let zone = Zone::named(name);
        app::dashboard::ssr::tallies::rebuild(db, zone)
            .await
            .expect("tallies");
        for day in around {
            let day = app::calendar::parse_iso(day).expect("a day");
            let start = instant(&zone.midnight(day - time::Duration::days(1)));
            for half_hour in 0..(3 * 48) {
                let at = start + time::Duration::minutes(30 * half_hour);
                let mut response = db
                    .query("RETURN fn::day(<datetime>$at)")
                    .bind(("at", at.format(&Rfc3339).expect("rfc3339")))
                    .await
                    .expect("query");
                let got: Option<String> = response.take(0).expect("a day");
                let local = (0..5)
                    .map(|back| day - time::Duration::days(2 - back))
                    .rfind(|d| instant(&zone.midnight(*d)) <= at)
                    .expect("a day began before");
                assert_eq!(
                    got.as_deref(),
                    Some(app::calendar::iso(local).as_str()),
                    "{name} at {at}"
                );
            }
        }
    }
}
