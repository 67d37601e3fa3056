//! The demo's service desk: complaints, requests and questions from the demo's customers,
//! at every step of their flow — new, acknowledged, being worked on, waiting on the customer,
//! resolved and closed — some well within their promised times, some nearly due, some
//! overdue, so every queue and badge has something to show.

use app::db::Db;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::history::stamp;

/// (kind, priority, channel, category, English subject, Persian subject, statuses with the
/// hours ago each was entered, oldest first; the first is New, when the case came in).
type Demo = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, i64)],
);

const CASES: &[Demo] = &[
    (
        "complaint",
        "urgent",
        "phone",
        "Delivery",
        "Order arrived damaged",
        "سفارش آسیب‌دیده رسید",
        &[("new", 3)],
    ),
    (
        "complaint",
        "high",
        "visit",
        "Product quality",
        "Printer jams after the update",
        "چاپگر پس از به‌روزرسانی گیر می‌کند",
        &[("new", 30), ("acknowledged", 28)],
    ),
    (
        "request",
        "normal",
        "email",
        "Billing",
        "Invoice needs the new company address",
        "فاکتور باید نشانی تازهٔ شرکت را داشته باشد",
        &[("new", 50), ("acknowledged", 49), ("in_progress", 26)],
    ),
    (
        "question",
        "low",
        "web_form",
        "Service",
        "Is on-site training included?",
        "آیا آموزش حضوری هم شامل می‌شود؟",
        &[("new", 6)],
    ),
    (
        "complaint",
        "high",
        "phone",
        "Delivery",
        "Second late delivery this month",
        "دومین تأخیر تحویل در این ماه",
        &[("new", 80), ("acknowledged", 79), ("waiting", 60)],
    ),
    (
        "request",
        "urgent",
        "phone",
        "Service",
        "Technician needed for a stopped line",
        "نیاز فوری به تکنسین برای خط متوقف",
        // A week ago, so it is past its promise on any day of the week: counted in working
        // hours, a day ago is no time at all on a Friday morning in Tehran.
        &[("new", 170), ("in_progress", 169)],
    ),
    (
        "complaint",
        "normal",
        "social",
        "Service",
        "Rude answer on the support line",
        "پاسخ نامناسب در خط پشتیبانی",
        &[
            ("new", 120),
            ("acknowledged", 118),
            ("in_progress", 100),
            ("resolved", 70),
        ],
    ),
    (
        "request",
        "normal",
        "email",
        "Billing",
        "Copy of last year's invoices",
        "رونوشت فاکتورهای سال گذشته",
        &[
            ("new", 200),
            ("acknowledged", 199),
            ("resolved", 180),
            ("closed", 150),
        ],
    ),
    (
        "question",
        "normal",
        "phone",
        "Product quality",
        "Warranty on replaced parts",
        "ضمانت قطعه‌های تعویضی",
        &[("new", 10), ("acknowledged", 9)],
    ),
    (
        "complaint",
        "urgent",
        "visit",
        "Product quality",
        "Batch of cartridges leaks",
        "یک سری کارتریج نشتی دارد",
        &[("new", 40), ("acknowledged", 39), ("in_progress", 38)],
    ),
    (
        "request",
        "high",
        "web_form",
        "Delivery",
        "Change the delivery address",
        "تغییر نشانی تحویل",
        &[("new", 2)],
    ),
    (
        "complaint",
        "normal",
        "email",
        "Billing",
        "Charged twice for one order",
        "دو بار برای یک سفارش پول کسر شد",
        &[
            ("new", 300),
            ("acknowledged", 290),
            ("in_progress", 280),
            ("resolved", 240),
            ("reopened", 30),
        ],
    ),
    (
        "question",
        "low",
        "social",
        "Service",
        "Opening hours during the holidays",
        "ساعت کاری در تعطیلات",
        &[("new", 90), ("resolved", 85), ("closed", 60)],
    ),
    (
        "request",
        "normal",
        "phone",
        "Service",
        "Move the maintenance visit to next week",
        "جابه‌جایی بازدید نگهداری به هفتهٔ بعد",
        &[("new", 20), ("acknowledged", 19), ("waiting", 18)],
    ),
];

/// Assessments and decisions for the complaints that got that far.
const ROOT_CAUSE: &str = "Packing for the long route was not reinforced.";
const CORRECTIVE: &str = "Reinforced packing for every order over 200 km; driver briefed.";

/// Adds the demo cases, each for one of `customers` (company id, contact id, owner id) in
/// turn, and numbers them as the server would have.
pub async fn add(
    db: &Db,
    customers: &[(Value, Value, Value)],
    persian: &[bool],
) -> anyhow::Result<()> {
    if customers.is_empty() {
        return Ok(());
    }
    let now = OffsetDateTime::now_utc();
    let year = now.year();
    let mut rows = Vec::new();
    for (i, (kind, priority, channel, category, en, fa, steps)) in CASES.iter().enumerate() {
        let (company, contact, owner) = &customers[i * 3 % customers.len()];
        let subject = if persian
            .get(i * 3 % customers.len())
            .copied()
            .unwrap_or(false)
        {
            fa
        } else {
            en
        };
        let at = |hours: &i64| stamp(now - Duration::hours(*hours));
        let log: Vec<Value> = steps
            .iter()
            .map(|(status, hours)| json!({ "status": status, "at": at(hours) }))
            .collect();
        let (status, changed) = steps.last().copied().unwrap_or(("new", 0));
        let complaint_done = *kind == "complaint" && matches!(status, "resolved" | "reopened");
        rows.push(json!({
            "id": app::ids::new_id(),
            "kind": kind,
            "priority": priority,
            "channel": channel,
            "category": category,
            "subject": subject,
            "status": status,
            "company": company,
            "contact": contact,
            "owner": owner,
            "reference": app::cases::reference(year, i as i64 + 1),
            "log": log,
            "created_at": at(&steps[0].1),
            "updated_at": at(&changed),
            "root_cause": complaint_done.then_some(ROOT_CAUSE),
            "corrective_action": complaint_done.then_some(CORRECTIVE),
        }));
    }
    db.query(
        "BEGIN TRANSACTION;
         FOR $c IN $cases {
             LET $owner = type::record('user', $c.owner);
             CREATE type::record('case', $c.id) CONTENT {
                 kind: $c.kind, priority: $c.priority, channel: $c.channel, category: $c.category,
                 subject: $c.subject, status: $c.status, reference: $c.reference,
                 company: type::record('company', $c.company), contact: type::record('contact', $c.contact),
                 log: $c.log.map(|$e| { status: $e.status, at: <datetime>$e.at }),
                 root_cause: $c.root_cause ?? NONE, corrective_action: $c.corrective_action ?? NONE,
                 owner: $owner, team: $owner.team, created_by: $owner, updated_by: $owner,
                 created_at: <datetime>$c.created_at, updated_at: <datetime>$c.updated_at };
         };
         UPSERT $counter SET n = $count;
         COMMIT TRANSACTION;",
    )
    .bind(("cases", Value::Array(rows.clone())))
    .bind(("counter", app::db::rid("case_counter", &year.to_string())))
    .bind(("count", CASES.len() as i64))
    .await?
    .check()?;
    add_surveys(db, &rows, customers, now).await
}

/// Scores customers gave, so the service figures have CSAT and NPS to show: a survey for
/// each resolved or closed case, and NPS asked of the first contacts; a few not answered.
async fn add_surveys(
    db: &Db,
    cases: &[Value],
    customers: &[(Value, Value, Value)],
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    const CSAT: [i64; 4] = [5, 4, 2, 5];
    const NPS: [Option<i64>; 14] = [
        Some(10),
        Some(9),
        Some(9),
        Some(8),
        Some(7),
        Some(6),
        Some(10),
        Some(3),
        Some(9),
        None,
        Some(8),
        Some(10),
        None,
        Some(5),
    ];
    let mut surveys = Vec::new();
    let done = cases
        .iter()
        .filter(|c| matches!(c["status"].as_str(), Some("resolved" | "closed")));
    for (i, case) in done.enumerate() {
        let score = CSAT[i % CSAT.len()];
        surveys.push(json!({
            "kind": "csat", "case": case["id"], "contact": case["contact"], "company": case["company"],
            "owner": case["owner"], "score": score, "sent": stamp(now - Duration::days(3 + i as i64)),
            "answered": stamp(now - Duration::days(2 + i as i64)),
        }));
    }
    for (i, score) in NPS.iter().enumerate() {
        let (company, contact, owner) = &customers[(i * 5 + 1) % customers.len()];
        surveys.push(json!({
            "kind": "nps", "contact": contact, "company": company, "owner": owner, "score": score,
            "sent": stamp(now - Duration::days(20 - i as i64)),
            "answered": score.map(|_| stamp(now - Duration::days(19 - i as i64))),
        }));
    }
    db.query(
        "FOR $s IN $surveys {
             LET $owner = type::record('user', $s.owner);
             CREATE survey CONTENT {
                 kind: $s.kind,
                 case: IF $s.case = NONE THEN NONE ELSE type::record('case', $s.case) END,
                 contact: type::record('contact', $s.contact),
                 company: type::record('company', $s.company),
                 owner: $owner, team: $owner.team,
                 token_hash: rand::string(64),
                 created_at: <datetime>$s.sent,
                 expires_at: <datetime>$s.sent + 30d,
                 answered_at: IF $s.answered = NONE THEN NONE ELSE <datetime>$s.answered END,
                 score: $s.score ?? NONE,
             };
         };",
    )
    // Without nulls: an unanswered survey has no answer time at all.
    .bind(app::db::vars(&json!({ "surveys": surveys })).map_err(|e| anyhow::anyhow!("{e}"))?)
    .await?
    .check()?;
    Ok(())
}
