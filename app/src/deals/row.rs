//! A deal as the device stores it: links as ids, joined to names only when shown.

use serde::{Deserialize, Serialize};

use super::{DealFields, DealInput};
use crate::error::AppError;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealRow {
    pub id: crate::ids::Id,
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
    const FIELDS: &'static [Field] = super::FIELDS;

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
        self.fields.input(&self.id, Some(self.rev))
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        DealRow {
            id: id.into(),
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
