//! Cases: what customers complain about and ask for, handled the ISO 10002 way — received,
//! acknowledged, assessed, investigated, answered, the decision communicated, closed — each
//! against the promised response and resolution times of [`sla`].

pub mod figures;
pub mod intake;
pub mod local;
pub mod rules;
pub mod settings;
pub mod sla;
pub mod survey;
pub mod views;
pub mod working_time;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::history::Change;
use rules::Clocks;

use crate::error::{AppError, FieldErrors, Problem};
use crate::history::Shown;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::kinds::row::Declaration;
use crate::sync::replica::{Context, Field, Link};
use crate::validate;

/// A closed set of values stored and sent by a short code, each with its label.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $label:ident;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// An unknown code is `None`, never a default.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }

            pub const fn label(self) -> Key {
                match self { $($name::$variant => Key::$label,)* }
            }
        }
    };
}

coded! {
    /// What the customer brings: a complaint gets the whole ISO 10002 record.
    CaseKind {
        Complaint = "complaint", CaseKindComplaint;
        #[default]
        Request = "request", CaseKindRequest;
        Question = "question", CaseKindQuestion;
    }
}

coded! {
    /// How the case reached the business.
    Channel {
        #[default]
        Phone = "phone", ChannelPhone;
        Email = "email", ChannelEmail;
        Visit = "visit", ChannelVisit;
        WebForm = "web_form", ChannelWebForm;
        Social = "social", ChannelSocial;
    }
}

coded! {
    /// How soon it must be dealt with: each has its own promised times.
    Priority {
        Low = "low", PriorityLow;
        #[default]
        Normal = "normal", PriorityNormal;
        High = "high", PriorityHigh;
        Urgent = "urgent", PriorityUrgent;
    }
}

coded! {
    /// Where a case stands.
    Status {
        #[default]
        New = "new", StatusNew;
        Acknowledged = "acknowledged", StatusAcknowledged;
        InProgress = "in_progress", StatusInProgress;
        Waiting = "waiting", StatusWaiting;
        Resolved = "resolved", StatusResolved;
        Closed = "closed", StatusClosed;
        Reopened = "reopened", StatusReopened;
    }
}

impl Status {
    /// Resolved or closed: the resolution clock has stopped for good, unless reopened.
    pub const fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }

    /// Whether the resolution clock runs: open and not waiting on the customer.
    pub const fn runs_clock(self) -> bool {
        !self.is_done() && !matches!(self, Status::Waiting)
    }

    /// The statuses a case in this one may move to. Nothing goes back to New; a resolved or
    /// closed case is reopened before it is worked on again.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Acknowledged, InProgress, Waiting, Resolved, Closed],
            Acknowledged | Reopened => &[InProgress, Waiting, Resolved, Closed],
            InProgress => &[Waiting, Resolved, Closed],
            Waiting => &[InProgress, Resolved, Closed],
            Resolved => &[Closed, Reopened],
            Closed => &[Reopened],
        }
    }

    pub fn may_become(self, next: Status) -> bool {
        self == next || self.next().contains(&next)
    }
}

/// A status a case entered, and when (RFC 3339): the log the SLA clocks read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entered {
    pub status: Status,
    pub at: String,
}

/// A case's own fields: what its form sets (validated), and what the device, the database,
/// pages and history hold. A field is declared here once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseFields {
    pub kind: CaseKind,
    pub subject: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub company: Option<crate::ids::Id>,
    #[serde(default)]
    pub contact: Option<crate::ids::Id>,
    #[serde(default)]
    pub deal: Option<crate::ids::Id>,
    pub channel: Channel,
    #[serde(default)]
    pub category: Option<String>,
    pub priority: Priority,
    pub status: Status,
    /// The complaint's record (ISO 10002 §7): how serious and what it affects, why it
    /// happened, what was done so it does not happen again, what the customer was told.
    #[serde(default)]
    pub assessment: Option<String>,
    #[serde(default)]
    pub root_cause: Option<String>,
    #[serde(default)]
    pub corrective_action: Option<String>,
    #[serde(default)]
    pub decision: Option<String>,
    /// What customers quote: `C-2026-0042`, numbered per organisation and year by the server
    /// when the case first reaches it. Kept by the server; a case logged offline has none yet.
    #[serde(default)]
    pub reference: Option<String>,
    /// Every status entered and when, oldest first, starting with New. Kept by the server
    /// (and replayed alike on a device).
    #[serde(default)]
    pub log: Vec<Entered>,
}

/// The case form's fields, as sync merges them and history and conflicts label them. The
/// status is guarded like a deal's stage: two people moving one case apart must agree.
pub const FIELDS: &[Field] = &[
    Field::new("kind", Key::FieldKind).shown(Shown::CaseKind),
    Field::new("subject", Key::FieldSubject),
    Field::new("description", Key::FieldDescription).searched(),
    Field::new("company", Key::FieldCompany),
    Field::new("contact", Key::FieldContact),
    Field::new("deal", Key::FieldTitle).history_as("title"),
    Field::new("channel", Key::FieldChannel).shown(Shown::CaseChannel),
    Field::new("category", Key::FieldCategory).searched(),
    Field::new("priority", Key::FieldPriority).shown(Shown::CasePriority),
    Field::new("status", Key::FieldStatus)
        .guarded()
        .shown(Shown::CaseStatus),
    Field::new("assessment", Key::FieldAssessment),
    Field::new("root_cause", Key::FieldRootCause),
    Field::new("corrective_action", Key::FieldCorrectiveAction),
    Field::new("decision", Key::FieldDecision),
];

/// The case form as typed. `rev` is `None` for a new case; its `id` is minted by the client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseInput {
    pub id: String,
    pub rev: Option<i64>,
    pub kind: String,
    pub subject: String,
    pub description: String,
    pub company: String,
    pub contact: String,
    pub deal: String,
    pub channel: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub assessment: String,
    pub root_cause: String,
    pub corrective_action: String,
    pub decision: String,
}

/// The record as the device keeps it.
pub type CaseRow = crate::kinds::row::Row<CaseFields>;

impl Declaration for CaseFields {
    type Input = CaseInput;
    const TABLE: Table = Table::Case;
    const FIELDS: &'static [Field] = FIELDS;
    const NAME: &'static str = "subject";
    const LINKS: &'static [Link] = &[
        Link::new("company", Table::Company),
        Link::new("contact", Table::Contact),
        Link::new("deal", Table::Deal),
    ];
    /// An open case is always on the device; a resolved or closed one for a quarter after.
    const KEPT_DAYS: Option<i64> = Some(90);
    const CURRENT: &'static str = "status NOT IN ['resolved', 'closed']";

    fn current(&self, _: &crate::sync::horizon::Horizon) -> bool {
        !self.status.is_done()
    }

    fn also_searched(&self) -> Option<&str> {
        self.reference.as_deref()
    }

    fn input(&self, id: &str, rev: Option<i64>) -> CaseInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        CaseInput {
            id: id.to_owned(),
            rev,
            kind: self.kind.code().to_owned(),
            subject: self.subject.clone(),
            description: text(&self.description),
            company: self.company.as_deref().unwrap_or_default().to_owned(),
            contact: self.contact.as_deref().unwrap_or_default().to_owned(),
            deal: self.deal.as_deref().unwrap_or_default().to_owned(),
            channel: self.channel.code().to_owned(),
            category: text(&self.category),
            priority: self.priority.code().to_owned(),
            status: self.status.code().to_owned(),
            assessment: text(&self.assessment),
            root_cause: text(&self.root_cause),
            corrective_action: text(&self.corrective_action),
            decision: text(&self.decision),
        }
    }

    fn checked(input: &CaseInput, current: &Self, cx: &Context) -> Result<Self, AppError> {
        let is_new = current.log.is_empty();
        let mut case = input.validate(if is_new { None } else { Some(current.status) })?;
        case.reference = current.reference.clone();
        case.log = current.log.clone();
        case.log_status(cx.now);
        Ok(case)
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: CaseInput) -> crate::error::AppResult<String> {
        ssr::save(&cx, input).await
    }
}

impl CaseFields {
    /// Logs the status entered `now`, if it is not the one last logged (a new case's first
    /// entry is New, however it was first saved).
    pub fn log_status(&mut self, now: &str) {
        if self.log.is_empty() && self.status != Status::New {
            self.log.push(Entered {
                status: Status::New,
                at: now.to_owned(),
            });
        }
        if self.log.last().map(|e| e.status) != Some(self.status) {
            self.log.push(Entered {
                status: self.status,
                at: now.to_owned(),
            });
        }
    }

    /// The log as the clocks read it: statuses with Unix instants. An entry whose time does
    /// not parse (none is written so) is left out rather than guessed.
    pub fn clock_log(&self) -> Vec<sla::Entry> {
        self.log
            .iter()
            .filter_map(|e| Some((e.status, crate::calendar::unix_seconds(&e.at)?)))
            .collect()
    }

    /// What the history shows of these fields: links by name (given, as the reader may see
    /// them).
    pub fn history(
        &self,
        company: Option<String>,
        contact: Option<String>,
        deal: Option<String>,
    ) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("kind", Some(self.kind.code().to_owned())),
            ("subject", Some(self.subject.clone())),
            ("description", self.description.clone()),
            ("company", company),
            ("contact", contact),
            ("title", deal),
            ("channel", Some(self.channel.code().to_owned())),
            ("category", self.category.clone()),
            ("priority", Some(self.priority.code().to_owned())),
            ("status", Some(self.status.code().to_owned())),
            ("assessment", self.assessment.clone()),
            ("root_cause", self.root_cause.clone()),
            ("corrective_action", self.corrective_action.clone()),
            ("decision", self.decision.clone()),
        ]
    }
}

/// Longest subject and longest text field, in characters.
pub const SUBJECT_MAX: u32 = 200;
pub const TEXT_MAX: u32 = 4000;

impl CaseInput {
    /// The form's values checked by every rule that needs no database; `from` is the status
    /// the case is in now (`None` for a new case, which may start in any status but a done
    /// one is still logged through New).
    pub fn validate(&self, from: Option<Status>) -> Result<CaseFields, AppError> {
        let mut errors = FieldErrors::default();
        let mut code = |field: &'static str, value: &str| {
            let found = value.trim();
            if found.is_empty() {
                errors.add(field, Problem::Required);
            }
            found.to_owned()
        };
        let (kind, channel) = (code("kind", &self.kind), code("channel", &self.channel));
        let (priority, status) = (
            code("priority", &self.priority),
            code("status", &self.status),
        );
        let kind = CaseKind::from_code(&kind);
        let channel = Channel::from_code(&channel);
        let priority = Priority::from_code(&priority);
        let status = Status::from_code(&status);
        for (field, known) in [
            ("kind", kind.is_some()),
            ("channel", channel.is_some()),
            ("priority", priority.is_some()),
            ("status", status.is_some()),
        ] {
            if !known && errors.get(field).is_none() {
                errors.add(field, Problem::Malformed);
            }
        }
        if let (Some(from), Some(to)) = (from, status)
            && !from.may_become(to)
        {
            errors.add("status", Problem::StatusNotAllowed);
        }
        let subject = validate::required(&mut errors, "subject", &self.subject, SUBJECT_MAX);
        let text = |errors: &mut FieldErrors, field, value: &str| {
            validate::optional(errors, field, value, TEXT_MAX)
        };
        let description = text(&mut errors, "description", &self.description);
        let category = validate::optional(&mut errors, "category", &self.category, 80);
        let assessment = text(&mut errors, "assessment", &self.assessment);
        let root_cause = text(&mut errors, "root_cause", &self.root_cause);
        let corrective_action = text(&mut errors, "corrective_action", &self.corrective_action);
        let decision = text(&mut errors, "decision", &self.decision);
        let company = validate::link(
            &mut errors,
            "company",
            &self.company,
            Problem::UnknownCompany,
        );
        let contact = validate::link(
            &mut errors,
            "contact",
            &self.contact,
            Problem::UnknownContact,
        );
        let deal = validate::link(&mut errors, "deal", &self.deal, Problem::UnknownDeal);
        if !crate::ids::is_valid_id(&self.id) {
            errors.add(crate::error::FORM, Problem::Malformed);
        }
        errors.into_result()?;
        Ok(CaseFields {
            kind: kind.unwrap_or_default(),
            subject,
            description,
            company,
            contact,
            deal,
            channel: channel.unwrap_or_default(),
            category,
            priority: priority.unwrap_or_default(),
            status: status.unwrap_or_default(),
            assessment,
            root_cause,
            corrective_action,
            decision,
            reference: None,
            log: Vec::new(),
        })
    }
}

/// A reference as customers quote it: the year the case reached the organisation and its
/// number within that year.
pub fn reference(year: i32, number: i64) -> String {
    format!("C-{year}-{number:04}")
}

/// A case as its page shows it: its fields, and the names of what it links to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: CaseFields,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub deal_title: Option<String>,
    pub owner: crate::ids::Id,
    pub owner_name: String,
    pub created_at: String,
    pub created_by_name: String,
    pub updated_at: String,
    pub updated_by_name: String,
}

impl std::ops::Deref for Case {
    type Target = CaseFields;
    fn deref(&self) -> &CaseFields {
        &self.fields
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CasePage {
    pub case: Case,
    pub clocks: Clocks,
    pub can_edit: bool,
    /// The organisation's case categories, for the form.
    pub categories: Vec<String>,
    pub history: Vec<Change>,
    /// The organisation's zone, which deadlines are shown in.
    pub zone: crate::dashboard::offsets::Offsets,
}

/// A case as a queue or a customer's page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseCard {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(default)]
    pub reference: Option<String>,
    pub subject: String,
    pub kind: CaseKind,
    pub priority: Priority,
    pub status: Status,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    pub owner_name: String,
    /// Where its promises stand now (none only while being read).
    #[serde(default)]
    pub clocks: Option<Clocks>,
    #[serde(default)]
    pub can_edit: bool,
}

impl CaseCard {
    /// The customer as a list names them: the company, else the contact.
    pub fn customer(&self) -> Option<&str> {
        self.company_name
            .as_deref()
            .or(self.contact_name.as_deref())
    }
}

/// Whose open cases a queue lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueueView {
    /// Assigned to the reader.
    #[default]
    Mine,
    /// Everything the reader may read: their team's, or the organisation's for an admin.
    Team,
}

impl QueueView {
    pub fn from_query(value: Option<&str>) -> QueueView {
        match value {
            Some("team") => QueueView::Team,
            _ => QueueView::Mine,
        }
    }
}

/// A queue narrowed to one status, assignee or category: where a service figure opens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    #[serde(default)]
    pub status: Option<Status>,
    #[serde(default)]
    pub owner: Option<crate::ids::Id>,
    #[serde(default)]
    pub category: Option<String>,
}

impl CaseFilter {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.owner.is_none() && self.category.is_none()
    }

    /// Whether a case of this status, assignee and category passes.
    pub fn passes(&self, status: Status, owner: &str, category: Option<&str>) -> bool {
        self.status.is_none_or(|s| s == status)
            && self.owner.as_deref().is_none_or(|o| o == owner)
            && self.category.as_deref().is_none_or(|c| Some(c) == category)
    }

    /// The filter as a page address's query (`status=…&owner=…&category=…`).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("status={}", s.code()));
        }
        if let Some(o) = &self.owner {
            parts.push(format!("owner={o}"));
        }
        if let Some(c) = &self.category {
            parts.push(format!("category={}", crate::text::url_encode(c)));
        }
        parts.join("&")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseQueue {
    pub view: QueueView,
    pub cases: Vec<CaseCard>,
    /// The organisation's zone, which deadlines are shown in.
    pub zone: crate::dashboard::offsets::Offsets,
}

/// A company's or contact's cases, open first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerCases {
    pub cases: Vec<CaseCard>,
    pub zone: crate::dashboard::offsets::Offsets,
}

/// A queue's order, the same on the server and the device: breached first, then the
/// nearest deadline, ties by reference and id; at most `limit`.
pub fn sorted(mut cards: Vec<CaseCard>, limit: usize) -> Vec<CaseCard> {
    cards.sort_by(|a, b| {
        let urgency = |c: &CaseCard| c.clocks.map_or((3, 0), |k| k.urgency());
        urgency(a)
            .cmp(&urgency(b))
            .then_with(|| a.reference.cmp(&b.reference))
            .then_with(|| a.id.cmp(&b.id))
    });
    cards.truncate(limit);
    cards
}

/// The cases of a queue that fall due by the end of the organisation's day at `now` (or
/// are overdue): what an agent's Today lists.
pub fn due_today(
    queue: CaseQueue,
    now: i64,
) -> (Vec<CaseCard>, crate::dashboard::offsets::Offsets) {
    let today = working_time::local_day(&queue.zone, now);
    let tonight = today
        .next_day()
        .map_or(i64::MAX, |t| working_time::local_instant(&queue.zone, t, 0));
    let cases = queue
        .cases
        .into_iter()
        .filter(|c| {
            c.clocks.is_some_and(|k| {
                let clock = k.current();
                clock.state == sla::SlaState::Breached || clock.due.is_some_and(|d| d < tonight)
            })
        })
        .collect();
    (cases, queue.zone)
}

/// A customer's cases: open ones first, by urgency; then the rest as given (latest first).
pub fn customer_order(cards: Vec<CaseCard>) -> Vec<CaseCard> {
    let (open, done): (Vec<CaseCard>, Vec<CaseCard>) =
        cards.into_iter().partition(|c| !c.status.is_done());
    let mut all = sorted(open, usize::MAX);
    all.extend(done);
    all
}

#[server(endpoint = "cases/queue", input = Json)]
pub async fn open_cases(view: QueueView, filter: CaseFilter) -> Result<CaseQueue, AppError> {
    crate::server::respond(
        async move { ssr::queue(&crate::server::cx().await?, view, &filter).await },
    )
    .await
}

#[server(endpoint = "cases/get", input = Json)]
pub async fn get_case(id: String) -> Result<CasePage, AppError> {
    crate::server::respond(async move { ssr::page(&crate::server::cx().await?, &id).await }).await
}

#[server(endpoint = "cases/customer", input = Json)]
pub async fn cases_of_customer(table: Table, id: String) -> Result<CustomerCases, AppError> {
    crate::server::respond(async move {
        let cx = crate::server::cx().await?;
        let id = crate::records::parse_id(&id)?;
        crate::records::readable(&cx.db, &cx.actor, table.rid(id)).await?;
        ssr::for_customer(&cx, table, id).await
    })
    .await
}

/// What the case form offers: the case (when editing) and what it may link to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFormData {
    pub case: Option<Case>,
    pub companies: Vec<crate::deals::Choice>,
    pub contacts: Vec<crate::deals::Choice>,
    pub deals: Vec<crate::deals::Choice>,
    pub categories: Vec<String>,
}

#[server(endpoint = "cases/form", input = Json)]
pub async fn case_form(id: Option<String>) -> Result<CaseFormData, AppError> {
    crate::server::respond(async move {
        ssr::form_data(&crate::server::cx().await?, id.as_deref()).await
    })
    .await
}

pub async fn load_case_form(id: Option<String>) -> Result<CaseFormData, AppError> {
    let key = id.clone();
    crate::sync::read(
        move |replica| local::form_data(replica, key.as_deref()),
        case_form(id),
    )
    .await
}

pub async fn load_queue(view: QueueView, filter: CaseFilter) -> Result<CaseQueue, AppError> {
    let local_filter = filter.clone();
    crate::sync::read(
        move |replica| Ok(local::queue(replica, view, &local_filter)),
        open_cases(view, filter),
    )
    .await
}

pub async fn load_case(id: String) -> Result<CasePage, AppError> {
    let key = id.clone();
    crate::sync::read(move |replica| local::page(replica, &key), get_case(id)).await
}

pub async fn load_customer_cases(table: Table, id: String) -> Result<CustomerCases, AppError> {
    let key = id.clone();
    crate::sync::read(
        move |replica| Ok(local::for_customer(replica, table, &key)),
        cases_of_customer(table, id),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CaseInput {
        CaseInput {
            id: crate::ids::new_id(),
            kind: "complaint".into(),
            subject: "Broken delivery".into(),
            channel: "phone".into(),
            priority: "high".into(),
            status: "new".into(),
            ..Default::default()
        }
    }

    #[test]
    fn history_shows_exactly_the_declared_entries() {
        crate::sync::replica::assert_history_declared(
            &CaseFields::default().history(None, None, None),
            FIELDS,
        );
    }

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(*status));
            assert_eq!(
                serde_json::to_value(status).ok(),
                Some(serde_json::Value::from(status.code()))
            );
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::from_code(channel.code()), Some(*channel));
            assert_eq!(
                serde_json::to_value(channel).ok(),
                Some(serde_json::Value::from(channel.code()))
            );
        }
        assert_eq!(Priority::from_code("URGENT"), None);
        assert_eq!(CaseKind::from_code(""), None);
    }

    #[test]
    fn a_valid_case_and_every_problem_reported_together() {
        let case = input().validate(None).expect("valid");
        assert_eq!(
            (case.kind, case.priority, case.status),
            (CaseKind::Complaint, Priority::High, Status::New)
        );
        let bad = CaseInput {
            subject: " ".into(),
            priority: "soon".into(),
            channel: "".into(),
            description: "x".repeat(TEXT_MAX as usize + 1),
            ..input()
        };
        let Err(AppError::Validation(errors)) = bad.validate(None) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("subject"), Some(Problem::Required));
        assert_eq!(errors.get("priority"), Some(Problem::Malformed));
        assert_eq!(errors.get("channel"), Some(Problem::Required));
        assert_eq!(
            errors.get("description"),
            Some(Problem::TooLong { max: TEXT_MAX })
        );
    }

    #[test]
    fn the_status_flow_is_kept() {
        let to = |status: &str, from| {
            CaseInput {
                status: status.into(),
                ..input()
            }
            .validate(Some(from))
        };
        assert!(to("acknowledged", Status::New).is_ok());
        assert!(to("reopened", Status::Closed).is_ok());
        assert!(to("waiting", Status::Waiting).is_ok());
        let Err(AppError::Validation(errors)) = to("new", Status::InProgress) else {
            panic!("nothing goes back to New")
        };
        assert_eq!(errors.get("status"), Some(Problem::StatusNotAllowed));
        assert!(to("in_progress", Status::Closed).is_err());
        // Every status but New can be reached, and every one can be left.
        for status in Status::ALL {
            assert!(!status.next().is_empty());
            if *status != Status::New {
                assert!(Status::ALL.iter().any(|s| s.next().contains(status)));
            }
        }
    }

    #[test]
    fn the_log_records_each_status_once_from_new() {
        let mut case = CaseFields {
            status: Status::InProgress,
            ..Default::default()
        };
        case.log_status("2026-12-05T05:00:00Z");
        let logged: Vec<Status> = case.log.iter().map(|e| e.status).collect();
        assert_eq!(logged, [Status::New, Status::InProgress]);
        case.log_status("2026-12-05T06:00:00Z");
        assert_eq!(case.log.len(), 2);
        case.status = Status::Resolved;
        case.log_status("2026-12-05T07:00:00Z");
        assert_eq!(
            case.clock_log().last(),
            Some(&(Status::Resolved, 1_796_454_000))
        );
    }

    #[test]
    fn references_read_as_customers_quote_them() {
        assert_eq!(reference(2026, 42), "C-2026-0042");
        assert_eq!(reference(2026, 12_345), "C-2026-12345");
    }
}
