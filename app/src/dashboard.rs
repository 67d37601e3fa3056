//! The manager's desk: the dashboard's figures over a period, for a team or an owner.
//!
//! The server sums in the database ([`ssr`]) into [`Tallies`], plain groups of counts and
//! amounts; [`figures`] turns them into what the page shows (rates, averages, changes,
//! conversions), the same way wherever the tallies came from.

pub mod basis;
pub mod drill;
pub mod figures;
pub mod grouped;
pub mod local;
pub mod offsets;
pub mod period;
pub mod targets;
pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::activities::ActivityKind;
use crate::error::AppError;
use crate::ids::Id;
use crate::money::Currency;
use period::{Calendar, Period};

/// What the page asks for, kept in its URL so a view can be shared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    pub period: Period,
    /// Only this team's deals and activities (admins; a manager has one team).
    #[serde(default)]
    pub team: Option<Id>,
    /// Only this owner's.
    #[serde(default)]
    pub owner: Option<Id>,
}

impl Filters {
    /// The period's days and those of the period it is compared with, as of `today`, with
    /// the fiscal year starting in `fiscal_start` (per calendar: Gregorian, Jalali).
    pub fn spans(
        &self,
        today: time::Date,
        calendar: Calendar,
        (gregorian, jalali): (u8, u8),
    ) -> Result<(period::Span, period::Span), AppError> {
        let rules = period::Rules {
            calendar,
            fiscal_start: match calendar {
                Calendar::Gregorian => gregorian,
                Calendar::Jalali => jalali,
            },
        };
        let bad_period = || AppError::form(crate::error::Problem::Malformed);
        let span = self.period.span(today, rules).ok_or_else(bad_period)?;
        let previous = self.period.previous(today, rules).ok_or_else(bad_period)?;
        Ok((span, previous))
    }
}

/// Deals won (or any other group of deals) in one currency.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sum {
    pub currency: Currency,
    pub count: i64,
    /// Minor units.
    pub total: i64,
}

/// What one period adds up to; the page compares this period's with the one before.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Deals that reached a won stage in the period, by currency.
    pub won: Vec<Sum>,
    /// Deals that reached a lost stage in the period.
    pub lost: i64,
    /// Seconds from creation to winning, summed over the deals won.
    pub cycle_secs: i64,
    /// Deals created in the period.
    pub created: i64,
}

/// Open deals in one currency: worth `total`, or `weighted` counting each at its stage's
/// probability.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenSum {
    pub currency: Currency,
    pub count: i64,
    pub total: i64,
    pub weighted: i64,
}

/// One month of the forecast: won already, and the open deals expected to close in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastMonth {
    pub month: period::MonthOf,
    /// ISO dates, the first and the day after the last.
    pub start: String,
    pub end: String,
    pub won: Vec<Sum>,
    pub open: Vec<OpenSum>,
}

/// How many deals entered a stage in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub stage: crate::pipeline::Stage,
    pub entered: i64,
}

/// A count by a label (a lost reason, a source); `None` is "not given".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    pub label: Option<String>,
    pub count: i64,
}

/// One person's activities in the period by type, and their overdue ones now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepActivity {
    pub owner: Id,
    pub name: String,
    /// In the order of [`ActivityKind::ALL`].
    pub by_kind: [i64; 4],
    pub overdue: i64,
}

impl RepActivity {
    pub fn count(&self, kind: ActivityKind) -> i64 {
        ActivityKind::ALL
            .iter()
            .position(|k| *k == kind)
            .map_or(0, |i| self.by_kind[i])
    }
}

/// Someone or a team the filters can narrow to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub team: Option<Id>,
}

/// What one currency is worth in the default one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub currency: Currency,
    /// Units of the default currency for one unit of `currency`.
    pub per_unit: f64,
}

/// Everything the dashboard shows, for one set of filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub filters: Filters,
    pub calendar: Calendar,
    /// ISO dates: the period's first day and the day after its last, and the same for the
    /// period it is compared with.
    pub start: String,
    pub end: String,
    pub previous_start: String,
    pub previous_end: String,
    /// Today in the organisation's time zone.
    pub today: String,
    pub time_zone: String,
    pub default_currency: Currency,
    pub rates: Vec<Rate>,
    pub now: Tally,
    pub before: Tally,
    pub open: Vec<OpenSum>,
    pub forecast: Vec<ForecastMonth>,
    pub funnel: Vec<FunnelStep>,
    pub lost_reasons: Vec<Counted>,
    pub sources: Vec<Counted>,
    pub activity: Vec<RepActivity>,
    pub teams: Vec<Choice>,
    pub owners: Vec<Choice>,
    /// A rep's own id: their figures count only their own deals, and so do the tables the
    /// figures open.
    #[serde(default)]
    pub only_owner: Option<Id>,
    /// Stalled open deals now (whatever the period), longest untouched first, and how many
    /// there are in all.
    #[serde(default)]
    pub stalled: Vec<crate::deals::DealCard>,
    #[serde(default)]
    pub stalled_count: i64,
    /// Each rep's and team's won against their target; empty when the reader runs nobody.
    #[serde(default)]
    pub targets: Vec<targets::Attainment>,
    /// Targets can be set for this period (a month or a quarter).
    #[serde(default)]
    pub targets_settable: bool,
    /// Worked out offline on this device, from its copy as last synced at this instant
    /// (milliseconds since the epoch; 0 when never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of_ms: Option<f64>,
}

/// The dashboard for the signed-in user: a rep sees only their own deals, a manager their
/// team's, an admin everyone's; the filters can only narrow that.
#[server(endpoint = "dashboard", input = Json)]
pub async fn load_dashboard(filters: Filters, calendar: Calendar) -> Result<Dashboard, AppError> {
    crate::server::respond(async move {
        ssr::dashboard(&crate::server::cx().await?, filters, calendar).await
    })
    .await
}

/// Online, the server works the figures out; when it cannot be reached, the device does
/// from its copy and the basis it kept, and the page says as of when. Without a basis (the
/// dashboard was never opened online on this device) the page says it needs a connection.
pub async fn load(filters: Filters, calendar: Calendar) -> Result<Dashboard, AppError> {
    match load_dashboard(filters.clone(), calendar).await {
        Err(AppError::Network) => {
            let basis = crate::sync::kept("basis")
                .and_then(|json| serde_json::from_str::<basis::Basis>(&json).ok())
                .ok_or(AppError::Network)?;
            let as_of = crate::sync::status().last_synced_ms.unwrap_or(0.0);
            let now = time::OffsetDateTime::now_utc();
            let mut dashboard = crate::sync::offline(move |view| {
                crate::timing::measure("hamrah:dashboard:device", || {
                    local::dashboard(view, &basis, filters, calendar, now)
                })
            })
            .await?;
            dashboard.as_of_ms = Some(as_of);
            Ok(dashboard)
        }
        other => other,
    }
}

/// Fetches the basis for the offline dashboard again when the one kept is missing or
/// older than [`basis::FRESH_MS`]. Failing is no harm: the page online needs none.
pub async fn refresh_basis() {
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let fresh = crate::sync::kept("basis")
        .and_then(|json| serde_json::from_str::<basis::Basis>(&json).ok())
        .is_some_and(|b| now_ms - b.at_ms < basis::FRESH_MS);
    if fresh {
        return;
    }
    match basis::dashboard_basis().await {
        Ok(basis) => match serde_json::to_string(&basis) {
            Ok(json) => {
                if let Err(error) = crate::sync::keep("basis", json).await {
                    leptos::logging::error!("dashboard: the basis could not be kept: {error:?}");
                }
            }
            Err(error) => leptos::logging::error!("dashboard: {error}"),
        },
        Err(AppError::Network) => {}
        Err(error) => leptos::logging::error!("dashboard: no basis: {error:?}"),
    }
}
