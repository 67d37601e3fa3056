//! Contact pages drawn from the device's replica.

use super::ContactRow;
use super::{Contact, ContactFormData, ContactPage, ContactSummary};
use crate::error::AppError;
use crate::order;
use crate::sync::replica::{Replica, Synced};

pub fn summary(view: &Replica, c: &ContactRow) -> ContactSummary {
    ContactSummary {
        id: c.id.clone(),
        name: c.name.clone(),
        title: c.title.clone(),
        company_name: view
            .linked::<crate::companies::CompanyRow>(c.company.as_deref(), |c| &c.name),
        phone: c.phones.first().cloned(),
        email: c.emails.first().cloned(),
    }
}

pub fn list(view: &Replica, query: &str) -> Vec<ContactSummary> {
    let query = crate::text::fold(query.trim());
    let mut rows: Vec<ContactSummary> = view
        .contacts
        .values()
        .map(|c| summary(view, c))
        .filter(|s| {
            query.is_empty()
                || crate::text::fold(&s.name).contains(&query)
                || s.company_name
                    .as_deref()
                    .is_some_and(|n| crate::text::fold(n).contains(&query))
        })
        .collect();
    order::sort(&mut rows, order::by_name, |s| (&s.name, &s.id));
    rows.truncate(order::LIST_LIMIT);
    rows
}

fn contact(view: &Replica, c: &ContactRow) -> Contact {
    Contact {
        id: c.id.clone(),
        rev: c.rev,
        fields: c.fields.clone(),
        company_name: view
            .linked::<crate::companies::CompanyRow>(c.company.as_deref(), |c| &c.name),
        owner_name: view.user_name(&c.stamp.owner),
        created_at: c.stamp.created_at.clone(),
        created_by_name: view.user_name(&c.stamp.created_by),
        updated_at: c.stamp.updated_at.clone(),
        updated_by_name: view.user_name(&c.stamp.updated_by),
    }
}

pub fn page(view: &Replica, id: &str) -> Result<ContactPage, AppError> {
    let c = view.contacts.get(id).ok_or(AppError::NotFound)?;
    Ok(ContactPage {
        contact: contact(view, c),
        can_edit: view.can_edit(&c.scope()),
        deals: crate::deals::local::cards_where(view, |d| d.contact.as_deref() == Some(id)),
        activities: crate::activities::local::for_subject(
            view,
            crate::activities::Subject::Contact,
            id,
        ),
        history: Vec::new(),
    })
}

pub fn form_data(view: &Replica, id: Option<&str>) -> Result<ContactFormData, AppError> {
    let contact = match id {
        Some(id) => {
            let row = view.contacts.get(id).ok_or(AppError::NotFound)?;
            if !view.can_edit(&row.scope()) {
                return Err(AppError::Forbidden);
            }
            Some(contact(view, row))
        }
        None => None,
    };
    Ok(ContactFormData {
        contact,
        companies: crate::deals::local::choices(view.companies.values().map(|c| (&c.id, &c.name))),
    })
}
