//! Companies: the organisations a business sells to.

pub mod local;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::activities::ActivityItem;
use crate::contacts::ContactSummary;
use crate::deals::DealCard;
use crate::error::{AppError, FieldErrors, Problem};
use crate::history::Change;
use crate::i18n::Key;
use crate::kinds::Table;
use crate::kinds::row::Declaration;
use crate::sync::replica::{Context, Field};
use crate::validate;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanySummary {
    pub id: crate::ids::Id,
    pub name: String,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A company's own fields: what its form sets (validated), and what the device, the
/// database, pages and history hold. A field is declared here once.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyFields {
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
}

/// A company input that passed every rule.
pub type ValidCompany = CompanyFields;

/// The company form's fields, as sync merges them and history and conflicts label them.
pub const FIELDS: &[Field] = &[
    Field::new("name", Key::FieldName),
    Field::new("industry", Key::FieldIndustry).searched(),
    Field::new("phone", Key::FieldPhone).searched(),
    Field::new("email", Key::FieldEmail).searched(),
    Field::new("website", Key::FieldWebsite).searched(),
    Field::new("address", Key::FieldAddress).searched(),
];

/// A company as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Company {
    pub id: crate::ids::Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: CompanyFields,
    pub owner_name: String,
    pub created_at: String,
    pub created_by_name: String,
    pub updated_at: String,
    pub updated_by_name: String,
}

impl std::ops::Deref for Company {
    type Target = CompanyFields;
    fn deref(&self) -> &CompanyFields {
        &self.fields
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyPage {
    pub company: Company,
    pub can_edit: bool,
    pub contacts: Vec<ContactSummary>,
    pub deals: Vec<DealCard>,
    pub activities: Vec<ActivityItem>,
    pub history: Vec<Change>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CompanyInput {
    pub id: String,
    pub rev: Option<i64>,
    pub name: String,
    pub industry: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub address: String,
}

/// The record as the device keeps it.
pub type CompanyRow = crate::kinds::row::Row<CompanyFields>;

impl Declaration for CompanyFields {
    type Input = CompanyInput;
    const TABLE: Table = Table::Company;
    const FIELDS: &'static [Field] = FIELDS;

    /// The form as it opens on these fields.
    fn input(&self, id: &str, rev: Option<i64>) -> CompanyInput {
        CompanyInput {
            id: id.to_owned(),
            rev,
            name: self.name.clone(),
            industry: self.industry.clone().unwrap_or_default(),
            phone: self.phone.clone().unwrap_or_default(),
            email: self.email.clone().unwrap_or_default(),
            website: self.website.clone().unwrap_or_default(),
            address: self.address.clone().unwrap_or_default(),
        }
    }

    fn checked(input: &CompanyInput, _current: &Self, _cx: &Context) -> Result<Self, AppError> {
        input.validate()
    }

    #[cfg(feature = "ssr")]
    async fn save(cx: crate::server::Cx, input: CompanyInput) -> crate::error::AppResult<String> {
        ssr::save(&cx, input).await
    }
}

impl CompanyFields {
    /// What the history shows of these fields.
    pub fn snapshot(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("name", Some(self.name.clone())),
            ("industry", self.industry.clone()),
            ("phone", self.phone.clone()),
            ("email", self.email.clone()),
            ("website", self.website.clone()),
            ("address", self.address.clone()),
        ]
    }
}

impl CompanyInput {
    pub fn validate(&self) -> Result<ValidCompany, AppError> {
        let mut errors = FieldErrors::default();
        let valid = ValidCompany {
            name: validate::required(&mut errors, "name", &self.name, 120),
            industry: validate::optional(&mut errors, "industry", &self.industry, 80),
            phone: validate::phone(&mut errors, "phone", &self.phone),
            email: validate::email(&mut errors, "email", &self.email),
            website: validate::website(&mut errors, "website", &self.website),
            address: validate::optional(&mut errors, "address", &self.address, 300),
        };
        if !crate::ids::is_valid_id(&self.id) {
            errors.add(crate::error::FORM, Problem::Malformed);
        }
        errors.into_result()?;
        Ok(valid)
    }

    pub fn from_company(c: &Company) -> Self {
        c.fields.input(&c.id, Some(c.rev))
    }
}

#[server(endpoint = "companies/list", input = Json)]
pub async fn list_companies(query: String) -> Result<Vec<CompanySummary>, AppError> {
    crate::server::respond(async move { ssr::list(&crate::server::cx().await?, &query).await })
        .await
}

#[server(endpoint = "companies/get", input = Json)]
pub async fn get_company(id: String) -> Result<CompanyPage, AppError> {
    crate::server::respond(async move { ssr::page(&crate::server::cx().await?, &id).await }).await
}

pub async fn load_companies(query: String) -> Result<Vec<CompanySummary>, AppError> {
    let key = query.clone();
    crate::sync::read(
        move |view| Ok(local::list(view, &key)),
        list_companies(query),
    )
    .await
}

pub async fn load_company(id: String) -> Result<CompanyPage, AppError> {
    let key = id.clone();
    crate::sync::read(move |view| local::page(view, &key), get_company(id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// History shows each declared entry, and nothing undeclared (which would have no label).
    #[test]
    fn history_shows_exactly_the_declared_entries() {
        crate::sync::replica::assert_history_declared(&CompanyFields::default().snapshot(), FIELDS);
    }

    #[test]
    fn company_rules() {
        let good = CompanyInput {
            id: crate::ids::new_id(),
            name: " Acme ".into(),
            email: "Sales@Acme.COM".into(),
            ..Default::default()
        };
        let valid = good.validate().expect("valid");
        assert_eq!(valid.name, "Acme");
        assert_eq!(valid.email.as_deref(), Some("sales@acme.com"));
        let bad = CompanyInput {
            name: "".into(),
            phone: "abc".into(),
            website: "nope".into(),
            ..good
        };
        let Err(AppError::Validation(errors)) = bad.validate() else {
            panic!("must fail")
        };
        assert_eq!(errors.get("name"), Some(Problem::Required));
        assert_eq!(errors.get("phone"), Some(Problem::InvalidPhone));
        assert_eq!(errors.get("website"), Some(Problem::InvalidUrl));
    }
}
