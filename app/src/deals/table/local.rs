//! The deals table worked out on a device from its copy, offline: the server's filters
//! (`ssr`) as tests on the rows held, its order and its pages. `server/tests/parity.rs`
//! holds the two equal. A device knows a deal's last activity only from the activities it
//! keeps (the last 90 days); older ones show as none offline.

use std::cmp::Ordering;
use std::collections::HashMap;

use time::OffsetDateTime;

use super::{Column, Days, PAGE_ROWS, TablePage, TableQuery, TableRow};
use crate::dashboard::offsets::Offsets;
use crate::deals::DealRow;
use crate::deals::local::Marks;
use crate::error::AppError;
use crate::pipeline::Outcome;
use crate::sync::replica::Replica;

fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

pub fn page(
    view: &Replica,
    offsets: &Offsets,
    query: TableQuery,
    now: OffsetDateTime,
) -> Result<TablePage, AppError> {
    query.check()?;
    let reference = view.reference.as_ref().ok_or(AppError::Network)?;
    let pipeline = &reference.pipeline;
    let marks = Marks::at(view, now);
    // Days of the organisation's calendar as the instants they begin at, as the server.
    let range = |days: &Days| {
        let day = |iso: &str| crate::calendar::parse_iso(iso).map(|d| offsets.midnight(d));
        (day(&days.from), day(&days.until))
    };
    let inside = |at: Option<OffsetDateTime>, days: &Days| match (at, range(days)) {
        (Some(at), (Some(from), Some(until))) => from <= at && at < until,
        _ => false,
    };
    let text = query.text.trim().to_lowercase();
    let matches = |d: &DealRow| {
        let Some(stage) = pipeline.stage(&d.stage) else {
            return false;
        };
        let eq = |wanted: &Option<crate::ids::Id>, id: Option<&crate::ids::Id>| {
            wanted.as_ref().is_none_or(|w| Some(w) == id)
        };
        let text_eq = |wanted: &Option<String>, value: &Option<String>| match wanted.as_deref() {
            None => true,
            Some("") => value.is_none(),
            Some(w) => value.as_deref() == Some(w),
        };
        let changed = || d.stage_changed_at.as_deref().and_then(instant);
        (!query.stalled || marks.stalled(d))
            && query.outcome.is_none_or(|o| o == stage.outcome)
            && eq(&query.stage, Some(&d.stage))
            && eq(&query.owner, Some(&d.stamp.owner))
            && eq(&query.team, d.stamp.team.as_ref())
            && text_eq(&query.source, &d.source)
            && text_eq(&query.reason, &d.lost_reason)
            && (text.is_empty() || d.title.to_lowercase().contains(&text))
            && query
                .closed
                .as_ref()
                .is_none_or(|days| stage.outcome != Outcome::Open && inside(changed(), days))
            && query
                .created
                .as_ref()
                .is_none_or(|days| inside(instant(&d.stamp.created_at), days))
            && query.entered.as_ref().is_none_or(|(wanted, days)| {
                d.entered
                    .iter()
                    .any(|e| &e.stage == wanted && inside(instant(&e.at), days))
            })
            && query.closing.as_ref().is_none_or(|days| {
                d.expected_close
                    .as_deref()
                    .is_some_and(|day| days.from.as_str() <= day && day < days.until.as_str())
            })
    };
    let mut last_activity: HashMap<&str, &str> = HashMap::new();
    for a in view.activities.values().filter(|a| a.done) {
        if let (Some(deal), Some(day)) = (a.deal.as_deref(), a.due_date.as_deref()) {
            let seen = last_activity.entry(deal).or_insert(day);
            if day > *seen {
                *seen = day;
            }
        }
    }
    let mut rows: Vec<TableRow> = view
        .deals
        .values()
        .filter(|d| matches(d))
        .map(|d| TableRow {
            id: d.id.clone(),
            title: d.title.clone(),
            company_name: view
                .linked::<crate::companies::CompanyRow>(d.company.as_deref(), |c| &c.name),
            owner_name: view.user_name(&d.stamp.owner),
            stage: d.stage.clone(),
            stage_name: pipeline
                .stage(&d.stage)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            value: d.value,
            currency: d.currency,
            expected_close: d.expected_close.as_deref().map(str::to_owned),
            probability: d.probability,
            source: d.source.clone(),
            last_activity: last_activity
                .get(d.id.as_str())
                .map(|day| (*day).to_owned()),
            created_at: d.stamp.created_at.clone(),
            touched_at: d.touched_at.clone(),
            stalled: marks.stalled(d),
        })
        .collect();
    let position = |row: &TableRow| pipeline.stage(&row.stage).map(|s| s.position);
    let by = |a: &TableRow, b: &TableRow| -> Ordering {
        match query.sort {
            Column::Title => a.title.cmp(&b.title),
            Column::Company => a.company_name.cmp(&b.company_name),
            Column::Owner => a.owner_name.cmp(&b.owner_name),
            Column::Stage => position(a).cmp(&position(b)),
            Column::Value => a.value.cmp(&b.value),
            Column::ExpectedClose => a.expected_close.cmp(&b.expected_close),
            Column::Probability => a.probability.cmp(&b.probability),
            Column::Source => a.source.cmp(&b.source),
            Column::LastActivity => a.last_activity.cmp(&b.last_activity),
            Column::Created => instant(&a.created_at).cmp(&instant(&b.created_at)),
        }
        .then_with(|| a.id.cmp(&b.id))
    };
    rows.sort_by(|a, b| {
        let order = by(a, b);
        if query.descending() {
            order.reverse()
        } else {
            order
        }
    });
    let total = rows.len() as i64;
    let start = query.page as usize * PAGE_ROWS as usize;
    let rows = rows
        .into_iter()
        .skip(start)
        .take(PAGE_ROWS as usize)
        .collect();
    Ok(TablePage {
        query,
        total,
        rows,
        as_of_ms: None,
    })
}
