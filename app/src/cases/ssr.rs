use serde::Deserialize;

use super::rules::{ServiceRules, ServiceSettings};
use super::{
    Case, CaseCard, CaseFilter, CaseFormData, CaseInput, CasePage, CaseQueue, CustomerCases,
    QueueView,
};
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::{self, FieldChange};
use crate::kinds::Table;
use crate::records::{self, CONFLICT_MARK, Scoped, bind_actor, parse_id, read_filter};
use crate::server::Cx;

/// Every status but resolved and closed, as SurrealQL.
const OPEN_STATUSES: &str = "['new', 'acknowledged', 'in_progress', 'waiting', 'reopened']";

/// Open cases a queue lists at most; a desk with more open cases than this has other
/// troubles, and the rest are a filter away.
const QUEUE_LIMIT: usize = 500;

#[derive(Deserialize, Default)]
struct ServiceRow {
    #[serde(default)]
    service: Option<ServiceSettings>,
    #[serde(default)]
    time_zone: Option<String>,
}

/// The organisation's service settings as stored, or the defaults for its zone.
pub async fn settings(db: &db::Db) -> AppResult<ServiceSettings> {
    let mut response =
        db::run(db.query("SELECT service, time_zone FROM ONLY organisation:main;")).await?;
    let row: ServiceRow = db::take_one(&mut response, 0)?.unwrap_or_default();
    Ok(row
        .service
        .unwrap_or_else(|| ServiceSettings::defaults(row.time_zone.as_deref().unwrap_or("UTC"))))
}

pub async fn save_settings(db: &db::Db, settings: &ServiceSettings) -> AppResult<()> {
    let write = Write::new("UPDATE organisation:main SET service = $service;")
        .bind(db::vars(&serde_json::json!({ "service": settings }))?);
    db::write(db, &write).await.map(drop)
}

/// The organisation's service rules, with its zone's offsets from two years back (the
/// oldest open case a desk is likely to hold) to a year ahead (the furthest deadline).
pub async fn rules(db: &db::Db) -> AppResult<ServiceRules> {
    let mut response =
        db::run(db.query("SELECT service, time_zone FROM ONLY organisation:main;")).await?;
    let row: ServiceRow = db::take_one(&mut response, 0)?.unwrap_or_default();
    let zone_name = row.time_zone.as_deref().unwrap_or("UTC");
    let zone = crate::dashboard::ssr::zone::Zone::named(zone_name);
    let today = zone.today();
    let offsets = zone.offsets(
        today - time::Duration::days(2 * 366),
        today + time::Duration::days(400),
    );
    let settings = row
        .service
        .unwrap_or_else(|| ServiceSettings::defaults(zone_name));
    Ok(ServiceRules::new(settings, offsets))
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// What a queue row is read from.
#[derive(Deserialize)]
struct QueueRow {
    #[serde(flatten)]
    card: CaseCard,
    #[serde(default)]
    priority_code: super::Priority,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    log: Vec<super::Entered>,
}

/// Queue rows as the actor sees them, with their clocks as of now.
fn cards(cx: &Cx, rules: &ServiceRules, rows: Vec<Scoped<QueueRow>>) -> Vec<CaseCard> {
    let now = now();
    rows.into_iter()
        .map(|row| {
            let can_edit = row.can_edit(&cx.actor);
            let fields = super::CaseFields {
                priority: row.row.priority_code,
                category: row.row.category,
                log: row.row.log,
                ..Default::default()
            };
            CaseCard {
                can_edit,
                clocks: Some(rules.clocks(&fields, now)),
                ..row.row.card
            }
        })
        .collect()
}

const CARD_FIELDS: &str = "id, rev, reference, subject, kind, priority, priority AS priority_code,
    status, category, log, owner.name AS owner_name, owner, team";

pub async fn queue(cx: &Cx, view: QueueView, narrow: &CaseFilter) -> AppResult<CaseQueue> {
    let filter = read_filter(&cx.actor);
    let mine = match view {
        QueueView::Mine => "AND owner = $me",
        QueueView::Team => "",
    };
    let mut only = String::new();
    if narrow.status.is_some() {
        only.push_str(" AND status = $only_status");
    }
    if narrow.owner.is_some() {
        only.push_str(" AND owner = $only_owner");
    }
    if narrow.category.is_some() {
        only.push_str(" AND category = $only_category");
    }
    // The nearest deadlines first, by the deadline each case keeps (`Outcome::due_at`): an
    // overdue case's lies before every other's. A case waiting on the customer short of its
    // deadline has none, so the waiting ones are read apart and come after (a waiting case
    // already overdue is in both; it is kept once). Only the cases shown are read and their
    // clocks worked out. Statuses are listed, not excluded, so the status index is used.
    let select = |statuses: &str| {
        format!(
            "SELECT {CARD_FIELDS}, {company} AS company_name, {contact} AS contact_name FROM case
               WHERE status IN {statuses} AND {filter} {mine}{only}",
            company = records::shown(&cx.actor, "company", "name"),
            contact = records::shown(&cx.actor, "contact", "name"),
        )
    };
    let sql = format!(
        "{} AND due_at != NONE ORDER BY due_at LIMIT $limit; {} LIMIT $limit;",
        select(OPEN_STATUSES),
        select("['waiting']"),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor)
        .bind(("only_status", narrow.status.map(|s| s.code())))
        .bind((
            "only_owner",
            narrow.owner.as_deref().map(|o| rid("user", o)),
        ))
        .bind(("only_category", narrow.category.clone()))
        .bind(("limit", QUEUE_LIMIT as i64));
    let mut response = db::run(query).await?;
    let mut rows: Vec<Scoped<QueueRow>> = db::take_all(&mut response, 0)?;
    let waiting: Vec<Scoped<QueueRow>> = db::take_all(&mut response, 1)?;
    let seen: std::collections::HashSet<crate::ids::Id> =
        rows.iter().map(|r| r.row.card.id.clone()).collect();
    rows.extend(
        waiting
            .into_iter()
            .filter(|r| !seen.contains(&r.row.card.id)),
    );
    let rules = rules(&cx.db).await?;
    let cards = cards(cx, &rules, rows);
    Ok(CaseQueue {
        view,
        cases: super::sorted(cards, QUEUE_LIMIT),
        zone: rules.zone,
    })
}

async fn load(cx: &Cx, id: &str) -> AppResult<Case> {
    let sql = format!(
        "SELECT *, {company} AS company_name, {contact} AS contact_name, {deal} AS deal_title,
            owner.name AS owner_name, created_by.name AS created_by_name,
            updated_by.name AS updated_by_name
         FROM ONLY $id",
        company = records::shown(&cx.actor, "company", "name"),
        contact = records::shown(&cx.actor, "contact", "name"),
        deal = records::shown(&cx.actor, "deal", "title"),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("id", Table::Case.rid(id)));
    let mut response = db::run(query).await?;
    db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)
}

pub async fn page(cx: &Cx, id: &str) -> AppResult<CasePage> {
    let id = parse_id(id)?;
    let scope = records::readable(&cx.db, &cx.actor, Table::Case.rid(id)).await?;
    let case = load(cx, id).await?;
    let rules = rules(&cx.db).await?;
    let history = history::ssr::list(&cx.db, Table::Case.rid(id)).await?;
    Ok(CasePage {
        clocks: rules.clocks(&case.fields, now()),
        can_edit: cx.actor.check_write(&scope).is_ok(),
        categories: rules.categories,
        zone: rules.zone,
        case,
        history,
    })
}

pub async fn form_data(cx: &Cx, id: Option<&str>) -> AppResult<CaseFormData> {
    let case = match id {
        Some(id) => {
            let id = parse_id(id)?;
            records::writable(&cx.db, &cx.actor, Table::Case.rid(id)).await?;
            Some(load(cx, id).await?)
        }
        None => None,
    };
    // The same choices an activity's form offers: what the actor may link to.
    let choices = crate::activities::ssr::form_data(cx, None).await?;
    Ok(CaseFormData {
        case,
        companies: choices.companies,
        contacts: choices.contacts,
        deals: choices.deals,
        categories: rules(&cx.db).await?.categories,
    })
}

/// The cases of a company or contact, open first, as its page lists them.
pub async fn for_customer(cx: &Cx, table: Table, id: &str) -> AppResult<CustomerCases> {
    let filter = read_filter(&cx.actor);
    let link = match table {
        Table::Company => "company",
        _ => "contact",
    };
    let sql = format!(
        "SELECT {CARD_FIELDS}, {company} AS company_name, {contact} AS contact_name FROM case
           WHERE {link} = $customer AND {filter} ORDER BY updated_at DESC LIMIT 100;",
        company = records::shown(&cx.actor, "company", "name"),
        contact = records::shown(&cx.actor, "contact", "name"),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("customer", table.rid(id)));
    let mut response = db::run(query).await?;
    let rows: Vec<Scoped<QueueRow>> = db::take_all(&mut response, 0)?;
    let rules = rules(&cx.db).await?;
    let cards = cards(cx, &rules, rows);
    Ok(CustomerCases {
        cases: super::customer_order(cards),
        zone: rules.zone,
    })
}

/// What the service figures sum and the queue sorts by, kept on each case by the server
/// (devices work the clocks out themselves): the deadline that matters now, and for each
/// promise, once kept or broken, when, in how many working seconds, and whether in time.
/// Unix seconds; absent is NONE.
#[derive(Debug, Default, PartialEq, serde::Serialize)]
pub struct Outcome {
    pub due_at: Option<i64>,
    pub responded_at: Option<i64>,
    pub response_secs: Option<i64>,
    pub response_met: Option<bool>,
    pub resolved_at: Option<i64>,
    pub resolution_secs: Option<i64>,
    pub resolution_met: Option<bool>,
}

impl Outcome {
    pub fn of(rules: &ServiceRules, case: &super::CaseFields, now: i64) -> Outcome {
        let clocks = rules.clocks(case, now);
        let (response, resolution) = (clocks.response, clocks.resolution);
        let met = |c: &super::sla::Clock| c.state == super::sla::SlaState::Met;
        Outcome {
            due_at: if resolution.done_at.is_some() {
                None
            } else {
                clocks.current().due
            },
            responded_at: response.done_at,
            response_secs: response.done_at.map(|_| response.used),
            response_met: response.done_at.map(|_| met(&response)),
            resolved_at: resolution.done_at,
            resolution_secs: resolution.done_at.map(|_| resolution.used),
            resolution_met: resolution.done_at.map(|_| met(&resolution)),
        }
    }
}

/// Sets a case's [`Outcome`] from `$o`.
const OUTCOME: &str = "due_at = IF $o.due_at = NONE THEN NONE ELSE time::from_secs($o.due_at) END,
    responded_at = IF $o.responded_at = NONE THEN NONE ELSE time::from_secs($o.responded_at) END,
    response_secs = $o.response_secs, response_met = $o.response_met,
    resolved_at = IF $o.resolved_at = NONE THEN NONE ELSE time::from_secs($o.resolved_at) END,
    resolution_secs = $o.resolution_secs, resolution_met = $o.resolution_met";

/// Works every case's [`Outcome`] out again: after the demo is seeded, and when the
/// organisation changes its hours or promises (open cases' deadlines move with them).
pub async fn refresh_outcomes(db: &db::Db) -> AppResult<usize> {
    #[derive(Deserialize)]
    struct Row {
        id: crate::ids::Id,
        #[serde(flatten)]
        fields: super::CaseFields,
    }
    let sql = "SELECT id, kind, subject, channel, priority, status, category, log FROM case;";
    let mut response = db::run(db.query(sql)).await?;
    let rows: Vec<Row> = db::take_all(&mut response, 0)?;
    let rules = rules(db).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let outcomes: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| serde_json::json!({ "id": r.id.to_string(), "o": Outcome::of(&rules, &r.fields, now) }))
        .collect();
    let count = outcomes.len();
    for chunk in outcomes.chunks(500) {
        let write = Write::new(format!(
            "FOR $c IN $rows {{ LET $o = $c.o; UPDATE type::record('case', $c.id) SET {OUTCOME}; }};"
        ))
        .bind(db::vars(&serde_json::json!({ "rows": chunk }))?);
        db::write(db, &write).await?;
    }
    Ok(count)
}

/// Fields the save sets apart from the form's plain values: links, and what the server
/// keeps (`reference`, `log`).
const LINKS: [&str; 5] = ["company", "contact", "deal", "reference", "log"];

/// Numbers a new case within the organisation's year, in its creating transaction: one
/// counter row per year, so concurrent creates on any server queue on it.
const NUMBER: &str = "LET $n = (UPSERT ONLY $counter SET n += 1 RETURN VALUE n);
    LET $reference = $prefix + (IF $n < 10 THEN '000' ELSE IF $n < 100 THEN '00'
        ELSE IF $n < 1000 THEN '0' ELSE '' END) + <string>$n;";

pub async fn save(cx: &Cx, input: CaseInput) -> AppResult<String> {
    let id = parse_id(&input.id).unwrap_or("-").to_owned();
    // The status the case is in now decides where it may move; a case that does not exist
    // (or that the actor may not write, checked below) starts anywhere.
    let old = match input.rev {
        Some(_) => {
            records::writable(&cx.db, &cx.actor, Table::Case.rid(&id)).await?;
            Some(load(cx, &id).await?)
        }
        None => None,
    };
    let valid = input.validate(old.as_ref().map(|c| c.status));
    let mut errors = match &valid {
        Err(AppError::Validation(errors)) => errors.clone(),
        Err(other) => return Err(other.clone()),
        Ok(_) => FieldErrors::default(),
    };
    let link = |value: &str| crate::validate::clean(value).filter(|v| crate::ids::is_valid_id(v));
    let (company_id, contact_id, deal_id) = (
        link(&input.company),
        link(&input.contact),
        link(&input.deal),
    );
    let company = records::linked_name(
        cx,
        Table::Company,
        company_id.as_deref(),
        "company",
        Problem::UnknownCompany,
        &mut errors,
    )
    .await?;
    let contact = records::linked_name(
        cx,
        Table::Contact,
        contact_id.as_deref(),
        "contact",
        Problem::UnknownContact,
        &mut errors,
    )
    .await?;
    let deal = records::linked_name(
        cx,
        Table::Deal,
        deal_id.as_deref(),
        "deal",
        Problem::UnknownDeal,
        &mut errors,
    )
    .await?;
    errors.into_result()?;
    let valid = valid?;
    let new = valid.history(company, contact, deal);
    let changes = match &old {
        None => {
            if let Some(scope) = records::scope_of(&cx.db, Table::Case.rid(&id)).await? {
                // A retried create: same id, same author.
                cx.actor.check_write(&scope)?;
                return Ok(id);
            }
            vec![FieldChange {
                field: history::CREATED,
                old: None,
                new: Some(valid.subject.clone()),
            }]
        }
        Some(old) => {
            let before = old.fields.history(
                old.company_name.clone(),
                old.contact_name.clone(),
                old.deal_title.clone(),
            );
            history::diff(&before, &new)
        }
    };
    let moved = old.as_ref().is_some_and(|o| o.status != valid.status);
    // The log as this save leaves it, at one instant the database and the clocks share.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut after = valid.clone();
    after.log = old.as_ref().map(|o| o.log.clone()).unwrap_or_default();
    after.log_status(&crate::calendar::rfc3339(now));
    let outcome = Outcome::of(&rules(&cx.db).await?, &after, now);
    let (set, plain) = records::plain_set(&valid, &LINKS)?;
    let write = if old.is_none() {
        format!(
            "{NUMBER}
             CREATE $id SET {set}, company = $company, contact = $contact, deal = $deal,
                reference = $reference, {OUTCOME},
                log = IF $status = 'new' THEN [{{ status: 'new', at: time::from_secs($at) }}]
                      ELSE [{{ status: 'new', at: time::from_secs($at) }}, {{ status: $status, at: time::from_secs($at) }}] END,
                owner = $me, team = $team, created_by = $me, updated_by = $me;"
        )
    } else {
        format!(
            "IF (SELECT VALUE rev FROM ONLY $id) != $rev {{ THROW $conflict }};
             IF (SELECT VALUE status FROM ONLY $id) != $was {{ THROW $conflict }};
             UPDATE $id SET {set}, company = $company, contact = $contact, deal = $deal,
                log = IF $moved THEN log.concat([{{ status: $status, at: time::from_secs($at) }}]) ELSE log END,
                {OUTCOME}, rev += 1, updated_at = time::now(), updated_by = $me;"
        )
    };
    let sql = history::ssr::transaction(&write);
    let year = crate::dashboard::ssr::zone::Zone::of_organisation(&cx.db)
        .await?
        .today()
        .year();
    let marks = serde_json::json!({
        "rev": input.rev,
        "moved": moved,
        "was": old.as_ref().map(|o| o.status.code()),
        "status": valid.status.code(),
        "prefix": format!("C-{year}-"),
        "conflict": CONFLICT_MARK,
        "at": now,
        "o": outcome,
    });
    let query = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&marks)?)
        .bind(("plain", plain))
        .bind(history::ssr::changes_var(&changes)?)
        .bind(cx.sync_vars()?)
        .bind(("id", Table::Case.rid(&id)))
        .bind(("changed", Table::Case.rid(&id)))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("counter", rid("case_counter", &year.to_string())))
        .bind(("company", Table::Company.opt_rid(valid.company.as_deref())))
        .bind(("contact", Table::Contact.opt_rid(valid.contact.as_deref())))
        .bind(("deal", Table::Deal.opt_rid(valid.deal.as_deref())));
    records::run_write(&cx.db, query).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    /// The SurrealQL list is the Rust rule: every status but the done ones.
    #[test]
    fn open_statuses_are_every_status_but_resolved_and_closed() {
        let open: Vec<String> = super::super::Status::ALL
            .iter()
            .filter(|s| !s.is_done())
            .map(|s| format!("'{}'", s.code()))
            .collect();
        assert_eq!(super::OPEN_STATUSES, format!("[{}]", open.join(", ")));
    }
}
