//! A contact as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ContactFields, ContactInput};
use crate::error::AppError;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: ContactFields,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl std::ops::Deref for ContactRow {
    type Target = ContactFields;
    fn deref(&self) -> &ContactFields {
        &self.fields
    }
}

impl Synced for ContactRow {
    type Input = ContactInput;
    const TABLE: Table = Table::Contact;
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

    fn input(&self) -> ContactInput {
        self.fields.input(&self.id, Some(self.rev))
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        ContactRow {
            id: id.into(),
            rev: 0,
            fields: ContactFields::default(),
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &ContactInput, _cx: &Context) -> Result<(), AppError> {
        self.fields = input.validate()?;
        Ok(())
    }
}
