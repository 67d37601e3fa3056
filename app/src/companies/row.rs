//! A company as the device stores it.

use serde::{Deserialize, Serialize};

use super::{CompanyInput, ValidCompany};
use crate::error::AppError;
use crate::i18n::Key;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub rev: i64,
    pub name: String,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl CompanyRow {
    fn take(&mut self, valid: ValidCompany) {
        self.name = valid.name;
        self.industry = valid.industry;
        self.phone = valid.phone;
        self.email = valid.email;
        self.website = valid.website;
        self.address = valid.address;
    }
}

impl Synced for CompanyRow {
    type Input = CompanyInput;
    const TABLE: Table = Table::Company;
    const FIELDS: &'static [Field] = &[
        Field::new("name", Key::FieldName),
        Field::new("industry", Key::FieldIndustry),
        Field::new("phone", Key::FieldPhone),
        Field::new("email", Key::FieldEmail),
        Field::new("website", Key::FieldWebsite),
        Field::new("address", Key::FieldAddress),
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

    fn input(&self) -> CompanyInput {
        CompanyInput {
            id: self.id.clone(),
            rev: Some(self.rev),
            name: self.name.clone(),
            industry: self.industry.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            email: self.email.clone().unwrap_or_default(),
            website: self.website.clone().unwrap_or_default(),
            address: self.address.clone().unwrap_or_default(),
        }
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        CompanyRow {
            id: id.to_owned(),
            rev: 0,
            name: String::new(),
            industry: None,
            phone: None,
            email: None,
            website: None,
            address: None,
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &CompanyInput, _cx: &Context) -> Result<(), AppError> {
        self.take(input.validate()?);
        Ok(())
    }
}
