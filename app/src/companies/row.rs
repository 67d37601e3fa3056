//! A company as the device stores it.

use serde::{Deserialize, Serialize};

use super::{CompanyFields, CompanyInput};
use crate::error::AppError;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyRow {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: CompanyFields,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl std::ops::Deref for CompanyRow {
    type Target = CompanyFields;
    fn deref(&self) -> &CompanyFields {
        &self.fields
    }
}

impl Synced for CompanyRow {
    type Input = CompanyInput;
    const TABLE: Table = Table::Company;
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

    fn input(&self) -> CompanyInput {
        self.fields.input(&self.id, Some(self.rev))
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        CompanyRow {
            id: id.into(),
            rev: 0,
            fields: CompanyFields::default(),
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &CompanyInput, _cx: &Context) -> Result<(), AppError> {
        self.fields = input.validate()?;
        Ok(())
    }
}
