//! The headline figures, each against the period before.

use leptos::prelude::*;
use leptos_router::components::A;

use super::super::figures::{self, Change};
use super::super::{Dashboard, OpenSum, Sum, drill};
use crate::i18n::{Key, Locale, t, use_locale};

/// A set of amounts as one number to compare: the total in the default currency where
/// rates allow it, or the amount of a single currency; `None` when currencies cannot be
/// added up.
fn comparable(sums: &[Sum], dashboard: &Dashboard) -> Option<i64> {
    match sums {
        [] => Some(0),
        [one] => Some(one.total),
        many => figures::converted_total(
            many.iter().map(|s| (s.currency, s.total)),
            dashboard.default_currency,
            &dashboard.rates,
        ),
    }
}

/// "▲ up 12% on the period before", or the points a rate moved by.
#[component]
fn ChangeNote(change: Option<Change>, #[prop(optional)] points: bool) -> impl IntoView {
    let locale = use_locale();
    let (class, arrow, text) = match change {
        Some(Change::Up(n)) => {
            let key = if points {
                Key::ChangeUpPoints
            } else {
                Key::ChangeUp
            };
            ("up", "▲", locale.format(key, &[("n", &locale.number(n))]))
        }
        Some(Change::Down(n)) => {
            let key = if points {
                Key::ChangeDownPoints
            } else {
                Key::ChangeDown
            };
            ("down", "▼", locale.format(key, &[("n", &locale.number(n))]))
        }
        Some(Change::Same) => ("same", "=", t(Key::ChangeSame).to_owned()),
        None => ("none", "", t(Key::ChangeNone).to_owned()),
    };
    view! {
        <p class="kpi-change" data-trend=class>
            <span aria-hidden="true">{arrow}</span>" "{text}
        </p>
    }
}

fn amounts(locale: Locale, sums: Vec<(crate::money::Currency, i64)>) -> impl IntoView + use<> {
    let lines: Vec<_> = sums
        .into_iter()
        .map(|(currency, total)| view! { <span class="amount">{locale.amount(total, currency)}</span> })
        .collect();
    if lines.is_empty() {
        view! { <span class="amount">{locale.number(0)}</span> }.into_any()
    } else {
        lines.into_any()
    }
}

/// "≈ $40,500 in all, at the organisation's rates", when several currencies were converted.
fn in_default(
    locale: Locale,
    dashboard: &Dashboard,
    sums: Vec<(crate::money::Currency, i64)>,
) -> Option<impl IntoView + use<>> {
    let total = figures::converted_total(sums, dashboard.default_currency, &dashboard.rates)?;
    let amount = locale.amount(total, dashboard.default_currency);
    Some(view! { <p class="kpi-sub">{locale.format(Key::InDefault, &[("amount", &amount)])}</p> })
}

#[component]
pub fn Cards(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let d = &dashboard;
    let won_now = figures::won_count(&d.now);
    let won_change = match (comparable(&d.now.won, d), comparable(&d.before.won, d)) {
        (Some(now), Some(before)) => figures::change(now, before),
        _ => figures::change(won_now, figures::won_count(&d.before)),
    };
    let rate_change = match (figures::win_rate(&d.now), figures::win_rate(&d.before)) {
        (Some(now), Some(before)) if now == before => Some(Change::Same),
        (Some(now), Some(before)) if now > before => Some(Change::Up(now - before)),
        (Some(now), Some(before)) => Some(Change::Down(before - now)),
        _ => None,
    };
    let cycle_change = match (
        figures::sales_cycle_days(&d.now),
        figures::sales_cycle_days(&d.before),
    ) {
        (Some(now), Some(before)) => figures::change(now, before),
        _ => None,
    };
    let size_now = figures::average_size(&d.now.won);
    let size_change = match (
        comparable(&size_now, d),
        comparable(&figures::average_size(&d.before.won), d),
    ) {
        (Some(now), Some(before)) if !size_now.is_empty() => figures::change(now, before),
        _ => None,
    };
    let open_count: i64 = d.open.iter().map(|o| o.count).sum();
    let weighted: Vec<_> = figures::open_amounts(&d.open, true).collect();
    let weighted_text = (!d.open.is_empty()).then(|| {
        let parts: Vec<String> = weighted
            .iter()
            .map(|(c, a)| locale.amount(*a, *c))
            .collect();
        locale.format(
            Key::FigWeighted,
            &[("amount", &parts.join(t(Key::ListSeparator)))],
        )
    });
    let percent =
        |n: Option<i64>| n.map_or_else(|| t(Key::None_).to_owned(), |n| locale.percent(n));
    let days = |n: Option<i64>| {
        n.map_or_else(
            || t(Key::None_).to_owned(),
            |n| locale.count(Key::DaysCount, n),
        )
    };
    let sums = |s: &[Sum]| s.iter().map(|s| (s.currency, s.total)).collect::<Vec<_>>();
    let opens = |o: &[OpenSum]| o.iter().map(|o| (o.currency, o.total)).collect::<Vec<_>>();
    let won_amounts = amounts(locale, sums(&d.now.won));
    let open_amounts = amounts(locale, opens(&d.open));
    let lost_text = format!("{}: {}", t(Key::FigLost), locale.number(d.now.lost));
    let created_text = locale.number(d.now.created);
    view! {
        <section class="kpis" aria-label=t(Key::DashboardTitle)>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigWon)}</h2>
                <A href=drill::won(d).href() attr:class="kpi-value">{won_amounts}</A>
                {in_default(locale, d, sums(&d.now.won))}
                <p class="kpi-sub">{locale.count(Key::DealsCount, won_now)}</p>
                <ChangeNote change=won_change />
            </div>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigOpen)}</h2>
                <A href=drill::open(d).href() attr:class="kpi-value">{open_amounts}</A>
                {in_default(locale, d, opens(&d.open))}
                <p class="kpi-sub">{locale.count(Key::DealsCount, open_count)}</p>
                {weighted_text.map(|w| view! { <p class="kpi-sub">{w}</p> })}
            </div>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigWinRate)}</h2>
                <p class="kpi-value">{percent(figures::win_rate(&d.now))}</p>
                <p class="kpi-sub">
                    <A href=drill::lost(d, None).href()>{lost_text}</A>
                </p>
                <ChangeNote change=rate_change points=true />
            </div>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigCycle)}</h2>
                <p class="kpi-value">{days(figures::sales_cycle_days(&d.now))}</p>
                <ChangeNote change=cycle_change />
            </div>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigDealSize)}</h2>
                <p class="kpi-value">{amounts(locale, sums(&size_now))}</p>
                <ChangeNote change=size_change />
            </div>
            <div class="kpi">
                <h2 class="kpi-label">{t(Key::FigNewDeals)}</h2>
                <A href=drill::created(d, None).href() attr:class="kpi-value">{created_text}</A>
                <ChangeNote change=figures::change(d.now.created, d.before.created) />
            </div>
        </section>
    }
}
