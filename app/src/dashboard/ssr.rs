//! The dashboard's figures, summed by the database: every statement groups and counts, so
//! no deal or activity row travels to Rust. Compiled only with `ssr`.

use serde::Deserialize;

use super::period::{Calendar, Rules, Span};
use super::{
    Choice, Counted, Dashboard, Filters, ForecastMonth, FunnelStep, OpenSum, Rate, RepActivity,
    Sum, Tally,
};
use crate::activities::ActivityKind;
use crate::auth::Role;
use crate::db::{self, rid};
use crate::error::{AppError, AppResult, Problem};
use crate::money::Currency;
use crate::pipeline::Outcome;
use crate::records::{bind_actor, read_filter};
use crate::server::Cx;

pub mod zone;

#[derive(Deserialize)]
struct WonRow {
    currency: Currency,
    count: i64,
    total: i64,
    #[serde(default)]
    cycle: f64,
}

#[derive(Deserialize)]
struct OpenRow {
    #[serde(default)]
    day: Option<String>,
    currency: Currency,
    count: i64,
    total: i64,
    #[serde(default)]
    weighted: i64,
}

#[derive(Deserialize)]
struct StageRow {
    stage: crate::ids::Id,
    count: i64,
}

#[derive(Deserialize)]
struct ActivityRow {
    owner: crate::ids::Id,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<ActivityKind>,
    count: i64,
}

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
    let rules = Rules {
        calendar,
        fiscal_start: match calendar {
            Calendar::Gregorian => org.fiscal_start.unwrap_or(1),
            Calendar::Jalali => org.fiscal_start_jalali.unwrap_or(1),
        },
    };
    let bad_period = || AppError::form(Problem::Malformed);
    let span = filters.period.span(today, rules).ok_or_else(bad_period)?;
    let previous = filters
        .period
        .previous(today, rules)
        .ok_or_else(bad_period)?;

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
        teams = match cx.actor.role {
            Role::Admin => "SELECT id, name FROM team ORDER BY name;",
            Role::Manager | Role::Rep => "SELECT id, name FROM team WHERE id = $team;",
        },
        owners = match cx.actor.role {
            Role::Admin => "SELECT id, name, team FROM user ORDER BY name;",
            Role::Manager => {
                "SELECT id, name, team FROM user WHERE id = $me OR ($team != NONE AND team = $team) ORDER BY name;"
            }
            Role::Rep => "SELECT id, name, team FROM user WHERE id = $me;",
        },
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

    let won = |rows: Vec<WonRow>| -> (Vec<Sum>, i64) {
        let cycle = rows.iter().map(|r| r.cycle).sum::<f64>().round() as i64;
        let sums: Vec<Sum> = rows
            .into_iter()
            .map(|r| Sum {
                currency: r.currency,
                count: r.count,
                total: r.total,
            })
            .collect();
        (super::figures::merge(sums), cycle)
    };
    let count = |rows: Vec<Counted>| rows.iter().map(|r| r.count).sum::<i64>();
    let (won_now, cycle_now) = won(db::take_all(&mut response, 0)?);
    let (won_before, cycle_before) = won(db::take_all(&mut response, 1)?);
    let lost_reasons = by_count(db::take_all(&mut response, 2)?);
    let lost_before = count(db::take_all(&mut response, 3)?);
    let sources = by_count(db::take_all(&mut response, 4)?);
    let created_before = count(db::take_all(&mut response, 5)?);
    let open = open_sums(db::take_all(&mut response, 6)?);
    let open_by_day: Vec<OpenRow> = db::take_all(&mut response, 7)?;
    let won_by_day: Vec<OpenRow> = db::take_all(&mut response, 8)?;
    let entered: Vec<StageRow> = db::take_all(&mut response, 9)?;
    let activity: Vec<ActivityRow> = db::take_all(&mut response, 10)?;
    let overdue: Vec<ActivityRow> = db::take_all(&mut response, 11)?;
    let teams: Vec<Choice> = db::take_all(&mut response, 12)?;
    let owners: Vec<Choice> = db::take_all(&mut response, 13)?;
    let stalled: Vec<crate::records::Scoped<crate::deals::DealCard>> =
        db::take_all(&mut response, 14)?;
    let stalled_count = db::take_count(&mut response, 15)?;
    let won_by_owner: Vec<WonBy> = db::take_all(&mut response, 16)?;
    let won_by_team: Vec<WonBy> = db::take_all(&mut response, 17)?;
    let targets: Vec<super::targets::Target> = db::take_all(&mut response, 18)?;
    let targets_settable = super::targets::settable(&filters.period);
    let attainment = attainment(
        cx,
        &filters,
        (&owners, &teams),
        (&won_by_owner, &won_by_team),
        &targets,
        (
            &crate::calendar::iso(span.start),
            &crate::calendar::iso(span.end),
        ),
    );

    let now = Tally {
        lost: lost_reasons.iter().map(|r| r.count).sum(),
        won: won_now,
        cycle_secs: cycle_now,
        created: sources.iter().map(|r| r.count).sum(),
    };
    let before = Tally {
        won: won_before,
        lost: lost_before,
        cycle_secs: cycle_before,
        created: created_before,
    };
    let funnel = pipeline
        .stages
        .iter()
        .filter(|s| s.outcome != Outcome::Lost)
        .map(|stage| FunnelStep {
            stage: stage.clone(),
            entered: entered
                .iter()
                .filter(|r| r.stage == stage.id)
                .map(|r| r.count)
                .sum(),
        })
        .collect();
    let rates = org
        .rates
        .iter()
        .filter_map(|(code, rate)| {
            Some(Rate {
                currency: Currency::from_code(code)?,
                per_unit: *rate,
            })
        })
        .collect();
    Ok(Dashboard {
        forecast: forecast(span, calendar, &open_by_day, &won_by_day),
        activity: by_rep(activity, overdue),
        filters,
        calendar,
        start: crate::calendar::iso(span.start),
        end: crate::calendar::iso(span.end),
        previous_start: crate::calendar::iso(previous.start),
        previous_end: crate::calendar::iso(previous.end),
        today: crate::calendar::iso(today),
        time_zone: zone.name().to_owned(),
        default_currency: org
            .default_currency
            .as_deref()
            .and_then(Currency::from_code)
            .unwrap_or_default(),
        rates,
        now,
        before,
        open,
        funnel,
        lost_reasons,
        sources,
        teams,
        owners,
        only_owner: (cx.actor.role == Role::Rep).then(|| cx.actor.id.clone()),
        stalled: stalled
            .into_iter()
            .map(|row| crate::deals::ssr::card(cx, &stall, row))
            .collect(),
        stalled_count,
        targets_settable,
        targets: attainment,
    })
}

#[derive(Deserialize)]
struct WonBy {
    id: crate::ids::Id,
    currency: Currency,
    count: i64,
    total: i64,
}

/// Progress against targets: the reps a manager runs (an admin: everyone selling) and the
/// teams an admin runs, within the filters. A rep sees no one's, not even their own.
fn attainment(
    cx: &Cx,
    filters: &Filters,
    (owners, teams): (&[Choice], &[Choice]),
    (by_owner, by_team): (&[WonBy], &[WonBy]),
    targets: &[super::targets::Target],
    (start, end): (&str, &str),
) -> Vec<super::targets::Attainment> {
    use super::targets::{Attainment, Whose, covering};
    if cx.actor.role == Role::Rep {
        return Vec::new();
    }
    let won = |rows: &[WonBy], id: &crate::ids::Id| {
        super::figures::merge(rows.iter().filter(|r| &r.id == id).map(|r| Sum {
            currency: r.currency,
            count: r.count,
            total: r.total,
        }))
    };
    let reps = owners
        .iter()
        .filter(|o| filters.team.is_none() || o.team == filters.team)
        .filter(|o| filters.owner.as_ref().is_none_or(|f| f == &o.id))
        .map(|o| Attainment {
            whose: Whose::Rep,
            id: o.id.clone(),
            name: o.name.clone(),
            won: won(by_owner, &o.id),
            target: covering(targets, Whose::Rep, &o.id, start, end),
            settable: o.id != cx.actor.id || cx.actor.role == Role::Admin,
        });
    let teams = teams
        .iter()
        .filter(|_| cx.actor.role == Role::Admin && filters.owner.is_none())
        .filter(|t| filters.team.as_ref().is_none_or(|f| f == &t.id))
        .map(|t| Attainment {
            whose: Whose::Team,
            id: t.id.clone(),
            name: t.name.clone(),
            won: won(by_team, &t.id),
            target: covering(targets, Whose::Team, &t.id, start, end),
            settable: true,
        });
    teams.chain(reps).collect()
}

/// Most first, then by label.
fn by_count(mut rows: Vec<Counted>) -> Vec<Counted> {
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    rows
}

/// The database sums `value × probability`; a weighted amount is that over 100.
fn open_sums(rows: Vec<OpenRow>) -> Vec<OpenSum> {
    let mut sums: Vec<OpenSum> = Vec::new();
    for row in rows {
        let weighted = (row.weighted as f64 / 100.0).round() as i64;
        match sums.iter_mut().find(|s| s.currency == row.currency) {
            Some(s) => {
                s.count += row.count;
                s.total += row.total;
                s.weighted += weighted;
            }
            None => sums.push(OpenSum {
                currency: row.currency,
                count: row.count,
                total: row.total,
                weighted,
            }),
        }
    }
    sums.sort_by_key(|s| s.currency.code());
    sums
}

/// Days summed by the database, put into the months of the reader's calendar.
fn forecast(
    span: Span,
    calendar: Calendar,
    open: &[OpenRow],
    won: &[OpenRow],
) -> Vec<ForecastMonth> {
    super::period::months(span, calendar)
        .into_iter()
        .map(|(month, days)| {
            let inside = |row: &&OpenRow| {
                row.day
                    .as_deref()
                    .and_then(crate::calendar::parse_iso)
                    .is_some_and(|day| days.contains(day))
            };
            let won_in = won.iter().filter(inside).map(|r| Sum {
                currency: r.currency,
                count: r.count,
                total: r.total,
            });
            let open_in = open.iter().filter(inside).map(|r| OpenRow {
                day: None,
                currency: r.currency,
                count: r.count,
                total: r.total,
                weighted: r.weighted,
            });
            ForecastMonth {
                month,
                start: crate::calendar::iso(days.start),
                end: crate::calendar::iso(days.end),
                won: super::figures::merge(won_in),
                open: open_sums(open_in.collect()),
            }
        })
        .collect()
}

/// One row per person: their activities by type and their overdue ones, busiest first.
fn by_rep(activity: Vec<ActivityRow>, overdue: Vec<ActivityRow>) -> Vec<RepActivity> {
    let mut reps: Vec<RepActivity> = Vec::new();
    let mut row_of = |owner: &crate::ids::Id, name: Option<String>| -> usize {
        match reps.iter().position(|r| &r.owner == owner) {
            Some(i) => i,
            None => {
                reps.push(RepActivity {
                    owner: owner.clone(),
                    name: name.unwrap_or_default(),
                    by_kind: [0; 4],
                    overdue: 0,
                });
                reps.len() - 1
            }
        }
    };
    let mut counts: Vec<(usize, Option<ActivityKind>, i64, bool)> = Vec::new();
    for row in activity {
        counts.push((row_of(&row.owner, row.name), row.kind, row.count, false));
    }
    for row in overdue {
        counts.push((row_of(&row.owner, row.name), None, row.count, true));
    }
    for (i, kind, count, is_overdue) in counts {
        let rep = &mut reps[i];
        if is_overdue {
            rep.overdue += count;
        } else if let Some(k) = kind.and_then(|k| ActivityKind::ALL.iter().position(|a| *a == k)) {
            rep.by_kind[k] += count;
        }
    }
    reps.sort_by(|a, b| {
        let total = |r: &RepActivity| r.by_kind.iter().sum::<i64>();
        total(b).cmp(&total(a)).then(a.name.cmp(&b.name))
    });
    reps
}
