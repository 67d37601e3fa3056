//! Deals: what is being sold, to whom, for how much, and how far it has got.

pub mod bulk;
pub mod local;
pub mod source;
pub mod stalled;
pub mod table;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::activities::ActivityItem;
use crate::error::{AppError, FieldErrors, Problem};
use crate::history::Change;
use crate::history::Shown;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::kinds::row::Declaration;
use crate::money::{self, Currency, ParseAmountError};
use crate::pipeline::{Outcome, Pipeline};
use crate::sync::replica::{Context, Field, Link};
use crate::validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealCard {
    pub id: crate::ids::Id,
    pub rev: i64,
    pub title: String,
    pub value: i64,
    pub currency: Currency,
    pub stage: crate::ids::Id,
    #[serde(default)]
    pub company_name: Option<String>,
    pub owner_name: String,
    #[serde(default)]
    pub expected_close: Option<crate::calendar::IsoDate>,
    #[serde(default)]
    pub can_edit: bool,
    /// See [`stalled`].
    #[serde(default)]
    pub stalled: bool,
    #[serde(default)]
    pub touched_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageTotal {
    pub currency: Currency,
    pub total: i64,
}

/// A column's totals, one per currency, in the order of the currency codes (on the server
/// and on the device alike).
pub fn sort_totals(totals: &mut [StageTotal]) {
    totals.sort_by_key(|t| t.currency.code());
}

/// A stage of the board: how many deals it holds and what they are worth (all of them), and
/// the cards of the most recently changed ones, as many as the board asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub stage: crate::pipeline::Stage,
    pub count: i64,
    pub totals: Vec<StageTotal>,
    pub deals: Vec<DealCard>,
}

/// Cards a board shows per stage until "Show more" asks for the next ones.
pub const CARDS_AT_ONCE: u32 = 50;
/// The most cards one stage is drawn with, however often "Show more" is pressed.
pub const MOST_CARDS: u32 = 2_000;

/// How many cards of each stage a board holds: [`CARDS_AT_ONCE`] unless the stage was asked
/// for more. A stage can hold thousands of deals; neither the server nor the device builds,
/// sends or draws cards nobody has scrolled to, while counts and totals stay whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    /// Stage id → cards wanted.
    #[serde(default)]
    pub shown: std::collections::BTreeMap<String, u32>,
}

impl BoardQuery {
    pub fn cards(&self, stage: &str) -> usize {
        self.shown
            .get(stage)
            .copied()
            .unwrap_or(CARDS_AT_ONCE)
            .clamp(1, MOST_CARDS) as usize
    }

    /// The next page of `stage`.
    pub fn more(&mut self, stage: &str) {
        let next = (self.cards(stage) as u32).saturating_add(CARDS_AT_ONCE);
        self.shown.insert(stage.to_owned(), next.min(MOST_CARDS));
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Board {
    pub pipeline: Pipeline,
    pub columns: Vec<Column>,
}

/// A deal's own fields: what its form sets (validated), and what the device, the database,
/// pages and history hold. A field is declared here once; rows and pages flatten it in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DealFields {
    pub title: String,
    pub value: i64,
    pub currency: Currency,
    pub stage: crate::ids::Id,
    /// The stage's probability when the deal entered it.
    pub probability: i64,
    #[serde(default)]
    pub company: Option<crate::ids::Id>,
    #[serde(default)]
    pub contact: Option<crate::ids::Id>,
    #[serde(default)]
    pub expected_close: Option<crate::calendar::IsoDate>,
    #[serde(default)]
    pub next_step: Option<String>,
    #[serde(default)]
    pub lost_reason: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// When the deal last moved stage or had an activity saved against it (RFC 3339): what
    /// [`stalled`] counts from. Kept by the server, never typed; no form sets it.
    #[serde(default)]
    pub touched_at: Option<String>,
    /// When the deal entered its current stage (RFC 3339): when it was won or lost, for a
    /// closed one. Kept by the server.
    #[serde(default)]
    pub stage_changed_at: Option<String>,
    /// Every stage the deal has entered and when, oldest first: what the funnel counts on a
    /// device (the server counts its `stage_entry` log, written with these). Kept by the
    /// server.
    #[serde(default)]
    pub entered: Vec<Entered>,
}

/// A deal entering a stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entered {
    pub stage: crate::ids::Id,
    pub at: String,
}

/// A deal input that passed every rule that needs no database.
pub type ValidDeal = DealFields;

/// The deal form's fields, as sync merges them and history and conflicts label them.
/// Money and stage are what a forecast is built on: two people changing them at once must
/// agree, not have one silently win.
pub const FIELDS: &[Field] = &[
    Field::new("title", Key::FieldTitle),
    Field::new("value", Key::FieldValue)
        .guarded()
        .shown(Shown::Amount),
    Field::new("currency", Key::FieldCurrency)
        .guarded()
        .history_as("value")
        .shown(Shown::Amount),
    Field::new("stage", Key::FieldStage)
        .guarded()
        .shown(Shown::Stage),
    Field::new("company", Key::FieldCompany),
    Field::new("contact", Key::FieldContact),
    Field::new("expected_close", Key::FieldExpectedClose).shown(Shown::Date),
    Field::new("next_step", Key::FieldNextStep).searched(),
    Field::new("lost_reason", Key::FieldLostReason),
    Field::new("source", Key::FieldSource).shown(Shown::Source),
];

/// The record as the device keeps it.
pub type DealRow = crate::kinds::row::Row<DealFields>;

impl Declaration for DealFields {
    type Input = DealInput;
    const TABLE: Table = Table::Deal;
    const FIELDS: &'static [Field] = FIELDS;
    const NAME: &'static str = "title";
    const LINKS: &'static [Link] = &[
        Link::new("company", Table::Company),
        Link::new("contact", Table::Contact),
    ];
    /// A won or lost deal stays on the device for a year after it last changed: this
    /// year's results, and last year's for comparison.
    const KEPT_DAYS: Option<i64> = Some(365);
    const CURRENT: &'static str = "stage IN $open_stages";

    fn current(&self, horizon: &crate::sync::horizon::Horizon) -> bool {
        horizon.open_stages.contains(&self.stage)
    }

    /// The form as it opens on these fields.
    fn input(&self, id: &str, rev: Option<i64>) -> DealInput {
        DealInput {
            id: id.to_owned(),
            rev,
            title: self.title.clone(),
            value: money::amount_input(self.value, self.currency),
            currency: self.currency.code().to_owned(),
            stage: self.stage.to_string(),
            company: self.company.as_deref().unwrap_or_default().to_owned(),
            contact: self.contact.as_deref().unwrap_or_default().to_owned(),
            expected_close: self
                .expected_close
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            next_step: self.next_step.clone().unwrap_or_default(),
            lost_reason: self.lost_reason.clone().unwrap_or_default(),
            source: self.source.clone().unwrap_or_default(),
        }
    }

    fn checked(input: &DealInput, current: &Self, cx: &Context) -> Result<Self, AppError> {
        let mut deal = input.validate(&DealRules {
            pipeline: cx.pipeline,
            sources: cx.deal_sources,
            // A source removed from the list stays valid on the deals that have it.
            kept_source: current.source.as_deref(),
        })?;
        // As the server does: a new deal, or one that moves, is touched now and enters its
        // stage now.
        deal.entered = current.entered.clone();
        if deal.stage == current.stage {
            deal.touched_at = current.touched_at.clone();
            deal.stage_changed_at = current.stage_changed_at.clone();
        } else {
            deal.touched_at = Some(cx.now.to_owned());
            deal.stage_changed_at = Some(cx.now.to_owned());
            deal.entered.push(Entered {
                stage: deal.stage.clone(),
                at: cx.now.to_owned(),
            });
        }
        Ok(deal)
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: DealInput) -> crate::error::AppResult<String> {
        ssr::save(&cx, input).await
    }
}

impl DealFields {
    /// What the history shows of these fields, as people read them: links by name (given,
    /// as the reader may see them), the amount with its currency.
    pub fn history(
        &self,
        stage: Option<String>,
        company: Option<String>,
        contact: Option<String>,
    ) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("title", Some(self.title.clone())),
            (
                "value",
                Some(crate::history::amount_value(self.value, self.currency)),
            ),
            ("stage", stage),
            ("company", company),
            ("contact", contact),
            (
                "expected_close",
                self.expected_close.as_deref().map(str::to_owned),
            ),
            ("next_step", self.next_step.clone()),
            ("lost_reason", self.lost_reason.clone()),
            ("source", self.source.clone()),
        ]
    }
}

/// A deal as its page shows it: its fields, and the names of what it links to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deal {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: DealFields,
    pub stage_name: String,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    pub owner: crate::ids::Id,
    pub owner_name: String,
    pub created_at: String,
    pub created_by_name: String,
    pub updated_at: String,
    pub updated_by_name: String,
}

impl std::ops::Deref for Deal {
    type Target = DealFields;
    fn deref(&self) -> &DealFields {
        &self.fields
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealPage {
    pub deal: Deal,
    pub can_edit: bool,
    pub pipeline: Pipeline,
    pub activities: Vec<ActivityItem>,
    pub history: Vec<Change>,
}

/// The deal form as typed. `rev` is `None` for a new deal; its `id` is minted by the client,
/// so a retried or offline-queued create can never make two deals.
/// Fields a client of an older release does not send read as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealInput {
    pub id: String,
    pub rev: Option<i64>,
    pub title: String,
    pub value: String,
    pub currency: String,
    pub stage: String,
    pub company: String,
    pub contact: String,
    pub expected_close: String,
    pub next_step: String,
    pub lost_reason: String,
    pub source: String,
}

/// What a deal's rules check against besides the form: the pipeline, the organisation's
/// sources, and the source the deal has already (kept even if no longer listed).
pub struct DealRules<'a> {
    pub pipeline: &'a Pipeline,
    pub sources: &'a [String],
    pub kept_source: Option<&'a str>,
}

impl DealInput {
    pub fn validate(&self, rules: &DealRules) -> Result<ValidDeal, AppError> {
        let pipeline = rules.pipeline;
        let mut errors = FieldErrors::default();
        let title = validate::required(&mut errors, "title", &self.title, 120);
        let currency = Currency::from_code(self.currency.trim());
        if currency.is_none() {
            errors.add("currency", Problem::Required);
        }
        let currency = currency.unwrap_or_default();
        let value = match money::parse_amount(&self.value, currency) {
            Ok(v) => v,
            Err(ParseAmountError::Negative) => {
                errors.add("value", Problem::Negative);
                0
            }
            Err(ParseAmountError::Invalid) => {
                errors.add("value", Problem::InvalidNumber);
                0
            }
            Err(ParseAmountError::TooLarge) => {
                errors.add(
                    "value",
                    Problem::OutOfRange {
                        min: 0,
                        max: money::MAX_MINOR / 100,
                    },
                );
                0
            }
        };
        let stage = pipeline.stage(self.stage.trim());
        if stage.is_none() {
            errors.add("stage", Problem::UnknownStage);
        }
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
        let expected_close = validate::date(&mut errors, "expected_close", &self.expected_close);
        let next_step = validate::optional(&mut errors, "next_step", &self.next_step, 200);
        let source = source::check(&self.source, rules.sources, rules.kept_source, &mut errors);
        let lost = stage.is_some_and(|s| s.outcome == Outcome::Lost);
        let lost_reason = if lost {
            let reason = validate::optional(&mut errors, "lost_reason", &self.lost_reason, 200);
            if reason.is_none() {
                errors.add("lost_reason", Problem::LostReasonRequired);
            }
            reason
        } else {
            None
        };
        if !crate::ids::is_valid_id(&self.id) {
            errors.add(crate::error::FORM, Problem::Malformed);
        }
        errors.into_result()?;
        let stage = stage.ok_or(AppError::Internal)?;
        Ok(ValidDeal {
            title,
            value,
            currency,
            stage: stage.id.clone(),
            probability: stage.probability,
            company,
            contact,
            expected_close,
            next_step,
            lost_reason,
            source,
            touched_at: None,
            stage_changed_at: None,
            entered: Vec::new(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: crate::ids::Id,
    pub name: String,
}

impl Choice {
    /// `choices` with the record a form's link already points at, when the list leaves it
    /// out (a closed deal, or one past the server's first thousand): the select would
    /// otherwise show nothing chosen for a link the record keeps.
    pub fn including(
        mut choices: Vec<Choice>,
        linked: (&Option<crate::ids::Id>, &Option<String>),
        order: fn((&str, &str), (&str, &str)) -> std::cmp::Ordering,
    ) -> Vec<Choice> {
        if let (Some(id), Some(name)) = linked
            && !choices.iter().any(|c| c.id == *id)
        {
            choices.push(Choice {
                id: id.clone(),
                name: name.clone(),
            });
            crate::order::sort(&mut choices, order, |c| (&c.name, &c.id));
        }
        choices
    }

    /// A select's options: (value, label).
    pub fn options(choices: &[Choice]) -> Vec<(String, String)> {
        choices
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealFormData {
    pub pipeline: Pipeline,
    pub companies: Vec<Choice>,
    pub contacts: Vec<Choice>,
    pub deal: Option<Deal>,
    pub default_currency: Currency,
    /// The organisation's deal sources, in the order the form lists them.
    pub sources: Vec<String>,
}

#[server(endpoint = "deals/board", input = Json)]
pub async fn deal_board(#[server(default)] query: BoardQuery) -> Result<Board, AppError> {
    crate::server::respond(async move { ssr::board(&crate::server::cx().await?, &query).await })
        .await
}

#[server(endpoint = "deals/get", input = Json)]
pub async fn get_deal(id: String) -> Result<DealPage, AppError> {
    crate::server::respond(async move { ssr::page(&crate::server::cx().await?, &id).await }).await
}

#[server(endpoint = "deals/form", input = Json)]
pub async fn deal_form(id: Option<String>) -> Result<DealFormData, AppError> {
    crate::server::respond(async move {
        ssr::form_data(&crate::server::cx().await?, id.as_deref()).await
    })
    .await
}

/// The board, from the device's copy in the browser.
pub async fn load_board(query: BoardQuery) -> Result<Board, AppError> {
    let key = query.clone();
    crate::sync::read(move |view| local::board(view, &key), deal_board(query)).await
}

pub async fn load_deal(id: String) -> Result<DealPage, AppError> {
    let key = id.clone();
    crate::sync::read(move |view| local::page(view, &key), get_deal(id)).await
}

pub async fn load_deal_form(id: Option<String>) -> Result<DealFormData, AppError> {
    let key = id.clone();
    let mut data = crate::sync::read(
        move |view| local::form_data(view, key.as_deref()),
        deal_form(id),
    )
    .await?;
    if let Some(deal) = &data.deal {
        let by_name = crate::order::by_name;
        let companies = std::mem::take(&mut data.companies);
        data.companies = Choice::including(
            companies,
            (&deal.fields.company, &deal.company_name),
            by_name,
        );
        let contacts = std::mem::take(&mut data.contacts);
        data.contacts = Choice::including(
            contacts,
            (&deal.fields.contact, &deal.contact_name),
            by_name,
        );
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A form's link the list left out is added in the list's order, once.
    #[test]
    fn a_choice_list_includes_the_link_the_record_keeps() {
        let choice = |id: &str, name: &str| Choice {
            id: id.into(),
            name: name.into(),
        };
        let (a, b, c) = (
            "01900000-0000-7000-8000-00000000000a",
            "01900000-0000-7000-8000-00000000000b",
            "01900000-0000-7000-8000-00000000000c",
        );
        let list = vec![choice(a, "Alborz"), choice(c, "Caspian")];
        let order = crate::order::by_name;
        let linked = Choice::including(list.clone(), (&Some(b.into()), &Some("Bam".into())), order);
        assert_eq!(
            linked,
            vec![choice(a, "Alborz"), choice(b, "Bam"), choice(c, "Caspian")]
        );
        let again = Choice::including(
            linked.clone(),
            (&Some(b.into()), &Some("Bam".into())),
            order,
        );
        assert_eq!(again, linked);
        assert_eq!(Choice::including(list.clone(), (&None, &None), order), list);
        // A link whose name the reader may not see stays out (the select then shows none).
        assert_eq!(
            Choice::including(list.clone(), (&Some(b.into()), &None), order),
            list
        );
    }

    fn pipeline() -> Pipeline {
        crate::pipeline::sample("s")
    }

    fn rules(pipeline: &Pipeline) -> DealRules<'_> {
        DealRules {
            pipeline,
            sources: &[],
            kept_source: None,
        }
    }

    fn input() -> DealInput {
        DealInput {
            id: crate::ids::new_id(),
            title: "  Fleet renewal ".into(),
            value: "12,000.50".into(),
            currency: "USD".into(),
            stage: "s2".into(),
            ..Default::default()
        }
    }

    /// History shows each declared entry, and nothing undeclared (which would have no label).
    #[test]
    fn history_shows_exactly_the_declared_entries() {
        crate::sync::replica::assert_history_declared(
            &DealFields::default().history(None, None, None),
            FIELDS,
        );
    }

    #[test]
    fn a_valid_deal_is_cleaned_and_takes_its_stage_probability() {
        let deal = input().validate(&rules(&pipeline())).expect("valid");
        assert_eq!(deal.title, "Fleet renewal");
        assert_eq!(deal.value, 1_200_050);
        assert_eq!(deal.probability, 50);
        assert_eq!(deal.expected_close, None);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = DealInput {
            title: " ".into(),
            value: "-5".into(),
            stage: "nope".into(),
            expected_close: "31/12/2026".into(),
            company: "robert'); DROP".into(),
            ..input()
        };
        let Err(AppError::Validation(errors)) = bad.validate(&rules(&pipeline())) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("title"), Some(Problem::Required));
        assert_eq!(errors.get("value"), Some(Problem::Negative));
        assert_eq!(errors.get("stage"), Some(Problem::UnknownStage));
        assert_eq!(errors.get("expected_close"), Some(Problem::InvalidDate));
        assert_eq!(errors.get("company"), Some(Problem::UnknownCompany));
    }

    #[test]
    fn a_lost_deal_needs_a_reason_and_others_drop_it() {
        let lost = DealInput {
            stage: "s5".into(),
            ..input()
        };
        let Err(AppError::Validation(errors)) = lost.validate(&rules(&pipeline())) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("lost_reason"), Some(Problem::LostReasonRequired));
        let with_reason = DealInput {
            lost_reason: "Budget cut".into(),
            ..lost
        };
        assert_eq!(
            with_reason
                .validate(&rules(&pipeline()))
                .map(|d| d.lost_reason),
            Ok(Some("Budget cut".into()))
        );
        let open = DealInput {
            lost_reason: "stale".into(),
            ..input()
        };
        assert_eq!(
            open.validate(&rules(&pipeline())).map(|d| d.lost_reason),
            Ok(None)
        );
    }

    #[test]
    fn unknown_currency_and_bad_numbers() {
        let bad = DealInput {
            currency: "XXX".into(),
            value: "12abc".into(),
            ..input()
        };
        let Err(AppError::Validation(errors)) = bad.validate(&rules(&pipeline())) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("currency"), Some(Problem::Required));
        assert_eq!(errors.get("value"), Some(Problem::InvalidNumber));
    }
}
