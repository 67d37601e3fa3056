//! The page of a record merged into another: instead of "not found", where it went. A link
//! kept from before the merge (a bookmark, a message, a device's open page) still leads on.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{Key, use_locale};
use crate::kinds::Table;
use crate::ui::parts::ErrorNote;

/// The record a merged-away one was merged into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Survivor {
    pub id: String,
    pub name: String,
}

/// Where record `id` of `table` went, if a merge took it and this user may see both.
#[server(endpoint = "merge/survivor", input = Json)]
pub async fn load_survivor(table: Table, id: String) -> Result<Option<Survivor>, AppError> {
    crate::server::respond(async move {
        super::ssr::survivor(&crate::server::cx().await?, table, &id).await
    })
    .await
}

/// A record page's error: for a record that is not there, where a merge took it, if one did.
/// Asked only in the browser, after the page (as a record's history is), so the server's
/// page and the first hydration pass agree.
#[component]
pub fn Gone(table: Table, id: String, error: AppError) -> impl IntoView {
    if error != AppError::NotFound || !super::KINDS.contains(&table) {
        return view! { <ErrorNote error /> }.into_any();
    }
    let locale = use_locale();
    let id = StoredValue::new(id);
    let found = RwSignal::new(None::<Option<Survivor>>);
    Effect::new(move |_| {
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            found.set(Some(load_survivor(table, id).await.ok().flatten()));
        });
    });
    (move || match found.get() {
        None => view! { <crate::ui::parts::Loading /> }.into_any(),
        Some(Some(survivor)) => {
            let note = crate::fill!(
                locale,
                Key::MergedAwayNote,
                name = locale.isolate(&survivor.name)
            );
            let open = crate::fill!(locale, Key::MergeOpen, name = &survivor.name);
            view! {
                <div class="card merge-made" role="status">
                    <p>{note}</p>
                    <div class="actions">
                        <A href=table.href(&survivor.id) attr:class="button">{open}</A>
                    </div>
                </div>
            }
            .into_any()
        }
        Some(None) => view! { <ErrorNote error=AppError::NotFound /> }.into_any(),
    })
    .into_any()
}
