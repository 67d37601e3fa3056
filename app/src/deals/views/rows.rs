//! Deals listed under a company or a contact, and stalled deals on Today: title and amount,
//! each opening the deal.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::deals::DealCard;
use crate::i18n::{Key, t, use_locale};

#[component]
pub fn DealRows(deals: Vec<DealCard>) -> impl IntoView {
    let locale = use_locale();
    let rows = deals
        .into_iter()
        .map(|d| {
            let mark = d
                .stalled
                .then(|| view! { <StalledMark touched_at=d.touched_at.clone() /> });
            view! {
                <li><A href=format!("/deals/{}", d.id) attr:class="row-link">
                    <span class="row-title" dir="auto">{d.title}</span>
                    <span class="row-sub">{locale.amount(d.value, d.currency)} {mark}</span>
                </A></li>
            }
        })
        .collect_view();
    view! { <ul class="rows">{rows}</ul> }
}

/// Stalled deals, with whose they are and since when nobody touched them.
#[component]
pub fn StalledRows(deals: Vec<DealCard>) -> impl IntoView {
    let locale = use_locale();
    let rows = deals
        .into_iter()
        .map(|d| {
            let since = d
                .touched_at
                .as_deref()
                .and_then(|at| at.get(..10))
                .map(|day| {
                    let text = crate::fill!(locale, Key::UntouchedSince, date = &locale.date(day));
                    view! { <time datetime=day.to_owned()>{text}</time> }
                });
            let separator = locale.text(Key::ListSeparator);
            view! {
                <li><A href=format!("/deals/{}", d.id) attr:class="row-link">
                    <span class="row-title" dir="auto">{d.title}</span>
                    <span class="row-sub">
                        <bdi>{d.owner_name}</bdi>{separator}
                        {locale.amount(d.value, d.currency)}{separator}
                        {since}
                    </span>
                </A></li>
            }
        })
        .collect_view();
    view! { <ul class="rows">{rows}</ul> }
}

/// The mark a stalled deal carries wherever it is listed.
#[component]
pub fn StalledMark(touched_at: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let title = touched_at
        .as_deref()
        .and_then(|at| at.get(..10))
        .map(|day| crate::fill!(locale, Key::UntouchedSince, date = &locale.date(day)));
    view! { <span class="stalled-mark" title=title>{t(Key::Stalled)}</span> }
}
