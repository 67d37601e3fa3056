//! The forecast by expected-close month: a chart drawn as SVG on the server (readable before
//! the app starts, and printed), and the same numbers as a table behind a toggle.

use leptos::prelude::*;
use leptos_router::components::A;

use super::super::figures;
use super::super::{Dashboard, ForecastMonth, drill};
use crate::i18n::{Key, Locale, t, use_locale};
use crate::money::Currency;

/// One month in the chart's currency.
struct Bar {
    label: String,
    won: i64,
    weighted: i64,
    best: i64,
}

/// What a month adds up to in `currency`: every currency converted when rates allow it
/// (`true`), or only `currency`'s own amounts.
fn bar(
    locale: Locale,
    month: &ForecastMonth,
    dashboard: &Dashboard,
    currency: Currency,
) -> (Bar, bool) {
    let won: Vec<_> = month.won.iter().map(|s| (s.currency, s.total)).collect();
    let weighted: Vec<_> = figures::open_amounts(&month.open, true).collect();
    let total: Vec<_> = figures::open_amounts(&month.open, false).collect();
    let rates = &dashboard.rates;
    let all = |amounts: &[(Currency, i64)]| {
        amounts
            .iter()
            .map(|(c, a)| figures::convert(*a, *c, currency, rates))
            .sum::<Option<i64>>()
    };
    let own = |amounts: &[(Currency, i64)]| {
        amounts
            .iter()
            .filter(|(c, _)| *c == currency)
            .map(|(_, a)| a)
            .sum::<i64>()
    };
    let (won, weighted, total, whole) = match (all(&won), all(&weighted), all(&total)) {
        (Some(w), Some(p), Some(t)) => (w, p, t, true),
        _ => (own(&won), own(&weighted), own(&total), false),
    };
    let bar = Bar {
        label: locale.month_of(month.month),
        won,
        weighted: won + weighted,
        best: won + total,
    };
    (bar, whole)
}

#[component]
pub fn Forecast(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let currency = dashboard.default_currency;
    let drawn: Vec<(Bar, bool)> = dashboard
        .forecast
        .iter()
        .map(|m| bar(locale, m, &dashboard, currency))
        .collect();
    let whole = drawn.iter().all(|(_, whole)| *whole);
    let foreign = dashboard.forecast.iter().any(|m| {
        m.won.iter().any(|s| s.currency != currency)
            || m.open.iter().any(|o| o.currency != currency)
    });
    let note = foreign.then(|| {
        let text = if whole {
            t(Key::ChartConverted).to_owned()
        } else {
            locale.format(
                Key::ChartOnlyDefault,
                &[("currency", &locale.currency_name(currency))],
            )
        };
        view! { <p class="muted hint">{text}</p> }
    });
    let bars: Vec<Bar> = drawn.into_iter().map(|(b, _)| b).collect();
    let name = locale.format(
        Key::ForecastChart,
        &[("currency", &locale.currency_name(currency))],
    );
    view! {
        <section class="panel dash-wide" aria-labelledby="forecast-h">
            <h2 id="forecast-h">{t(Key::Forecast)}</h2>
            <p class="muted hint">{t(Key::ForecastLead)}</p>
            <ul class="legend">
                <li><span class="swatch won" aria-hidden="true"></span>{t(Key::ForecastWon)}</li>
                <li><span class="swatch weighted" aria-hidden="true"></span>{t(Key::ForecastWeighted)}</li>
                <li><span class="swatch best" aria-hidden="true"></span>{t(Key::ForecastBest)}</li>
            </ul>
            <Chart bars=bars name rtl=locale.dir() == "rtl" />
            {note}
            <details class="chart-table">
                <summary>{t(Key::ShowTable)}</summary>
                <div class="table-scroll">
                    <Table dashboard />
                </div>
            </details>
        </section>
    }
}

/// One month a row, so a year's twelve months read at 360 px as well as a quarter's three:
/// the month's name in a column of its own, its bars as SVG across the rest. Bar lengths
/// are percentages of the row, so they fit any screen; right to left, they grow from the
/// right, as the row's text runs.
#[component]
fn Chart(bars: Vec<Bar>, name: String, rtl: bool) -> impl IntoView {
    let most = bars
        .iter()
        .map(|b| b.best.max(b.weighted))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let rect = move |value: i64, class: &'static str, inset: i64| {
        let width = value.max(0) as f64 / most * 100.0;
        let x = if rtl { 100.0 - width } else { 0.0 };
        view! {
            <rect
                class=class
                x=format!("{x:.2}%")
                y=inset
                width=format!("{width:.2}%")
                height=24 - 2 * inset
                rx="3"
            />
        }
    };
    let rows = bars
        .iter()
        .map(|b| {
            view! {
                <div class="chart-row">
                    <span class="chart-label">{b.label.clone()}</span>
                    <svg class="chart-bars" width="100%" height="24" aria-hidden="true" focusable="false">
                        {rect(b.best, "best", 0)}
                        {rect(b.weighted, "weighted", 3)}
                        {rect(b.won, "won", 6)}
                    </svg>
                </div>
            }
        })
        .collect_view();
    view! { <div class="chart" role="img" aria-label=name>{rows}</div> }
}

#[component]
fn Table(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let list = move |amounts: Vec<(Currency, i64)>| {
        if amounts.is_empty() {
            return locale.number(0);
        }
        amounts
            .into_iter()
            .map(|(c, a)| locale.amount(a, c))
            .collect::<Vec<_>>()
            .join(locale.text(Key::ListSeparator))
    };
    let rows = dashboard
        .forecast
        .iter()
        .map(|m| {
            let won: Vec<_> = m.won.iter().map(|s| (s.currency, s.total)).collect();
            let weighted: Vec<_> = figures::open_amounts(&m.open, true).collect();
            let best: Vec<_> = figures::open_amounts(&m.open, false).collect();
            let href = drill::closing(&dashboard, m).href();
            let name = locale.month_of(m.month);
            view! {
                <tr>
                    <th scope="row"><A href=href>{name}</A></th>
                    <td class="amount">{list(won)}</td>
                    <td class="amount">{list(weighted)}</td>
                    <td class="amount">{list(best)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th scope="col">{t(Key::Month)}</th>
                    <th scope="col">{t(Key::ForecastWon)}</th>
                    <th scope="col">{t(Key::OpenWeighted)}</th>
                    <th scope="col">{t(Key::OpenAll)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
