//! What a device needs besides its rows to work out the dashboard offline: the
//! organisation's zone, fiscal years and rates, who the filters can name, and targets.
//! Fetched when the dashboard is read online and kept with the copy, so the figures still
//! come when the network does not.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::offsets::Offsets;
use super::targets::Target;
use super::{Choice, Rate};
use crate::error::AppError;
use crate::money::Currency;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    pub time_zone: String,
    pub offsets: Offsets,
    pub fiscal_start: u8,
    pub fiscal_start_jalali: u8,
    pub default_currency: Currency,
    pub rates: Vec<Rate>,
    pub teams: Vec<Choice>,
    pub owners: Vec<Choice>,
    /// The targets of the people and teams in `owners` and `teams` that the reader runs.
    pub targets: Vec<Target>,
    /// When the server answered (milliseconds since the epoch).
    pub at_ms: i64,
}

/// How long a device keeps using the basis it has before asking again, while online.
pub const FRESH_MS: i64 = 10 * 60 * 1000;

#[server(endpoint = "dashboard/basis", input = Json)]
pub async fn dashboard_basis() -> Result<Basis, AppError> {
    crate::server::respond(async { super::ssr::basis(&crate::server::cx().await?).await }).await
}
