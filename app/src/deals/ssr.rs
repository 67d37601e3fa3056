use serde::Deserialize;

use super::stalled::Stall;
use super::{
    Board, BoardQuery, Choice, Column, Deal, DealCard, DealFormData, DealInput, DealPage,
    StageTotal,
};
use crate::auth::Actor;
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::{self, FieldChange};
use crate::kinds::Table;
use crate::money::Currency;
use crate::order::{BY_NAME, RECENT_FIRST};
use crate::pipeline::ssr::default_pipeline;
use crate::records::{self, CONFLICT_MARK, Scoped, bind_actor, parse_id, read_filter};
use crate::server::Cx;
use crate::sync::horizon::Horizon;
use crate::sync::replica::Synced;

/// A deal card as the actor sees it: `can_edit` comes from its scope, the stalled mark
/// from the same rule a device applies.
pub fn card(cx: &Cx, stall: &Stall, row: Scoped<DealCard>) -> DealCard {
    DealCard {
        can_edit: row.can_edit(&cx.actor),
        stalled: stall.is_stalled(&row.row.stage, row.row.touched_at.as_deref()),
        ..row.row
    }
}

/// What a [`DealCard`] is read from, for [`card`]. Needs [`bind_actor`].
pub fn card_fields(actor: &Actor) -> String {
    format!(
        "id, rev, title, value, currency, stage, {company} AS company_name, \
         owner.name AS owner_name, expected_close, touched_at, owner, team",
        company = records::shown(actor, "company", "name")
    )
}

#[derive(Deserialize)]
struct TotalRow {
    stage: crate::ids::Id,
    currency: Currency,
    count: i64,
    total: i64,
}

/// The deals a device keeps (every open one, those won or lost within its horizon), as a
/// WHERE fragment: lists of a company's or a contact's deals show the same online and
/// offline. Bind it with [`bind_kept`].
pub fn kept_sql() -> String {
    super::DealRow::kept_sql()
}

pub fn bind_kept<Q: Bind>(query: Q, pipeline: &crate::pipeline::Pipeline) -> Q {
    Horizon::now(pipeline).bind(query, super::DealRow::kept_days())
}

pub async fn board(cx: &Cx, query: &BoardQuery) -> AppResult<Board> {
    let pipeline = default_pipeline(&cx.db).await?;
    let filter = read_filter(&cx.actor);
    let card_fields = card_fields(&cx.actor);
    // The board shows what a device keeps: every open deal, and those won or lost lately.
    let horizon = Horizon::now(&pipeline);
    let kept = super::DealRow::kept_sql();
    // One statement per stage, each reading only the cards asked for, then the counts and
    // totals of every stage, summed by the database.
    let mut sql = String::new();
    for i in 0..pipeline.stages.len() {
        sql.push_str(&format!(
            "SELECT {card_fields} FROM deal WHERE pipeline = $pipeline AND stage = $stage{i} \
             AND {filter} AND {kept} {RECENT_FIRST} LIMIT $cards{i};"
        ));
    }
    sql.push_str(&format!(
        "SELECT stage, currency, count() AS count, math::sum(value) AS total FROM deal
           WHERE pipeline = $pipeline AND {filter} AND {kept} GROUP BY stage, currency;"
    ));
    let mut db_query = horizon
        .bind(
            bind_actor(cx.db.query(sql), &cx.actor),
            super::DealRow::kept_days(),
        )
        .bind(("pipeline", rid("pipeline", &pipeline.id)));
    for (i, stage) in pipeline.stages.iter().enumerate() {
        db_query = db_query
            .bind((format!("stage{i}"), rid("stage", &stage.id)))
            .bind((format!("cards{i}"), query.cards(&stage.id) as i64));
    }
    let mut response = db::run(db_query).await?;
    let stall = Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let mut columns = Vec::with_capacity(pipeline.stages.len());
    let totals: Vec<TotalRow> = db::take_all(&mut response, pipeline.stages.len())?;
    for (i, stage) in pipeline.stages.iter().enumerate() {
        let cards: Vec<Scoped<DealCard>> = db::take_all(&mut response, i)?;
        let mine: Vec<&TotalRow> = totals.iter().filter(|t| t.stage == stage.id).collect();
        let mut stage_totals: Vec<StageTotal> = mine
            .iter()
            .map(|t| StageTotal {
                currency: t.currency,
                total: t.total,
            })
            .collect();
        super::sort_totals(&mut stage_totals);
        columns.push(Column {
            stage: stage.clone(),
            count: mine.iter().map(|t| t.count).sum(),
            totals: stage_totals,
            deals: cards.into_iter().map(|row| card(cx, &stall, row)).collect(),
        });
    }
    Ok(Board { pipeline, columns })
}

async fn load(cx: &Cx, id: &str) -> AppResult<Deal> {
    // Every stored field (a new one comes along by itself), with the names it links to.
    let sql = format!(
        "SELECT *, stage.name AS stage_name, {company} AS company_name, {contact} AS contact_name,
            owner.name AS owner_name, created_by.name AS created_by_name,
            updated_by.name AS updated_by_name
         FROM ONLY $id",
        company = records::shown(&cx.actor, "company", "name"),
        contact = records::shown(&cx.actor, "contact", "name"),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("id", Table::Deal.rid(id)));
    let mut response = db::run(query).await?;
    db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)
}

pub async fn page(cx: &Cx, id: &str) -> AppResult<DealPage> {
    let id = parse_id(id)?;
    let scope = records::readable(&cx.db, &cx.actor, Table::Deal.rid(id)).await?;
    let deal = load(cx, id).await?;
    let pipeline = default_pipeline(&cx.db).await?;
    let activities =
        crate::activities::ssr::for_subject(cx, crate::activities::Subject::Deal, id).await?;
    let history = history::ssr::list(&cx.db, Table::Deal.rid(id)).await?;
    Ok(DealPage {
        can_edit: cx.actor.check_write(&scope).is_ok(),
        deal,
        pipeline,
        activities,
        history,
    })
}

pub async fn form_data(cx: &Cx, id: Option<&str>) -> AppResult<DealFormData> {
    let deal = match id {
        Some(id) => {
            let id = parse_id(id)?;
            records::writable(&cx.db, &cx.actor, Table::Deal.rid(id)).await?;
            Some(load(cx, id).await?)
        }
        None => None,
    };
    let pipeline = default_pipeline(&cx.db).await?;
    let filter = read_filter(&cx.actor);
    let sql = format!(
        "SELECT id, name FROM company WHERE {filter} {BY_NAME} LIMIT 1000;
         SELECT id, name FROM contact WHERE {filter} {BY_NAME} LIMIT 2000;
         {currency} {sources}",
        currency = crate::settings::ssr::DEFAULT_CURRENCY,
        sources = crate::settings::ssr::DEAL_SOURCES
    );
    let mut response = db::run(bind_actor(cx.db.query(sql), &cx.actor)).await?;
    let companies: Vec<Choice> = db::take_all(&mut response, 0)?;
    let contacts: Vec<Choice> = db::take_all(&mut response, 1)?;
    let default_currency = crate::settings::ssr::take_default_currency(&mut response, 2)?;
    let sources = crate::settings::ssr::take_deal_sources(&mut response, 3)?;
    Ok(DealFormData {
        pipeline,
        companies,
        contacts,
        deal,
        default_currency,
        sources,
    })
}

/// The fields stored as links to other records; every other field of [`DealFields`] is
/// stored as it serialises.
/// Fields the save sets apart from the form's plain values: links, and what the server
/// keeps (`touched_at`, `stage_changed_at`, `entered`).
const LINKS: [&str; 6] = [
    "stage",
    "company",
    "contact",
    "touched_at",
    "stage_changed_at",
    "entered",
];

/// Records the deal `$id` entering `$stage` (migrations 0008 and 0014), when `$stage_moved`:
/// in the save's transaction, after its write, with the owner and team the deal has then,
/// in the log the server counts and on the deal for devices, at the instant it moved.
pub const ENTER_STAGE: &str = "IF $stage_moved {
    LET $scope = (SELECT owner, team, stage_changed_at FROM ONLY $id);
    CREATE stage_entry CONTENT { deal: $id, stage: $stage, owner: $scope.owner, team: $scope.team, at: $scope.stage_changed_at };
    UPDATE $id SET entered += { stage: $stage, at: $scope.stage_changed_at };
};";

pub async fn save(cx: &Cx, input: DealInput) -> AppResult<String> {
    let pipeline = cx.pipeline().await?;
    let sources = cx.deal_sources().await?;
    // The deal's current source stays valid after an admin removes it from the list. Read
    // before any permission check, it only ever widens what validation accepts for a write
    // that is then checked.
    let id_rid = Table::Deal.rid(parse_id(&input.id).unwrap_or("-"));
    let sql = "RETURN (SELECT VALUE source FROM ONLY $id);";
    let mut response = db::run(cx.db.query(sql).bind(("id", id_rid))).await?;
    let kept: Option<String> = response.take(0).map_err(crate::server::internal)?;
    let rules = super::DealRules {
        pipeline: &pipeline,
        sources: &sources,
        kept_source: kept.as_deref(),
    };
    // Rules that need no database first, then links, so all problems are reported together.
    let valid = input.validate(&rules);
    let mut errors = match &valid {
        Err(AppError::Validation(errors)) => errors.clone(),
        Err(other) => return Err(other.clone()),
        Ok(_) => FieldErrors::default(),
    };
    let company_id = crate::validate::clean(&input.company).filter(|c| crate::ids::is_valid_id(c));
    let contact_id = crate::validate::clean(&input.contact).filter(|c| crate::ids::is_valid_id(c));
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
    errors.into_result()?;
    let valid = valid?;
    let id = input.id.as_str();

    let stage_name = pipeline.stage(&valid.stage).map(|s| s.name.clone());
    let new = valid.history(stage_name, company, contact);
    let (changes, stage_moved) = match input.rev {
        None => {
            if let Some(scope) = records::scope_of(&cx.db, Table::Deal.rid(id)).await? {
                // A retried create (the answer to the first was lost): same id, same author.
                cx.actor.check_write(&scope)?;
                return Ok(id.to_owned());
            }
            let created = FieldChange {
                field: history::CREATED,
                old: None,
                new: Some(valid.title.clone()),
            };
            (vec![created], true)
        }
        Some(_) => {
            records::writable(&cx.db, &cx.actor, Table::Deal.rid(id)).await?;
            let old = load(cx, id).await?;
            let moved = old.stage != valid.stage;
            let old_snapshot = old.fields.history(
                Some(old.stage_name.clone()),
                old.company_name.clone(),
                old.contact_name.clone(),
            );
            (history::diff(&old_snapshot, &new), moved)
        }
    };

    let (set, plain) = records::plain_set(&valid, &LINKS)?;
    let write = if input.rev.is_none() {
        format!(
            "IF !record::exists($stage) {{ THROW $unknown_stage }};
             CREATE $id SET {set}, pipeline = $pipeline, stage = $stage, company = $company,
                contact = $contact, owner = $me, team = $team, created_by = $me, updated_by = $me;
             {ENTER_STAGE}"
        )
    } else {
        format!(
            "IF (SELECT VALUE rev FROM ONLY $id) != $rev {{ THROW $conflict }};
             IF !record::exists($stage) {{ THROW $unknown_stage }};
             IF $stage_moved {{ UPDATE $id SET stage_changed_at = time::now(), touched_at = time::now() }};
             UPDATE $id SET {set}, stage = $stage, company = $company, contact = $contact,
                rev += 1, updated_at = time::now(), updated_by = $me;
             {ENTER_STAGE}"
        )
    };
    let sql = history::ssr::transaction(&write);
    let marks = serde_json::json!({
        "rev": input.rev,
        "stage_moved": stage_moved,
        "conflict": CONFLICT_MARK,
        "unknown_stage": db::UNKNOWN_STAGE_MARK,
    });
    let query = bind_actor(Write::new(sql), &cx.actor)
        .bind(db::vars(&marks)?)
        .bind(("plain", plain))
        .bind(history::ssr::changes_var(&changes)?)
        .bind(cx.sync_vars()?)
        .bind(("id", Table::Deal.rid(id)))
        .bind(("changed", Table::Deal.rid(id)))
        .bind(("by", rid("user", &cx.actor.id)))
        .bind(("pipeline", rid("pipeline", &pipeline.id)))
        .bind(("stage", rid("stage", &valid.stage)))
        .bind(("company", Table::Company.opt_rid(valid.company.as_deref())))
        .bind(("contact", Table::Contact.opt_rid(valid.contact.as_deref())));
    records::run_write(&cx.db, query).await?;
    Ok(id.to_owned())
}
