//! An activity as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ActivityInput, ActivityKind, ValidActivity};
use crate::error::AppError;
use crate::i18n::Key;
use crate::sync::Table;
use crate::sync::replica::{Context, Field, Stamp, Synced};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub rev: i64,
    pub kind: ActivityKind,
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub due_date: Option<String>,
    #[serde(default)]
    pub due_time: Option<String>,
    pub done: bool,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub deal: Option<String>,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub contact: Option<String>,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub company: Option<String>,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl ActivityRow {
    fn take(&mut self, valid: ValidActivity) {
        self.kind = valid.kind;
        self.subject = valid.subject;
        self.body = valid.body;
        self.due_date = valid.due_date;
        self.due_time = valid.due_time;
        self.done = valid.done;
        self.deal = valid.deal;
        self.contact = valid.contact;
        self.company = valid.company;
    }
}

impl Synced for ActivityRow {
    type Input = ActivityInput;
    const TABLE: Table = Table::Activity;
    const FIELDS: &'static [Field] = &[
        Field::new("kind", Key::FieldKind),
        Field::new("subject", Key::FieldSubject),
        Field::new("body", Key::FieldBody),
        Field::new("due_date", Key::FieldDue).history_as("due"),
        Field::new("due_time", Key::FieldDue).history_as("due"),
        Field::new("done", Key::FieldDone),
        // History names a linked deal by its title.
        Field::new("deal", Key::FieldTitle).history_as("title"),
        Field::new("contact", Key::FieldContact),
        Field::new("company", Key::FieldCompany),
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

    fn input(&self) -> ActivityInput {
        ActivityInput {
            id: self.id.clone(),
            rev: Some(self.rev),
            kind: self.kind.code().to_owned(),
            subject: self.subject.clone(),
            body: self.body.clone().unwrap_or_default(),
            due_date: self.due_date.clone().unwrap_or_default(),
            due_time: self.due_time.clone().unwrap_or_default(),
            done: self.done,
            deal: self.deal.clone().unwrap_or_default(),
            contact: self.contact.clone().unwrap_or_default(),
            company: self.company.clone().unwrap_or_default(),
        }
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        ActivityRow {
            id: id.to_owned(),
            rev: 0,
            kind: ActivityKind::default(),
            subject: String::new(),
            body: None,
            due_date: None,
            due_time: None,
            done: false,
            deal: None,
            contact: None,
            company: None,
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: Self::Input) -> crate::error::AppResult<String> {
        super::ssr::save(&cx, input).await
    }

    fn set(&mut self, input: &ActivityInput, _cx: &Context) -> Result<(), AppError> {
        self.take(input.validate()?);
        Ok(())
    }
}
