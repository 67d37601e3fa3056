//! Won against target, per team (admins) and per rep (their manager, or an admin), with the
//! target settable right there for a month or a quarter.

use leptos::prelude::*;

use super::super::Dashboard;
use super::super::targets::{Attainment, set_target};
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::ErrorNote;

/// Tells the dashboard to load again after a target changed.
#[derive(Clone, Copy)]
pub struct Refresh(pub RwSignal<u32>);

#[component]
pub fn Targets(dashboard: Dashboard) -> impl IntoView {
    if dashboard.targets.is_empty() {
        return ().into_any();
    }
    let rows = dashboard
        .targets
        .iter()
        .cloned()
        .map(|row| view! { <Row row dashboard=dashboard.clone() /> })
        .collect_view();
    let lead = if dashboard.targets_settable {
        Key::TargetsLead
    } else {
        Key::TargetsLeadFixed
    };
    view! {
        <section class="panel dash-wide" aria-labelledby="targets-h">
            <h2 id="targets-h">{t(Key::Targets)}</h2>
            <p class="muted hint">{t(lead)}</p>
            <ul class="targets">{rows}</ul>
        </section>
    }
    .into_any()
}

#[component]
fn Row(row: Attainment, dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let default = dashboard.default_currency;
    let won = match row.won_total(default, &dashboard.rates) {
        Some(total) => locale.amount(total, default),
        None => row
            .won
            .iter()
            .map(|s| locale.amount(s.total, s.currency))
            .collect::<Vec<_>>()
            .join(locale.text(Key::ListSeparator)),
    };
    let percent = row.percent(default, &dashboard.rates);
    let summary = match row.target {
        Some(target) => crate::fill!(
            locale,
            Key::WonOfTarget,
            won = &won,
            target = &locale.amount(target, default)
        ),
        None => crate::fill!(locale, Key::WonNoTarget, won = &won),
    };
    let bar = percent.map(|p| {
        let width = format!("{}%", p.clamp(0, 100));
        view! {
            <span class="bar-count">{locale.percent(p)}</span>
            <span class="bar-track" aria-hidden="true"><span class="bar-fill" style:inline-size=width></span></span>
        }
    });
    let team = (row.whose == super::super::targets::Whose::Team)
        .then(|| view! { <span class="status-chip">{t(Key::Team)}</span> });
    let form = (dashboard.targets_settable && row.settable)
        .then(|| view! { <TargetForm row=row.clone() dashboard=dashboard.clone() /> });
    view! {
        <li class="target-row">
            <div class="bar-row">
                <span class="bar-label"><bdi>{row.name.clone()}</bdi>" "{team}</span>
                {bar}
                <span class="bar-note muted">{summary}</span>
            </div>
            {form}
        </li>
    }
}

#[component]
fn TargetForm(row: Attainment, dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let refresh = use_context::<Refresh>();
    let typed = RwSignal::new(
        row.target
            .map(|t| crate::money::amount_input(t, dashboard.default_currency))
            .unwrap_or_default(),
    );
    let failure = RwSignal::new(None::<AppError>);
    let period = dashboard.filters.period.clone();
    let calendar = dashboard.calendar;
    let whose = row.whose;
    let id = row.id.to_string();
    let save = Action::new(move |amount: &String| {
        set_target(period.clone(), calendar, whose, id.clone(), amount.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            if let Some(Refresh(n)) = refresh {
                n.update(|n| *n += 1);
            }
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let label = crate::fill!(locale, Key::TargetFor, name = &row.name);
    let input_id = format!("target-{}", row.id);
    view! {
        <form class="target-form" on:submit=move |ev| {
            ev.prevent_default();
            failure.set(None);
            save.dispatch(typed.get());
        }>
            <label class="visually-hidden" for=input_id.clone()>{label}</label>
            <input id=input_id inputmode="decimal" class="filter" placeholder=t(Key::TargetPlaceholder)
                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
            <button class="button small" type="submit" disabled=move || save.pending().get()>{t(Key::SetTarget)}</button>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
        </form>
    }
}
