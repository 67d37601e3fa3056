//! The **Search** page: results from the device's copy as the user types, then the
//! server's added when it can be reached.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::index::{Entry, entries, find};
use super::{Found, MIN_CHARS, search_server};
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::kinds::Table;

thread_local! {
    /// The index of the device's copy, for the copy's version it was built from.
    static INDEX: RefCell<Option<(u64, Rc<Vec<Entry>>)>> = const { RefCell::new(None) };
}

/// The device's results for `query`, from an index built once per change of its copy.
async fn on_device(query: String) -> Result<Found, AppError> {
    crate::sync::offline(move |replica| {
        let version = crate::sync::version();
        let index = INDEX.with(|cell| {
            let mut cell = cell.borrow_mut();
            match cell.as_ref() {
                Some((built, index)) if *built == version => index.clone(),
                _ => {
                    let index = Rc::new(entries(replica));
                    *cell = Some((version, index.clone()));
                    index
                }
            }
        });
        Ok(find(&index, &query))
    })
    .await
}

fn heading(table: Table) -> Key {
    match table {
        Table::Company => Key::Companies,
        Table::Contact => Key::Contacts,
        Table::Deal => Key::Deals,
        Table::Activity => Key::Activities,
        Table::Case => Key::Cases,
    }
}

/// Keeps the query in the address (without a navigation), so Back returns to the results.
fn remember(query: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let encoded: String = js_sys::encode_uri_component(query).into();
        let url = if query.is_empty() {
            "/search".to_owned()
        } else {
            format!("/search?q={encoded}")
        };
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = query;
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Idle,
    TooShort,
    Found { found: Found, offline: bool },
    Failed(AppError),
}

/// What is typed in the **Search** box of the top bar; the Search page shows its results.
#[derive(Clone, Copy)]
pub struct SearchQuery(pub RwSignal<String>);

impl SearchQuery {
    pub fn provide() {
        provide_context(SearchQuery(RwSignal::new(String::new())));
    }
}

/// The one **Search** box, in the top bar on a phone and atop the side bar on a desktop:
/// typing in it opens the Search page, which follows it as it changes.
#[component]
pub fn SearchBox() -> impl IntoView {
    let SearchQuery(query) = expect_context::<SearchQuery>();
    let navigate = leptos_router::hooks::use_navigate();
    let location = leptos_router::hooks::use_location();
    let input = NodeRef::<leptos::html::Input>::new();
    let open = move || {
        if location.pathname.get_untracked() != "/search" {
            navigate("/search", Default::default());
        }
    };
    search_key(input);
    let submit = open.clone();
    view! {
        <form class="search-box" role="search" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            {crate::ui::icons::Icon::Search.view()}
            <input
                type="search"
                node_ref=input
                aria-label=t(Key::Search)
                placeholder=t(Key::Search)
                enterkeyhint="search"
                autocomplete="off"
                maxlength="200"
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    open();
                }
            />
        </form>
    }
}

/// `/` puts the cursor in the Search box from anywhere but a field being typed in.
fn search_key(input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.key() != "/" || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.has_attribute("contenteditable")
                });
            if let (false, Some(input)) = (typing, input.get_untracked()) {
                ev.prevent_default();
                let _ = input.focus();
                input.select();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = input;
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let locale = use_locale();
    let SearchQuery(query) = expect_context::<SearchQuery>();
    // Opened from an address (Back, a bookmark): the box takes the address's query.
    let initial =
        leptos_router::hooks::use_query_map().with_untracked(|q| q.get("q").unwrap_or_default());
    if !initial.is_empty() && query.get_untracked().is_empty() {
        query.set(initial);
    }
    let state = RwSignal::new(State::Idle);
    // Each search has a number: an answer to an older one that arrives late is dropped.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let text = query.get();
        let n = asked.get_value() + 1;
        asked.set_value(n);
        remember(text.trim());
        if text.trim().is_empty() {
            state.set(State::Idle);
            return;
        }
        if text.trim().chars().count() < MIN_CHARS {
            state.set(State::TooShort);
            return;
        }
        leptos::task::spawn_local(async move {
            let local = on_device(text.clone()).await;
            if asked.get_value() != n {
                return;
            }
            if let Ok(found) = &local {
                state.set(State::Found {
                    found: found.clone(),
                    offline: false,
                });
            }
            // The server only adds to what the device found; typing on is not held up by it.
            #[cfg(feature = "hydrate")]
            gloo_timers::future::TimeoutFuture::new(250).await;
            if asked.get_value() != n {
                return;
            }
            let server = search_server(text).await;
            if asked.get_value() != n {
                return;
            }
            state.set(match (local, server) {
                (Ok(local), Ok(server)) => State::Found {
                    found: local.merged(server),
                    offline: false,
                },
                (Err(_), Ok(server)) => State::Found {
                    found: server,
                    offline: false,
                },
                (Ok(local), Err(AppError::Network)) => State::Found {
                    found: local,
                    offline: true,
                },
                (_, Err(error)) => State::Failed(error),
            });
        });
    });
    let results = move || match state.get() {
        State::Idle => view! { <p class="muted">{t(Key::SearchLead)}</p> }.into_any(),
        State::TooShort => view! { <p class="muted">{t(Key::SearchTooShort)}</p> }.into_any(),
        State::Failed(error) => view! { <crate::ui::parts::ErrorNote error /> }.into_any(),
        State::Found { found, offline } => {
            let note = offline.then(|| view! { <p class="muted">{t(Key::SearchOffline)}</p> });
            if found.is_empty() {
                let text = crate::fill!(locale, Key::SearchNothing, query = &query.get_untracked());
                return view! { {note} <p class="empty">{text}</p> }.into_any();
            }
            let total: usize = found.groups.iter().map(|(_, h)| h.len()).sum();
            let groups = found
                .groups
                .into_iter()
                .map(|(table, hits)| {
                    let rows = hits
                        .into_iter()
                        .map(|hit| {
                            view! {
                                // A plain link (the router still takes its click): dozens
                                // are drawn per keystroke.
                                <li>
                                    <a href=hit.table.href(&hit.id) class="row-link">
                                        <span class="row-title" dir="auto">{hit.title}</span>
                                        <span class="row-sub muted" dir="auto">{hit.detail.unwrap_or_default()}</span>
                                    </a>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <section class="panel search-group" aria-label=t(heading(table))>
                            <h2>{t(heading(table))}</h2>
                            <ul class="rows">{rows}</ul>
                        </section>
                    }
                })
                .collect_view();
            view! {
                {note}
                <p class="muted" role="status">{locale.count(Key::SearchResults, total as i64)}</p>
                {groups}
            }
            .into_any()
        }
    };
    view! {
        <main class="page narrow">
            <h1>{t(Key::Search)}</h1>
            <div class="search-results">{results}</div>
        </main>
    }
}
