//! Deal pages drawn from the device's replica, the same shapes the server sends.

use std::collections::HashMap;

use super::DealRow;
use super::stalled::Stall;
use super::{
    Board, BoardQuery, Choice, Column, Deal, DealCard, DealFormData, DealPage, StageTotal,
};
use crate::error::AppError;
use crate::order;
use crate::sync::horizon::Horizon;
use crate::sync::replica::{Replica, Synced};

/// What the device needs to mark stalled deals as the server does: the rule as of now,
/// and when each deal last had an activity (the server folds those into `touched_at` as they
/// are saved; the device may hold newer ones it has not pushed yet).
pub struct Marks<'a> {
    stall: Stall,
    latest: HashMap<&'a str, &'a str>,
}

impl<'a> Marks<'a> {
    pub fn of(view: &'a Replica) -> Marks<'a> {
        Marks::at(view, time::OffsetDateTime::now_utc())
    }

    pub fn at(view: &'a Replica, now: time::OffsetDateTime) -> Marks<'a> {
        let stall = match &view.reference {
            Some(reference) => Stall::new(&reference.pipeline, now),
            None => Stall::default(),
        };
        let mut latest: HashMap<&str, &str> = HashMap::new();
        if stall.any() {
            for a in view.activities.values() {
                if let Some(deal) = a.deal.as_deref() {
                    let at = a.stamp.updated_at.as_str();
                    let seen = latest.entry(deal).or_insert(at);
                    *seen = super::stalled::later(Some(seen), Some(at)).unwrap_or(at);
                }
            }
        }
        Marks { stall, latest }
    }

    pub fn stalled(&self, d: &DealRow) -> bool {
        let touched = super::stalled::later(
            d.touched_at.as_deref(),
            self.latest.get(d.id.as_str()).copied(),
        );
        self.stall.is_stalled(&d.stage, touched)
    }
}

pub fn card(view: &Replica, marks: &Marks, d: &DealRow) -> DealCard {
    DealCard {
        stalled: marks.stalled(d),
        touched_at: d.touched_at.clone(),
        id: d.id.clone(),
        rev: d.rev,
        title: d.title.clone(),
        value: d.value,
        currency: d.currency,
        stage: d.stage.clone(),
        company_name: view
            .linked::<crate::companies::CompanyRow>(d.company.as_deref(), |c| &c.name),
        owner_name: view.user_name(&d.stamp.owner),
        expected_close: d.expected_close.clone(),
        can_edit: view.can_edit(&d.scope()),
    }
}

/// The deals a company's or contact's page lists: most recently changed first.
pub fn cards_where(view: &Replica, linked: impl Fn(&DealRow) -> bool) -> Vec<DealCard> {
    let mut deals: Vec<&DealRow> = view.deals.values().filter(|d| linked(d)).collect();
    order::sort(&mut deals, order::recent_first, |d| {
        (&d.stamp.updated_at, &d.id)
    });
    let marks = Marks::of(view);
    deals.into_iter().map(|d| card(view, &marks, d)).collect()
}

pub fn board(view: &Replica, query: &BoardQuery) -> Result<Board, AppError> {
    let reference = view.reference.as_ref().ok_or(AppError::Network)?;
    let pipeline = reference.pipeline.clone();
    // What a device keeps, though a row that has just aged out may still be held.
    let horizon = Horizon::at_ms(reference.server_ms, &pipeline);
    let mut deals: Vec<&DealRow> = view.deals.values().filter(|d| d.kept(&horizon)).collect();
    order::sort(&mut deals, order::recent_first, |d| {
        (&d.stamp.updated_at, &d.id)
    });
    let marks = Marks::of(view);
    let columns = pipeline
        .stages
        .iter()
        .map(|stage| {
            let mine: Vec<&&DealRow> = deals.iter().filter(|d| d.stage == stage.id).collect();
            let mut totals: Vec<StageTotal> = Vec::new();
            for d in &mine {
                match totals.iter_mut().find(|t| t.currency == d.currency) {
                    Some(total) => total.total += d.value,
                    None => totals.push(StageTotal {
                        currency: d.currency,
                        total: d.value,
                    }),
                }
            }
            super::sort_totals(&mut totals);
            Column {
                stage: stage.clone(),
                count: mine.len() as i64,
                totals,
                deals: mine
                    .iter()
                    .take(query.cards(&stage.id))
                    .map(|d| card(view, &marks, d))
                    .collect(),
            }
        })
        .collect();
    Ok(Board { pipeline, columns })
}

fn deal(view: &Replica, d: &DealRow) -> Deal {
    let stage_name = view
        .reference
        .as_ref()
        .and_then(|r| r.pipeline.stage(&d.stage))
        .map_or_else(String::new, |s| s.name.clone());
    Deal {
        id: d.id.clone(),
        rev: d.rev,
        fields: d.fields.clone(),
        stage_name,
        company_name: view
            .linked::<crate::companies::CompanyRow>(d.company.as_deref(), |c| &c.name),
        contact_name: view.linked::<crate::contacts::ContactRow>(d.contact.as_deref(), |c| &c.name),
        owner: d.stamp.owner.clone(),
        owner_name: view.user_name(&d.stamp.owner),
        created_at: d.stamp.created_at.clone(),
        created_by_name: view.user_name(&d.stamp.created_by),
        updated_at: d.stamp.updated_at.clone(),
        updated_by_name: view.user_name(&d.stamp.updated_by),
    }
}

pub fn page(view: &Replica, id: &str) -> Result<DealPage, AppError> {
    let reference = view.reference.as_ref().ok_or(AppError::Network)?;
    let row = view.deals.get(id).ok_or(AppError::NotFound)?;
    Ok(DealPage {
        deal: deal(view, row),
        can_edit: view.can_edit(&row.scope()),
        pipeline: reference.pipeline.clone(),
        activities: crate::activities::local::for_subject(
            view,
            crate::activities::Subject::Deal,
            id,
        ),
        history: Vec::new(),
    })
}

pub fn choices<'a>(rows: impl Iterator<Item = (&'a crate::ids::Id, &'a String)>) -> Vec<Choice> {
    let mut out: Vec<Choice> = rows
        .map(|(id, name)| Choice {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();
    order::sort(&mut out, order::by_name, |c| (&c.name, &c.id));
    out
}

pub fn form_data(view: &Replica, id: Option<&str>) -> Result<DealFormData, AppError> {
    let reference = view.reference.as_ref().ok_or(AppError::Network)?;
    let deal = match id {
        Some(id) => {
            let row = view.deals.get(id).ok_or(AppError::NotFound)?;
            if !view.can_edit(&row.scope()) {
                return Err(AppError::Forbidden);
            }
            Some(deal(view, row))
        }
        None => None,
    };
    Ok(DealFormData {
        pipeline: reference.pipeline.clone(),
        companies: choices(view.companies.values().map(|c| (&c.id, &c.name))),
        contacts: choices(view.contacts.values().map(|c| (&c.id, &c.name))),
        deal,
        default_currency: reference.default_currency,
        sources: reference.deal_sources.clone(),
    })
}
