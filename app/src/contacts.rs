//! Contacts: the people at (or without) a company.

pub mod local;
pub mod row;
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
use crate::validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactSummary {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub rev: i64,
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    pub company: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    pub owner_name: String,
    pub created_at: String,
    pub created_by_name: String,
    pub updated_at: String,
    pub updated_by_name: String,
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

#[derive(Debug, Clone, PartialEq)]
pub struct ValidContact {
    pub name: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
}

impl ContactInput {
    pub fn validate(&self) -> Result<ValidContact, AppError> {
        let mut errors = FieldErrors::default();
        let name = validate::required(&mut errors, "name", &self.name, 120);
        let title = validate::optional(&mut errors, "title", &self.title, 120);
        let company = validate::clean(&self.company);
        if company
            .as_deref()
            .is_some_and(|c| !crate::ids::is_valid_id(c))
        {
            errors.add("company", Problem::UnknownCompany);
        }
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
        let nth = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        ContactInput {
            id: c.id.clone(),
            rev: Some(c.rev),
            name: c.name.clone(),
            title: c.title.clone().unwrap_or_default(),
            company: c.company.clone().unwrap_or_default(),
            phone: nth(&c.phones, 0),
            phone2: nth(&c.phones, 1),
            email: nth(&c.emails, 0),
            email2: nth(&c.emails, 1),
        }
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
    crate::sync::read(
        move |view| local::form_data(view, key.as_deref()),
        contact_form(id),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

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
