use super::{Organisation, Reporting};
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

/// The organisation's settings as stored: what the dashboard counts by, and this form shows.
#[derive(serde::Deserialize, Default)]
pub(crate) struct ReportingRow {
    #[serde(default)]
    pub default_currency: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub fiscal_start: Option<u8>,
    #[serde(default)]
    pub fiscal_start_jalali: Option<u8>,
    #[serde(default)]
    pub rates: std::collections::BTreeMap<String, f64>,
}

const REPORTING: &str = "SELECT default_currency, time_zone, fiscal_start, fiscal_start_jalali,
    rates FROM ONLY organisation:main;";

pub(crate) async fn reporting(db: &crate::db::Db) -> AppResult<ReportingRow> {
    let mut response = db::run(db.query(REPORTING)).await?;
    Ok(db::take_one(&mut response, 0)?.unwrap_or_default())
}

pub async fn organisation(cx: &Cx) -> AppResult<Organisation> {
    let mut response = db::run(cx.db.query(format!("{DEFAULT_CURRENCY} {DEAL_SOURCES}"))).await?;
    let default_currency = take_default_currency(&mut response, 0)?;
    let row = reporting(&cx.db).await?;
    let rates = Currency::ALL
        .into_iter()
        .filter(|c| *c != default_currency)
        .map(|c| {
            let rate = row
                .rates
                .get(c.code())
                .map(|r| r.to_string())
                .unwrap_or_default();
            (c, rate)
        })
        .collect();
    Ok(Organisation {
        default_currency,
        deal_sources: Some(take_deal_sources(&mut response, 1)?),
        reporting: Some(Reporting {
            time_zone: row.time_zone.unwrap_or_else(|| "UTC".to_owned()),
            fiscal_start: row.fiscal_start.unwrap_or(1),
            fiscal_start_jalali: row.fiscal_start_jalali.unwrap_or(1),
            rates,
            zones: if cx.actor.role == Role::Admin {
                time_zones()
            } else {
                Vec::new()
            },
        }),
    })
}

/// The IANA zones, for the organisation form (admins only save it).
fn time_zones() -> Vec<String> {
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name().to_owned())
        .collect()
}

/// The rates as stored: code → a positive number; an empty entry is no rate. Errors are
/// keyed `rates.{code}`.
fn checked_rates(
    rates: &[(Currency, String)],
    default: Currency,
    errors: &mut crate::error::FieldErrors,
) -> std::collections::BTreeMap<String, f64> {
    let mut stored = std::collections::BTreeMap::new();
    for (currency, typed) in rates {
        let text = crate::text::ascii_digits(typed.trim()).replace(['\u{066B}', '/'], ".");
        if text.is_empty() || *currency == default {
            continue;
        }
        match text.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate > 0.0 => {
                stored.insert(currency.code().to_owned(), rate);
            }
            _ => errors.add(
                &format!("rates.{}", currency.code()),
                crate::error::Problem::InvalidRate,
            ),
        }
    }
    stored
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
    let reporting = organisation.reporting.map(|r| {
        if !crate::dashboard::ssr::zone::Zone::is_known(&r.time_zone) {
            errors.add("time_zone", crate::error::Problem::UnknownTimeZone);
        }
        for (field, month) in [
            ("fiscal_start", r.fiscal_start),
            ("fiscal_start_jalali", r.fiscal_start_jalali),
        ] {
            if !(1..=12).contains(&month) {
                errors.add(field, crate::error::Problem::OutOfRange { min: 1, max: 12 });
            }
        }
        let rates = checked_rates(&r.rates, organisation.default_currency, &mut errors);
        serde_json::json!({
            "time_zone": r.time_zone,
            "fiscal_start": r.fiscal_start,
            "fiscal_start_jalali": r.fiscal_start_jalali,
            "rates": rates,
        })
    });
    errors.into_result()?;
    db::run(
        cx.db
            .query(
                "UPDATE organisation:main SET default_currency = $currency,
                    deal_sources = $sources ?? deal_sources,
                    time_zone = $reporting.time_zone ?? time_zone,
                    fiscal_start = $reporting.fiscal_start ?? fiscal_start,
                    fiscal_start_jalali = $reporting.fiscal_start_jalali ?? fiscal_start_jalali,
                    rates = $reporting.rates ?? rates",
            )
            .bind(("currency", organisation.default_currency.code()))
            .bind(("sources", sources))
            .bind(db::vars(&serde_json::json!({ "reporting": reporting }))?),
    )
    .await?;
    // Days are counted in the zone: a new zone means new tallies (`tallies::ensure` does
    // nothing when the zone stayed).
    crate::dashboard::ssr::tallies::ensure(&cx.db).await?;
    self::organisation(cx).await
}
