//! Company pages drawn from the device's replica.

use super::CompanyRow;
use super::{Company, CompanyPage, CompanySummary};
use crate::error::AppError;
use crate::order;
use crate::sync::replica::{Replica, Synced};

/// `query` is already folded (see [`crate::text::fold`]).
fn matches(text: &str, query: &str) -> bool {
    query.is_empty() || crate::text::fold(text).contains(query)
}

pub fn list(view: &Replica, query: &str) -> Vec<CompanySummary> {
    let query = crate::text::fold(query.trim());
    let mut rows: Vec<&CompanyRow> = view
        .companies
        .values()
        .filter(|c| matches(&c.name, &query))
        .collect();
    order::sort(&mut rows, order::by_name, |c| (&c.name, &c.id));
    rows.into_iter()
        .take(order::LIST_LIMIT)
        .map(|c| CompanySummary {
            id: c.id.clone(),
            name: c.name.clone(),
            industry: c.industry.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
        })
        .collect()
}

pub fn page(view: &Replica, id: &str) -> Result<CompanyPage, AppError> {
    let c = view.companies.get(id).ok_or(AppError::NotFound)?;
    let company = Company {
        id: c.id.clone(),
        rev: c.rev,
        fields: c.fields.clone(),
        owner_name: view.user_name(&c.stamp.owner),
        created_at: c.stamp.created_at.clone(),
        created_by_name: view.user_name(&c.stamp.created_by),
        updated_at: c.stamp.updated_at.clone(),
        updated_by_name: view.user_name(&c.stamp.updated_by),
    };
    let mut contacts: Vec<_> = view
        .contacts
        .values()
        .filter(|k| k.company.as_deref() == Some(id))
        .map(|k| crate::contacts::local::summary(view, k))
        .collect();
    order::sort(&mut contacts, order::by_name, |k| (&k.name, &k.id));
    Ok(CompanyPage {
        company,
        can_edit: view.can_edit(&c.scope()),
        contacts,
        deals: crate::deals::local::cards_where(view, |d| d.company.as_deref() == Some(id)),
        activities: crate::activities::local::for_subject(
            view,
            crate::activities::Subject::Company,
            id,
        ),
        history: Vec::new(),
    })
}
