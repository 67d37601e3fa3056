//! A searchable list of records (companies, contacts): the heading with its New button,
//! the filter box, and one row per record. What differs per kind — what it loads and what
//! each row says under its name — is passed in.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;
use crate::export::Format;
use crate::export::views::ExportMenu;
use crate::i18n::{Key, t};
use crate::ui::icons::Icon;
use crate::ui::parts::{ErrorNote, Loading, settled};

/// One row: where it leads, the record's name, and the details shown under it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListRow {
    pub href: String,
    pub title: String,
    pub details: Vec<Option<String>>,
}

#[component]
pub fn RecordList<F, Fut>(
    heading: Key,
    new_href: &'static str,
    new_label: Key,
    filter_label: Key,
    /// The export's name (`/export/{export}.csv`) and what its hint says the file holds.
    export: (&'static str, Key),
    /// Loads the rows matching the filter.
    load: F,
) -> impl IntoView
where
    F: Fn(String) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<ListRow>, AppError>> + Send + 'static,
{
    let query = RwSignal::new(String::new());
    let rows = Resource::new(
        move || (query.get(), crate::sync::version()),
        move |(query, _)| load(query),
    );
    view! {
        <main class="page">
            <header class="page-head">
                <h1>{t(heading)}</h1>
                <div class="actions">
                    <ExportMenu
                        href=move |format: Format| {
                            format!(
                                "/export/{}.{}?q={}",
                                export.0,
                                format.extension(),
                                crate::text::url_encode(&query.get()),
                            )
                        }
                        hint=export.1
                    />
                    <A href=new_href attr:class="button primary">
                        {Icon::Plus.view()}
                        <span>{t(new_label)}</span>
                    </A>
                </div>
            </header>
            <input
                class="filter"
                type="search"
                aria-label=t(filter_label)
                placeholder=t(filter_label)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <Transition fallback=Loading>
                {settled(rows, move |answer| {
                    match answer {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(Key::NoResults)}</p> }.into_any(),
                        Ok(rows) => {
                            let items = rows
                                .into_iter()
                                .map(|row| {
                                    let sub = row.details.into_iter().flatten().collect::<Vec<_>>().join(t(Key::ListSeparator));
                                    view! {
                                        <li>
                                            <A href=row.href attr:class="row-link">
                                                <span class="row-title" dir="auto">{row.title}</span>
                                                <span class="row-sub muted">{sub}</span>
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view();
                            view! { <ul class="rows">{items}</ul> }.into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
