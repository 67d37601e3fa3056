use super::{ActivityFormData, ActivityInput, ActivityItem, Subject, TodayData};
use crate::db::{self, Bind, Write, rid};
use crate::deals::stalled::Stall;
use crate::deals::{Choice, DealCard};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::{self, FieldChange};
use crate::kinds::Table;
use crate::order::{BY_NAME, BY_TITLE};
use crate::records::{self, CONFLICT_MARK, Scoped, bind_actor, parse_id, read_filter};
use crate::server::Cx;
use crate::sync::replica::Synced;

fn fields(actor: &crate::auth::Actor) -> String {
    format!(
        "*, {deal} AS deal_title, {contact} AS contact_name, {company} AS company_name, \
         owner.name AS owner_name",
        deal = records::shown(actor, "deal", "title"),
        contact = records::shown(actor, "contact", "name"),
        company = records::shown(actor, "company", "name"),
    )
}

type Row = Scoped<ActivityItem>;

fn items(cx: &Cx, rows: Vec<Row>) -> Vec<ActivityItem> {
    rows.into_iter()
        .map(|row| ActivityItem {
            can_edit: row.can_edit(&cx.actor),
            ..row.row
        })
        .collect()
}

/// The timeline of a deal, contact or company: its activities, and for a company also those
/// of its contacts and deals. Open tasks first by due date, then the rest newest first.
pub async fn for_subject(cx: &Cx, subject: Subject, id: &str) -> AppResult<Vec<ActivityItem>> {
    // A company's activities include those of its contacts and deals. Written as one WHERE
    // (`contact.company = $linked`), the planner cannot use an index and reads every activity
    // (minutes at 500,000); three index lookups joined by id take milliseconds. The id lists
    // must be LET first: `IN (SELECT …)` inline is evaluated per row.
    let ids = match subject {
        Subject::Deal => "LET $ids = (SELECT VALUE id FROM activity WHERE deal = $linked);",
        Subject::Contact => "LET $ids = (SELECT VALUE id FROM activity WHERE contact = $linked);",
        Subject::Company => {
            "LET $contacts = (SELECT VALUE id FROM contact WHERE company = $linked);
             LET $deals = (SELECT VALUE id FROM deal WHERE company = $linked);
             LET $ids = array::union(array::union(
                (SELECT VALUE id FROM activity WHERE company = $linked),
                (SELECT VALUE id FROM activity WHERE contact IN $contacts)),
                (SELECT VALUE id FROM activity WHERE deal IN $deals));"
        }
    };
    let filter = read_filter(&cx.actor);
    let fields = fields(&cx.actor);
    let sql = format!(
        "{ids}
         SELECT {fields} FROM $ids WHERE {filter} AND {kept}
         ORDER BY done ASC, due_date ASC, created_at DESC LIMIT 200",
        kept = super::ActivityRow::kept_sql(),
    );
    let pipeline = cx.pipeline().await?;
    // A timeline shows what a device keeps (open tasks, and what was done in its last
    // days), so it reads the same online and offline, as lists of deals do.
    let query = crate::sync::horizon::Horizon::now(&pipeline).bind(
        bind_actor(cx.db.query(sql), &cx.actor).bind(("linked", subject.table().rid(id))),
        super::ActivityRow::kept_days(),
    );
    let mut response = db::run(query).await?;
    let last = response.num_statements().saturating_sub(1);
    Ok(items(cx, db::take_all(&mut response, last)?))
}

pub async fn today(cx: &Cx) -> AppResult<TodayData> {
    let now = cx.local_now();
    let today = crate::calendar::iso(now.date());
    let horizon = crate::calendar::iso(now.date() + time::Duration::days(14));
    let pipeline = cx.pipeline().await?;
    let stall = Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let stalled_scope = match cx.actor.role {
        crate::auth::Role::Rep => "owner = $me",
        _ => read_filter(&cx.actor),
    };
    let sql = format!(
        "SELECT {fields} FROM activity WHERE owner = $me AND done = false AND due_date != NONE AND due_date <= $today
           ORDER BY due_date ASC, due_time ASC LIMIT 200;
         SELECT {cards} FROM deal WHERE owner = $me AND stage.outcome = 'open' AND expected_close != NONE
             AND expected_close <= $horizon
           ORDER BY expected_close ASC LIMIT 50;
         {stalled_list}
         {stalled_count}",
        fields = fields(&cx.actor),
        cards = crate::deals::ssr::card_fields(&cx.actor),
        stalled_list = stall.oldest_sql(&crate::deals::ssr::card_fields(&cx.actor), stalled_scope),
        stalled_count = stall.count_sql(stalled_scope),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor)
        .bind(("today", today.clone()))
        .bind(("horizon", horizon))
        .bind(("stalled_limit", crate::activities::STALLED_SHOWN as i64));
    let mut response = db::run(stall.bind(query)).await?;
    let due = items(cx, db::take_all(&mut response, 0)?);
    let cards = |rows: Vec<Scoped<DealCard>>| -> Vec<DealCard> {
        rows.into_iter()
            .map(|row| crate::deals::ssr::card(cx, &stall, row))
            .collect()
    };
    let closing = cards(db::take_all(&mut response, 1)?);
    let stalled = cards(db::take_all(&mut response, 2)?);
    let stalled_count = db::take_count(&mut response, 3)?;
    let (overdue, due_today) = due
        .into_iter()
        .partition(|a| a.due_date.as_deref() < Some(today.as_str()));
    let queue =
        crate::cases::ssr::queue(cx, crate::cases::QueueView::Mine, &Default::default()).await?;
    let (cases, case_zone) =
        crate::cases::due_today(queue, time::OffsetDateTime::now_utc().unix_timestamp());
    Ok(TodayData {
        today,
        overdue,
        due_today,
        closing,
        stalled,
        stalled_count,
        cases,
        case_zone,
    })
}

async fn load(cx: &Cx, id: &str) -> AppResult<ActivityItem> {
    let sql = format!("SELECT {} FROM ONLY $id", fields(&cx.actor));
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("id", Table::Activity.rid(id)));
    let mut response = db::run(query).await?;
    let row: Row = db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)?;
    Ok(items(cx, vec![row]).remove(0))
}

pub async fn form_data(cx: &Cx, id: Option<&str>) -> AppResult<ActivityFormData> {
    let activity = match id {
        Some(id) => {
            let id = parse_id(id)?;
            records::writable(&cx.db, &cx.actor, Table::Activity.rid(id)).await?;
            Some(load(cx, id).await?)
        }
        None => None,
    };
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT id, title AS name FROM deal WHERE {filter} AND stage.outcome = 'open' {BY_TITLE} LIMIT 1000;
         SELECT id, name FROM contact WHERE {filter} {BY_NAME} LIMIT 2000;
         SELECT id, name FROM company WHERE {filter} {BY_NAME} LIMIT 1000;"
    );
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor)).await?;
    let deals: Vec<Choice> = db::take_all(&mut response, 0)?;
    let contacts: Vec<Choice> = db::take_all(&mut response, 1)?;
    let companies: Vec<Choice> = db::take_all(&mut response, 2)?;
    Ok(ActivityFormData {
        activity,
        deals,
        contacts,
        companies,
    })
}

/// The fields stored as links to other records; every other field of [`ActivityFields`] is
/// stored as it serialises.
const LINKS: [&str; 3] = ["deal", "contact", "company"];

pub async fn save(cx: &Cx, input: ActivityInput) -> AppResult<String> {
    let valid = input.validate();
    let mut errors = match &valid {
        Err(AppError::Validation(errors)) => errors.clone(),
        Err(other) => return Err(other.clone()),
        Ok(_) => FieldErrors::default(),
    };
    let deal = records::linked_name(
        cx,
        Table::Deal,
        crate::validate::clean(&input.deal).as_deref(),
        "deal",
        Problem::UnknownDeal,
        &mut errors,
    )
    .await?;
    let contact = records::linked_name(
        cx,
        Table::Contact,
        crate::validate::clean(&input.contact).as_deref(),
        "contact",
        Problem::UnknownContact,
        &mut errors,
    )
    .await?;
    let company = records::linked_name(
        cx,
        Table::Company,
        crate::validate::clean(&input.company).as_deref(),
        "company",
        Problem::UnknownCompany,
        &mut errors,
    )
    .await?;
    errors.into_result()?;
    let valid = valid?;
    let id = input.id.as_str();
    let new = valid.history(deal, contact, company);
    let changes = match input.rev {
        None => {
            if let Some(scope) = records::scope_of(&cx.db, Table::Activity.rid(id)).await? {
                cx.actor.check_write(&scope)?;
                return Ok(id.to_owned());
            }
            vec![FieldChange {
                field: history::CREATED,
                old: None,
                new: Some(valid.subject.clone()),
            }]
        }
        Some(_) => {
            records::writable(&cx.db, &cx.actor, Table::Activity.rid(id)).await?;
            let old = load(cx, id).await?;
            let old = old
                .fields
                .history(old.deal_title, old.contact_name, old.company_name);
            history::diff(&old, &new)
        }
    };
    let (set, plain) = records::plain_set(&valid, &LINKS)?;
    let links = "deal = $deal, contact = $contact, company = $company";
    let write = if input.rev.is_none() {
        format!(
            "CREATE $id SET {set}, {links}, owner = $me, team = $team, created_by = $me,
                updated_by = $me;"
        )
    } else {
        format!(
            "IF (SELECT VALUE rev FROM ONLY $id) != $rev {{ THROW $conflict }};
             UPDATE $id SET {set}, {links}, rev += 1, updated_at = time::now(), updated_by = $me;"
        )
    };
    // The deal was worked on: it is not stalled (see `deals::stalled`).
    let write =
        format!("{write}\n IF $deal != NONE {{ UPDATE $deal SET touched_at = time::now() }};");
    let sql = history::ssr::transaction(&write);
    let marks = serde_json::json!({ "rev": input.rev, "conflict": CONFLICT_MARK });
    let query = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&marks)?)
        .bind(("plain", plain))
        .bind(history::ssr::changes_var(&changes)?)
        .bind(cx.sync_vars()?)
        .bind(("id", Table::Activity.rid(id)))
        .bind(("changed", Table::Activity.rid(id)))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("deal", Table::Deal.opt_rid(valid.deal.as_deref())))
        .bind(("contact", Table::Contact.opt_rid(valid.contact.as_deref())))
        .bind(("company", Table::Company.opt_rid(valid.company.as_deref())));
    records::run_write(&cx.db, query).await?;
    Ok(id.to_owned())
}
