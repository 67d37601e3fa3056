use super::{Company, CompanyInput, CompanyPage, CompanySummary};
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult};
use crate::history::{self, FieldChange};
use crate::kinds::Table;
use crate::order::{BY_NAME, RECENT_FIRST};
use crate::records::{self, CONFLICT_MARK, Scoped, bind_actor, parse_id, read_filter};
use crate::server::Cx;

/// Companies whose name contains `query` (case-insensitive), by name.
pub async fn list(cx: &Cx, query: &str) -> AppResult<Vec<CompanySummary>> {
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT id, name, industry, phone, email FROM company
         WHERE {filter} AND ($q = '' OR string::contains(name_lc, $q))
         {BY_NAME} LIMIT 200"
    );
    // Folded like the stored `name_lc`, so ي finds ی and ۱۲ finds 12.
    let q = crate::text::fold(query.trim());
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor).bind(("q", q))).await?;
    db::take_all(&mut response, 0)
}

async fn load(cx: &Cx, id: &str) -> AppResult<Company> {
    // Every stored field (a new one comes along by itself), with the people's names.
    let sql = "SELECT *, owner.name AS owner_name, created_by.name AS created_by_name,
        updated_by.name AS updated_by_name FROM ONLY $id";
    let mut response = db::run(cx.db.query(sql).bind(("id", Table::Company.rid(id)))).await?;
    db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)
}

pub async fn page(cx: &Cx, id: &str) -> AppResult<CompanyPage> {
    let id = parse_id(id)?;
    let scope = records::readable(&cx.db, &cx.actor, Table::Company.rid(id)).await?;
    let company = load(cx, id).await?;
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT id, name, title, company.name AS company_name, phones[0] AS phone, emails[0] AS email
           FROM contact WHERE company = $company AND {filter} {BY_NAME} LIMIT 200;
         SELECT {cards} FROM deal WHERE company = $company AND {filter} AND {kept} {RECENT_FIRST} LIMIT 200;",
        kept = crate::deals::ssr::kept_sql(),
        cards = crate::deals::ssr::card_fields(&cx.actor),
    );
    let pipeline = cx.pipeline().await?;
    let stall = crate::deals::stalled::Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("company", Table::Company.rid(id)));
    let query = crate::deals::ssr::bind_kept(query, &pipeline);
    let mut response = db::run(query).await?;
    let contacts = db::take_all(&mut response, 0)?;
    let deals: Vec<Scoped<crate::deals::DealCard>> = db::take_all(&mut response, 1)?;
    let deals = deals
        .into_iter()
        .map(|row| crate::deals::ssr::card(cx, &stall, row))
        .collect();
    let activities =
        crate::activities::ssr::for_subject(cx, crate::activities::Subject::Company, id).await?;
    let history = history::ssr::list(&cx.db, Table::Company.rid(id)).await?;
    Ok(CompanyPage {
        can_edit: cx.actor.check_write(&scope).is_ok(),
        company,
        contacts,
        deals,
        activities,
        history,
    })
}

pub async fn save(cx: &Cx, input: CompanyInput) -> AppResult<String> {
    let valid = input.validate()?;
    let id = input.id.as_str();
    let changes = match input.rev {
        None => {
            if let Some(scope) = records::scope_of(&cx.db, Table::Company.rid(id)).await? {
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
            records::writable(&cx.db, &cx.actor, Table::Company.rid(id)).await?;
            let old = load(cx, id).await?;
            history::diff(&old.fields.snapshot(), &valid.snapshot())
        }
    };
    let (set, plain) = records::plain_set(&valid, &[])?;
    let write = if input.rev.is_none() {
        format!(
            "CREATE $id SET {set}, name_lc = $name_lc, owner = $me, team = $team, created_by = $me, updated_by = $me;"
        )
    } else {
        format!(
            "IF (SELECT VALUE rev FROM ONLY $id) != $rev {{ THROW $conflict }};
             UPDATE $id SET {set}, name_lc = $name_lc, rev += 1, updated_at = time::now(), updated_by = $me;"
        )
    };
    let sql = history::ssr::transaction(&write);
    let marks = serde_json::json!({ "rev": input.rev, "conflict": CONFLICT_MARK });
    let query = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&marks)?)
        .bind(("plain", plain))
        .bind(history::ssr::changes_var(&changes)?)
        .bind(cx.sync_vars()?)
        .bind(("id", Table::Company.rid(id)))
        .bind(("changed", Table::Company.rid(id)))
        .bind(("name_lc", crate::text::fold(&valid.name)))
        .bind(("by", rid("user", &cx.actor.id)));
    records::run_write(&cx.db, query).await?;
    Ok(id.to_owned())
}
