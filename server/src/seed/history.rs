//! The demo organisation's past: when each deal was created, which stages it went through and
//! when, and eighteen months of deals won and lost before the current ones, with the calls
//! and meetings that went with them. So the dashboard has a figure for every period, and a
//! period to compare it with. A random source of its own keeps the rest of the demo as it was.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

/// Deals closed over the last eighteen months, before the ones the demo started with.
const PAST_DEALS: usize = 240;
/// Activities done over the last six months.
const PAST_ACTIVITIES: usize = 420;

pub fn stamp(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Open stages in order, then the won and the lost stage: `(id, outcome)` of `stages`.
struct Stages {
    open: Vec<Value>,
    won: Value,
    lost: Value,
}

impl Stages {
    fn of(stage_rows: &[Value]) -> Option<Stages> {
        let with = |outcome: &str| {
            stage_rows
                .iter()
                .filter(|s| s["outcome"] == outcome)
                .map(|s| s["id"].clone())
                .collect::<Vec<_>>()
        };
        Some(Stages {
            open: with("open"),
            won: with("won").first()?.clone(),
            lost: with("lost").first()?.clone(),
        })
    }
}

/// Sets `created_at`, `changed_at` and the stage `entries` of a deal at `stage`: it went
/// through the open stages in order, from its creation to `until`, and a closed deal then
/// entered its won or lost stage at `until`.
fn walk(
    deal: &mut Value,
    stages: &Stages,
    created: OffsetDateTime,
    until: OffsetDateTime,
    rng: &mut StdRng,
) {
    let stage = deal["stage"].clone();
    let reached = match stages.open.iter().position(|s| *s == stage) {
        Some(open) => open + 1,
        // A lost deal dropped out somewhere along the way; a won one went all the way.
        None if stage == stages.lost => rng.gen_range(1..=stages.open.len()),
        None => stages.open.len(),
    };
    let closed = !stages.open.contains(&stage);
    let steps = reached + usize::from(closed);
    let length = (until - created).max(Duration::hours(steps as i64));
    let mut entries = Vec::with_capacity(steps);
    for (i, id) in stages.open.iter().take(reached).enumerate() {
        let at = created + length * (i as f64 / steps as f64);
        entries.push(json!({ "stage": id, "at": stamp(at) }));
    }
    if closed {
        entries.push(json!({ "stage": stage, "at": stamp(until) }));
    }
    let changed = entries
        .last()
        .and_then(|e| e["at"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| stamp(created));
    deal["created_at"] = json!(stamp(created));
    deal["changed_at"] = json!(changed);
    deal["entries"] = json!(entries);
}

/// Gives the demo's deals a past, and adds the deals and activities of the months before.
pub fn add(
    deals: &mut Vec<Value>,
    activities: &mut Vec<Value>,
    stage_rows: &[Value],
    owners: &[Value],
) {
    let Some(stages) = Stages::of(stage_rows) else {
        return;
    };
    let mut rng = StdRng::seed_from_u64(0x4849_5354);
    let now = OffsetDateTime::now_utc();
    let day = |rng: &mut StdRng, from: i64, to: i64| {
        now + Duration::days(rng.gen_range(from..to)) + Duration::minutes(rng.gen_range(0..600))
    };
    for deal in deals.iter_mut() {
        let closed = deal["stage"] == stages.won || deal["stage"] == stages.lost;
        let until = if closed {
            // Closed deals were closed on their expected close day.
            deal["expected_close"]
                .as_str()
                .and_then(app::calendar::parse_iso)
                .map(|d| d.midnight().assume_utc() + Duration::hours(rng.gen_range(6..16)))
                .unwrap_or(now - Duration::days(3))
                .min(now - Duration::hours(1))
        } else {
            day(&mut rng, -6, 0)
        };
        let created = until - Duration::days(rng.gen_range(8..120));
        walk(deal, &stages, created, until, &mut rng);
    }
    let templates: Vec<Value> = deals.clone();
    for i in 0..PAST_DEALS {
        let Some(template) = templates.get((i * 11) % templates.len().max(1)) else {
            break;
        };
        let mut deal = template.clone();
        let won = rng.gen_bool(0.42);
        let until = day(&mut rng, -540, -2);
        let created = until - Duration::days(rng.gen_range(10..110));
        deal["id"] = json!(app::ids::new_id());
        deal["stage"] = if won {
            stages.won.clone()
        } else {
            stages.lost.clone()
        };
        deal["probability"] = json!(if won { 100 } else { 0 });
        deal["owner"] = owners[rng.gen_range(0..owners.len())].clone();
        deal["expected_close"] = json!(app::calendar::iso(until.date()));
        deal["next_step"] = Value::Null;
        deal["lost_reason"] = if won {
            Value::Null
        } else {
            json!(super::LOST_REASONS[rng.gen_range(0..super::LOST_REASONS.len())])
        };
        if let Some(value) = deal["value"].as_i64() {
            deal["value"] = json!(value / 100 * rng.gen_range(60..140));
        }
        walk(&mut deal, &stages, created, until, &mut rng);
        deals.push(deal);
    }
    let kinds = [
        ("call", &super::CALLS[..]),
        ("meeting", &super::MEETINGS[..]),
        ("task", &super::TASKS[..]),
    ];
    let count = deals.len();
    for i in 0..PAST_ACTIVITIES {
        let deal = &deals[(i * 13 + 5) % count];
        let (kind, subjects) = kinds[i % kinds.len()];
        let due = day(&mut rng, -180, -1);
        activities.push(json!({
            "id": app::ids::new_id(), "kind": kind, "subject": subjects[rng.gen_range(0..subjects.len())],
            "due_date": app::calendar::iso(due.date()), "done": true, "at": stamp(due),
            "deal": deal["id"], "contact": deal["contact"], "company": deal["company"], "owner": deal["owner"],
        }));
    }
}
