//! The Dashboard screen: page-wide filters kept in the URL, then the figures.

mod activity;
mod cards;
mod filters;
mod forecast;
mod lists;
mod targets;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::period::{Calendar, Period};
use super::{Dashboard, Filters};
use crate::error::AppError;
use crate::i18n::{Key, Locale, t, use_locale};
use crate::ui::parts::ErrorNote;

/// Persian readers count in Jalali months and seasons; English readers in Gregorian ones.
pub fn calendar_of(locale: Locale) -> Calendar {
    match locale {
        Locale::En => Calendar::Gregorian,
        Locale::Fa => Calendar::Jalali,
    }
}

/// The filters a URL's query holds.
fn filters_from_query(query: &leptos_router::params::ParamsMap) -> Filters {
    let id = |name: &str| {
        query
            .get(name)
            .filter(|v| crate::ids::is_valid_id(v))
            .map(|v| crate::ids::Id::from(v.as_str()))
    };
    Filters {
        period: Period::from_query(
            query.get("period").as_deref().unwrap_or_default(),
            query.get("from").as_deref(),
            query.get("to").as_deref(),
        ),
        team: id("team"),
        owner: id("owner"),
    }
}

/// The URL of the dashboard with `filters`: what the page navigates to when one changes,
/// and what a manager copies to share a view.
pub fn href(filters: &Filters) -> String {
    let mut query = vec![format!("period={}", filters.period.code())];
    if let Period::Custom { from, to } = &filters.period {
        query.push(format!("from={}", crate::calendar::iso(*from)));
        query.push(format!("to={}", crate::calendar::iso(*to)));
    }
    if let Some(team) = &filters.team {
        query.push(format!("team={team}"));
    }
    if let Some(owner) = &filters.owner {
        query.push(format!("owner={owner}"));
    }
    format!("/dashboard?{}", query.join("&"))
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(filters_from_query));
    let calendar = calendar_of(locale);
    let refresh = RwSignal::new(0_u32);
    provide_context(targets::Refresh(refresh));
    let data = Resource::new(
        move || (filters.get(), refresh.get()),
        move |(filters, _)| super::load(filters, calendar),
    );
    // In the browser, after the page shows: what the device needs to work the figures out
    // when the network is gone.
    Effect::new(move |_| leptos::task::spawn_local(super::refresh_basis()));
    view! {
        <main class="page wide dashboard">
            <div class="page-head">
                <h1>{t(Key::DashboardTitle)}</h1>
            </div>
            <crate::cases::views::BreachAlert />
            <crate::incomplete::views::IncompleteAlert />
            <Transition fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(dashboard) => view! { <Figures dashboard /> }.into_any(),
                        Err(AppError::Network) => view! {
                            <p class="panel" role="status">{t(Key::DashboardOffline)}</p>
                        }.into_any(),
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn Figures(dashboard: Dashboard) -> impl IntoView {
    let locale = use_locale();
    let last_day = |end: &str| {
        crate::calendar::parse_iso(end)
            .and_then(|d| d.previous_day())
            .map(crate::calendar::iso)
            .unwrap_or_default()
    };
    let range = crate::fill!(
        locale,
        Key::DateRange,
        from = locale.date(&dashboard.start),
        to = locale.date(&last_day(&dashboard.end)),
    );
    let compared = crate::fill!(
        locale,
        Key::ComparedWith,
        from = locale.date(&dashboard.previous_start),
        to = locale.date(&last_day(&dashboard.previous_end)),
    );
    let zone = crate::fill!(locale, Key::FiguresIn, zone = dashboard.time_zone.clone());
    let as_of = dashboard.as_of_ms.map(|ms| {
        view! { <p class="panel offline-note" role="status">{offline_note(locale, ms, (Key::DashboardAsOf, Key::DashboardFromDevice))}</p> }
    });
    view! {
        {as_of}
        <filters::FilterBar dashboard=dashboard.clone() />
        <p class="muted dash-range">
            <strong>{range}</strong>{t(Key::ListSeparator)}{compared}{t(Key::ListSeparator)}{zone}
        </p>
        <cards::Cards dashboard=dashboard.clone() />
        <targets::Targets dashboard=dashboard.clone() />
        <div class="dash-grid">
            <forecast::Forecast dashboard=dashboard.clone() />
            <lists::Funnel dashboard=dashboard.clone() />
            <lists::Stalled dashboard=dashboard.clone() />
            <lists::LostReasons dashboard=dashboard.clone() />
            <lists::Sources dashboard=dashboard.clone() />
            <activity::TeamActivity dashboard />
        </div>
    }
}

/// "Offline: worked out on this device, from its copy as of …".
pub fn offline_note(locale: Locale, ms: f64, (as_of, never): (Key, Key)) -> String {
    if ms <= 0.0 {
        return locale.text(never).to_owned();
    }
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .map(|t| t.to_offset(crate::calendar::device_offset()))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let when = format!(
        "{} {}",
        locale.date(&crate::calendar::iso(at.date())),
        locale.time(&format!("{:02}:{:02}", at.hour(), at.minute()))
    );
    locale.format(as_of, &[("when", when.as_str())])
}
