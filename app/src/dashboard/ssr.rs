//! The dashboard's figures, summed by the database: the tallies ([`tallies`]) it keeps up to
//! date on every write hold the sums by stage, day or month, owner and team, and each figure
//! reads the key ranges of its stages and period. No deal or activity row travels to Rust but
//! the few stalled deals the page lists. Compiled only with `ssr`.

use super::grouped::{ActivityRow, Frame, Grouped, StageRow, assemble};
use super::period::Calendar;
use super::{Counted, Dashboard, Filters, Rate};
use crate::auth::Role;
use crate::db::{self, rid};
use crate::error::AppResult;
use crate::money::Currency;
use crate::pipeline::Outcome;
use crate::records::{bind_actor, read_filter};
use crate::server::Cx;

pub mod tallies;
pub mod zone;

use tallies::Grain;

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
    let stages = |outcome: Option<Outcome>| -> Vec<_> {
        pipeline
            .stages
            .iter()
            .filter(|s| outcome.is_none_or(|o| s.outcome == o))
            .map(|s| rid("stage", &s.id))
            .collect()
    };
    let grain = Grain::of(calendar, &[span, previous]);
    let g = grain.suffix();
    let deals = scope(cx, &filters);
    // Each figure reads the tallies' rows of its stages and period: a key range per stage.
    let won = Ranges::new("won", stages(Some(Outcome::Won)));
    let lost = Ranges::new("lost", stages(Some(Outcome::Lost)));
    let open = Ranges::new("open", stages(Some(Outcome::Open)));
    let all = Ranges::new("stage", stages(None));
    let (now, before) = (("$sd", "$ed"), ("$psd", "$ped"));
    let sums = "<int> math::sum(count) AS count, <int> math::sum(total) AS total";
    let sql = format!(
        "SELECT currency, {sums}, math::sum(cycle) AS cycle
            FROM {won_now} WHERE {deals} GROUP BY currency;
         SELECT currency, {sums}, math::sum(cycle) AS cycle
            FROM {won_before} WHERE {deals} GROUP BY currency;
         SELECT lost_reason AS label, <int> math::sum(count) AS count
            FROM {lost_now} WHERE {deals} GROUP BY label;
         SELECT <int> math::sum(count) AS count FROM {lost_before} WHERE {deals} GROUP ALL;
         SELECT source AS label, <int> math::sum(count) AS count
            FROM created_{g}:[$sd]..[$ed] WHERE {deals} GROUP BY label;
         SELECT <int> math::sum(count) AS count
            FROM created_{g}:[$psd]..[$ped] WHERE {deals} GROUP ALL;
         SELECT currency, {sums}, <int> math::sum(weighted) AS weighted
            FROM pipeline_now WHERE stage IN $open AND {deals} GROUP BY currency;
         SELECT bucket AS day, currency, {sums}, <int> math::sum(weighted) AS weighted
            FROM {closing} WHERE {deals} GROUP BY day, currency;
         SELECT bucket AS day, currency, {sums} FROM {won_now} WHERE {deals} GROUP BY day, currency;
         SELECT stage, <int> math::sum(count) AS count FROM {entered} WHERE {deals} GROUP BY stage;
         SELECT *, owner.name AS name FROM (
            SELECT owner, kind, <int> math::sum(count) AS count
            FROM activity_{g}:[$sd]..[$ed] WHERE {deals} GROUP BY owner, kind);
         SELECT *, owner.name AS name FROM (
            SELECT owner, <int> math::sum(count) AS count FROM due_now WHERE {deals} GROUP BY owner);
         {teams}
         {owners}
         {stalled_list}
         {stalled_count}
         SELECT owner AS id, currency, {sums} FROM {won_now} WHERE {deals} GROUP BY id, currency;
         SELECT team AS id, currency, {sums} FROM {won_now}
            WHERE {deals} AND team != NONE GROUP BY id, currency;
         {targets}
         SELECT stage, <int> math::sum(count) AS count FROM {reentered}
            WHERE again < $ed AND {deals} GROUP BY stage;
         SELECT owner, <int> math::sum(count) AS count FROM due_g:[$next_month].., due_d:[$today]..[$next_month]
            WHERE {deals} GROUP BY owner;",
        won_now = won.over(&format!("closed_{g}"), now),
        won_before = won.over(&format!("closed_{g}"), before),
        lost_now = lost.over(&format!("closed_{g}"), now),
        lost_before = lost.over(&format!("closed_{g}"), before),
        closing = open.over(&format!("closing_{g}"), now),
        entered = all.over(&format!("entered_{g}"), now),
        reentered = all.over(&format!("reentered_{g}"), now),
        targets = super::targets::ssr::TARGETS,
        stalled_list = stall.oldest_sql(&crate::deals::ssr::card_fields(&cx.actor), &deals),
        stalled_count = stall.count_sql(&deals),
        teams = teams_sql(cx.actor.role),
        owners = owners_sql(cx.actor.role),
    );
    let bucket = |day: time::Date| grain.bucket(day).map(crate::calendar::iso);
    let next_month = today
        .replace_day(1)
        .ok()
        .and_then(|first| first.checked_add(time::Duration::days(31)))
        .and_then(|later| later.replace_day(1).ok())
        .map(crate::calendar::iso);
    let mut query = bind_actor(stall.bind(cx.db.query(sql)), &cx.actor)
        .bind(("stalled_limit", crate::activities::STALLED_SHOWN as i64))
        .bind(("open", stages(Some(Outcome::Open))))
        .bind(("sd", bucket(span.start)))
        .bind(("ed", bucket(span.end)))
        .bind(("psd", bucket(previous.start)))
        .bind(("ped", bucket(previous.end)))
        .bind(("today", crate::calendar::iso(today)))
        .bind(("next_month", next_month))
        .bind(("f_team", db::opt_rid("team", filters.team.as_deref())))
        .bind(("f_owner", db::opt_rid("user", filters.owner.as_deref())));
    for ranges in [&won, &lost, &open, &all] {
        query = ranges.bind(query);
    }
    let mut response = db::run(query).await?;
    let count = |rows: Vec<Counted>| rows.iter().map(|r| r.count).sum::<i64>();
    let entered: Vec<StageRow> = db::take_all(&mut response, 9)?;
    let reentered: Vec<StageRow> = db::take_all(&mut response, 19)?;
    let open_due: Vec<ActivityRow> = db::take_all(&mut response, 11)?;
    let due_later: Vec<ActivityRow> = db::take_all(&mut response, 20)?;
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
        entered: less(entered, reentered, |r| &r.stage, |r| &mut r.count),
        activity: db::take_all(&mut response, 10)?,
        overdue: less(open_due, due_later, |r| &r.owner, |r| &mut r.count),
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

/// Key ranges of a tally, one per stage: `{table}:[$won0, $sd]..[$won0, $ed], …`. The stage
/// ids are bound, never written into the statement.
struct Ranges {
    name: &'static str,
    stages: Vec<surrealdb::types::RecordId>,
}

impl Ranges {
    fn new(name: &'static str, mut stages: Vec<surrealdb::types::RecordId>) -> Ranges {
        // A stage no row has: a pipeline without won (or lost) stages reads nothing.
        if stages.is_empty() {
            stages.push(rid("stage", "none"));
        }
        Ranges { name, stages }
    }

    fn over(&self, table: &str, (start, end): (&str, &str)) -> String {
        (0..self.stages.len())
            .map(|i| {
                format!(
                    "{table}:[${n}{i}, {start}]..[${n}{i}, {end}]",
                    n = self.name
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn bind<Q: db::Bind>(&self, mut query: Q) -> Q {
        for (i, stage) in self.stages.iter().enumerate() {
            query = query.bind((format!("{}{i}", self.name), stage.clone()));
        }
        query
    }
}

/// `rows` with each one's count less the counts of the rows in `minus` with the same key;
/// those left with nothing are dropped.
fn less<T, K: PartialEq>(
    mut rows: Vec<T>,
    mut minus: Vec<T>,
    key: impl Fn(&T) -> &K,
    count: impl Fn(&mut T) -> &mut i64,
) -> Vec<T> {
    for taken in &mut minus {
        let n = *count(taken);
        if let Some(row) = rows.iter_mut().find(|row| key(row) == key(taken)) {
            *count(row) -= n;
        }
    }
    rows.retain_mut(|row| *count(row) > 0);
    rows
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
