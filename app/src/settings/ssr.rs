use super::Organisation;
use crate::auth::Role;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::i18n::Locale;
use crate::money::Currency;
use crate::server::{Cx, internal};

pub async fn save_language(cx: &Cx, locale: Locale) -> AppResult<()> {
    db::run(
        cx.db
            .query("UPDATE $user SET locale = $locale")
            .bind(("user", db::rid("user", &cx.actor.id)))
            .bind(("locale", locale.lang())),
    )
    .await?;
    Ok(())
}

/// The organisation's default currency, as a statement to send along with others in one
/// query; read its answer with [`take_default_currency`].
pub const DEFAULT_CURRENCY: &str =
    "RETURN (SELECT VALUE default_currency FROM ONLY organisation:main);";

pub fn take_default_currency(
    response: &mut surrealdb::IndexedResults,
    index: usize,
) -> AppResult<Currency> {
    let code: Option<String> = response.take(index).map_err(internal)?;
    Ok(code
        .as_deref()
        .and_then(Currency::from_code)
        .unwrap_or_default())
}

/// The organisation's deal sources, as a statement to send along with others.
pub const DEAL_SOURCES: &str = "RETURN (SELECT VALUE deal_sources FROM ONLY organisation:main);";

pub fn take_deal_sources(
    response: &mut surrealdb::IndexedResults,
    index: usize,
) -> AppResult<Vec<String>> {
    // An array answer is taken as rows; none at all (an organisation from before sources
    // existed) reads as the defaults.
    let sources: Vec<String> = response.take(index).map_err(internal)?;
    Ok(if sources.is_empty() {
        crate::deals::source::DEFAULTS.map(String::from).to_vec()
    } else {
        sources
    })
}

pub async fn organisation(cx: &Cx) -> AppResult<Organisation> {
    let mut response = db::run(cx.db.query(format!("{DEFAULT_CURRENCY} {DEAL_SOURCES}"))).await?;
    Ok(Organisation {
        default_currency: take_default_currency(&mut response, 0)?,
        deal_sources: Some(take_deal_sources(&mut response, 1)?),
    })
}

/// Devices learn the new default with their next pull: it travels with the reference data.
pub async fn save_organisation(cx: &Cx, organisation: Organisation) -> AppResult<Organisation> {
    if cx.actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut errors = crate::error::FieldErrors::default();
    let sources = organisation
        .deal_sources
        .map(|typed| crate::deals::source::clean_list(&typed, &mut errors));
    errors.into_result()?;
    db::run(
        cx.db
            .query(
                "UPDATE organisation:main SET default_currency = $currency,
                    deal_sources = $sources ?? deal_sources",
            )
            .bind(("currency", organisation.default_currency.code()))
            .bind(("sources", sources)),
    )
    .await?;
    self::organisation(cx).await
}
