//! Counts drawn as bars: the funnel, lost reasons and new deals by source. Each bar is a
//! list item with its label and number in text, so the list is its own text alternative;
//! the bars are drawn with logical sizes and so grow from the right in Persian.

use leptos::prelude::*;
use leptos_router::components::A;

use super::super::{Counted, Dashboard, drill, figures};
use crate::i18n::{Key, t, use_locale};

/// One bar: `label`, `count` of `most`, and a line under it.
fn bar(
    label: String,
    href: String,
    count: i64,
    most: i64,
    note: Option<String>,
) -> impl IntoView + use<> {
    let share = if most > 0 {
        count as f64 * 100.0 / most as f64
    } else {
        0.0
    };
    view! {
        <li class="bar-row">
            <A href=href attr:class="bar-label">{label}</A>
            <span class="bar-count">{use_locale().number(count)}</span>
            <span class="bar-track" aria-hidden="true">
                <span class="bar-fill" style:inline-size=format!("{share:.1}%")></span>
            </span>
            {note.map(|n| view! { <span class="bar-note muted">{n}</span> })}
        </li>
    }
}

fn empty() -> impl IntoView {
    view! { <p class="muted">{t(Key::NothingInPeriod)}</p> }
}

#[component]
pub fn Funnel(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let conversions = figures::conversions(&dashboard.funnel);
    let most = dashboard
        .funnel
        .iter()
        .map(|s| s.entered)
        .max()
        .unwrap_or(0);
    let rows = dashboard
        .funnel
        .iter()
        .zip(conversions)
        .map(|(step, to_next)| {
            let note = to_next.map(|n| locale.format(Key::ToNext, &[("n", &locale.number(n))]));
            let href = drill::entered(&dashboard, &step.stage.id).href();
            bar(
                locale.stage_name(&step.stage.name),
                href,
                step.entered,
                most,
                note,
            )
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="funnel-h">
            <h2 id="funnel-h">{t(Key::Funnel)}</h2>
            <p class="muted hint">{t(Key::FunnelLead)}</p>
            {if most == 0 {
                empty().into_any()
            } else {
                view! { <ol class="bars funnel" aria-labelledby="funnel-h">{rows}</ol> }.into_any()
            }}
        </section>
    }
}

/// Bars of `(label, link, count)`.
fn counted_list(id: &'static str, title: Key, rows: Vec<(String, String, i64)>) -> impl IntoView {
    let most = rows.iter().map(|r| r.2).max().unwrap_or(0);
    let empty_list = rows.is_empty();
    let items = rows
        .into_iter()
        .map(|(label, href, count)| bar(label, href, count, most, None))
        .collect_view();
    view! {
        <section class="panel" aria-labelledby=id>
            <h2 id=id>{t(title)}</h2>
            {if empty_list {
                empty().into_any()
            } else {
                view! { <ul class="bars" aria-labelledby=id>{items}</ul> }.into_any()
            }}
        </section>
    }
}

fn rows_of(
    counted: &[Counted],
    name: impl Fn(Option<&str>) -> String,
    link: impl Fn(&str) -> String,
) -> Vec<(String, String, i64)> {
    counted
        .iter()
        .map(|r| {
            let label = r.label.as_deref();
            (name(label), link(label.unwrap_or_default()), r.count)
        })
        .collect()
}

#[component]
pub fn LostReasons(dashboard: Dashboard) -> impl IntoView {
    let rows = rows_of(
        &dashboard.lost_reasons,
        |label| label.map_or_else(|| t(Key::NoReason).to_owned(), str::to_owned),
        |reason| drill::lost(&dashboard, Some(reason)).href(),
    );
    counted_list("lost-h", Key::LostReasons, rows)
}

#[component]
pub fn Sources(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let rows = rows_of(
        &dashboard.sources,
        move |label| {
            label.map_or_else(
                || t(Key::NoSource).to_owned(),
                |code| crate::deals::source::name(locale, code),
            )
        },
        |source| drill::created(&dashboard, Some(source)).href(),
    );
    counted_list("sources-h", Key::NewBySource, rows)
}

/// Stalled deals the Dashboard lists; Today lists more, for the one who must act on them.
const STALLED_ON_DASHBOARD: usize = 5;

/// Open deals nobody has touched for longer than their stage allows, whatever the period.
#[component]
pub fn Stalled(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let all = crate::deals::table::TableQuery {
        stalled: true,
        ..drill::open(&dashboard)
    }
    .href();
    let count = dashboard.stalled_count;
    view! {
        <section class="panel" aria-labelledby="stalled-h">
            <h2 id="stalled-h">
                {t(Key::Stalled)}" "
                <A href=all.clone() attr:class="count-link">{locale.number(count)}</A>
            </h2>
            <p class="muted hint">{t(Key::StalledLead)}</p>
            {if dashboard.stalled.is_empty() {
                view! { <p class="muted">{t(Key::NoStalled)}</p> }.into_any()
            } else {
                // The longest untouched; the table holds the rest.
                let shown: Vec<_> = dashboard.stalled.into_iter().take(STALLED_ON_DASHBOARD).collect();
                view! {
                    <crate::deals::views::rows::StalledRows deals=shown />
                    <A href=all attr:class="more-link">{locale.count(Key::AllStalled, count)}</A>
                }
                .into_any()
            }}
        </section>
    }
}
