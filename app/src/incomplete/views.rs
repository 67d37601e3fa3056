//! **Incomplete records**: one line per check with its count, each opening the list of the
//! records it found.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{Check, Report, load_report};
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::loaded;

#[component]
pub fn IncompletePage() -> impl IntoView {
    let query = use_query_map();
    let open =
        Memo::new(move |_| query.with(|q| q.get("check").and_then(|c| Check::from_code(&c))));
    let data = Resource::new(crate::sync::version, |_| load_report());
    view! {
        <main class="page narrow">
            <h1>{t(Key::IncompleteTitle)}</h1>
            <p class="muted">{t(Key::IncompleteLead)}</p>
            {loaded(data, move |report| view! { <Checks report open /> })}
        </main>
    }
}

#[component]
fn Checks(report: Report, open: Memo<Option<Check>>) -> impl IntoView {
    let locale = use_locale();
    if report.total() == 0 {
        return view! { <p class="empty">{t(Key::IncAllGood)}</p> }.into_any();
    }
    report
        .checks
        .into_iter()
        .map(|(check, count, lines)| {
            let title = locale.count(check.label(), count as i64);
            let href = format!("/data/incomplete?check={}", check.code());
            let list = move || {
                (open.get() == Some(check) && count > 0).then(|| {
                    let rows = lines
                        .clone()
                        .into_iter()
                        .map(|line| {
                            view! {
                                <li><A href=line.table.href(&line.id) attr:class="row-link">
                                    <span class="row-title" dir="auto">{line.title}</span>
                                    <span class="row-sub muted" dir="auto">{line.detail.unwrap_or_default()}</span>
                                </A></li>
                            }
                        })
                        .collect_view();
                    view! { <ul class="rows">{rows}</ul> }
                })
            };
            view! {
                <section class="panel incomplete" data-check=check.code()>
                    <A href=href attr:class="incomplete-line" attr:aria-current=move || (open.get() == Some(check)).then_some("true")>
                        <span>{title}</span>
                    </A>
                    {list}
                </section>
            }
        })
        .collect_view()
        .into_any()
}

/// On the Dashboard: how many records miss something, a tap from the report. Worked out on
/// the device's copy after the page, never by the server while it draws the Dashboard (for an
/// admin that would read every record).
#[component]
pub fn IncompleteAlert() -> impl IntoView {
    let locale = use_locale();
    let total = RwSignal::new(0usize);
    Effect::new(move |_| {
        crate::sync::version();
        leptos::task::spawn_local(async move {
            let today = crate::calendar::device_today();
            let report = crate::sync::offline(move |r| Ok(super::report(r, &today))).await;
            total.set(report.map(|r| r.total()).unwrap_or(0));
        });
    });
    move || {
        let total = total.get();
        (total > 0).then(|| view! {
            <p class="incomplete-alert" role="status">
                <A href="/data/incomplete">{locale.count(Key::IncompleteCount, total as i64)}</A>
            </p>
        })
    }
}
