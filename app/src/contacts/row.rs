//! A contact as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ContactInput, ValidContact};
use crate::auth::Scope;
use crate::error::AppError;
use crate::sync::replica::{Context, Replica, Synced};
use crate::sync::Table;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub rev: i64,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub company: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
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

impl ContactRow {
    fn set(&mut self, valid: ValidContact) {
        self.name = valid.name;
        self.title = valid.title;
        self.company = valid.company;
        self.phones = valid.phones;
        self.emails = valid.emails;
    }
}

impl Synced for ContactRow {
    type Input = ContactInput;
    const TABLE: Table = Table::Contact;
    const GUARDED: &'static [&'static str] = &[];

    fn rows(replica: &Replica) -> &std::collections::BTreeMap<String, Self> {
        &replica.contacts
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn scope(&self) -> Scope {
        Scope { owner: self.owner.clone(), team: self.team.clone() }
    }

    fn input(&self) -> ContactInput {
        let nth = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        ContactInput {
            id: self.id.clone(),
            rev: Some(self.rev),
            name: self.name.clone(),
            title: self.title.clone().unwrap_or_default(),
            company: self.company.clone().unwrap_or_default(),
            phone: nth(&self.phones, 0),
            phone2: nth(&self.phones, 1),
            email: nth(&self.emails, 0),
            email2: nth(&self.emails, 1),
        }
    }

    fn absorb(&self, input: &ContactInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = self.clone();
        row.set(input.validate()?);
        row.updated_at = cx.now.to_owned();
        row.updated_by = cx.me.id.clone();
        Ok(row)
    }

    fn create(input: &ContactInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = ContactRow {
            id: input.id.clone(),
            rev: 0,
            name: String::new(),
            title: None,
            company: None,
            phones: Vec::new(),
            emails: Vec::new(),
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
