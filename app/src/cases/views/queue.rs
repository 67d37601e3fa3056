use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::CaseRows;
use crate::cases::{CaseFilter, QueueView, Status, load_queue};
use crate::export::Format;
use crate::export::views::ExportMenu;
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;
use crate::ui::parts::loaded;

/// My cases and Team cases: open cases, breached first, then the nearest deadline. A service
/// figure opens it narrowed to a status, an assignee or a category.
#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let location = leptos_router::hooks::use_location();
    let view = move || QueueView::from_query(query.with(|q| q.get("view")).as_deref());
    let filter = move || {
        query.with(|q| CaseFilter {
            status: q.get("status").and_then(|s| Status::from_code(&s)),
            owner: q
                .get("owner")
                .filter(|o| crate::ids::is_valid_id(o))
                .map(Into::into),
            category: q.get("category").filter(|c| !c.is_empty()),
        })
    };
    let data = Resource::new(
        move || (view(), filter(), crate::sync::version()),
        |(view, filter, _)| load_queue(view, filter),
    );
    let tab = move |which: QueueView, href: &'static str, key: Key| {
        view! {
            // A plain link: the router's would mark both tabs current (one path, two queries).
            <a href=href class="tab" aria-current=move || (view() == which && filter().is_empty()).then_some("page")>
                {t(key)}
            </a>
        }
    };
    let runs_a_team =
        use_context::<crate::auth::Actor>().is_some_and(|a| a.role != crate::auth::Role::Rep);
    let narrowed = move || {
        let filter = filter();
        (!filter.is_empty()).then(|| {
            let locale = use_locale();
            let mut what = Vec::new();
            if let Some(s) = filter.status {
                what.push(locale.text(s.label()).to_owned());
            }
            if let Some(c) = filter.category.clone() {
                what.push(c);
            }
            let text = crate::fill!(locale, Key::FilteredCases, what = &what.join(locale.text(Key::ListSeparator)));
            view! {
                <p class="notice" role="status">{text} " " <a href="/cases?view=team">{t(Key::ClearFilter)}</a></p>
            }
        })
    };
    view! {
        <main class="page">
            <header class="page-head">
                <div>
                    <h1>{t(Key::Cases)}</h1>
                    <p class="muted">{t(Key::CasesLead)}</p>
                </div>
                <div class="actions">
                    <ExportMenu
                        href=move |format: Format| {
                            format!("/export/cases.{}?{}", format.extension(), location.search.get())
                        }
                        hint=Key::ExportCasesHint
                    />
                    {runs_a_team.then(|| view! { <A href="/cases/figures" attr:class="button">{t(Key::ServiceFigures)}</A> })}
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
            {narrowed}
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
