//! What each imported row does, decided in memory against what the importer may see: the
//! same code for **Check** (nothing written) and for **Import** (each chunk's decisions then
//! written in one transaction), so the dry run's counts are the import's. A row is checked by
//! its kind's own rules (the form's), matched to an existing record or an earlier line by
//! e-mail, phone or name as the user chose (a deal by its title at its company), and a contact's
//! or a deal's company is found by name (folded, without its legal form) or made.

use std::collections::HashMap;

use super::{MatchOn, OnMatch, Outcome, Plan, Skipped, Tally};
use crate::auth::Actor;
use crate::error::{AppError, AppResult, FORM, Problem};
use crate::ids::Id;
use crate::kinds::Table;
use crate::server::Cx;
use crate::sync::Fields;
use crate::sync::replica::{Context, Synced, fields_of, input_from};

/// Who a new record belongs to: the importer, or the user the row's **Owner** names.
#[derive(Debug, Clone, PartialEq)]
pub struct Owner {
    pub id: Id,
    pub team: Option<Id>,
}

impl Owner {
    fn of(actor: &Actor) -> Owner {
        Owner {
            id: actor.id.as_str().into(),
            team: actor.team.as_deref().map(Id::from),
        }
    }
}

/// What a row gives a new record besides its form's fields: its owner, and for a deal the
/// instant it entered its stage (RFC 3339), when the file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub owner: Owner,
    pub since: Option<String>,
}

/// What a decided row changes.
pub enum Change<R> {
    Create(R, Given),
    Update { before: R, after: R },
}

/// A company a row named that does not exist yet, made with the row.
pub struct NewCompany {
    pub id: Id,
    pub name: String,
    pub owner: Owner,
}

/// A row decided: what it does, and the change to write if any.
pub struct Decided<R> {
    pub outcome: Outcome,
    pub change: Option<Change<R>>,
}

/// The keys a record is matched by, for `on`: each e-mail case-folded, each phone by its
/// key, or its name as duplicates compare names. A deal is matched by its title at its
/// company, whatever `on` says: "Renewal 2027" at two customers is two deals.
fn keys(table: Table, name_field: &str, fields: &Fields, on: MatchOn) -> Vec<String> {
    // An activity is an event, not a customer: two calls with one subject are two calls.
    if !super::matches(table) {
        return Vec::new();
    }
    let text = |field: &str| match fields.get(field) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    if table == Table::Deal {
        return text(name_field)
            .map(|title| {
                let company = text("company").unwrap_or_default();
                format!("{}\u{1f}{company}", crate::text::fold(&title))
            })
            .into_iter()
            .collect();
    }
    match on {
        MatchOn::Email => ["email", "email2"]
            .iter()
            .filter_map(|f| text(f))
            .map(|e| e.to_lowercase())
            .collect(),
        MatchOn::Phone => ["phone", "phone2"]
            .iter()
            .filter_map(|f| text(f))
            .filter_map(|p| crate::text::phone_key(&p))
            .collect(),
        MatchOn::Name => text(name_field)
            .map(|n| match table {
                Table::Company => crate::duplicates::company_key(&n),
                _ => crate::duplicates::person_key(&n),
            })
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect(),
    }
}

/// The importer's view of the data, and what the file's earlier rows did.
pub struct Decider<R: Synced> {
    plan: Plan,
    actor: Actor,
    pipeline: crate::pipeline::Pipeline,
    now: String,
    /// Every record of the kind the importer may see, by id.
    existing: HashMap<Id, R>,
    /// Match key → existing record.
    by_key: HashMap<String, Id>,
    /// Match key → the earlier line it was first seen on.
    seen: HashMap<String, usize>,
    /// Records a line of this file updates, with that line: one line updates a record.
    updated: HashMap<Id, usize>,
    /// Companies the importer may see (and those this run made), by name key.
    companies: HashMap<String, Id>,
    /// The names of the companies the importer may see and this run made, by id.
    company_names: HashMap<Id, String>,
    /// Companies a row made that are not written yet.
    pub new_companies: Vec<NewCompany>,
    /// The **Owner** column, if the plan maps one, and the users the importer may make
    /// owner, by folded name and by e-mail.
    owner_column: Option<usize>,
    owners: HashMap<String, Owner>,
    /// The column saying since when a new deal is in its stage, if the plan maps one.
    since_column: Option<usize>,
    /// Today somewhere on Earth: the latest day a deal may have entered its stage, whatever
    /// zone the file was written in.
    latest_day: String,
    /// Contacts and deals the importer may see, by name key, for an activity's links.
    people: HashMap<String, Id>,
    deals: HashMap<String, Id>,
    /// Their names by id, as history shows a link.
    linked_names: HashMap<Id, String>,
    /// The organisation's deal sources, for a deal's rules.
    sources: Vec<String>,
    /// Values a new record has unless a cell gives one: a deal's currency is the
    /// organisation's, and it starts in the pipeline's first stage, as the form has them.
    defaults: Fields,
    pub tally: Tally,
}

impl<R: Synced> Decider<R> {
    pub async fn new(cx: &Cx, plan: Plan) -> AppResult<Decider<R>> {
        let existing: Vec<R> = if super::matches(R::TABLE) {
            crate::export::ssr::rows(cx, "true".into(), |q| q).await?
        } else {
            Vec::new()
        };
        let mut by_key = HashMap::new();
        for row in &existing {
            for key in keys(R::TABLE, R::NAME, &fields_of(&row.input()), plan.match_on) {
                by_key.entry(key).or_insert_with(|| row.id().into());
            }
        }
        let mut companies = HashMap::new();
        let mut company_names = HashMap::new();
        if R::LINKS.iter().any(|l| l.to == Table::Company) {
            let rows: Vec<crate::companies::CompanyRow> =
                crate::export::ssr::rows(cx, "true".into(), |q| q).await?;
            for company in rows {
                companies
                    .entry(crate::duplicates::company_key(&company.name))
                    .or_insert(company.id.clone());
                company_names.insert(company.id.clone(), company.name.clone());
            }
        }
        let (mut people, mut deals, mut linked_names) =
            (HashMap::new(), HashMap::new(), HashMap::new());
        if R::LINKS.iter().any(|l| l.to == Table::Contact) {
            let rows: Vec<crate::contacts::ContactRow> =
                crate::export::ssr::rows(cx, "true".into(), |q| q).await?;
            for contact in rows {
                people
                    .entry(crate::duplicates::person_key(&contact.name))
                    .or_insert(contact.id.clone());
                linked_names.insert(contact.id.clone(), contact.name.clone());
            }
        }
        if R::LINKS.iter().any(|l| l.to == Table::Deal) {
            let rows: Vec<crate::deals::DealRow> =
                crate::export::ssr::rows(cx, "true".into(), |q| q).await?;
            for deal in rows {
                deals
                    .entry(crate::text::fold(deal.title.trim()))
                    .or_insert(deal.id.clone());
                linked_names.insert(deal.id.clone(), deal.title.clone());
            }
        }
        let column = |field: &str| {
            plan.columns
                .iter()
                .position(|c| c.as_deref() == Some(field))
        };
        let (owner_column, since_column) = (column(super::OWNER.name), column(super::SINCE.name));
        let mut owners = HashMap::new();
        if owner_column.is_some() {
            owners = assignable(cx).await?;
        }
        let pipeline = cx.pipeline().await?;
        let mut defaults = Fields::new();
        let mut sources = Vec::new();
        if R::TABLE == Table::Deal {
            let mut response =
                crate::db::run(cx.db.query(crate::settings::ssr::DEFAULT_CURRENCY)).await?;
            let currency = crate::settings::ssr::take_default_currency(&mut response, 0)?;
            defaults.insert("currency".into(), currency.code().into());
            if let Some(first) = pipeline.stages.first() {
                defaults.insert("stage".into(), first.id.as_str().into());
            }
            sources = cx.deal_sources().await?;
        }
        let latest = time::OffsetDateTime::now_utc() + time::Duration::hours(14);
        Ok(Decider {
            since_column,
            latest_day: crate::calendar::iso(latest.date()),
            owner_column,
            owners,
            sources,
            defaults,
            people,
            deals,
            linked_names,
            plan,
            actor: cx.actor.clone(),
            pipeline,
            now: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(crate::server::internal)?,
            existing: existing
                .into_iter()
                .map(|r| (Id::from(r.id()), r))
                .collect(),
            by_key,
            seen: HashMap::new(),
            updated: HashMap::new(),
            companies,
            company_names,
            new_companies: Vec::new(),
            tally: Tally::default(),
        })
    }

    /// The row's values as the kind's form would hold them; a company named by a contact
    /// is found or made, for `owner`.
    fn fields(&mut self, cells: &[String], owner: &Owner) -> Fields {
        let mut fields = fields_of(&R::Input::default());
        for (column, cell) in self.plan.columns.iter().zip(cells) {
            let Some(field) = column.as_deref() else {
                continue;
            };
            if cell.is_empty() || !fields.contains_key(field) {
                continue;
            }
            let value = match R::LINKS.iter().find(|l| l.field == field) {
                // Only a contact's or a deal's company is made when missing (the customer the
                // row is about); any other link must name a record the importer may see, or
                // the row is refused with the link's reason.
                Some(link)
                    if link.to == Table::Company
                        && !matches!(R::TABLE, Table::Contact | Table::Deal) =>
                {
                    self.companies
                        .get(&crate::duplicates::company_key(cell))
                        .map_or_else(|| cell.clone(), |id| id.as_str().to_owned())
                        .into()
                }
                Some(link) if link.to == Table::Contact => self
                    .people
                    .get(&crate::duplicates::person_key(cell))
                    .map_or_else(|| cell.clone(), |id| id.as_str().to_owned())
                    .into(),
                Some(link) if link.to == Table::Deal => self
                    .deals
                    .get(&crate::text::fold(cell.trim()))
                    .map_or_else(|| cell.clone(), |id| id.as_str().to_owned())
                    .into(),
                Some(link) if link.to == Table::Company => {
                    let key = crate::duplicates::company_key(cell);
                    let id = match self.companies.get(&key) {
                        Some(id) => id.clone(),
                        None => {
                            let id = Id::new_v7();
                            self.companies.insert(key, id.clone());
                            self.company_names.insert(id.clone(), cell.clone());
                            self.new_companies.push(NewCompany {
                                id: id.clone(),
                                name: cell.clone(),
                                owner: owner.clone(),
                            });
                            self.tally.companies_created += 1;
                            id
                        }
                    };
                    id.as_str().to_owned().into()
                }
                _ => match fields.get(field) {
                    // A yes/no column ("done"): what people write for yes, in either language.
                    Some(serde_json::Value::Bool(_)) => super::cells::yes(cell).into(),
                    _ if R::FIELDS
                        .iter()
                        .any(|f| f.name == field && f.shown == crate::history::Shown::Date) =>
                    {
                        super::cells::date(cell)
                            .unwrap_or_else(|| cell.clone())
                            .into()
                    }
                    _ if R::TABLE == Table::Deal && field == "stage" => {
                        super::cells::stage(&self.pipeline, cell)
                            .map_or_else(|| cell.clone(), |s| s.id.as_str().to_owned())
                            .into()
                    }
                    _ if R::TABLE == Table::Deal && field == "currency" => {
                        super::cells::currency(cell)
                            .map_or_else(|| cell.clone(), |c| c.code().to_owned())
                            .into()
                    }
                    _ if R::TABLE == Table::Deal && field == "source" => {
                        super::cells::source(&self.sources, cell)
                            .unwrap_or_else(|| cell.clone())
                            .into()
                    }
                    // An activity's type by its name in either language, or its code.
                    _ if R::TABLE == Table::Activity && field == "kind" => {
                        crate::activities::ActivityKind::from_name(cell)
                            .map_or_else(|| cell.clone(), |k| k.code().to_owned())
                            .into()
                    }
                    _ => cell.clone().into(),
                },
            };
            fields.insert(field.to_owned(), value);
        }
        fields
    }

    /// A form field's value as history shows it: a linked company by its name, a stage by
    /// its name.
    pub fn shown(&self, field: &str, value: &serde_json::Value) -> Option<String> {
        let text = value.as_str()?;
        let stage = R::FIELDS
            .iter()
            .any(|f| f.name == field && f.shown == crate::history::Shown::Stage);
        Some(if stage {
            self.pipeline
                .stage(text)
                .map_or_else(|| text.to_owned(), |s| s.name.clone())
        } else if R::LINKS.iter().any(|l| l.field == field) {
            let id = Id::from(text);
            self.company_names
                .get(&id)
                .or_else(|| self.linked_names.get(&id))
                .cloned()
                .unwrap_or_else(|| text.to_owned())
        } else {
            text.to_owned()
        })
    }

    fn context(&self) -> Context<'_> {
        Context {
            me: &self.actor,
            pipeline: &self.pipeline,
            deal_sources: &self.sources,
            now: &self.now,
        }
    }

    /// Who the row's **Owner** cell names: the importer when there is none; `None` when it
    /// names nobody the importer may give records to.
    fn owner_of(&self, cells: &[String]) -> Option<Owner> {
        let cell = self
            .owner_column
            .and_then(|c| cells.get(c))
            .map(|c| c.trim());
        match cell {
            None | Some("") => Some(Owner::of(&self.actor)),
            Some(cell) => self
                .owners
                .get(&crate::text::fold(cell))
                .or_else(|| self.owners.get(&cell.to_lowercase()))
                .cloned(),
        }
    }

    /// The instant the row's **in its stage since** cell names (noon UTC of its day, which
    /// is that day in every zone a business keeps its books in); a date that is not one, or
    /// has not come yet, is the cell's problem.
    fn since_of(&self, cells: &[String]) -> Result<Option<String>, Problem> {
        let cell = self
            .since_column
            .and_then(|c| cells.get(c))
            .map(|c| c.trim());
        let Some(cell) = cell.filter(|c| !c.is_empty()) else {
            return Ok(None);
        };
        let date = super::cells::date(cell).ok_or(Problem::InvalidDate)?;
        if date > self.latest_day {
            return Err(Problem::DateInFuture);
        }
        Ok(Some(format!("{date}T12:00:00Z")))
    }

    /// Decides the row at `line`.
    pub fn decide(&mut self, line: usize, cells: &[String]) -> Decided<R> {
        let owner = self
            .owner_of(cells)
            .ok_or((super::OWNER.name, Problem::NotAssignable));
        let since = self.since_of(cells).map_err(|p| (super::SINCE.name, p));
        let (owner, since) = match (owner, since) {
            (Ok(owner), Ok(since)) => (owner, since),
            (owner, since) => {
                self.tally.refused += 1;
                let problems = [owner.err(), since.err()]
                    .into_iter()
                    .flatten()
                    .map(|(field, problem)| (field.to_owned(), problem))
                    .collect();
                return Decided {
                    outcome: Outcome::Refuse(problems),
                    change: None,
                };
            }
        };
        let made_before = self.new_companies.len();
        let fields = self.fields(cells, &owner);
        let decided = self.decide_fields(line, fields, Given { owner, since });
        // A refused or skipped row makes no company.
        if !matches!(decided.outcome, Outcome::Create | Outcome::Update(_)) {
            for made in self.new_companies.drain(made_before..) {
                self.company_names.remove(&made.id);
                self.companies
                    .remove(&crate::duplicates::company_key(&made.name));
                self.tally.companies_created -= 1;
            }
        }
        match &decided.outcome {
            Outcome::Create => self.tally.created += 1,
            Outcome::Update(_) => self.tally.updated += 1,
            Outcome::Skip(_) => self.tally.skipped += 1,
            Outcome::Refuse(_) => self.tally.refused += 1,
        }
        decided
    }

    fn decide_fields(&mut self, line: usize, fields: Fields, given: Given) -> Decided<R> {
        let refuse = |problems: Vec<(String, Problem)>| Decided {
            outcome: Outcome::Refuse(problems),
            change: None,
        };
        let id = Id::new_v7();
        // Defaults fill a new record only: an update changes what the row's cells say.
        let mut new = fields.clone();
        for (field, value) in &self.defaults {
            if new
                .get(field)
                .and_then(|v| v.as_str())
                .is_none_or(str::is_empty)
            {
                new.insert(field.clone(), value.clone());
            }
        }
        let created = input_from::<R::Input>(new, id.as_str(), None)
            .and_then(|input| R::create(id.as_str(), &input, &self.context()));
        let created = match created {
            Ok(row) => row,
            Err(AppError::Validation(errors)) => return refuse(errors.0),
            Err(_) => return refuse(vec![(FORM.to_owned(), Problem::Malformed)]),
        };
        let keys = keys(R::TABLE, R::NAME, &fields, self.plan.match_on);
        if let Some(earlier) = keys.iter().find_map(|k| self.seen.get(k)) {
            return Decided {
                outcome: Outcome::Skip(Skipped::Line(*earlier)),
                change: None,
            };
        }
        for key in &keys {
            self.seen.insert(key.clone(), line);
        }
        let Some(existing) = keys
            .iter()
            .find_map(|k| self.by_key.get(k))
            .and_then(|id| self.existing.get(id))
        else {
            return Decided {
                outcome: Outcome::Create,
                change: Some(Change::Create(created, given)),
            };
        };
        let name = name_of(existing);
        if let Some(earlier) = self.updated.get(&Id::from(existing.id())) {
            return Decided {
                outcome: Outcome::Skip(Skipped::Line(*earlier)),
                change: None,
            };
        }
        if self.plan.on_match == OnMatch::Skip {
            return Decided {
                outcome: Outcome::Skip(Skipped::Existing(name)),
                change: None,
            };
        }
        if self.actor.check_write(&existing.scope()).is_err() {
            return refuse(vec![(FORM.to_owned(), Problem::NotYours)]);
        }
        // The row's values over the record's; an empty cell changes nothing.
        let mut merged = fields_of(&existing.input());
        for (field, value) in fields {
            if value.as_str().is_some_and(|v| !v.is_empty()) {
                merged.insert(field, value);
            }
        }
        let updated = input_from::<R::Input>(merged, existing.id(), None)
            .and_then(|input| existing.absorb(&input, &self.context()));
        match updated {
            Ok(after) if fields_of(&after.input()) == fields_of(&existing.input()) => Decided {
                outcome: Outcome::Skip(Skipped::Existing(name)),
                change: None,
            },
            Ok(after) => {
                let before = existing.clone();
                self.updated.insert(Id::from(after.id()), line);
                Decided {
                    outcome: Outcome::Update(name),
                    change: Some(Change::Update { before, after }),
                }
            }
            Err(AppError::Validation(errors)) => refuse(errors.0),
            Err(_) => refuse(vec![(FORM.to_owned(), Problem::Malformed)]),
        }
    }
}

/// The name a record is shown by.
pub fn name_of<R: Synced>(row: &R) -> String {
    match fields_of(&row.input()).remove(R::NAME) {
        Some(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

/// The active users the importer may make owner ([`Actor::may_assign_to`]), by folded name
/// and by e-mail.
async fn assignable(cx: &Cx) -> AppResult<HashMap<String, Owner>> {
    #[derive(serde::Deserialize)]
    struct Person {
        id: Id,
        name: String,
        email: String,
        #[serde(default)]
        team: Option<Id>,
    }
    let mut response = crate::db::run(
        cx.db
            .query("SELECT id, name, email, team FROM user WHERE active = true"),
    )
    .await?;
    let people: Vec<Person> = crate::db::take_all(&mut response, 0)?;
    let mut owners = HashMap::new();
    for person in people {
        if !cx.actor.may_assign_to(person.team.as_deref(), &person.id) {
            continue;
        }
        let owner = Owner {
            id: person.id,
            team: person.team,
        };
        owners
            .entry(crate::text::fold(person.name.trim()))
            .or_insert_with(|| owner.clone());
        owners.insert(person.email.trim().to_lowercase(), owner);
    }
    Ok(owners)
}
