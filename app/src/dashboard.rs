//! The manager's desk: the dashboard's figures over a period, for a team or an owner.
//!
//! The server sums in the database ([`ssr`]) into [`Tallies`], plain groups of counts and
//! amounts; [`figures`] turns them into what the page shows (rates, averages, changes,
//! conversions), the same way wherever the tallies came from.

pub mod drill;
pub mod figures;
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
