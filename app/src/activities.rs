//! Calls, meetings, tasks and notes, linked to a deal, contact or company; and the Today list.

pub mod local;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::deals::{Choice, DealCard};
use crate::error::{AppError, FieldErrors, Problem};
use crate::history::Shown;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::kinds::row::Declaration;
use crate::sync::replica::{Context, Field, Link};
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ActivityKind {
    #[default]
    Call,
    Meeting,
    Task,
    Note,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [
        ActivityKind::Call,
        ActivityKind::Meeting,
        ActivityKind::Task,
        ActivityKind::Note,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Task => "task",
            ActivityKind::Note => "note",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A type as a spreadsheet names it: its code or its label in either language ("Call",
    /// «تماس»), folded.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = crate::text::fold(name.trim());
        Self::ALL.into_iter().find(|k| {
            name == k.code()
                || [crate::i18n::Locale::En, crate::i18n::Locale::Fa]
                    .iter()
                    .any(|l| crate::text::fold(l.text(k.label())) == name)
        })
    }

    pub fn label(self) -> Key {
        match self {
            ActivityKind::Call => Key::KindCall,
            ActivityKind::Meeting => Key::KindMeeting,
            ActivityKind::Task => Key::KindTask,
            ActivityKind::Note => Key::KindNote,
        }
    }
}

/// An activity's own fields: what its form sets (validated), and what the device, the
/// database, timelines and history hold. A field is declared here once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityFields {
    pub kind: ActivityKind,
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub due_date: Option<crate::calendar::IsoDate>,
    #[serde(default)]
    pub due_time: Option<String>,
    pub done: bool,
    #[serde(default)]
    pub deal: Option<crate::ids::Id>,
    #[serde(default)]
    pub contact: Option<crate::ids::Id>,
    #[serde(default)]
    pub company: Option<crate::ids::Id>,
}

/// An activity input that passed every rule that needs no database.
pub type ValidActivity = ActivityFields;

/// The activity form's fields, as sync merges them and history and conflicts label them.
pub const FIELDS: &[Field] = &[
    Field::new("kind", Key::FieldKind).shown(Shown::ActivityKind),
    Field::new("subject", Key::FieldSubject),
    Field::new("body", Key::FieldBody).searched(),
    Field::new("due_date", Key::FieldDue)
        .history_as("due")
        .shown(Shown::Date),
    Field::new("due_time", Key::FieldDue)
        .history_as("due")
        .shown(Shown::Date),
    Field::new("done", Key::FieldDone).shown(Shown::Done),
    // History names a linked deal by its title.
    Field::new("deal", Key::FieldTitle).history_as("title"),
    Field::new("contact", Key::FieldContact),
    Field::new("company", Key::FieldCompany),
];

/// An activity as timelines and Today show it: its fields, and the names of what it is
/// linked to (as far as the reader may see them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: ActivityFields,
    #[serde(default)]
    pub deal_title: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    pub owner_name: String,
    pub created_at: String,
    #[serde(default)]
    pub can_edit: bool,
}

impl std::ops::Deref for ActivityItem {
    type Target = ActivityFields;
    fn deref(&self) -> &ActivityFields {
        &self.fields
    }
}

/// The record as the device keeps it.
pub type ActivityRow = crate::kinds::row::Row<ActivityFields>;

impl Declaration for ActivityFields {
    type Input = ActivityInput;
    const TABLE: Table = Table::Activity;
    const FIELDS: &'static [Field] = FIELDS;
    const NAME: &'static str = "subject";
    const LINKS: &'static [Link] = &[
        Link::new("deal", Table::Deal),
        Link::new("contact", Table::Contact),
        Link::new("company", Table::Company),
    ];
    /// What is still to do is always on the device; what was done, for a quarter after.
    const KEPT_DAYS: Option<i64> = Some(90);
    const CURRENT: &'static str = "done = false";

    fn current(&self, _: &crate::sync::horizon::Horizon) -> bool {
        !self.done
    }

    /// The form as it opens on these fields.
    fn input(&self, id: &str, rev: Option<i64>) -> ActivityInput {
        ActivityInput {
            id: id.to_owned(),
            rev,
            kind: self.kind.code().to_owned(),
            subject: self.subject.clone(),
            body: self.body.clone().unwrap_or_default(),
            due_date: self.due_date.as_deref().unwrap_or_default().to_owned(),
            due_time: self.due_time.clone().unwrap_or_default(),
            done: self.done,
            deal: self.deal.as_deref().unwrap_or_default().to_owned(),
            contact: self.contact.as_deref().unwrap_or_default().to_owned(),
            company: self.company.as_deref().unwrap_or_default().to_owned(),
        }
    }

    fn checked(input: &ActivityInput, _current: &Self, _cx: &Context) -> Result<Self, AppError> {
        input.validate()
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: ActivityInput) -> crate::error::AppResult<String> {
        ssr::save(&cx, input).await
    }
}

impl ActivityFields {
    /// What the history shows of these fields: links by name (given, as the reader may see
    /// them), the due date and time together.
    pub fn history(
        &self,
        deal: Option<String>,
        contact: Option<String>,
        company: Option<String>,
    ) -> Vec<(&'static str, Option<String>)> {
        let due = self.due_date.as_ref().map(|d| match &self.due_time {
            Some(t) => format!("{d} {t}"),
            None => d.to_string(),
        });
        vec![
            ("kind", Some(self.kind.code().to_owned())),
            ("subject", Some(self.subject.clone())),
            ("body", self.body.clone()),
            ("due", due),
            ("done", Some(self.done.to_string())),
            ("title", deal),
            ("contact", contact),
            ("company", company),
        ]
    }
}

/// What a timeline belongs to. A company's gathers its contacts' and deals' activities too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Company,
    Contact,
    Deal,
}

impl Subject {
    pub fn table(self) -> crate::kinds::Table {
        match self {
            Subject::Company => crate::kinds::Table::Company,
            Subject::Contact => crate::kinds::Table::Contact,
            Subject::Deal => crate::kinds::Table::Deal,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityInput {
    pub id: String,
    pub rev: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub due_date: String,
    pub due_time: String,
    pub done: bool,
    pub deal: String,
    pub contact: String,
    pub company: String,
}

impl ActivityInput {
    pub fn validate(&self) -> Result<ValidActivity, AppError> {
        let mut errors = FieldErrors::default();
        let kind = ActivityKind::from_code(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", Problem::Required);
        }
        let subject = validate::required(&mut errors, "subject", &self.subject, 160);
        let body = validate::optional(&mut errors, "body", &self.body, 4000);
        let due_date = validate::date(&mut errors, "due_date", &self.due_date);
        let due_time = validate::time_of_day(&mut errors, "due_time", &self.due_time);
        if due_time.is_some() && validate::clean(&self.due_date).is_none() {
            errors.add("due_date", Problem::Required);
        }
        let deal = validate::link(&mut errors, "deal", &self.deal, Problem::UnknownDeal);
        let contact = validate::link(
            &mut errors,
            "contact",
            &self.contact,
            Problem::UnknownContact,
        );
        let company = validate::link(
            &mut errors,
            "company",
            &self.company,
            Problem::UnknownCompany,
        );
        if !crate::ids::is_valid_id(&self.id) {
            errors.add(crate::error::FORM, Problem::Malformed);
        }
        errors.into_result()?;
        Ok(ValidActivity {
            kind: kind.unwrap_or_default(),
            subject,
            body,
            due_date,
            due_time,
            done: self.done,
            deal,
            contact,
            company,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityFormData {
    pub activity: Option<ActivityItem>,
    pub deals: Vec<Choice>,
    pub contacts: Vec<Choice>,
    pub companies: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodayData {
    pub today: String,
    pub overdue: Vec<ActivityItem>,
    pub due_today: Vec<ActivityItem>,
    pub closing: Vec<DealCard>,
    /// Stalled open deals, longest untouched first (at most [`STALLED_SHOWN`]): a rep's own,
    /// everything a manager or an admin reads.
    #[serde(default)]
    pub stalled: Vec<DealCard>,
    /// All of them, however many are shown.
    #[serde(default)]
    pub stalled_count: i64,
    /// My open cases falling due by the end of the organisation's day, or overdue.
    #[serde(default)]
    pub cases: Vec<crate::cases::CaseCard>,
    #[serde(default)]
    pub case_zone: crate::dashboard::offsets::Offsets,
}

/// Stalled deals Today lists; the rest are a link away, in the deals table.
pub const STALLED_SHOWN: usize = 20;

#[server(endpoint = "activities/today", input = Json)]
pub async fn today() -> Result<TodayData, AppError> {
    crate::server::respond(async { ssr::today(&crate::server::cx().await?).await }).await
}

#[server(endpoint = "activities/form", input = Json)]
pub async fn activity_form(id: Option<String>) -> Result<ActivityFormData, AppError> {
    crate::server::respond(async move {
        ssr::form_data(&crate::server::cx().await?, id.as_deref()).await
    })
    .await
}

/// Today on the device's own calendar.
pub async fn load_today() -> Result<TodayData, AppError> {
    crate::sync::read(
        |view| {
            let today = crate::calendar::device_now().date();
            local::today(
                view,
                &crate::calendar::iso(today),
                &crate::calendar::iso(today + time::Duration::days(14)),
            )
        },
        today(),
    )
    .await
}

pub async fn load_activity_form(id: Option<String>) -> Result<ActivityFormData, AppError> {
    let key = id.clone();
    let mut data = crate::sync::read(
        move |view| local::form_data(view, key.as_deref()),
        activity_form(id),
    )
    .await?;
    if let Some(a) = &data.activity {
        let (by_name, by_title) = (crate::order::by_name, crate::order::by_title);
        let linked = |choices: &mut Vec<Choice>, link, name, order| {
            *choices = Choice::including(std::mem::take(choices), (link, name), order);
        };
        linked(&mut data.deals, &a.fields.deal, &a.deal_title, by_title);
        linked(
            &mut data.contacts,
            &a.fields.contact,
            &a.contact_name,
            by_name,
        );
        linked(
            &mut data.companies,
            &a.fields.company,
            &a.company_name,
            by_name,
        );
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ActivityInput {
        ActivityInput {
            id: crate::ids::new_id(),
            kind: "call".into(),
            subject: "Call back".into(),
            ..Default::default()
        }
    }

    #[test]
    fn valid_activity() {
        let a = ActivityInput {
            due_date: "2026-11-23".into(),
            due_time: "09:15".into(),
            ..input()
        }
        .validate()
        .expect("valid");
        assert_eq!(a.kind, ActivityKind::Call);
        assert_eq!(a.due_time.as_deref(), Some("09:15"));
    }

    #[test]
    fn a_time_needs_a_date_and_kinds_are_known() {
        let bad = ActivityInput {
            kind: "fax".into(),
            due_time: "09:15".into(),
            subject: "".into(),
            ..input()
        };
        let Err(AppError::Validation(errors)) = bad.validate() else {
            panic!("must fail")
        };
        assert_eq!(errors.get("kind"), Some(Problem::Required));
        assert_eq!(errors.get("due_date"), Some(Problem::Required));
        assert_eq!(errors.get("subject"), Some(Problem::Required));
    }
}
