//! The dashboard's figures, summed by the database: every statement groups and counts, so
//! no deal or activity row travels to Rust. Compiled only with `ssr`.

use super::grouped::{Frame, Grouped, assemble};
use super::period::Calendar;
use super::{Counted, Dashboard, Filters, Rate};
use crate::auth::Role;
use crate::db::{self, rid};
use crate::error::AppResult;
use crate::money::Currency;
use crate::pipeline::Outcome;
use crate::records::{bind_actor, read_filter};
use crate::server::Cx;

pub mod zone;

/// Which deals or activities the figures count: what the actor may read (a rep only their
/// own: the dashboard is about what each person sells), narrowed by the filters.
fn scope(cx: &Cx, filters: &Filters) -> String {
    let mut sql = match cx.actor.role {
        Role::Rep => "owner = $me".to_owned(),
        Role::Manager | Role::Admin => read_filter(&cx.actor).to_owned(),
    };
    if filters.team.is_some() {
        sql.push_str(" AND team = $f_team");
    }
    if filters.owner.is_some() {
        sql.push_str(" AND owner = $f_owner");
    }
    sql
}

pub async fn dashboard(cx: &Cx, filters: Filters, calendar: Calendar) -> AppResult<Dashboard> {
    crate::records::valid_ids([filters.team.as_deref(), filters.owner.as_deref()])?;
    let pipeline = cx.pipeline().await?;
    let org = crate::settings::ssr::reporting(&cx.db).await?;
    let zone = zone::Zone::named(org.time_zone.as_deref().unwrap_or("UTC"));
    let today = zone.today();
    let (span, previous) = filters.spans(
        today,
        calendar,
        (
            org.fiscal_start.unwrap_or(1),
            org.fiscal_start_jalali.unwrap_or(1),
        ),
    )?;

    let stall = crate::deals::stalled::Stall::new(&pipeline, time::OffsetDateTime::now_utc());
    let stages = |outcome: Outcome| -> Vec<_> {
        pipeline
            .stages
            .iter()
            .filter(|s| s.outcome == outcome)
            .map(|s| rid("stage", &s.id))
            .collect()
    };
    let deals = scope(cx, &filters);
    let closed = "stage_changed_at >= <datetime>$s AND stage_changed_at < <datetime>$e";
    let closed_before = "stage_changed_at >= <datetime>$ps AND stage_changed_at < <datetime>$pe";
    // A won deal's day in the organisation's zone, for the forecast's months. One offset
    // for the whole period: across a daylight-saving change, a deal won within an hour of
    // midnight can land on the day beside.
    let shift = zone.offset_secs(span.start);
    let local = if shift >= 0 {
        "stage_changed_at + <duration>$shift"
    } else {
        "stage_changed_at - <duration>$shift"
    };
    let sql = format!(
        "SELECT currency, count() AS count, math::sum(value) AS total,
            math::sum(duration::secs(stage_changed_at - created_at)) AS cycle
            FROM deal WHERE stage IN $won AND {closed} AND {deals} GROUP BY currency;
         SELECT currency, count() AS count, math::sum(value) AS total,
            math::sum(duration::secs(stage_changed_at - created_at)) AS cycle
            FROM deal WHERE stage IN $won AND {closed_before} AND {deals} GROUP BY currency;
         SELECT lost_reason AS label, count() AS count FROM deal
            WHERE stage IN $lost AND {closed} AND {deals} GROUP BY label;
         SELECT count() AS count FROM deal WHERE stage IN $lost AND {closed_before} AND {deals} GROUP ALL;
         SELECT source AS label, count() AS count FROM deal
            WHERE created_at >= <datetime>$s AND created_at < <datetime>$e AND {deals} GROUP BY label;
         SELECT count() AS count FROM deal
            WHERE created_at >= <datetime>$ps AND created_at < <datetime>$pe AND {deals} GROUP ALL;
         SELECT currency, count() AS count, math::sum(value) AS total,
            math::sum(value * probability) AS weighted
            FROM deal WHERE stage IN $open AND {deals} GROUP BY currency;
         SELECT expected_close AS day, currency, count() AS count, math::sum(value) AS total,
            math::sum(value * probability) AS weighted
            FROM deal WHERE stage IN $open AND expected_close >= $sd AND expected_close < $ed
            AND {deals} GROUP BY day, currency;
         SELECT time::format({local}, '%Y-%m-%d') AS day, currency, count() AS count,
            math::sum(value) AS total
            FROM deal WHERE stage IN $won AND {closed} AND {deals} GROUP BY day, currency;
         SELECT stage, count() AS count FROM (
            SELECT stage, deal FROM stage_entry
            WHERE at >= <datetime>$s AND at < <datetime>$e AND stage IN $stages AND {deals}
            GROUP BY stage, deal) GROUP BY stage;
         SELECT owner, owner.name AS name, kind, count() AS count FROM activity
            WHERE ((due_date >= $sd AND due_date < $ed)
                OR (due_date = NONE AND created_at >= <datetime>$s AND created_at < <datetime>$e))
            AND {deals} GROUP BY owner, name, kind;
         SELECT owner, owner.name AS name, count() AS count FROM activity
            WHERE done = false AND due_date != NONE AND due_date < $today AND {deals}
            GROUP BY owner, name;
         {teams}
         {owners}
         SELECT {cards} FROM deal WHERE {deals} AND {stalled} ORDER BY touched_at ASC, id ASC LIMIT $stalled_shown;
         SELECT count() AS count FROM deal WHERE {deals} AND {stalled} GROUP ALL;
         SELECT owner AS id, currency, count() AS count, math::sum(value) AS total FROM deal
            WHERE stage IN $won AND {closed} AND {deals} GROUP BY id, currency;
         SELECT team AS id, currency, count() AS count, math::sum(value) AS total FROM deal
            WHERE stage IN $won AND {closed} AND {deals} AND team != NONE GROUP BY id, currency;
         {targets}",
        targets = super::targets::ssr::TARGETS,
        cards = crate::deals::ssr::card_fields(&cx.actor),
        stalled = stall.sql(),
        teams = teams_sql(cx.actor.role),
        owners = owners_sql(cx.actor.role),
    );
    let all_stages: Vec<_> = pipeline
        .stages
        .iter()
        .map(|s| rid("stage", &s.id))
        .collect();
    let query = bind_actor(stall.bind(cx.db.query(sql)), &cx.actor)
        .bind(("stalled_shown", crate::activities::STALLED_SHOWN as i64))
        .bind(("won", stages(Outcome::Won)))
        .bind(("lost", stages(Outcome::Lost)))
        .bind(("open", stages(Outcome::Open)))
        .bind(("stages", all_stages))
        .bind(("s", zone.midnight(span.start)))
        .bind(("e", zone.midnight(span.end)))
        .bind(("ps", zone.midnight(previous.start)))
        .bind(("pe", zone.midnight(previous.end)))
        .bind(("sd", crate::calendar::iso(span.start)))
        .bind(("ed", crate::calendar::iso(span.end)))
        .bind(("today", crate::calendar::iso(today)))
        .bind(("shift", format!("{}s", shift.unsigned_abs())))
        .bind(("f_team", db::opt_rid("team", filters.team.as_deref())))
        .bind(("f_owner", db::opt_rid("user", filters.owner.as_deref())));
    let mut response = db::run(query).await?;
    let count = |rows: Vec<Counted>| rows.iter().map(|r| r.count).sum::<i64>();
    let groups = Grouped {
        won_now: db::take_all(&mut response, 0)?,
        won_before: db::take_all(&mut response, 1)?,
        lost_reasons: db::take_all(&mut response, 2)?,
        lost_before: count(db::take_all(&mut response, 3)?),
        sources: db::take_all(&mut response, 4)?,
        created_before: count(db::take_all(&mut response, 5)?),
        open: db::take_all(&mut response, 6)?,
        open_by_day: db::take_all(&mut response, 7)?,
        won_by_day: db::take_all(&mut response, 8)?,
        entered: db::take_all(&mut response, 9)?,
        activity: db::take_all(&mut response, 10)?,
        overdue: db::take_all(&mut response, 11)?,
        teams: db::take_all(&mut response, 12)?,
        owners: db::take_all(&mut response, 13)?,
        stalled: db::take_all::<crate::records::Scoped<crate::deals::DealCard>>(&mut response, 14)?
            .into_iter()
            .map(|row| crate::deals::ssr::card(cx, &stall, row))
            .collect(),
        stalled_count: db::take_count(&mut response, 15)?,
        won_by_owner: db::take_all(&mut response, 16)?,
        won_by_team: db::take_all(&mut response, 17)?,
        targets: db::take_all(&mut response, 18)?,
    };
    let frame = Frame {
        actor: &cx.actor,
        pipeline: &pipeline,
        filters,
        calendar,
        span,
        previous,
        today,
        time_zone: zone.name().to_owned(),
        default_currency: default_currency(&org),
        rates: rates(&org.rates),
    };
    Ok(assemble(frame, groups))
}

/// The teams the filters can name: an admin any, others their own.
fn teams_sql(role: Role) -> &'static str {
    match role {
        Role::Admin => "SELECT id, name FROM team ORDER BY name;",
        Role::Manager | Role::Rep => "SELECT id, name FROM team WHERE id = $team;",
    }
}

/// The people the filters can name: an admin anyone, a manager their team, a rep themself.
fn owners_sql(role: Role) -> &'static str {
    match role {
        Role::Admin => "SELECT id, name, team FROM user ORDER BY name;",
        Role::Manager => {
            "SELECT id, name, team FROM user WHERE id = $me OR ($team != NONE AND team = $team) ORDER BY name;"
        }
        Role::Rep => "SELECT id, name, team FROM user WHERE id = $me;",
    }
}

/// A device's basis for the dashboard offline (see [`super::basis`]): the same lists and
/// settings the page is built with here, the zone's offsets three years back and two ahead,
/// and the targets of whom the reader runs.
pub async fn basis(cx: &Cx) -> AppResult<super::basis::Basis> {
    use super::targets::{Target, Whose};
    let org = crate::settings::ssr::reporting(&cx.db).await?;
    let zone = zone::Zone::named(org.time_zone.as_deref().unwrap_or("UTC"));
    let today = zone.today();
    let years = |n: i32| {
        time::Date::from_calendar_date(today.year() + n, time::Month::January, 1).unwrap_or(today)
    };
    let (from, until) = (years(-3), years(3));
    let sql = format!(
        "{teams} {owners}
         SELECT (IF user != NONE THEN 'rep' ELSE 'team' END) AS whose,
            record::id(user ?? team) AS id, start, end, amount FROM target WHERE end >= $sd;",
        teams = teams_sql(cx.actor.role),
        owners = owners_sql(cx.actor.role),
    );
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("sd", crate::calendar::iso(from)));
    let mut response = db::run(query).await?;
    let teams: Vec<super::Choice> = db::take_all(&mut response, 0)?;
    let owners: Vec<super::Choice> = db::take_all(&mut response, 1)?;
    let targets: Vec<Target> = db::take_all(&mut response, 2)?;
    let runs = |t: &Target| match cx.actor.role {
        Role::Rep => false,
        Role::Manager => t.whose == Whose::Rep && owners.iter().any(|o| o.id == t.id),
        Role::Admin => true,
    };
    let targets = targets.into_iter().filter(runs).collect();
    Ok(super::basis::Basis {
        time_zone: zone.name().to_owned(),
        offsets: zone.offsets(from, until),
        fiscal_start: org.fiscal_start.unwrap_or(1),
        fiscal_start_jalali: org.fiscal_start_jalali.unwrap_or(1),
        default_currency: default_currency(&org),
        rates: rates(&org.rates),
        teams,
        owners,
        targets,
        at_ms: time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
    })
}

fn default_currency(org: &crate::settings::ssr::ReportingRow) -> Currency {
    org.default_currency
        .as_deref()
        .and_then(Currency::from_code)
        .unwrap_or_default()
}

/// The organisation's exchange rates, for the currencies this version knows.
pub fn rates(stored: &std::collections::BTreeMap<String, f64>) -> Vec<Rate> {
    stored
        .iter()
        .filter_map(|(code, rate)| {
            Some(Rate {
                currency: Currency::from_code(code)?,
                per_unit: *rate,
            })
        })
        .collect()
}
