//! A company as the device stores it.

use serde::{Deserialize, Serialize};

use super::{CompanyInput, ValidCompany};
use crate::auth::Scope;
use crate::error::AppError;
use crate::sync::replica::{Context, Replica, Synced};
use crate::sync::Table;

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
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub owner: String,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub team: Option<String>,
    pub created_at: String,
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub created_by: String,
    pub updated_at: String,
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub updated_by: String,
}

impl CompanyRow {
    fn set(&mut self, valid: ValidCompany) {
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
    const GUARDED: &'static [&'static str] = &[];

    fn rows(replica: &Replica) -> &std::collections::BTreeMap<String, Self> {
        &replica.companies
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn scope(&self) -> Scope {
        Scope { owner: self.owner.clone(), team: self.team.clone() }
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

    fn absorb(&self, input: &CompanyInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = self.clone();
        row.set(input.validate()?);
        row.updated_at = cx.now.to_owned();
        row.updated_by = cx.me.id.clone();
        Ok(row)
    }

    fn create(input: &CompanyInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = CompanyRow {
            id: input.id.clone(),
            rev: 0,
            name: String::new(),
            industry: None,
            phone: None,
            email: None,
            website: None,
            address: None,
            owner: cx.me.id.clone(),
            team: cx.me.team.clone(),
            created_at: cx.now.to_owned(),
            created_by: cx.me.id.clone(),
            updated_at: cx.now.to_owned(),
            updated_by: cx.me.id.clone(),
        };
        row.set(input.validate()?);
        Ok(row)
    }
}
