//! An activity as the device stores it.

use serde::{Deserialize, Serialize};

use super::{ActivityInput, ActivityKind, ValidActivity};
use crate::auth::Scope;
use crate::error::AppError;
use crate::sync::replica::{Context, Replica, Synced};
use crate::sync::Table;

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

impl ActivityRow {
    fn set(&mut self, valid: ValidActivity) {
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
    const GUARDED: &'static [&'static str] = &[];

    fn rows(replica: &Replica) -> &std::collections::BTreeMap<String, Self> {
        &replica.activities
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn scope(&self) -> Scope {
        Scope { owner: self.owner.clone(), team: self.team.clone() }
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

    fn absorb(&self, input: &ActivityInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = self.clone();
        row.set(input.validate()?);
        row.updated_at = cx.now.to_owned();
        row.updated_by = cx.me.id.clone();
        Ok(row)
    }

    fn create(input: &ActivityInput, cx: &Context) -> Result<Self, AppError> {
        let mut row = ActivityRow {
            id: input.id.clone(),
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
