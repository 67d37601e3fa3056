//! An activity as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ActivityFields, ActivityInput};
use crate::error::AppError;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: ActivityFields,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl std::ops::Deref for ActivityRow {
    type Target = ActivityFields;
    fn deref(&self) -> &ActivityFields {
        &self.fields
    }
}

impl Synced for ActivityRow {
    type Input = ActivityInput;
    const TABLE: Table = Table::Activity;
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

    fn input(&self) -> ActivityInput {
        self.fields.input(&self.id, Some(self.rev))
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        ActivityRow {
            id: id.into(),
            rev: 0,
            fields: ActivityFields::default(),
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &ActivityInput, _cx: &Context) -> Result<(), AppError> {
        self.fields = input.validate()?;
        Ok(())
    }
}
