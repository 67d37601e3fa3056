//! What a fresh database needs (the organisation and its default pipeline), and the demo
//! organisation: realistic, deterministic data so every demo and test sees the same world.

use app::db::Db;
use app::ids::new_id;
use app::pipeline::{DEFAULT_STAGES, Outcome};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

mod cases;
mod fa;
mod history;
mod trash;

pub const DEMO_PASSWORD: &str = "hamrah-demo";

/// (email, name, role, team, language)
pub const DEMO_USERS: [(&str, &str, &str, Option<&str>, &str); 5] = [
    ("admin@example.com", "Ava Admin", "admin", None, "en"),
    (
        "manager@example.com",
        "Maryam Karimi",
        "manager",
        Some("North"),
        "en",
    ),
    ("rep@example.com", "Reza Ahmadi", "rep", Some("North"), "en"),
    ("rep2@example.com", "Sara Novak", "rep", Some("South"), "en"),
    fa::REP,
];

async fn count(db: &Db, table: &str) -> anyhow::Result<i64> {
    let mut r = db
        .query(format!("RETURN count(SELECT id FROM {table})"))
        .await?
        .check()?;
    Ok(r.take::<Option<i64>>(0)?.unwrap_or(0))
}

/// The organisation record and a default pipeline, created once.
pub async fn ensure_defaults(db: &Db) -> anyhow::Result<()> {
    if count(db, "pipeline").await? > 0 {
        return Ok(());
    }
    let stages: Vec<Value> = DEFAULT_STAGES
        .iter()
        .enumerate()
        .map(|(i, (name, probability, outcome, stall_days))| {
            let outcome = match outcome {
                Outcome::Open => "open",
                Outcome::Won => "won",
                Outcome::Lost => "lost",
            };
            json!({ "id": new_id(), "name": name, "position": i, "probability": probability,
                "outcome": outcome, "stall_days": stall_days })
        })
        .collect();
    db.query(
        "BEGIN TRANSACTION;
         UPSERT organisation:main CONTENT { name: 'My company', default_currency: 'USD', deal_sources: $sources };
         CREATE type::record('pipeline', $pipeline) CONTENT { name: 'Sales', is_default: true };
         FOR $s IN $stages {
             CREATE type::record('stage', $s.id) CONTENT { pipeline: type::record('pipeline', $pipeline),
                 name: $s.name, position: $s.position, probability: $s.probability, outcome: $s.outcome,
                 stall_days: $s.stall_days };
         };
         COMMIT TRANSACTION;",
    )
    .bind(("pipeline", new_id()))
    .bind(app::db::vars(&json!({ "stages": stages }))?)
    .bind(("sources", app::deals::source::DEFAULTS.map(String::from).to_vec()))
    .await?
    .check()?;
    Ok(())
}

/// The first admin of a real (non-demo) installation.
pub async fn ensure_admin(db: &Db, email: &str, password: &str) -> anyhow::Result<()> {
    if count(db, "user").await? > 0 {
        return Ok(());
    }
    let hash = app::auth::ssr::hash_password(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    db.query("CREATE type::record('user', $id) CONTENT { name: 'Administrator', email: $email, role: 'admin', password_hash: $hash }")
        .bind(("id", new_id()))
        .bind(("email", email.trim().to_lowercase()))
        .bind(("hash", hash))
        .await?
        .check()?;
    Ok(())
}

const COMPANY_STEMS: [&str; 30] = [
    "Alborz",
    "Parsian",
    "Caspian",
    "Zagros",
    "Kavir",
    "Aras",
    "Sahand",
    "Damavand",
    "Golestan",
    "Sepahan",
    "Northwind",
    "Blue Harbor",
    "Summit",
    "Evergreen",
    "Silverline",
    "Brightpath",
    "Ironwood",
    "Crescent",
    "Meridian",
    "Oakridge",
    "Pioneer",
    "Riverside",
    "Sunrise",
    "Tandis",
    "Arvand",
    "Persis",
    "Hirkan",
    "Azar",
    "Kimia",
    "Nika",
];
const COMPANY_KINDS: [(&str, &str); 8] = [
    ("Trading", "Wholesale"),
    ("Logistics", "Transport"),
    ("Foods", "Food & beverage"),
    ("Pharma", "Healthcare"),
    ("Textiles", "Manufacturing"),
    ("Motors", "Automotive"),
    ("Electronics", "Retail"),
    ("Build", "Construction"),
];
const STREETS: [&str; 8] = [
    "12 Vali Asr St, Tehran",
    "48 Chaharbagh Ave, Isfahan",
    "7 Zand Blvd, Shiraz",
    "101 Imam Reza St, Mashhad",
    "22 Kingsway, London",
    "5 Sheikh Zayed Rd, Dubai",
    "90 Istiklal Ave, Istanbul",
    "3 Friedrichstrasse, Berlin",
];
const FIRST: [&str; 24] = [
    "Ali", "Neda", "Omid", "Leila", "Kian", "Shirin", "Babak", "Mina", "Darius", "Parisa", "Hamid",
    "Yasmin", "James", "Emma", "Lucas", "Olivia", "Noah", "Sofia", "Daniel", "Hannah", "Arash",
    "Roya", "Farhad", "Nasrin",
];
const LAST: [&str; 20] = [
    "Rahimi", "Hosseini", "Moradi", "Jafari", "Tehrani", "Sadeghi", "Rostami", "Bahrami", "Kazemi",
    "Amini", "Smith", "Brown", "Weber", "Rossi", "Dubois", "Yilmaz", "Khan", "Novak", "Schmidt",
    "Garcia",
];
const TITLES: [&str; 8] = [
    "Purchasing manager",
    "CEO",
    "Operations lead",
    "Finance director",
    "IT manager",
    "Office manager",
    "Head of sales",
    "Procurement officer",
];
const PRODUCTS: [&str; 10] = [
    "Annual supply contract",
    "Fleet renewal",
    "POS rollout",
    "Warehouse scanners",
    "Service agreement",
    "Pilot project",
    "Spare parts order",
    "Software licences",
    "Regional expansion",
    "Maintenance plan",
];
const LOST_REASONS: [&str; 4] = [
    "Price too high",
    "Chose a competitor",
    "Budget frozen",
    "No decision",
];
const CALLS: [&str; 5] = [
    "Follow-up call",
    "Discuss pricing",
    "Check delivery date",
    "Intro call",
    "Call about renewal",
];
const MEETINGS: [&str; 4] = [
    "Site visit",
    "Product demo",
    "Contract review",
    "Quarterly review",
];
const TASKS: [&str; 5] = [
    "Send proposal",
    "Prepare quote",
    "Send samples",
    "Update price list",
    "Book a demo",
];
const NOTES: [&str; 4] = [
    "Prefers WhatsApp",
    "Budget approved for Q1",
    "New decision maker",
    "Asked for references",
];

fn slug(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn day(offset: i64) -> String {
    app::calendar::iso(time::OffsetDateTime::now_utc().date() + time::Duration::days(offset))
}

/// Seeds the demo organisation into an empty database. Returns false if it had users.
pub async fn seed_demo(db: &Db) -> anyhow::Result<bool> {
    if count(db, "user").await? > 0 {
        return Ok(false);
    }
    let mut rng = StdRng::seed_from_u64(0x4a4d_5241);
    let hash = app::auth::ssr::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let teams = json!([{ "id": new_id(), "name": "North" }, { "id": new_id(), "name": "South" }]);
    let team_id = |name: &str| {
        teams
            .as_array()
            .and_then(|t| t.iter().find(|t| t["name"] == name))
            .map(|t| t["id"].clone())
    };
    let users: Vec<Value> = DEMO_USERS
        .iter()
        .map(|(email, name, role, team, locale)| {
            json!({ "id": new_id(), "email": email, "name": name, "role": role, "team": team.and_then(team_id), "locale": locale })
        })
        .collect();
    // Who owns what: mostly the reps, some the manager and a few the admin.
    let owner_weights = [(1, 20), (2, 40), (3, 32), (0, 8)];
    let pick_owner = |rng: &mut StdRng| -> Value {
        let total: u32 = owner_weights.iter().map(|(_, w)| w).sum();
        let mut roll = rng.gen_range(0..total);
        for (index, weight) in owner_weights {
            if roll < weight {
                return users[index]["id"].clone();
            }
            roll -= weight;
        }
        users[2]["id"].clone()
    };

    let mut companies = Vec::new();
    let mut stems = COMPANY_STEMS.to_vec();
    stems.shuffle(&mut rng);
    for i in 0..60 {
        let (kind, industry) = COMPANY_KINDS[i % COMPANY_KINDS.len()];
        let name = format!(
            "{} {}",
            stems[i % stems.len()],
            if i < 30 {
                kind
            } else {
                COMPANY_KINDS[(i + 3) % 8].0
            }
        );
        let s = slug(&name);
        companies.push(json!({
            "id": new_id(), "name": name, "industry": industry,
            "phone": format!("+98 21 {:04} {:04}", rng.gen_range(1000..9999), rng.gen_range(1000..9999)),
            "email": format!("info@{s}.example"), "website": format!("{s}.example.com"),
            "address": STREETS[rng.gen_range(0..STREETS.len())], "owner": pick_owner(&mut rng),
        }));
    }
    let mut contacts = Vec::new();
    for i in 0..130 {
        let company = &companies[i % companies.len()];
        let name = format!(
            "{} {}",
            FIRST[rng.gen_range(0..FIRST.len())],
            LAST[rng.gen_range(0..LAST.len())]
        );
        let email = format!(
            "{}@{}.example",
            slug(&name),
            slug(company["name"].as_str().unwrap_or("x"))
        );
        contacts.push(json!({
            "id": new_id(), "name": name, "title": TITLES[rng.gen_range(0..TITLES.len())],
            "company": company["id"], "phones": [format!("+98 912 {:03} {:04}", rng.gen_range(100..999), rng.gen_range(1000..9999))],
            "emails": [email], "owner": company["owner"],
        }));
    }
    // The same customer entered twice, as a spreadsheet import leaves it: the legal form
    // added, the phone in its local form. The Duplicates page finds it; Merge makes it one.
    // Added after the draws, so every other record is as it always was.
    let twin = {
        // A North rep's customer, so the demo's manager and rep find it too.
        let j = companies
            .iter()
            .position(|c| c["owner"] == users[2]["id"])
            .unwrap_or(0);
        let first = &companies[j];
        let name = format!("{} Ltd", first["name"].as_str().unwrap_or_default());
        let phone = first["phone"]
            .as_str()
            .unwrap_or_default()
            .replacen("+98 ", "0", 1);
        let twin = json!({
            "id": new_id(), "name": name, "industry": first["industry"], "phone": phone,
            "email": "", "website": first["website"], "address": first["address"],
            "owner": first["owner"],
        });
        // One of its contacts was filed under the twin.
        if let Some(contact) = contacts.get_mut(j + 60) {
            contact["company"] = twin["id"].clone();
        }
        twin
    };
    let twin_id = twin["id"].clone();
    companies.push(twin);
    let stage_rows = {
        let mut r = db
            .query("SELECT id, position, probability, outcome FROM stage ORDER BY position")
            .await?
            .check()?;
        let rows: Vec<Value> = r.take(0)?;
        rows.into_iter()
            .map(|mut s| {
                let key = app::ids::key_of(s["id"].as_str().unwrap_or_default()).to_owned();
                s["id"] = Value::String(key);
                s
            })
            .collect::<Vec<_>>()
    };
    let stage_weights = [18, 16, 14, 10, 12, 10];
    let mut deals = Vec::new();
    for i in 0..90 {
        let contact = &contacts[(i * 7) % contacts.len()];
        let company = companies
            .iter()
            .find(|c| c["id"] == contact["company"])
            .unwrap_or(&companies[0]);
        let mut roll = rng.gen_range(0..stage_weights.iter().sum::<u32>());
        let mut stage_index = 0;
        for (index, weight) in stage_weights.iter().enumerate() {
            if roll < *weight {
                stage_index = index;
                break;
            }
            roll -= weight;
        }
        let stage = &stage_rows[stage_index.min(stage_rows.len() - 1)];
        let outcome = stage["outcome"].as_str().unwrap_or("open");
        let close = if outcome == "open" {
            rng.gen_range(-5..75)
        } else {
            rng.gen_range(-90..-1)
        };
        let currency = match rng.gen_range(0..10) {
            0 => "EUR",
            1 => "IRT",
            _ => "USD",
        };
        let value: i64 = if currency == "IRT" {
            rng.gen_range(50..2000) * 1_000_000
        } else {
            rng.gen_range(10..1500) * 10_000
        };
        let owner = if i < 12 {
            users[2]["id"].clone()
        } else {
            pick_owner(&mut rng)
        };
        let short = company["name"]
            .as_str()
            .unwrap_or_default()
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        deals.push(json!({
            "id": new_id(), "title": format!("{short} — {}", PRODUCTS[rng.gen_range(0..PRODUCTS.len())]),
            "value": value, "currency": currency, "stage": stage["id"], "probability": stage["probability"],
            "company": company["id"], "contact": contact["id"], "expected_close": day(close),
            "lost_reason": (outcome == "lost").then(|| LOST_REASONS[rng.gen_range(0..LOST_REASONS.len())]),
            "next_step": (outcome == "open").then(|| TASKS[rng.gen_range(0..TASKS.len())]),
            // Most deals say where they came from; a few were entered before anyone asked.
            "source": (i % 9 != 8).then(|| app::deals::source::DEFAULTS[(i * 5 + i / 6) % 6]),
            "owner": owner,
        }));
    }
    let mut activities = Vec::new();
    for i in 0..220 {
        // A step prime to the 90 deals, so every deal (and so every company) has a timeline;
        // a step of 5 gave activities to one deal in five.
        let deal = &deals[(i * 7 + 3) % deals.len()];
        let (kind, subjects): (&str, &[&str]) = match i % 4 {
            0 => ("call", &CALLS),
            1 => ("meeting", &MEETINGS),
            2 => ("task", &TASKS),
            _ => ("note", &NOTES),
        };
        // The first few belong to the demo rep, overdue and due today, so Today is never empty.
        let (owner, offset) = if i < 8 {
            (
                users[2]["id"].clone(),
                if i < 4 { -(i as i64) - 1 } else { 0 },
            )
        } else {
            (deal["owner"].clone(), rng.gen_range(-20..15))
        };
        let done = kind == "note" || (offset < -2 && rng.gen_bool(0.7) && i >= 8);
        // Logged when it happened, or planned a while back: so some deals have gone quiet
        // and show as stalled.
        let logged = if offset < 0 {
            offset
        } else {
            -rng.gen_range(1..30)
        };
        let at = time::OffsetDateTime::now_utc() + time::Duration::days(logged)
            - time::Duration::minutes(rng.gen_range(0..600));
        activities.push(json!({
            "at": history::stamp(at),
            "id": new_id(), "kind": kind, "subject": subjects[rng.gen_range(0..subjects.len())],
            "body": (kind == "note" || rng.gen_bool(0.3)).then_some("Discussed volumes and delivery schedule."),
            "due_date": (kind != "note").then(|| day(offset)),
            "due_time": (kind == "meeting" || kind == "call").then(|| format!("{:02}:{}", rng.gen_range(8..18), ["00", "30"][rng.gen_range(0..2)])),
            "done": done, "deal": deal["id"], "contact": deal["contact"], "company": deal["company"], "owner": owner,
        }));
    }

    incomplete(&mut companies, &mut contacts, &mut deals, &users[2]["id"]);
    let persian = fa::records(&users[4]["id"], &stage_rows);
    companies.extend(persian.companies);
    contacts.extend(persian.contacts);
    deals.extend(persian.deals);
    activities.extend(persian.activities);
    let sellers: Vec<Value> = users[1..].iter().map(|u| u["id"].clone()).collect();
    history::add(&mut deals, &mut activities, &stage_rows, &sellers);
    add_search_keys(&mut companies);
    add_search_keys(&mut contacts);

    app::dashboard::ssr::tallies::suspend(db)
        .await
        .map_err(|e| anyhow::anyhow!("dashboard tallies: {e}"))?;
    let vars = app::db::vars(&json!({
        "teams": teams, "users": users, "companies": companies, "contacts": contacts, "deals": deals,
        "activities": activities, "hash": hash,
        // What one euro and one toman were worth in dollars when the demo was written.
        "rates": { "EUR": 1.08, "IRT": 0.000_012 },
    }))
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.query(
        "BEGIN TRANSACTION;
         LET $pipeline = (SELECT VALUE id FROM pipeline WHERE is_default = true LIMIT 1)[0];
         UPDATE organisation:main SET time_zone = 'Asia/Tehran', rates = $rates;
         FOR $t IN $teams { CREATE type::record('team', $t.id) CONTENT { name: $t.name } };
         FOR $u IN $users {
             CREATE type::record('user', $u.id) CONTENT { name: $u.name, email: $u.email, role: $u.role, locale: $u.locale,
                 team: IF $u.team != NONE { type::record('team', $u.team) }, password_hash: $hash };
         };
         FOR $c IN $companies {
             LET $owner = type::record('user', $c.owner);
             CREATE type::record('company', $c.id) CONTENT { name: $c.name, name_lc: $c.name_lc, industry: $c.industry, phone: $c.phone,
                 email: $c.email, website: $c.website, address: $c.address, owner: $owner, team: $owner.team,
                 created_by: $owner, updated_by: $owner };
         };
         FOR $c IN $contacts {
             LET $owner = type::record('user', $c.owner);
             CREATE type::record('contact', $c.id) CONTENT { name: $c.name, name_lc: $c.name_lc, title: $c.title,
                 company: type::record('company', $c.company), phones: $c.phones, emails: $c.emails,
                 owner: $owner, team: $owner.team, created_by: $owner, updated_by: $owner };
         };
         FOR $d IN $deals {
             LET $owner = type::record('user', $d.owner);
             CREATE type::record('deal', $d.id) CONTENT { title: $d.title, value: $d.value, currency: $d.currency,
                 pipeline: $pipeline, stage: type::record('stage', $d.stage), probability: $d.probability,
                 company: type::record('company', $d.company), contact: type::record('contact', $d.contact),
                 expected_close: $d.expected_close, lost_reason: $d.lost_reason, next_step: $d.next_step,
                 source: $d.source, owner: $owner, team: $owner.team, created_by: $owner, updated_by: $owner,
                 created_at: <datetime>$d.created_at, stage_changed_at: <datetime>$d.changed_at,
                 updated_at: <datetime>$d.changed_at };
             FOR $e IN $d.entries {
                 CREATE stage_entry CONTENT { deal: type::record('deal', $d.id), stage: type::record('stage', $e.stage),
                     owner: $owner, team: $owner.team, at: <datetime>$e.at };
                 UPDATE type::record('deal', $d.id) SET entered += { stage: type::record('stage', $e.stage), at: <datetime>$e.at };
             };
         };
         FOR $a IN $activities {
             LET $owner = type::record('user', $a.owner);
             CREATE type::record('activity', $a.id) CONTENT { kind: $a.kind, subject: $a.subject, body: $a.body,
                 due_date: $a.due_date, due_time: $a.due_time, done: $a.done,
                 deal: type::record('deal', $a.deal), contact: type::record('contact', $a.contact),
                 company: type::record('company', $a.company),
                 owner: $owner, team: $owner.team, created_by: $owner, updated_by: $owner,
                 created_at: <datetime>($a.at ?? time::now()), updated_at: <datetime>($a.at ?? time::now()) };
         };
         COMMIT TRANSACTION;",
    )
    .bind(vars)
    .await?
    .check()?;
    // When each deal was last touched, as migration 0010 works it out for existing deals.
    db.query(include_str!("../migrations/0010_stalled.surql"))
        .await?
        .check()?;
    add_targets(db).await?;
    // A service desk: cases of the first companies, by their owners, each with the company's
    // first contact; written in the owner's language.
    let customers: Vec<(Value, Value, Value)> = companies
        .iter()
        .filter(|c| c["id"] != twin_id)
        .zip(&contacts)
        .map(|(company, contact)| {
            (
                company["id"].clone(),
                contact["id"].clone(),
                company["owner"].clone(),
            )
        })
        .collect();
    let persian: Vec<bool> = customers
        .iter()
        .map(|(_, _, owner)| {
            users
                .iter()
                .any(|u| u["id"] == *owner && u["locale"] == "fa")
        })
        .collect();
    cases::add(db, &customers, &persian).await?;
    app::cases::ssr::refresh_outcomes(db)
        .await
        .map_err(|e| anyhow::anyhow!("case outcomes: {e}"))?;
    trash::add(db).await?;
    // Each demo team is run by its manager.
    db.query(
        "FOR $m IN (SELECT id, team FROM user WHERE role = 'manager' AND team != NONE) {
             UPDATE $m.team SET manager = $m.id;
         };",
    )
    .await?
    .check()?;
    // Built again now the demo is in (and in Tehran's zone).
    app::dashboard::ssr::tallies::ensure(db)
        .await
        .map_err(|e| anyhow::anyhow!("dashboard tallies: {e}"))?;
    Ok(true)
}

/// What real data has and Incomplete records finds: two contacts nobody can reach, two
/// companies nobody has met yet (named to sort last), two open deals without a next step.
fn incomplete(
    companies: &mut Vec<Value>,
    contacts: &mut [Value],
    deals: &mut [Value],
    owner: &Value,
) {
    for i in [7, 55] {
        if let Some(contact) = contacts.get_mut(i) {
            contact["phones"] = json!([]);
            contact["emails"] = json!([]);
        }
    }
    for (name, industry) in [("Zagros Solar", "Energy"), ("Yas Logistics", "Transport")] {
        companies
            .push(json!({ "id": new_id(), "name": name, "industry": industry, "owner": owner }));
    }
    for deal in deals
        .iter_mut()
        .filter(|d| !d["next_step"].is_null())
        .skip(5)
        .step_by(20)
        .take(2)
    {
        deal["next_step"] = Value::Null;
    }
}

/// This month's target for each rep and this quarter's for each team (Gregorian), so the
/// Dashboard's Targets have something to measure against.
async fn add_targets(db: &Db) -> anyhow::Result<()> {
    let today = time::OffsetDateTime::now_utc().date();
    let first = |year: i32, month: u8| {
        time::Month::try_from(month)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(year, m, 1).ok())
            .map(app::calendar::iso)
    };
    let next = |year: i32, month: u8, by: u8| {
        let m = month - 1 + by;
        first(year + i32::from(m / 12), m % 12 + 1)
    };
    let (year, month) = (today.year(), u8::from(today.month()));
    let quarter = (month - 1) / 3 * 3 + 1;
    let (Some(month_start), Some(month_end), Some(quarter_start), Some(quarter_end)) = (
        first(year, month),
        next(year, month, 1),
        first(year, quarter),
        next(year, quarter, 3),
    ) else {
        return Ok(());
    };
    db.query(
        "LET $admin = (SELECT VALUE id FROM user WHERE role = 'admin' LIMIT 1)[0];
         FOR $u IN (SELECT id FROM user WHERE role = 'rep') {
             UPSERT type::record('target', 'rep_' + record::id($u.id) + '_' + $ms + '_' + $me) CONTENT {
                 user: $u.id, kind: 'month', start: $ms, end: $me, amount: 6000000, set_by: $admin };
         };
         FOR $t IN (SELECT id FROM team) {
             UPSERT type::record('target', 'team_' + record::id($t.id) + '_' + $qs + '_' + $qe) CONTENT {
                 team: $t.id, kind: 'quarter', start: $qs, end: $qe, amount: 45000000, set_by: $admin };
         };",
    )
    .bind(("ms", month_start))
    .bind(("me", month_end))
    .bind(("qs", quarter_start))
    .bind(("qe", quarter_end))
    .await?
    .check()?;
    Ok(())
}

/// Sets each company's or contact's search key (`name_lc`) from its name, as the app's saves
/// write it; for records written straight into the database.
pub fn add_search_keys(rows: &mut [Value]) {
    for row in rows {
        let key = app::text::fold(row["name"].as_str().unwrap_or_default());
        row["name_lc"] = json!(key);
    }
}
