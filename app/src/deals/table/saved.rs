//! **Saved views**: a user's named table queries (filters, sort, columns), one click away.
//! Each user sees and changes only their own.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::TableQuery;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: crate::ids::Id,
    pub name: String,
    /// The table's query string, as [`TableQuery::to_query`] writes it.
    pub query: String,
}

impl SavedView {
    pub fn href(&self) -> String {
        if self.query.is_empty() {
            "/deals".to_owned()
        } else {
            format!("/deals?{}", self.query)
        }
    }
}

/// The most views one user keeps.
pub const MOST_VIEWS: i64 = 50;

#[server(endpoint = "deals/views/list", input = Json)]
pub async fn saved_views() -> Result<Vec<SavedView>, AppError> {
    crate::server::respond(async { ssr::list(&crate::server::cx().await?).await }).await
}

/// Saves `query` under `name`, replacing the user's view of that name.
#[server(endpoint = "deals/views/save", input = Json)]
pub async fn save_view(name: String, query: TableQuery) -> Result<(), AppError> {
    crate::server::respond(
        async move { ssr::save(&crate::server::cx().await?, &name, &query).await },
    )
    .await
}

#[server(endpoint = "deals/views/delete", input = Json)]
pub async fn delete_view(id: String) -> Result<(), AppError> {
    crate::server::respond(async move { ssr::delete(&crate::server::cx().await?, &id).await }).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{MOST_VIEWS, SavedView};
    use crate::db::{self, Bind, Write, rid};
    use crate::deals::table::TableQuery;
    use crate::error::{AppError, AppResult, FieldErrors, Problem};
    use crate::server::Cx;

    pub async fn list(cx: &Cx) -> AppResult<Vec<SavedView>> {
        let query = cx
            .db
            .query("SELECT id, name, query FROM saved_view WHERE user = $me ORDER BY name")
            .bind(("me", rid("user", &cx.actor.id)));
        let mut response = db::run(query).await?;
        db::take_all(&mut response, 0)
    }

    pub async fn save(cx: &Cx, name: &str, query: &TableQuery) -> AppResult<()> {
        let mut errors = FieldErrors::default();
        let name = crate::validate::required(&mut errors, "name", name, 60);
        errors.into_result()?;
        // Stored as the table writes it: the first page, whatever page was on screen.
        let stored = TableQuery {
            page: 0,
            ..query.clone()
        }
        .to_query();
        let write = Write::new(
            "BEGIN TRANSACTION;
             LET $same = (SELECT VALUE id FROM saved_view WHERE user = $me AND name = $name)[0];
             IF $same = NONE AND count((SELECT id FROM saved_view WHERE user = $me)) >= $most
                 { THROW $too_many };
             IF $same != NONE { UPDATE $same SET query = $query }
             ELSE { CREATE $fresh CONTENT { user: $me, name: $name, query: $query } };
             COMMIT TRANSACTION;",
        )
        .bind(("me", rid("user", &cx.actor.id)))
        .bind(("name", name))
        .bind(("query", stored))
        .bind(("most", MOST_VIEWS))
        .bind(("fresh", rid("saved_view", &crate::ids::new_id())))
        .bind(("too_many", db::NOT_ASSIGNABLE_MARK));
        db::write(&cx.db, &write).await.map_err(|e| match e {
            AppError::Validation(_) => {
                let mut errors = FieldErrors::default();
                errors.add(
                    "name",
                    Problem::TooMany {
                        max: MOST_VIEWS as u32,
                    },
                );
                AppError::Validation(errors)
            }
            other => other,
        })?;
        Ok(())
    }

    pub async fn delete(cx: &Cx, id: &str) -> AppResult<()> {
        let id = crate::records::parse_id(id)?;
        let write = Write::new("DELETE $view WHERE user = $me")
            .bind(("view", rid("saved_view", id)))
            .bind(("me", rid("user", &cx.actor.id)));
        db::write(&cx.db, &write).await?;
        Ok(())
    }
}
