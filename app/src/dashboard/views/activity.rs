//! Who is busy and who is not: each person's activities per week by type, and how many of
//! theirs are overdue.

use leptos::prelude::*;

use super::super::Dashboard;
use crate::activities::ActivityKind;
use crate::i18n::{Key, Locale, t, use_locale};

/// One decimal, as the language writes it: "2.5", "۲٫۵".
fn per_week(locale: Locale, count: i64, days: i64) -> String {
    let value = format!("{:.1}", count as f64 * 7.0 / days.max(1) as f64);
    match locale {
        Locale::En => value,
        Locale::Fa => locale.digits(&value.replace('.', "\u{066B}")),
    }
}

#[component]
pub fn TeamActivity(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let days = match (
        crate::calendar::parse_iso(&dashboard.start),
        crate::calendar::parse_iso(&dashboard.end),
    ) {
        (Some(start), Some(end)) => (end - start).whole_days(),
        _ => 7,
    };
    let heads = ActivityKind::ALL
        .iter()
        .map(|k| view! { <th scope="col">{t(k.label())}</th> })
        .collect_view();
    let rows = dashboard
        .activity
        .iter()
        .map(|rep| {
            let cells = ActivityKind::ALL
                .iter()
                .map(|k| view! { <td class="amount">{per_week(locale, rep.count(*k), days)}</td> })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{rep.name.clone()}</th>
                    {cells}
                    <td class="amount" data-overdue=(rep.overdue > 0).to_string()>
                        {locale.number(rep.overdue)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel dash-wide" aria-labelledby="activity-h">
            <h2 id="activity-h">{t(Key::TeamActivity)}</h2>
            <p class="muted hint">{t(Key::TeamActivityLead)}</p>
            {if dashboard.activity.is_empty() {
                view! { <p class="muted">{t(Key::NothingInPeriod)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="data" aria-labelledby="activity-h">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Key::Person)}</th>
                                    {heads}
                                    <th scope="col">{t(Key::Overdue)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
