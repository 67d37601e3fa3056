use super::{Contact, ContactFormData, ContactInput, ContactPage, ContactSummary};
use crate::db::{self, Bind, Write, rid};
use crate::deals::{Choice, DealCard};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::{self, FieldChange};
use crate::kinds::Table;
use crate::order::{BY_NAME, RECENT_FIRST};
use crate::records::{self, CONFLICT_MARK, Scoped, bind_actor, parse_id, read_filter};
use crate::server::Cx;

pub async fn list(cx: &Cx, query: &str) -> AppResult<Vec<ContactSummary>> {
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT id, name, title, {company} AS company_name, phones[0] AS phone, emails[0] AS email FROM contact
         WHERE {filter} AND ($q = '' OR string::contains(name_lc, $q) OR string::contains({company_lc} ?? '', $q))
         {BY_NAME} LIMIT 200",
        company = records::shown(&cx.actor, "company", "name"),
        company_lc = records::shown(&cx.actor, "company", "name_lc"),
    );
    // Folded like the stored `name_lc`, so ي finds ی and ۱۲ finds 12.
    let q = crate::text::fold(query.trim());
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor).bind(("q", q))).await?;
    db::take_all(&mut response, 0)
}

async fn load(cx: &Cx, id: &str) -> AppResult<Contact> {
    // Every stored field (a new one comes along by itself), with the names of the company
    // (if the reader may see it) and of the people.
    let sql = format!(
        "SELECT *, {company} AS company_name, owner.name AS owner_name, \
         created_by.name AS created_by_name, updated_by.name AS updated_by_name FROM ONLY $id",
        company = records::shown(&cx.actor, "company", "name")
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("id", Table::Contact.rid(id)));
    let mut response = db::run(query).await?;
    db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)
}

pub async fn page(cx: &Cx, id: &str) -> AppResult<ContactPage> {
    let id = parse_id(id)?;
    let scope = records::readable(&cx.db, &cx.actor, Table::Contact.rid(id)).await?;
    let contact = load(cx, id).await?;
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT {cards} FROM deal WHERE contact = $contact AND {filter} AND {kept} {RECENT_FIRST} LIMIT 200;",
        kept = crate::deals::ssr::kept_sql(),
        cards = crate::deals::ssr::card_fields(&cx.actor),
    );
    let pipeline = cx.pipeline().await?;
    let stall = crate::deals::stalled::Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("contact", Table::Contact.rid(id)));
    let query = crate::deals::ssr::bind_kept(query, &pipeline);
    let mut response = db::run(query).await?;
    let deals: Vec<Scoped<DealCard>> = db::take_all(&mut response, 0)?;
    let deals = deals
        .into_iter()
        .map(|row| crate::deals::ssr::card(cx, &stall, row))
        .collect();
    let activities =
        crate::activities::ssr::for_subject(cx, crate::activities::Subject::Contact, id).await?;
    let history = history::ssr::list(&cx.db, Table::Contact.rid(id)).await?;
    Ok(ContactPage {
        can_edit: cx.actor.check_write(&scope).is_ok(),
        contact,
        deals,
        activities,
        history,
    })
}

pub async fn form_data(cx: &Cx, id: Option<&str>) -> AppResult<ContactFormData> {
    let contact = match id {
        Some(id) => {
            let id = parse_id(id)?;
            records::writable(&cx.db, &cx.actor, Table::Contact.rid(id)).await?;
            Some(load(cx, id).await?)
        }
        None => None,
    };
    let filter = read_filter(&cx.actor);
    let sql = format!("SELECT id, name FROM company WHERE {filter} {BY_NAME} LIMIT 1000");
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor)).await?;
    let companies: Vec<Choice> = db::take_all(&mut response, 0)?;
    Ok(ContactFormData { contact, companies })
}

/// The field stored as a link to another record; every other field of [`ContactFields`] is
/// stored as it serialises.
const LINKS: [&str; 1] = ["company"];

pub async fn save(cx: &Cx, input: ContactInput) -> AppResult<String> {
    let valid = input.validate()?;
    let mut errors = FieldErrors::default();
    let company_name = records::linked_name(
        cx,
        Table::Company,
        valid.company.as_deref(),
        "company",
        Problem::UnknownCompany,
        &mut errors,
    )
    .await?;
    errors.into_result()?;
    let id = input.id.as_str();
    let changes = match input.rev {
        None => {
            if let Some(scope) = records::scope_of(&cx.db, Table::Contact.rid(id)).await? {
                cx.actor.check_write(&scope)?;
                return Ok(id.to_owned());
            }
            vec![FieldChange {
                field: history::CREATED,
                old: None,
                new: Some(valid.name.clone()),
            }]
        }
        Some(_) => {
            records::writable(&cx.db, &cx.actor, Table::Contact.rid(id)).await?;
            let old = load(cx, id).await?;
            history::diff(
                &old.fields.history(old.company_name.clone()),
                &valid.history(company_name),
            )
        }
    };
    let (set, plain) = records::plain_set(&valid, &LINKS)?;
    let write = if input.rev.is_none() {
        format!(
            "CREATE $id SET {set}, name_lc = $name_lc, company = $company, owner = $me, team = $team,
                created_by = $me, updated_by = $me;"
        )
    } else {
        format!(
            "IF (SELECT VALUE rev FROM ONLY $id) != $rev {{ THROW $conflict }};
             UPDATE $id SET {set}, name_lc = $name_lc, company = $company, rev += 1, updated_at = time::now(),
                updated_by = $me;"
        )
    };
    let sql = history::ssr::transaction(&write);
    let marks = serde_json::json!({ "rev": input.rev, "conflict": CONFLICT_MARK });
    let query = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&marks)?)
        .bind(("plain", plain))
        .bind(history::ssr::changes_var(&changes)?)
        .bind(cx.sync_vars()?)
        .bind(("id", Table::Contact.rid(id)))
        .bind(("changed", Table::Contact.rid(id)))
        .bind(("name_lc", crate::text::fold(&valid.name)))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("company", Table::Company.opt_rid(valid.company.as_deref())));
    records::run_write(&cx.db, query).await?;
    Ok(id.to_owned())
}
