//! Changes to many deals at once from the deals table: **Reassign** them to someone, or
//! **Move to stage**. All of them change or none: one transaction, each deal's history and
//! sync log entry in it, as a one-deal save writes them.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The most deals one change may name: a page of the table, with room to spare.
pub const MOST_DEALS: usize = 200;

/// What to do to the chosen deals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Bulk {
    /// Give them to this user (a manager: someone in their team; an admin: anyone active).
    Reassign { owner: String },
    /// Put them in this stage; a lost stage needs the reason they were lost.
    Move {
        stage: String,
        #[serde(default)]
        lost_reason: String,
    },
}

/// Someone deals can be given to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignee {
    pub id: crate::ids::Id,
    pub name: String,
}

/// Applies `change` to the deals `ids`; answers how many changed.
#[server(endpoint = "deals/bulk", input = Json)]
pub async fn change_deals(ids: Vec<String>, change: Bulk) -> Result<usize, AppError> {
    crate::server::respond(
        async move { ssr::apply(&crate::server::cx().await?, &ids, &change).await },
    )
    .await
}

/// Who the signed-in user may give deals to.
#[server(endpoint = "deals/assignees", input = Json)]
pub async fn assignees() -> Result<Vec<Assignee>, AppError> {
    crate::server::respond(async { ssr::assignees(&crate::server::cx().await?).await }).await
}
