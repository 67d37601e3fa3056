//! The dashboard worked out on a device from its copy, offline: the server's statements
//! (`ssr`) as loops over the rows the device holds, into the same [`Grouped`], so
//! [`grouped::assemble`] builds the same page. `server/tests/parity.rs` holds the two equal.
//!
//! A device holds open deals and those closed in the last year, and activities of the last
//! 90 days: periods within those reach give the server's figures; older ones count what
//! the device still has, and the page says whose copy it is and as of when.

use time::OffsetDateTime;

use super::basis::Basis;
use super::grouped::{self, ActivityRow, Frame, Grouped, OpenRow, StageRow, WonBy, WonRow};
use super::period::Calendar;
use super::{Counted, Dashboard, Filters};
use crate::auth::Role;
use crate::deals::DealRow;
use crate::error::AppError;
use crate::ids::Id;
use crate::money::Currency;
use crate::pipeline::Outcome;
use crate::sync::replica::{Replica, Stamp};

fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// Within `[from, until)`.
fn within(at: Option<OffsetDateTime>, (from, until): (OffsetDateTime, OffsetDateTime)) -> bool {
    at.is_some_and(|at| from <= at && at < until)
}

/// Adds `count`, `total` and `weighted` to the row of `key`, making it if need be; rows stay
/// in the order their keys first came.
fn add<K: PartialEq>(
    rows: &mut Vec<(K, OpenRow)>,
    key: K,
    currency: Currency,
    (total, weighted): (i64, i64),
) {
    let i = rows.iter().position(|(k, _)| *k == key).unwrap_or_else(|| {
        let row = OpenRow {
            currency,
            ..OpenRow::default()
        };
        rows.push((key, row));
        rows.len() - 1
    });
    let row = &mut rows[i].1;
    row.count += 1;
    row.total += total;
    row.weighted += weighted;
}

fn counted(rows: &mut Vec<Counted>, label: &Option<String>) {
    match rows.iter_mut().find(|r| &r.label == label) {
        Some(row) => row.count += 1,
        None => rows.push(Counted {
            label: label.clone(),
            count: 1,
        }),
    }
}

pub fn dashboard(
    view: &Replica,
    basis: &Basis,
    filters: Filters,
    calendar: Calendar,
    now: OffsetDateTime,
) -> Result<Dashboard, AppError> {
    crate::ids::valid_ids([filters.team.as_deref(), filters.owner.as_deref()])?;
    let reference = view.reference.as_ref().ok_or(AppError::Network)?;
    let (me, pipeline) = (&reference.me, &reference.pipeline);
    let offsets = &basis.offsets;
    let today = offsets.today(now);
    let (span, previous) = filters.spans(
        today,
        calendar,
        (basis.fiscal_start, basis.fiscal_start_jalali),
    )?;
    let now_days = (offsets.midnight(span.start), offsets.midnight(span.end));
    let before_days = (
        offsets.midnight(previous.start),
        offsets.midnight(previous.end),
    );
    let (sd, ed) = (
        crate::calendar::iso(span.start),
        crate::calendar::iso(span.end),
    );
    let today_iso = crate::calendar::iso(today);
    // One offset for the whole period, as the server's forecast uses.
    let shift = time::Duration::seconds(i64::from(offsets.offset_at(now_days.0.unix_timestamp())));

    let in_scope = |stamp: &Stamp| {
        (me.role != Role::Rep || stamp.owner == me.id)
            && filters
                .team
                .as_ref()
                .is_none_or(|team| stamp.team.as_ref() == Some(team))
            && filters
                .owner
                .as_ref()
                .is_none_or(|owner| &stamp.owner == owner)
    };
    let outcome = |stage: &Id| pipeline.stage(stage).map(|s| s.outcome);
    let deals: Vec<&DealRow> = view.deals.values().filter(|d| in_scope(&d.stamp)).collect();

    let mut won_now: Vec<(Currency, OpenRow)> = Vec::new();
    let mut won_before: Vec<(Currency, OpenRow)> = Vec::new();
    let mut cycle_now: Vec<(Currency, i64)> = Vec::new();
    let mut cycle_before: Vec<(Currency, i64)> = Vec::new();
    let mut g = Grouped::default();
    let mut open: Vec<(Currency, OpenRow)> = Vec::new();
    let mut open_by_day: Vec<((String, Currency), OpenRow)> = Vec::new();
    let mut won_by_day: Vec<((String, Currency), OpenRow)> = Vec::new();
    let mut by_owner: Vec<((Id, Currency), OpenRow)> = Vec::new();
    let mut by_team: Vec<((Id, Currency), OpenRow)> = Vec::new();
    let mut entered: Vec<(Id, i64)> = Vec::new();
    for d in &deals {
        let changed = d.stage_changed_at.as_deref().and_then(instant);
        let created = instant(&d.stamp.created_at);
        let cycle = match (changed, created) {
            (Some(changed), Some(created)) => (changed - created).whole_seconds(),
            _ => 0,
        };
        match outcome(&d.stage) {
            Some(Outcome::Won) => {
                for (days, won, cycles) in [
                    (now_days, &mut won_now, &mut cycle_now),
                    (before_days, &mut won_before, &mut cycle_before),
                ] {
                    if within(changed, days) {
                        add(won, d.currency, d.currency, (d.value, 0));
                        match cycles.iter_mut().find(|(c, _)| *c == d.currency) {
                            Some((_, secs)) => *secs += cycle,
                            None => cycles.push((d.currency, cycle)),
                        }
                    }
                }
                if within(changed, now_days) {
                    if let Some(at) = changed {
                        let day = crate::calendar::iso((at + shift).date());
                        add(&mut won_by_day, (day, d.currency), d.currency, (d.value, 0));
                    }
                    let owner = (d.stamp.owner.clone(), d.currency);
                    add(&mut by_owner, owner, d.currency, (d.value, 0));
                    if let Some(team) = &d.stamp.team {
                        add(
                            &mut by_team,
                            (team.clone(), d.currency),
                            d.currency,
                            (d.value, 0),
                        );
                    }
                }
            }
            Some(Outcome::Lost) => {
                if within(changed, now_days) {
                    counted(&mut g.lost_reasons, &d.lost_reason);
                }
                if within(changed, before_days) {
                    g.lost_before += 1;
                }
            }
            Some(Outcome::Open) => {
                let weighted = (d.value, d.value * d.probability);
                add(&mut open, d.currency, d.currency, weighted);
                if let Some(day) = d
                    .expected_close
                    .as_deref()
                    .filter(|day| (sd.as_str()..ed.as_str()).contains(day))
                {
                    add(
                        &mut open_by_day,
                        (day.to_owned(), d.currency),
                        d.currency,
                        weighted,
                    );
                }
            }
            None => {}
        }
        if within(created, now_days) {
            counted(&mut g.sources, &d.source);
        }
        if within(created, before_days) {
            g.created_before += 1;
        }
        // Each stage once per deal, however often it entered it in the period.
        let mut seen: Vec<&Id> = Vec::new();
        for entry in &d.entered {
            if pipeline.stage(&entry.stage).is_some()
                && !seen.contains(&&entry.stage)
                && within(instant(&entry.at), now_days)
            {
                seen.push(&entry.stage);
                match entered.iter_mut().find(|(stage, _)| *stage == entry.stage) {
                    Some((_, count)) => *count += 1,
                    None => entered.push((entry.stage.clone(), 1)),
                }
            }
        }
    }

    let won_rows = |rows: Vec<(Currency, OpenRow)>, cycles: &[(Currency, i64)]| {
        rows.into_iter()
            .map(|(currency, row)| WonRow {
                currency,
                count: row.count,
                total: row.total,
                cycle: cycles
                    .iter()
                    .find(|(c, _)| *c == currency)
                    .map_or(0.0, |(_, secs)| *secs as f64),
            })
            .collect::<Vec<_>>()
    };
    g.won_now = won_rows(won_now, &cycle_now);
    g.won_before = won_rows(won_before, &cycle_before);
    g.open = open.into_iter().map(|(_, row)| row).collect();
    let dated = |rows: Vec<((String, Currency), OpenRow)>| {
        rows.into_iter()
            .map(|((day, _), row)| OpenRow {
                day: Some(day),
                ..row
            })
            .collect::<Vec<_>>()
    };
    g.open_by_day = dated(open_by_day);
    g.won_by_day = dated(won_by_day);
    let won_by = |rows: Vec<((Id, Currency), OpenRow)>| {
        rows.into_iter()
            .map(|((id, currency), row)| WonBy {
                id,
                currency,
                count: row.count,
                total: row.total,
            })
            .collect::<Vec<_>>()
    };
    g.won_by_owner = won_by(by_owner);
    g.won_by_team = won_by(by_team);
    g.entered = entered
        .into_iter()
        .map(|(stage, count)| StageRow { stage, count })
        .collect();

    activities(
        view,
        basis,
        &in_scope,
        (&sd, &ed, &today_iso),
        now_days,
        &mut g,
    );

    let marks = crate::deals::local::Marks::at(view, now);
    let mut stalled: Vec<&&DealRow> = deals.iter().filter(|d| marks.stalled(d)).collect();
    stalled.sort_by(|a, b| (&a.touched_at, &a.id).cmp(&(&b.touched_at, &b.id)));
    g.stalled_count = stalled.len() as i64;
    g.stalled = stalled
        .into_iter()
        .take(crate::activities::STALLED_SHOWN)
        .map(|d| crate::deals::local::card(view, &marks, d))
        .collect();
    g.teams = basis.teams.clone();
    g.owners = basis.owners.clone();
    g.targets = basis
        .targets
        .iter()
        .filter(|t| t.start.as_str() >= sd.as_str() && t.end.as_str() <= ed.as_str())
        .cloned()
        .collect();

    let frame = Frame {
        actor: me,
        pipeline,
        filters,
        calendar,
        span,
        previous,
        today,
        time_zone: basis.time_zone.clone(),
        default_currency: basis.default_currency,
        rates: basis.rates.clone(),
    };
    Ok(grouped::assemble(frame, g))
}

/// Activities per person by kind in the period (by due day, or by creation for those
/// without one), and their overdue ones now.
fn activities(
    view: &Replica,
    basis: &Basis,
    in_scope: &dyn Fn(&Stamp) -> bool,
    (sd, ed, today): (&str, &str, &str),
    days: (OffsetDateTime, OffsetDateTime),
    g: &mut Grouped,
) {
    let name = |owner: &Id| {
        basis
            .owners
            .iter()
            .find(|o| &o.id == owner)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| view.user_name(owner))
    };
    for a in view.activities.values().filter(|a| in_scope(&a.stamp)) {
        let counts = match a.due_date.as_deref() {
            Some(day) => (sd..ed).contains(&day),
            None => within(instant(&a.stamp.created_at), days),
        };
        if counts {
            let kind = Some(a.kind);
            match g
                .activity
                .iter_mut()
                .find(|r| r.owner == a.stamp.owner && r.kind == kind)
            {
                Some(row) => row.count += 1,
                None => g.activity.push(ActivityRow {
                    owner: a.stamp.owner.clone(),
                    name: Some(name(&a.stamp.owner)),
                    kind,
                    count: 1,
                }),
            }
        }
        if !a.done && a.due_date.as_deref().is_some_and(|day| day < today) {
            match g.overdue.iter_mut().find(|r| r.owner == a.stamp.owner) {
                Some(row) => row.count += 1,
                None => g.overdue.push(ActivityRow {
                    owner: a.stamp.owner.clone(),
                    name: Some(name(&a.stamp.owner)),
                    kind: None,
                    count: 1,
                }),
            }
        }
    }
}
