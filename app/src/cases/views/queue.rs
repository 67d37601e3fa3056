use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::CaseRows;
use crate::cases::{QueueView, load_queue};
use crate::i18n::{Key, t};
use crate::ui::icons::Icon;
use crate::ui::parts::loaded;

/// My cases and Team cases: open cases, breached first, then the nearest deadline.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let view = move || QueueView::from_query(query.with(|q| q.get("view")).as_deref());
    let data = Resource::new(
        move || (view(), crate::sync::version()),
        |(view, _)| load_queue(view),
    );
    let tab = move |which: QueueView, href: &'static str, key: Key| {
        view! {
            // A plain link: the router's would mark both tabs current (one path, two queries).
            <a href=href class="tab" aria-current=move || (view() == which).then_some("page")>
                {t(key)}
            </a>
        }
    };
    view! {
        <main class="page">
            <header class="page-head">
                <div>
                    <h1>{t(Key::Cases)}</h1>
                    <p class="muted">{t(Key::CasesLead)}</p>
                </div>
                <div class="actions">
                    <A href="/cases/new" attr:class="button primary">
                        {Icon::Plus.view()}
                        <span>{t(Key::NewCase)}</span>
                    </A>
                </div>
            </header>
            <nav class="tabs" aria-label=t(Key::Cases)>
                {tab(QueueView::Mine, "/cases", Key::MyCases)}
                {tab(QueueView::Team, "/cases?view=team", Key::TeamCases)}
            </nav>
            {loaded(data, |queue| {
                let zone = queue.zone;
                if queue.cases.is_empty() {
                    view! { <p class="empty">{t(Key::NoOpenCases)}</p> }.into_any()
                } else {
                    view! { <CaseRows cases=queue.cases zone /> }.into_any()
                }
            })}
        </main>
    }
}
