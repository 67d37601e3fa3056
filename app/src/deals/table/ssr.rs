//! The table's query: filters as fixed fragments with bound values, counted and paged by
//! the database. Compiled only with `ssr`.

use surrealdb::types::RecordId;

use super::{Column, Days, PAGE_ROWS, TablePage, TableQuery, TableRow};
use crate::dashboard::ssr::zone::Zone;
use crate::db::{self, Bind, rid};
use crate::deals::stalled::Stall;
use crate::error::AppResult;
use crate::pipeline::Outcome;
use crate::records::{self, bind_actor, read_filter};
use crate::server::Cx;

fn order(column: Column) -> &'static str {
    match column {
        Column::Title => "title",
        Column::Company => "company_name",
        Column::Owner => "owner_name",
        Column::Stage => "stage_position",
        Column::Value => "value",
        Column::ExpectedClose => "expected_close",
        Column::Probability => "probability",
        Column::Source => "source",
        Column::LastActivity => "last_activity",
        Column::Created => "created_at",
    }
}

/// The WHERE clause of a query and every value it names.
pub struct Filter {
    pub sql: String,
    text: serde_json::Map<String, serde_json::Value>,
    links: Vec<(String, RecordId)>,
    sets: Vec<(String, Vec<RecordId>)>,
    moments: Vec<(String, surrealdb::types::Datetime)>,
    /// The stalled rule as of now: the rows' marks, and the filter when asked for.
    pub stall: Stall,
}

impl Filter {
    pub fn bind<Q: Bind>(&self, mut query: Q) -> AppResult<Q> {
        query = query.bind(db::vars(&serde_json::Value::Object(self.text.clone()))?);
        for (name, link) in &self.links {
            query = query.bind((name.clone(), link.clone()));
        }
        for (name, set) in &self.sets {
            query = query.bind((name.clone(), set.clone()));
        }
        for (name, moment) in &self.moments {
            query = query.bind((name.clone(), *moment));
        }
        Ok(self.stall.bind(query))
    }
}

/// The deals `query` selects among those `cx`'s actor may read.
pub async fn filter(cx: &Cx, query: &TableQuery) -> AppResult<Filter> {
    query.check()?;
    let pipeline = cx.pipeline().await?;
    let zone = Zone::of_organisation(&cx.db).await?;
    let stages_of = |outcomes: &[Outcome]| -> Vec<RecordId> {
        pipeline
            .stages
            .iter()
            .filter(|s| outcomes.contains(&s.outcome))
            .map(|s| rid("stage", &s.id))
            .collect()
    };
    let mut f = Filter {
        sql: format!("{} AND pipeline = $pipeline", read_filter(&cx.actor)),
        text: serde_json::Map::new(),
        links: vec![("pipeline".into(), rid("pipeline", &pipeline.id))],
        sets: Vec::new(),
        moments: Vec::new(),
        stall: Stall::new(&pipeline, time::OffsetDateTime::now_utc()),
    };
    let and = |f: &mut Filter, clause: &str| {
        f.sql.push_str(" AND ");
        f.sql.push_str(clause);
    };
    if query.stalled {
        let stalled = f.stall.sql();
        and(&mut f, &stalled);
    }
    if let Some(outcome) = query.outcome {
        and(&mut f, "stage IN $outcome_stages");
        f.sets
            .push(("outcome_stages".into(), stages_of(&[outcome])));
    }
    for (field, id, table) in [
        ("stage", &query.stage, "stage"),
        ("owner", &query.owner, "user"),
        ("team", &query.team, "team"),
    ] {
        if let Some(id) = id {
            and(&mut f, &format!("{field} = $f_{field}"));
            f.links.push((format!("f_{field}"), rid(table, id)));
        }
    }
    for (field, value) in [("source", &query.source), ("lost_reason", &query.reason)] {
        match value.as_deref() {
            Some("") => and(&mut f, &format!("{field} = NONE")),
            Some(text) => {
                and(&mut f, &format!("{field} = $f_{field}"));
                f.text.insert(format!("f_{field}"), text.into());
            }
            None => {}
        }
    }
    let text = query.text.trim();
    if !text.is_empty() {
        and(
            &mut f,
            "string::contains(string::lowercase(title), $f_text)",
        );
        f.text.insert("f_text".into(), text.to_lowercase().into());
    }
    // Days of the organisation's calendar, as the instants they begin at: the dashboard
    // counts by the same bounds, so a figure and its table agree.
    let range = |f: &mut Filter, name: &str, days: &Days| {
        for (suffix, day) in [("s", &days.from), ("e", &days.until)] {
            if let Some(day) = crate::calendar::parse_iso(day) {
                f.moments
                    .push((format!("{name}_{suffix}"), zone.begins(day)));
            }
        }
    };
    if let Some(days) = &query.closed {
        and(
            &mut f,
            "stage IN $closed_stages AND stage_changed_at >= $closed_s \
             AND stage_changed_at < $closed_e",
        );
        f.sets.push((
            "closed_stages".into(),
            stages_of(&[Outcome::Won, Outcome::Lost]),
        ));
        range(&mut f, "closed", days);
    }
    if let Some(days) = &query.created {
        and(
            &mut f,
            "created_at >= $created_s AND created_at < $created_e",
        );
        range(&mut f, "created", days);
    }
    if let Some((stage, days)) = &query.entered {
        and(
            &mut f,
            "id IN (SELECT VALUE deal FROM stage_entry WHERE stage = $e_stage \
             AND at >= $entered_s AND at < $entered_e)",
        );
        f.links.push(("e_stage".into(), rid("stage", stage)));
        range(&mut f, "entered", days);
    }
    if let Some(days) = &query.closing {
        and(
            &mut f,
            "expected_close >= $closing_s AND expected_close < $closing_e",
        );
        f.text.insert("closing_s".into(), days.from.as_str().into());
        f.text
            .insert("closing_e".into(), days.until.as_str().into());
    }
    Ok(f)
}

pub async fn page(cx: &Cx, query: TableQuery) -> AppResult<TablePage> {
    let filter = filter(cx, &query).await?;
    let start = i64::from(query.page) * i64::from(PAGE_ROWS);
    let (rows, total) = rows(cx, &query, &filter, start, i64::from(PAGE_ROWS)).await?;
    Ok(TablePage {
        query,
        total,
        rows,
        as_of_ms: None,
    })
}

/// `limit` rows of `query` from `start`, in its order, and how many it holds in all.
pub async fn rows(
    cx: &Cx,
    query: &TableQuery,
    filter: &Filter,
    start: i64,
    limit: i64,
) -> AppResult<(Vec<TableRow>, i64)> {
    let direction = if query.descending() { "DESC" } else { "ASC" };
    let sql = format!(
        "SELECT record::id(id) AS id, title, {company} AS company_name, owner.name AS owner_name,
            record::id(stage) AS stage, stage.name AS stage_name, stage.position AS stage_position,
            value, currency, expected_close, probability, source,
            (SELECT VALUE due_date FROM activity WHERE deal = $parent.id AND done = true
                ORDER BY due_date DESC LIMIT 1)[0] AS last_activity,
            <string>created_at AS created_at, <string>touched_at AS touched_at
         FROM deal WHERE {where_} ORDER BY {sort} {direction}, id {direction}
         LIMIT $limit START $start;
         SELECT count() AS count FROM deal WHERE {where_} GROUP ALL;",
        company = records::shown(&cx.actor, "company", "name"),
        where_ = filter.sql,
        sort = order(query.sort),
    );
    let db_query = bind_actor(cx.db.query(sql), &cx.actor)
        .bind(("limit", limit))
        .bind(("start", start));
    let mut response = db::run(filter.bind(db_query)?).await?;
    let mut rows: Vec<TableRow> = db::take_all(&mut response, 0)?;
    for row in &mut rows {
        row.stalled = filter
            .stall
            .is_stalled(&row.stage, row.touched_at.as_deref());
    }
    let total = db::take_count(&mut response, 1)?;
    Ok((rows, total))
}
