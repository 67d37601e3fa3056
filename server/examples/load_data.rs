//! Fills a database for the load benchmark (`.ci/bench`): the demo organisation plus ten
//! teams of five reps and 100,000 deals, 30,000 companies, 60,000 contacts and 500,000
//! activities spread over them, all current; and an eleventh team with eight years behind
//! it (see [`history`]). Not part of the product: an example, so it never ships.
//!
//! Usage: HAMRAH_DB=surrealkv://… cargo run --release --example load_data
//! (`LOAD_SCALE=0.01` makes a hundredth of it, to try the generator quickly.)

use std::time::Instant;

use serde_json::{Value, json};
use server::config::Config;

const TEAMS: usize = 10;
const REPS_PER_TEAM: usize = 5;
const COMPANIES: usize = 30_000;
const CONTACTS: usize = 60_000;
const DEALS: usize = 100_000;
const ACTIVITIES: usize = 500_000;

fn scaled(n: usize) -> usize {
    let scale: f64 = std::env::var("LOAD_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    ((n as f64 * scale) as usize).max(1)
}
const BATCH: usize = 2_500;

const COMPANIES_SQL: &str = "FOR $c IN $rows { LET $o = type::record('user', $c.owner);
    CREATE type::record('company', $c.id) CONTENT { name: $c.name, name_lc: $c.name_lc, owner: $o, team: $o.team, created_by: $o, updated_by: $o } };";
const CONTACTS_SQL: &str = "FOR $c IN $rows { LET $o = type::record('user', $c.owner);
    CREATE type::record('contact', $c.id) CONTENT { name: $c.name, name_lc: $c.name_lc, company: type::record('company', $c.company),
        owner: $o, team: $o.team, created_by: $o, updated_by: $o } };";

fn id(kind: u8, n: usize) -> String {
    // Fixed, valid UUIDv7-shaped ids, so runs are repeatable and links are easy to make.
    format!("01900000-0000-7{kind:03x}-8000-{n:012x}")
}

/// [`insert`] for companies or contacts, with the search key the app stores beside a name.
async fn insert_named(
    db: &app::db::Db,
    sql: &str,
    name: &str,
    mut rows: Vec<Value>,
) -> anyhow::Result<()> {
    server::seed::add_search_keys(&mut rows);
    insert(db, sql, name, rows).await
}

async fn insert(db: &app::db::Db, sql: &str, name: &str, rows: Vec<Value>) -> anyhow::Result<()> {
    let started = Instant::now();
    let total = rows.len();
    for chunk in rows.chunks(BATCH) {
        db.query(format!("BEGIN TRANSACTION; {sql} COMMIT TRANSACTION;"))
            .bind(("rows", chunk.to_vec()))
            .await?
            .check()?;
    }
    println!(
        "{name}: {total} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config {
        demo: true,
        ..Config::from_env()?
    };
    let db = server::storage::connect(&config).await?;
    server::seed::ensure_defaults(&db).await?;
    server::seed::seed_demo(&db).await?;
    let tallies = |e: app::error::AppError| anyhow::anyhow!("dashboard tallies: {e}");
    // Built once over everything instead of kept up to date through 600,000 writes.
    app::dashboard::ssr::tallies::suspend(&db)
        .await
        .map_err(tallies)?;
    let mut response = db
        .query("SELECT VALUE record::id(id) FROM stage ORDER BY position")
        .await?
        .check()?;
    let stages: Vec<String> = response.take(0)?;
    let hash = app::auth::ssr::hash_password(server::seed::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;

    let teams: Vec<Value> = (0..TEAMS)
        .map(|t| json!({ "id": id(1, t), "name": format!("Load team {t}") }))
        .collect();
    let reps: Vec<Value> = (0..TEAMS * REPS_PER_TEAM)
        .map(|r| json!({ "id": id(2, r), "name": format!("Load rep {r}"), "email": format!("load{r}@example.com"), "team": id(1, r / REPS_PER_TEAM) }))
        .collect();
    db.query(
        "BEGIN TRANSACTION;
         FOR $t IN $teams { CREATE type::record('team', $t.id) CONTENT { name: $t.name } };
         FOR $u IN $reps { CREATE type::record('user', $u.id) CONTENT { name: $u.name, email: $u.email, role: 'rep',
             team: type::record('team', $u.team), password_hash: $hash } };
         COMMIT TRANSACTION;",
    )
    .bind(("teams", teams))
    .bind(("reps", reps))
    .bind(("hash", hash))
    .await?
    .check()?;
    let owner = |n: usize| id(2, n % (TEAMS * REPS_PER_TEAM));
    let (companies_n, contacts_n, deals_n, activities_n) = (
        scaled(COMPANIES),
        scaled(CONTACTS),
        scaled(DEALS),
        scaled(ACTIVITIES),
    );

    let companies = (0..companies_n)
        .map(|n| json!({ "id": id(3, n), "name": format!("Company {n}"), "owner": owner(n) }))
        .collect();
    insert_named(&db, COMPANIES_SQL, "companies", companies).await?;
    let contacts = (0..contacts_n)
        .map(|n| json!({ "id": id(4, n), "name": format!("Contact {n}"), "company": id(3, n % companies_n), "owner": owner(n) }))
        .collect();
    insert_named(&db, CONTACTS_SQL, "contacts", contacts).await?;
    let deals = (0..deals_n)
        .map(|n| deal(n, &stages, owner(n), (companies_n, contacts_n)))
        .collect();
    insert(
        &db,
        "LET $pipeline = (SELECT VALUE id FROM pipeline WHERE is_default = true LIMIT 1)[0];
         FOR $d IN $rows { LET $o = type::record('user', $d.owner); LET $deal = type::record('deal', $d.id);
             CREATE $deal CONTENT { title: $d.title, value: $d.value, currency: 'USD', pipeline: $pipeline,
                 stage: type::record('stage', $d.stage), probability: $d.probability, company: type::record('company', $d.company),
                 contact: type::record('contact', $d.contact), owner: $o, team: $o.team, created_by: $o, updated_by: $o,
                 expected_close: $d.expected_close ?? NONE, lost_reason: $d.lost_reason ?? NONE,
                 created_at: <datetime>$d.created_at, stage_changed_at: <datetime>$d.changed_at,
                 touched_at: <datetime>$d.changed_at, updated_at: <datetime>$d.changed_at };
             FOR $e IN $d.entries {
                 CREATE stage_entry CONTENT { deal: $deal, stage: type::record('stage', $e.stage), owner: $o, team: $o.team, at: <datetime>$e.at };
                 UPDATE $deal SET entered += { stage: type::record('stage', $e.stage), at: <datetime>$e.at };
             };
         };",
        "deals",
        deals,
    )
    .await?;
    let activities = (0..activities_n)
        .map(|n| {
            let kind = ["call", "meeting", "task", "note"][n % 4];
            json!({ "id": id(6, n), "kind": kind, "subject": format!("Activity {n}"),
                "due_date": format!("2026-{:02}-{:02}", n % 12 + 1, n % 28 + 1), "done": n % 3 == 0,
                "deal": id(5, n % deals_n), "owner": owner(n % deals_n) })
        })
        .collect();
    insert(
        &db,
        "FOR $a IN $rows { LET $o = type::record('user', $a.owner);
             CREATE type::record('activity', $a.id) CONTENT { kind: $a.kind, subject: $a.subject, due_date: $a.due_date,
                 done: $a.done, deal: type::record('deal', $a.deal), owner: $o, team: $o.team, created_by: $o, updated_by: $o } };",
        "activities",
        activities,
    )
    .await?;
    history(&db, &stages, scaled(HISTORY_DEALS)).await
}

/// A deal of the load teams: four in ten open (in each open stage alike, expected to close
/// within six months), three won and three lost, created over the last two years and closed
/// up to two months later, with the stages each went through and when: what the Dashboard's
/// figures, funnel and forecast read.
fn deal(
    n: usize,
    stages: &[String],
    owner: String,
    (companies_n, contacts_n): (usize, usize),
) -> Value {
    let now = time::OffsetDateTime::now_utc();
    let at = |days_ago: i64| {
        (now - time::Duration::days(days_ago) - time::Duration::minutes((n % 600) as i64))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let created = ((n * 7919) % 730 + 1) as i64;
    let changed = created.saturating_sub((n % 60 + 1) as i64).max(0);
    // The stages entered, in order: the open ones up to where the deal got, then the outcome.
    let (stage, path): (usize, Vec<usize>) = match n % 10 {
        0..=3 => (n % 4, (0..=n % 4).collect()),
        4..=6 => (4, vec![0, 1, 2, 3, 4]),
        _ => (5, (0..=n % 4).chain([5]).collect()),
    };
    let steps = path.len() as i64;
    let entries: Vec<Value> = path
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // Spread from creation to the last change; the last step is the last change.
            let days_ago = created - (created - changed) * (i as i64 + 1) / steps;
            json!({ "stage": stages[*s], "at": at(if i == 0 { created } else { days_ago }) })
        })
        .collect();
    let close = (now + time::Duration::days((n % 180) as i64)).date();
    let probability = [10, 25, 50, 75, 100, 0][stage];
    let lost_reason = (stage == 5).then_some(["Price", "Timing", "Competitor"][n % 3]);
    json!({ "id": id(5, n), "title": format!("Deal {n}"), "value": (n % 97 + 1) * 10_000, "stage": stages[stage],
        "probability": probability,
        "company": id(3, n % companies_n), "contact": id(4, n % contacts_n), "owner": owner,
        "expected_close": (stage < 4).then(|| app::calendar::iso(close)),
        "lost_reason": lost_reason,
        "created_at": at(created), "changed_at": entries.last().map_or_else(|| at(changed), |e| e["at"].as_str().unwrap_or_default().to_owned()),
        "entries": entries })
}

const HISTORY_DEALS: usize = 50_000;

/// A team whose manager (`history-manager@example.com`) oversees 50,000 deals made over eight
/// years, a tenth of them still open, with 3,000 companies, 6,000 contacts and 100,000
/// activities (one in fifty still to do): what a device keeps of it is its working set, not
/// everything the manager may read.
async fn history(db: &app::db::Db, stages: &[String], deals_n: usize) -> anyhow::Result<()> {
    const YEARS_DAYS: usize = 8 * 365;
    let hash = app::auth::ssr::hash_password(server::seed::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let team = id(7, 0);
    let people: Vec<Value> = (0..6)
        .map(|n| {
            let (email, role) = match n {
                0 => ("history-manager@example.com".to_owned(), "manager"),
                _ => (format!("history{n}@example.com"), "rep"),
            };
            json!({ "id": id(8, n), "name": format!("History {n}"), "email": email, "role": role })
        })
        .collect();
    db.query(
        "BEGIN TRANSACTION;
         CREATE type::record('team', $team) CONTENT { name: 'History team' };
         FOR $u IN $people { CREATE type::record('user', $u.id) CONTENT { name: $u.name, email: $u.email,
             role: $u.role, team: type::record('team', $team), password_hash: $hash } };
         COMMIT TRANSACTION;",
    )
    .bind(("team", team))
    .bind(("people", people))
    .bind(("hash", hash))
    .await?
    .check()?;
    let now = time::OffsetDateTime::now_utc();
    let ago = |days: usize| {
        (now - time::Duration::days(days as i64))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    // Spread over the eight years by a step prime to their days, so every age is taken.
    let spread = |n: usize| ago((n * 7919) % YEARS_DAYS);
    let owner = |n: usize| id(8, 1 + n % 5);
    let (companies_n, contacts_n, activities_n) = (deals_n / 16, deals_n / 8, deals_n * 2);
    let companies = (0..companies_n)
        .map(|n| json!({ "id": id(9, n), "name": format!("History company {n}"), "owner": owner(n) }))
        .collect();
    insert_named(db, COMPANIES_SQL, "history companies", companies).await?;
    let contacts = (0..contacts_n)
        .map(|n| json!({ "id": id(10, n), "name": format!("History contact {n}"), "company": id(9, n % companies_n), "owner": owner(n) }))
        .collect();
    insert_named(db, CONTACTS_SQL, "history contacts", contacts).await?;
    // A tenth open and changed lately; the rest won (a third) or lost, at every age.
    let deals = (0..deals_n)
        .map(|n| {
            let (stage, at) = match n % 10 {
                0 => (&stages[(n / 10) % 4], ago(n % 60)),
                _ if n % 3 == 0 => (&stages[4], spread(n)),
                _ => (&stages[5], spread(n)),
            };
            json!({ "id": id(11, n), "title": format!("History deal {n}"), "value": (n % 97 + 1) * 10_000, "stage": stage,
                "company": id(9, n % companies_n), "contact": id(10, n % contacts_n), "owner": owner(n), "at": at })
        })
        .collect();
    insert(
        db,
        "LET $pipeline = (SELECT VALUE id FROM pipeline WHERE is_default = true LIMIT 1)[0];
         FOR $d IN $rows { LET $o = type::record('user', $d.owner);
             CREATE type::record('deal', $d.id) CONTENT { title: $d.title, value: $d.value, currency: 'USD', pipeline: $pipeline,
                 stage: type::record('stage', $d.stage), probability: 20, company: type::record('company', $d.company),
                 contact: type::record('contact', $d.contact), owner: $o, team: $o.team, created_by: $o, updated_by: $o,
                 updated_at: <datetime>$d.at } };",
        "history deals",
        deals,
    )
    .await?;
    let activities = (0..activities_n)
        .map(|n| {
            let done = n % 50 != 0;
            let kind = ["call", "meeting", "task", "note"][n % 4];
            json!({ "id": id(12, n), "kind": kind, "subject": format!("History activity {n}"),
                "done": done, "deal": id(11, n % deals_n), "owner": owner(n % deals_n),
                "at": if done { spread(n) } else { ago(0) } })
        })
        .collect();
    insert(
        db,
        "FOR $a IN $rows { LET $o = type::record('user', $a.owner);
             CREATE type::record('activity', $a.id) CONTENT { kind: $a.kind, subject: $a.subject, done: $a.done,
                 deal: type::record('deal', $a.deal), owner: $o, team: $o.team, created_by: $o, updated_by: $o,
                 updated_at: <datetime>$a.at } };",
        "history activities",
        activities,
    )
    .await?;
    let started = std::time::Instant::now();
    app::dashboard::ssr::tallies::ensure(db)
        .await
        .map_err(|e| anyhow::anyhow!("dashboard tallies: {e}"))?;
    println!(
        "dashboard tallies built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
