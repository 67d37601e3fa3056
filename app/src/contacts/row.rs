//! A contact as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ContactInput, ValidContact};
use crate::error::AppError;
use crate::i18n::Key;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

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
    const FIELDS: &'static [Field] = &[
        Field::new("name", Key::FieldName),
        Field::new("title", Key::FieldJobTitle).history_as("job_title"),
        Field::new("company", Key::FieldCompany),
        Field::new("phone", Key::FieldPhone).history_as("phones"),
        Field::new("phone2", Key::FieldPhone).history_as("phones"),
        Field::new("email", Key::FieldEmail).history_as("emails"),
        Field::new("email2", Key::FieldEmail).history_as("emails"),
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

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &ContactInput, _cx: &Context) -> Result<(), AppError> {
        self.take(input.validate()?);
        Ok(())
    }
}
