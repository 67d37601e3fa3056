//! A contact as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ContactInput, ValidContact};
use crate::error::AppError;
use crate::sync::Table;
use crate::sync::replica::{Context, Replica, Stamp, Synced};

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
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl ContactRow {
    fn take(&mut self, valid: ValidContact) {
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

    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn stamp_mut(&mut self) -> &mut Stamp {
        &mut self.stamp
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

    fn blank(id: &str, stamp: Stamp) -> Self {
        ContactRow {
            id: id.to_owned(),
            rev: 0,
            name: String::new(),
            title: None,
            company: None,
            phones: Vec::new(),
            emails: Vec::new(),
            stamp,
        }
    }

    fn set(&mut self, input: &ContactInput, _cx: &Context) -> Result<(), AppError> {
        self.take(input.validate()?);
        Ok(())
    }
}
