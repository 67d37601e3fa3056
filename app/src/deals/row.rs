//! A deal as the device stores it: links as ids, joined to names only when shown.

use serde::{Deserialize, Serialize};

use super::{DealFields, DealInput};
use crate::error::AppError;
use crate::i18n::Key;
use crate::money::amount_input;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: DealFields,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl std::ops::Deref for DealRow {
    type Target = DealFields;
    fn deref(&self) -> &DealFields {
        &self.fields
    }
}

impl Synced for DealRow {
    type Input = DealInput;
    const TABLE: Table = Table::Deal;
    /// Money and stage are what a forecast is built on: two people changing them at once
    /// must agree, not have one silently win.
    const FIELDS: &'static [Field] = &[
        Field::new("title", Key::FieldTitle),
        Field::new("value", Key::FieldValue).guarded(),
        Field::new("currency", Key::FieldCurrency)
            .guarded()
            .history_as("value"),
        Field::new("stage", Key::FieldStage).guarded(),
        Field::new("company", Key::FieldCompany),
        Field::new("contact", Key::FieldContact),
        Field::new("expected_close", Key::FieldExpectedClose),
        Field::new("next_step", Key::FieldNextStep),
        Field::new("lost_reason", Key::FieldLostReason),
        Field::new("source", Key::FieldSource),
    ];

    fn id(&self) -> &str {
        &self.id
    }

    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn stamp_mut(&mut self) -> &mut Stamp {
        &mut self.stamp
    }

    fn input(&self) -> DealInput {
        DealInput {
            id: self.id.clone(),
            rev: Some(self.rev),
            title: self.title.clone(),
            value: amount_input(self.value, self.currency),
            currency: self.currency.code().to_owned(),
            stage: self.stage.clone(),
            company: self.company.clone().unwrap_or_default(),
            contact: self.contact.clone().unwrap_or_default(),
            expected_close: self.expected_close.clone().unwrap_or_default(),
            next_step: self.next_step.clone().unwrap_or_default(),
            lost_reason: self.lost_reason.clone().unwrap_or_default(),
            source: self.source.clone().unwrap_or_default(),
        }
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        DealRow {
            id: id.to_owned(),
            rev: 0,
            fields: DealFields::default(),
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &DealInput, cx: &Context) -> Result<(), AppError> {
        let rules = super::DealRules {
            pipeline: cx.pipeline,
            sources: cx.deal_sources,
            kept_source: self.source.as_deref(),
        };
        self.fields = input.validate(&rules)?;
        Ok(())
    }
}
