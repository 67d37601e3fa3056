//! Case pages drawn from the device's copy: the same shapes, order and clocks the server
//! sends, read with the rules the server sent along.

use super::rules::ServiceRules;
use super::{Case, CaseCard, CaseFormData, CasePage, CaseQueue, CaseRow, CustomerCases, QueueView};
use crate::error::AppError;
use crate::kinds::Table;
use crate::sync::replica::{Replica, Synced};

fn rules(view: &Replica) -> ServiceRules {
    view.reference
        .as_ref()
        .map(|r| r.service.clone())
        .unwrap_or_default()
}

fn now() -> i64 {
    crate::calendar::device_now().unix_timestamp()
}

pub fn card(view: &Replica, rules: &ServiceRules, now: i64, c: &CaseRow) -> CaseCard {
    CaseCard {
        id: c.id.clone(),
        rev: c.rev,
        reference: c.reference.clone(),
        subject: c.subject.clone(),
        kind: c.kind,
        priority: c.priority,
        status: c.status,
        company_name: view
            .linked::<crate::companies::CompanyRow>(c.company.as_deref(), |k| &k.name),
        contact_name: view.linked::<crate::contacts::ContactRow>(c.contact.as_deref(), |k| &k.name),
        owner_name: view.user_name(&c.stamp.owner),
        clocks: Some(rules.clocks(&c.fields, now)),
        can_edit: view.can_edit(&c.scope()),
    }
}

pub fn queue(view: &Replica, which: QueueView, narrow: &super::CaseFilter) -> CaseQueue {
    let me = view.me().map(|m| m.id.clone()).unwrap_or_default();
    let (rules, now) = (rules(view), now());
    let cards = view
        .cases
        .values()
        .filter(|c| !c.status.is_done())
        .filter(|c| which == QueueView::Team || c.stamp.owner == me)
        .filter(|c| narrow.passes(c.status, &c.stamp.owner, c.category.as_deref()))
        .map(|c| card(view, &rules, now, c))
        .collect();
    CaseQueue {
        view: which,
        cases: super::sorted(cards, 500),
        zone: rules.zone,
    }
}

pub fn for_customer(view: &Replica, table: Table, id: &str) -> CustomerCases {
    let (rules, now) = (rules(view), now());
    let mut rows: Vec<&CaseRow> = view
        .cases
        .values()
        .filter(|c| match table {
            Table::Company => c.company.as_deref() == Some(id),
            _ => c.contact.as_deref() == Some(id),
        })
        .collect();
    crate::order::sort(&mut rows, crate::order::recent_first, |c| {
        (&c.stamp.updated_at, &c.id)
    });
    let cases = rows
        .into_iter()
        .take(100)
        .map(|c| card(view, &rules, now, c))
        .collect();
    CustomerCases {
        cases: super::customer_order(cases),
        zone: rules.zone,
    }
}

pub fn page(view: &Replica, id: &str) -> Result<CasePage, AppError> {
    let c = view.cases.get(id).ok_or(AppError::NotFound)?;
    let rules = rules(view);
    let case = Case {
        id: c.id.clone(),
        rev: c.rev,
        fields: c.fields.clone(),
        company_name: view
            .linked::<crate::companies::CompanyRow>(c.company.as_deref(), |k| &k.name),
        contact_name: view.linked::<crate::contacts::ContactRow>(c.contact.as_deref(), |k| &k.name),
        deal_title: view.linked::<crate::deals::DealRow>(c.deal.as_deref(), |d| &d.title),
        owner: c.stamp.owner.clone(),
        owner_name: view.user_name(&c.stamp.owner),
        created_at: c.stamp.created_at.clone(),
        created_by_name: view.user_name(&c.stamp.created_by),
        updated_at: c.stamp.updated_at.clone(),
        updated_by_name: view.user_name(&c.stamp.updated_by),
    };
    Ok(CasePage {
        clocks: rules.clocks(&c.fields, now()),
        can_edit: view.can_edit(&c.scope()),
        categories: rules.categories,
        zone: rules.zone,
        case,
        history: Vec::new(),
    })
}

pub fn form_data(view: &Replica, id: Option<&str>) -> Result<CaseFormData, AppError> {
    let case = match id {
        Some(id) => {
            let row = view.cases.get(id).ok_or(AppError::NotFound)?;
            if !view.can_edit(&row.scope()) {
                return Err(AppError::Forbidden);
            }
            Some(page(view, id)?.case)
        }
        None => None,
    };
    let choices = crate::activities::local::form_data(view, None)?;
    Ok(CaseFormData {
        case,
        companies: choices.companies,
        contacts: choices.contacts,
        deals: choices.deals,
        categories: rules(view).categories,
    })
}
