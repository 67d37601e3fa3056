//! Settings: each user's language, and the organisation's defaults (admins).

pub mod views;

#[cfg(feature = "ssr")]
pub(crate) mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Locale;
use crate::money::Currency;

pub use views::SettingsPage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub default_currency: Currency,
    /// Where deals come from, in the order the deal form lists them. Always sent by the
    /// server; a save without it (an older client) keeps the list as it is.
    #[serde(default)]
    pub deal_sources: Option<Vec<String>>,
    /// How the dashboard counts: sent by the server; a save without it keeps it as it is.
    #[serde(default)]
    pub reporting: Option<Reporting>,
}

/// The organisation's time zone, fiscal year and exchange rates: what every dashboard figure
/// is counted by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporting {
    /// An IANA zone name, "Asia/Tehran".
    pub time_zone: String,
    /// The Gregorian month (1–12) the fiscal year starts in, for English readers.
    pub fiscal_start: u8,
    /// The Jalali month (1–12) it starts in, for Persian readers.
    pub fiscal_start_jalali: u8,
    /// Each currency but the default with what one unit is worth in the default, as typed;
    /// empty for none.
    pub rates: Vec<(Currency, String)>,
    /// The zones to choose from, sent with the settings so the form draws whole on the
    /// server; a save leaves it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
}

/// Saves the signed-in user's language, for every device they use.
#[server(endpoint = "settings/language", input = Json)]
pub async fn save_language(locale: Locale) -> Result<(), AppError> {
    crate::server::respond(
        async move { ssr::save_language(&crate::server::cx().await?, locale).await },
    )
    .await
}

#[server(endpoint = "settings/organisation", input = Json)]
pub async fn get_organisation() -> Result<Organisation, AppError> {
    crate::server::respond(async { ssr::organisation(&crate::server::cx().await?).await }).await
}

/// Admins only: the server checks, whatever the page shows.
#[server(endpoint = "settings/organisation/save", input = Json)]
pub async fn save_organisation(organisation: Organisation) -> Result<Organisation, AppError> {
    crate::server::respond(async move {
        ssr::save_organisation(&crate::server::cx().await?, organisation).await
    })
    .await
}

pub async fn load_organisation() -> Result<Organisation, AppError> {
    crate::sync::read(
        |view| {
            view.reference
                .as_ref()
                .map(|r| Organisation {
                    default_currency: r.default_currency,
                    deal_sources: Some(r.deal_sources.clone()),
                    reporting: None,
                })
                .ok_or(AppError::NotFound)
        },
        get_organisation(),
    )
    .await
}
