//! Contacts: the people at (or without) a company.

pub mod local;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::activities::ActivityItem;
use crate::deals::{Choice, DealCard};
use crate::error::{AppError, FieldErrors, Problem};
use crate::history::Change;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::kinds::row::Declaration;
use crate::sync::replica::{Context, Field, Link};
use crate::validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactSummary {
    pub id: crate::ids::Id,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A contact's own fields: what its form sets (validated), and what the device, the
/// database, pages and history hold. A field is declared here once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactFields {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub company: Option<crate::ids::Id>,
    /// Stored as a list; the form offers two of each.
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
}

/// A contact input that passed every rule that needs no database.
pub type ValidContact = ContactFields;

/// The contact form's fields, as sync merges them and history and conflicts label them.
/// Both phone (and e-mail) boxes are shown in history as one list.
pub const FIELDS: &[Field] = &[
    Field::new("name", Key::FieldName),
    Field::new("title", Key::FieldJobTitle)
        .history_as("job_title")
        .searched(),
    Field::new("company", Key::FieldCompany),
    Field::new("phone", Key::FieldPhone)
        .history_as("phones")
        .searched(),
    Field::new("phone2", Key::FieldPhone)
        .history_as("phones")
        .searched(),
    Field::new("email", Key::FieldEmail)
        .history_as("emails")
        .searched(),
    Field::new("email2", Key::FieldEmail)
        .history_as("emails")
        .searched(),
];

/// A contact as its page shows it: its fields, and the name of its company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: ContactFields,
    #[serde(default)]
    pub company_name: Option<String>,
    pub owner_name: String,
    pub created_at: String,
    pub created_by_name: String,
    pub updated_at: String,
    pub updated_by_name: String,
}

impl std::ops::Deref for Contact {
    type Target = ContactFields;
    fn deref(&self) -> &ContactFields {
        &self.fields
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactPage {
    pub contact: Contact,
    pub can_edit: bool,
    pub deals: Vec<DealCard>,
    pub activities: Vec<ActivityItem>,
    pub history: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactFormData {
    pub contact: Option<Contact>,
    pub companies: Vec<Choice>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactInput {
    pub id: String,
    pub rev: Option<i64>,
    pub name: String,
    pub title: String,
    pub company: String,
    pub phone: String,
    pub phone2: String,
    pub email: String,
    pub email2: String,
}

/// The record as the device keeps it.
pub type ContactRow = crate::kinds::row::Row<ContactFields>;

impl Declaration for ContactFields {
    type Input = ContactInput;
    const TABLE: Table = Table::Contact;
    const FIELDS: &'static [Field] = FIELDS;
    const LINKS: &'static [Link] = &[Link::new("company", Table::Company)];

    /// The form as it opens on these fields.
    fn input(&self, id: &str, rev: Option<i64>) -> ContactInput {
        let nth = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        ContactInput {
            id: id.to_owned(),
            rev,
            name: self.name.clone(),
            title: self.title.clone().unwrap_or_default(),
            company: self.company.as_deref().unwrap_or_default().to_owned(),
            phone: nth(&self.phones, 0),
            phone2: nth(&self.phones, 1),
            email: nth(&self.emails, 0),
            email2: nth(&self.emails, 1),
        }
    }

    fn checked(input: &ContactInput, _current: &Self, _cx: &Context) -> Result<Self, AppError> {
        input.validate()
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: ContactInput) -> crate::error::AppResult<String> {
        ssr::save(&cx, input).await
    }
}

impl ContactFields {
    /// What the history shows of these fields: the company by name (given, as the reader
    /// may see it), each list on one line.
    pub fn history(&self, company: Option<String>) -> Vec<(&'static str, Option<String>)> {
        let join = |v: &Vec<String>| (!v.is_empty()).then(|| v.join(", "));
        vec![
            ("name", Some(self.name.clone())),
            ("job_title", self.title.clone()),
            ("company", company),
            ("phones", join(&self.phones)),
            ("emails", join(&self.emails)),
        ]
    }
}

impl ContactInput {
    pub fn validate(&self) -> Result<ValidContact, AppError> {
        let mut errors = FieldErrors::default();
        let name = validate::required(&mut errors, "name", &self.name, 120);
        let title = validate::optional(&mut errors, "title", &self.title, 120);
        let company = validate::link(
            &mut errors,
            "company",
            &self.company,
            Problem::UnknownCompany,
        );
        let phones = [
            validate::phone(&mut errors, "phone", &self.phone),
            validate::phone(&mut errors, "phone2", &self.phone2),
        ];
        let emails = [
            validate::email(&mut errors, "email", &self.email),
            validate::email(&mut errors, "email2", &self.email2),
        ];
        if !crate::ids::is_valid_id(&self.id) {
            errors.add(crate::error::FORM, Problem::Malformed);
        }
        errors.into_result()?;
        Ok(ValidContact {
            name,
            title,
            company,
            phones: phones.into_iter().flatten().collect(),
            emails: emails.into_iter().flatten().collect(),
        })
    }

    pub fn from_contact(c: &Contact) -> Self {
        c.fields.input(&c.id, Some(c.rev))
    }
}

#[server(endpoint = "contacts/list", input = Json)]
pub async fn list_contacts(query: String) -> Result<Vec<ContactSummary>, AppError> {
    crate::server::respond(async move { ssr::list(&crate::server::cx().await?, &query).await })
        .await
}

#[server(endpoint = "contacts/get", input = Json)]
pub async fn get_contact(id: String) -> Result<ContactPage, AppError> {
    crate::server::respond(async move { ssr::page(&crate::server::cx().await?, &id).await }).await
}

#[server(endpoint = "contacts/form", input = Json)]
pub async fn contact_form(id: Option<String>) -> Result<ContactFormData, AppError> {
    crate::server::respond(async move {
        ssr::form_data(&crate::server::cx().await?, id.as_deref()).await
    })
    .await
}

pub async fn load_contacts(query: String) -> Result<Vec<ContactSummary>, AppError> {
    let key = query.clone();
    crate::sync::read(
        move |view| Ok(local::list(view, &key)),
        list_contacts(query),
    )
    .await
}

pub async fn load_contact(id: String) -> Result<ContactPage, AppError> {
    let key = id.clone();
    crate::sync::read(move |view| local::page(view, &key), get_contact(id)).await
}

pub async fn load_contact_form(id: Option<String>) -> Result<ContactFormData, AppError> {
    let key = id.clone();
    let mut data = crate::sync::read(
        move |view| local::form_data(view, key.as_deref()),
        contact_form(id),
    )
    .await?;
    if let Some(c) = &data.contact {
        let companies = std::mem::take(&mut data.companies);
        data.companies = crate::deals::Choice::including(
            companies,
            (&c.fields.company, &c.company_name),
            crate::order::by_name,
        );
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// History shows each declared entry, and nothing undeclared (which would have no label).
    #[test]
    fn history_shows_exactly_the_declared_entries() {
        crate::sync::replica::assert_history_declared(
            &ContactFields::default().history(None),
            FIELDS,
        );
    }

    /// The form's two boxes of each kind open on the stored list and go back to it.
    #[test]
    fn the_form_round_trips_the_stored_lists() {
        let fields = ContactFields {
            name: "Sara".into(),
            phones: vec!["+98 912 000 1111".into(), "021 8800 1234".into()],
            emails: vec!["sara@example.com".into()],
            ..Default::default()
        };
        let id = crate::ids::new_id();
        let input = fields.input(&id, Some(3));
        assert_eq!(input.phone2, "021 8800 1234");
        assert_eq!(input.email2, "");
        assert_eq!(input.validate().expect("valid"), fields);
    }

    #[test]
    fn contact_rules() {
        let good = ContactInput {
            id: crate::ids::new_id(),
            name: "Sara Ahmadi".into(),
            phone: "+98 912 000 1111".into(),
            email2: "sara@example.com".into(),
            ..Default::default()
        };
        let valid = good.validate().expect("valid");
        assert_eq!(valid.phones, vec!["+98 912 000 1111".to_owned()]);
        assert_eq!(valid.emails, vec!["sara@example.com".to_owned()]);
        let bad = ContactInput {
            email: "sara@".into(),
            phone2: "12".into(),
            ..good
        };
        let Err(AppError::Validation(errors)) = bad.validate() else {
            panic!("must fail")
        };
        assert_eq!(errors.get("email"), Some(Problem::InvalidEmail));
        assert_eq!(errors.get("phone2"), Some(Problem::InvalidPhone));
    }
}
