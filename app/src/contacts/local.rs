//! Contact pages drawn from the device's replica.

use super::row::ContactRow;
use super::{Contact, ContactFormData, ContactPage, ContactSummary};
use crate::error::AppError;
use crate::order;
use crate::sync::replica::{Replica, Synced};

pub fn summary(view: &Replica, c: &ContactRow) -> ContactSummary {
    ContactSummary {
        id: c.id.clone(),
        name: c.name.clone(),
        title: c.title.clone(),
        company_name: view.company_name(c.company.as_deref()),
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
        name: c.name.clone(),
        title: c.title.clone(),
        company: c.company.clone(),
        company_name: view.company_name(c.company.as_deref()),
        phones: c.phones.clone(),
        emails: c.emails.clone(),
        owner_name: view.user_name(&c.stamp.owner),
        created_at: c.stamp.created_at.clone(),
        created_by_name: view.user_name(&c.stamp.created_by),
        updated_at: c.stamp.updated_at.clone(),
        updated_by_name: view.user_name(&c.stamp.updated_by),
    }
}

pub fn page(view: &Replica, id: &str) -> Result<ContactPage, AppError> {
    let c = view.contacts.get(id).ok_or(AppError::NotFound)?;
    let mut deals: Vec<_> = view
        .deals
        .values()
        .filter(|d| d.contact.as_deref() == Some(id))
        .collect();
    order::sort(&mut deals, order::recent_first, |d| {
        (&d.stamp.updated_at, &d.id)
    });
    Ok(ContactPage {
        contact: contact(view, c),
        can_edit: view.can_edit(&c.scope()),
        deals: deals
            .into_iter()
            .map(|d| crate::deals::local::card(view, d))
            .collect(),
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

impl Replica {
    /// The name a link to this kind shows, if the record is on the device.
    pub fn contact_name(&self, id: Option<&str>) -> Option<String> {
        id.and_then(|id| self.contacts.get(id))
            .map(|r| r.name.clone())
    }
}
