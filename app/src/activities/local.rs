//! Activity lists drawn from the device's replica.

use super::ActivityRow;
use super::{ActivityFormData, ActivityItem, Subject, TodayData};
use crate::auth::Role;
use crate::deals::local::choices;
use crate::error::AppError;
use crate::pipeline::Outcome;
use crate::sync::replica::{Replica, Synced};

pub fn item(view: &Replica, a: &ActivityRow) -> ActivityItem {
    ActivityItem {
        id: a.id.clone(),
        rev: a.rev,
        fields: a.fields.clone(),
        deal_title: view.linked::<crate::deals::DealRow>(a.deal.as_deref(), |d| &d.title),
        contact_name: view.linked::<crate::contacts::ContactRow>(a.contact.as_deref(), |c| &c.name),
        company_name: view
            .linked::<crate::companies::CompanyRow>(a.company.as_deref(), |c| &c.name),
        owner_name: view.user_name(&a.stamp.owner),
        created_at: a.stamp.created_at.clone(),
        can_edit: view.can_edit(&a.scope()),
    }
}

/// Open tasks first by due date, then the rest newest first, as the server orders them.
/// Deals an activity may be logged against: open ones, by title.
fn open_deals(view: &Replica) -> Vec<crate::deals::Choice> {
    let pipeline = view.reference.as_ref().map(|r| &r.pipeline);
    let mut deals: Vec<crate::deals::Choice> = view
        .deals
        .values()
        .filter(|d| {
            pipeline
                .and_then(|p| p.stage(&d.stage))
                .is_some_and(|s| s.outcome == Outcome::Open)
        })
        .map(|d| crate::deals::Choice {
            id: d.id.clone(),
            name: d.title.clone(),
        })
        .collect();
    crate::order::sort(&mut deals, crate::order::by_title, |c| (&c.name, &c.id));
    deals
}

fn timeline_order(a: &ActivityItem, b: &ActivityItem) -> std::cmp::Ordering {
    a.done
        .cmp(&b.done)
        .then_with(|| a.due_date.cmp(&b.due_date))
        .then_with(|| b.created_at.cmp(&a.created_at))
}

pub fn for_subject(view: &Replica, subject: Subject, id: &str) -> Vec<ActivityItem> {
    let linked = |a: &ActivityRow| match subject {
        Subject::Deal => a.deal.as_deref() == Some(id),
        Subject::Contact => a.contact.as_deref() == Some(id),
        Subject::Company => {
            a.company.as_deref() == Some(id)
                || a.contact
                    .as_deref()
                    .and_then(|c| view.contacts.get(c))
                    .is_some_and(|c| c.company.as_deref() == Some(id))
                || a.deal
                    .as_deref()
                    .and_then(|d| view.deals.get(d))
                    .is_some_and(|d| d.company.as_deref() == Some(id))
        }
    };
    let mut items: Vec<ActivityItem> = view
        .activities
        .values()
        .filter(|a| linked(a))
        .map(|a| item(view, a))
        .collect();
    items.sort_by(timeline_order);
    items
}

/// `today` and `horizon` are dates (YYYY-MM-DD) on the device's own calendar.
pub fn today(view: &Replica, today: &str, horizon: &str) -> Result<TodayData, AppError> {
    let me = view.me().ok_or(AppError::Network)?;
    let mut due: Vec<ActivityItem> = view
        .activities
        .values()
        .filter(|a| {
            a.stamp.owner == me.id && !a.done && a.due_date.as_deref().is_some_and(|d| d <= today)
        })
        .map(|a| item(view, a))
        .collect();
    due.sort_by(|a, b| {
        a.due_date
            .cmp(&b.due_date)
            .then_with(|| a.due_time.cmp(&b.due_time))
    });
    let (overdue, due_today) = due
        .into_iter()
        .partition(|a| a.due_date.as_deref() < Some(today));
    let pipeline = view.reference.as_ref().map(|r| &r.pipeline);
    let marks = crate::deals::local::Marks::of(view);
    let mut closing: Vec<_> = view
        .deals
        .values()
        .filter(|d| {
            d.stamp.owner == me.id
                && pipeline
                    .and_then(|p| p.stage(&d.stage))
                    .is_some_and(|s| s.outcome == Outcome::Open)
                && d.expected_close.as_deref().is_some_and(|c| c <= horizon)
        })
        .collect();
    closing.sort_by(|a, b| a.expected_close.cmp(&b.expected_close));
    let closing = closing
        .into_iter()
        .take(50)
        .map(|d| crate::deals::local::card(view, &marks, d))
        .collect();
    // As the server: a rep's own stalled deals, everything a manager's device holds (all of
    // it readable, and every open deal is kept).
    let mut stalled: Vec<_> = view
        .deals
        .values()
        .filter(|d| (me.role != Role::Rep || d.stamp.owner == me.id) && marks.stalled(d))
        .collect();
    stalled.sort_by(|a, b| (&a.touched_at, &a.id).cmp(&(&b.touched_at, &b.id)));
    let (cases, case_zone) = crate::cases::due_today(
        crate::cases::local::queue(view, crate::cases::QueueView::Mine, &Default::default()),
        crate::calendar::device_now().unix_timestamp(),
    );
    Ok(TodayData {
        cases,
        case_zone,
        today: today.to_owned(),
        overdue,
        due_today,
        closing,
        stalled_count: stalled.len() as i64,
        stalled: stalled
            .into_iter()
            .take(crate::activities::STALLED_SHOWN)
            .map(|d| crate::deals::local::card(view, &marks, d))
            .collect(),
    })
}

pub fn form_data(view: &Replica, id: Option<&str>) -> Result<ActivityFormData, AppError> {
    let activity = match id {
        Some(id) => {
            let row = view.activities.get(id).ok_or(AppError::NotFound)?;
            if !view.can_edit(&row.scope()) {
                return Err(AppError::Forbidden);
            }
            Some(item(view, row))
        }
        None => None,
    };
    Ok(ActivityFormData {
        activity,
        deals: open_deals(view),
        contacts: choices(view.contacts.values().map(|c| (&c.id, &c.name))),
        companies: choices(view.companies.values().map(|c| (&c.id, &c.name))),
    })
}
