use leptos::prelude::*;
use leptos_router::components::A;

use crate::companies::load_companies;
use crate::i18n::{Key, t};
use crate::ui::icons::Icon;
use crate::ui::parts::{ErrorNote, Loading};

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let query = RwSignal::new(String::new());
    let companies = Resource::new(
        move || (query.get(), crate::sync::version()),
        |(query, _)| load_companies(query),
    );
    view! {
        <main class="page">
            <header class="page-head">
                <h1>{t(Key::Companies)}</h1>
                <A href="/companies/new" attr:class="button primary">
                    {Icon::Plus.view()}
                    <span>{t(Key::NewCompany)}</span>
                </A>
            </header>
            <input
                class="filter"
                type="search"
                aria-label=t(Key::FilterCompanies)
                placeholder=t(Key::FilterCompanies)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match companies.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(Key::NoResults)}</p> }.into_any(),
                        Ok(rows) => {
                            let items = rows
                                .into_iter()
                                .map(|c| {
                                    let sub = [c.industry.clone(), c.phone.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                                    view! {
                                        <li>
                                            <A href=format!("/companies/{}", c.id) attr:class="row-link">
                                                <span class="row-title" dir="auto">{c.name.clone()}</span>
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
