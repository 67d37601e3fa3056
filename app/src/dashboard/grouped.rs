//! The dashboard's figures as groups of counts and sums, the shape the database's `GROUP BY`
//! answers in, and how a [`Dashboard`] is built from them. The server fills [`Grouped`] from
//! its query (`ssr`), a device from its copy (`local`); everything after that is this one
//! code, so both give the same page from the same groups.

use serde::Deserialize;

use super::period::{Calendar, Span};
use super::targets::{Attainment, Target, Whose, covering};
use super::{
    Choice, Counted, Dashboard, Filters, ForecastMonth, FunnelStep, OpenSum, Rate, RepActivity,
    Sum, Tally,
};
use crate::activities::ActivityKind;
use crate::auth::{Actor, Role};
use crate::deals::DealCard;
use crate::ids::Id;
use crate::money::Currency;
use crate::pipeline::{Outcome, Pipeline};

/// Deals won in one currency, with their days from creation to winning summed.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct WonRow {
    pub currency: Currency,
    pub count: i64,
    pub total: i64,
    #[serde(default)]
    pub cycle: f64,
}

/// Deals in one currency (on one day, for the forecast); `weighted` is the sum of
/// `value × probability`, a hundred times the weighted amount.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct OpenRow {
    #[serde(default)]
    pub day: Option<String>,
    pub currency: Currency,
    pub count: i64,
    pub total: i64,
    #[serde(default)]
    pub weighted: i64,
}

/// How many deals entered a stage.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StageRow {
    pub stage: Id,
    pub count: i64,
}

/// One person's activities of one kind (or their overdue ones, without a kind).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ActivityRow {
    pub owner: Id,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<ActivityKind>,
    pub count: i64,
}

/// What a rep (or a team) won in one currency.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct WonBy {
    pub id: Id,
    pub currency: Currency,
    pub count: i64,
    pub total: i64,
}

/// Every group the page is built from.
#[derive(Clone, Debug, Default)]
pub struct Grouped {
    pub won_now: Vec<WonRow>,
    pub won_before: Vec<WonRow>,
    pub lost_reasons: Vec<Counted>,
    pub lost_before: i64,
    pub sources: Vec<Counted>,
    pub created_before: i64,
    pub open: Vec<OpenRow>,
    pub open_by_day: Vec<OpenRow>,
    pub won_by_day: Vec<OpenRow>,
    pub entered: Vec<StageRow>,
    pub activity: Vec<ActivityRow>,
    pub overdue: Vec<ActivityRow>,
    pub teams: Vec<Choice>,
    pub owners: Vec<Choice>,
    pub stalled: Vec<DealCard>,
    pub stalled_count: i64,
    pub won_by_owner: Vec<WonBy>,
    pub won_by_team: Vec<WonBy>,
    pub targets: Vec<Target>,
}

/// What the page is about: who reads it, which days, in which zone and money.
pub struct Frame<'a> {
    pub actor: &'a Actor,
    pub pipeline: &'a Pipeline,
    pub filters: Filters,
    pub calendar: Calendar,
    pub span: Span,
    pub previous: Span,
    pub today: time::Date,
    pub time_zone: String,
    pub default_currency: Currency,
    pub rates: Vec<Rate>,
}

pub fn assemble(frame: Frame, groups: Grouped) -> Dashboard {
    let iso = crate::calendar::iso;
    let (won_now, cycle_now) = won(groups.won_now);
    let (won_before, cycle_before) = won(groups.won_before);
    let lost_reasons = by_count(groups.lost_reasons);
    let sources = by_count(groups.sources);
    let (start, end) = (iso(frame.span.start), iso(frame.span.end));
    let targets = attainment(
        frame.actor,
        &frame.filters,
        (&groups.owners, &groups.teams),
        (&groups.won_by_owner, &groups.won_by_team),
        &groups.targets,
        (&start, &end),
    );
    let now = Tally {
        lost: lost_reasons.iter().map(|r| r.count).sum(),
        won: won_now,
        cycle_secs: cycle_now,
        created: sources.iter().map(|r| r.count).sum(),
    };
    let before = Tally {
        won: won_before,
        lost: groups.lost_before,
        cycle_secs: cycle_before,
        created: groups.created_before,
    };
    let funnel = frame
        .pipeline
        .stages
        .iter()
        .filter(|s| s.outcome != Outcome::Lost)
        .map(|stage| FunnelStep {
            stage: stage.clone(),
            entered: groups
                .entered
                .iter()
                .filter(|r| r.stage == stage.id)
                .map(|r| r.count)
                .sum(),
        })
        .collect();
    Dashboard {
        forecast: forecast(
            frame.span,
            frame.calendar,
            &groups.open_by_day,
            &groups.won_by_day,
        ),
        activity: by_rep(groups.activity, groups.overdue),
        targets_settable: super::targets::settable(&frame.filters.period),
        filters: frame.filters,
        calendar: frame.calendar,
        start,
        end,
        previous_start: iso(frame.previous.start),
        previous_end: iso(frame.previous.end),
        today: iso(frame.today),
        time_zone: frame.time_zone,
        default_currency: frame.default_currency,
        rates: frame.rates,
        now,
        before,
        open: open_sums(groups.open),
        funnel,
        lost_reasons,
        sources,
        teams: groups.teams,
        owners: groups.owners,
        only_owner: (frame.actor.role == Role::Rep).then(|| frame.actor.id.clone()),
        stalled: groups.stalled,
        stalled_count: groups.stalled_count,
        targets,
        as_of_ms: None,
    }
}

fn won(rows: Vec<WonRow>) -> (Vec<Sum>, i64) {
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
}

/// Progress against targets: the reps a manager runs (an admin: everyone selling) and the
/// teams an admin runs, within the filters. A rep sees no one's, not even their own.
fn attainment(
    actor: &Actor,
    filters: &Filters,
    (owners, teams): (&[Choice], &[Choice]),
    (by_owner, by_team): (&[WonBy], &[WonBy]),
    targets: &[Target],
    (start, end): (&str, &str),
) -> Vec<Attainment> {
    if actor.role == Role::Rep {
        return Vec::new();
    }
    let won = |rows: &[WonBy], id: &Id| {
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
            settable: o.id != actor.id || actor.role == Role::Admin,
        });
    let teams = teams
        .iter()
        .filter(|_| actor.role == Role::Admin && filters.owner.is_none())
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

/// A weighted amount is the summed `value × probability` over 100.
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
                ..r.clone()
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
    let mut row_of = |owner: &Id, name: Option<String>| -> usize {
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
    // Ties by owner too, so the server's and a device's order agree whatever order the
    // groups came in.
    reps.sort_by(|a, b| {
        let total = |r: &RepActivity| r.by_kind.iter().sum::<i64>();
        total(b)
            .cmp(&total(a))
            .then(a.name.cmp(&b.name))
            .then(a.owner.cmp(&b.owner))
    });
    reps
}
