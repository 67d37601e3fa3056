//! Deals listed under a company or a contact: title and amount, each opening the deal.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::deals::DealCard;
use crate::i18n::use_locale;

#[component]
pub fn DealRows(deals: Vec<DealCard>) -> impl IntoView {
    let locale = use_locale();
    let rows = deals
        .into_iter()
        .map(|d| {
            view! {
                <li><A href=format!("/deals/{}", d.id) attr:class="row-link">
                    <span class="row-title" dir="auto">{d.title}</span>
                    <span class="row-sub">{locale.amount(d.value, d.currency)}</span>
                </A></li>
            }
        })
        .collect_view();
    view! { <ul class="rows">{rows}</ul> }
}
