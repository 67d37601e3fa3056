//! Incomplete records: what a record is missing that a salesperson will need. One rule, over
//! the records a user may see, on the device (offline too) and on the server alike.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::pipeline::Outcome;
use crate::sync::replica::Replica;

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

/// Lines listed per check; the count is of all.
pub const SHOWN: usize = 200;

/// One thing to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Contacts with neither a phone number nor an e-mail address: nobody can reach them.
    Unreachable,
    /// Companies without a contact.
    NoContacts,
    /// Open deals without an expected close or a next step.
    Unplanned,
    /// Open deals whose expected close has passed.
    Overdue,
}

impl Check {
    pub const ALL: [Check; 4] = [
        Check::Unreachable,
        Check::NoContacts,
        Check::Unplanned,
        Check::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Check::Unreachable => "unreachable",
            Check::NoContacts => "no_contacts",
            Check::Unplanned => "unplanned",
            Check::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<Check> {
        Check::ALL.into_iter().find(|c| c.code() == code)
    }

    /// "{count} contacts with neither phone nor e-mail".
    pub fn label(self) -> Key {
        match self {
            Check::Unreachable => Key::IncUnreachable,
            Check::NoContacts => Key::IncNoContacts,
            Check::Unplanned => Key::IncUnplanned,
            Check::Overdue => Key::IncOverdue,
        }
    }
}

/// A record a check found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub table: Table,
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub detail: Option<String>,
}

/// Each check with how many records it found and the first [`SHOWN`] of them, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub checks: Vec<(Check, usize, Vec<Line>)>,
}

impl Report {
    pub fn total(&self) -> usize {
        self.checks.iter().map(|(_, n, _)| n).sum()
    }
}

fn blank(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(|t| t.trim().is_empty())
}

/// The report over `replica` on `today` (ISO, the reader's calendar day).
pub fn report(replica: &Replica, today: &str) -> Report {
    let Some(reference) = replica.reference.as_ref() else {
        return Report::default();
    };
    let pipeline = &reference.pipeline;
    let company_name = |id: &Option<crate::ids::Id>| {
        id.as_ref()
            .and_then(|id| replica.companies.get(id))
            .map(|c| c.name.clone())
    };
    let mut with_contacts = std::collections::HashSet::new();
    for contact in replica.contacts.values() {
        if let Some(company) = &contact.company {
            with_contacts.insert(company.clone());
        }
    }
    let unreachable: Vec<Line> = replica
        .contacts
        .values()
        .filter(|c| {
            c.phones.iter().all(|p| p.trim().is_empty())
                && c.emails.iter().all(|e| e.trim().is_empty())
        })
        .map(|c| Line {
            table: Table::Contact,
            id: c.id.to_string(),
            title: c.name.clone(),
            detail: company_name(&c.company),
        })
        .collect();
    let lonely: Vec<Line> = replica
        .companies
        .values()
        .filter(|c| !with_contacts.contains(&c.id))
        .map(|c| Line {
            table: Table::Company,
            id: c.id.to_string(),
            title: c.name.clone(),
            detail: c.industry.clone(),
        })
        .collect();
    let open = || {
        replica.deals.values().filter(|d| {
            pipeline
                .stage(&d.stage)
                .is_none_or(|s| s.outcome == Outcome::Open)
        })
    };
    let deal_line = |d: &crate::deals::DealRow, detail: Option<String>| Line {
        table: Table::Deal,
        id: d.id.to_string(),
        title: d.title.clone(),
        detail,
    };
    let unplanned: Vec<Line> = open()
        .filter(|d| d.expected_close.is_none() || blank(&d.next_step))
        .map(|d| deal_line(d, company_name(&d.company)))
        .collect();
    let overdue: Vec<Line> = open()
        .filter(|d| {
            d.expected_close
                .as_ref()
                .is_some_and(|c| c.as_str() < today)
        })
        .map(|d| deal_line(d, d.expected_close.as_ref().map(|c| c.to_string())))
        .collect();
    let checks = [
        (Check::Unreachable, unreachable),
        (Check::NoContacts, lonely),
        (Check::Unplanned, unplanned),
        (Check::Overdue, overdue),
    ]
    .into_iter()
    .map(|(check, mut lines)| {
        let count = lines.len();
        lines.sort_by_key(|l| crate::text::fold(&l.title));
        lines.truncate(SHOWN);
        (check, count, lines)
    })
    .collect();
    Report { checks }
}

#[server(endpoint = "incomplete", input = Json)]
pub async fn load_server_report() -> Result<Report, AppError> {
    crate::server::respond(async move { ssr::report(&crate::server::cx().await?).await }).await
}

/// The report: from the device's copy when it holds everything, else from the server.
pub async fn load_report() -> Result<Report, AppError> {
    let today = crate::calendar::device_today();
    crate::sync::read(
        move |replica| Ok(report(replica, &today)),
        load_server_report(),
    )
    .await
}
