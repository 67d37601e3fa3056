//! How a case's promises read: a badge with the state, the deadline in the organisation's
//! time (the same on every device), and the working time left or over.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::cases::CaseCard;
use crate::cases::sla::{Clock, SlaState};
use crate::dashboard::offsets::Offsets;
use crate::i18n::{Key, Locale, t, use_locale};

/// The deadline `unix` as the organisation's clock reads it: "5 Dec 2026 14:00".
pub fn deadline(locale: Locale, zone: &Offsets, unix: i64) -> String {
    let local = unix + i64::from(zone.offset_at(unix));
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp(local) else {
        return String::new();
    };
    let hh_mm = format!("{:02}:{:02}", at.hour(), at.minute());
    format!(
        "{} {}",
        locale.date(&crate::calendar::iso(at.date())),
        locale.time(&hh_mm)
    )
}

/// Working seconds as "3 h 20 min".
pub fn working(locale: Locale, seconds: i64) -> String {
    let minutes = seconds.abs() / 60;
    crate::fill!(
        locale,
        Key::WorkingHoursMinutes,
        hours = &locale.number(minutes / 60),
        minutes = &locale.number(minutes % 60)
    )
}

/// What a clock says under its badge.
pub fn detail(locale: Locale, zone: &Offsets, clock: &Clock) -> String {
    let left = clock.left();
    if clock.done_at.is_some() {
        return String::new();
    }
    let separator = locale.text(Key::ListSeparator);
    if clock.paused && left > 0 {
        return format!(
            "{}{separator}{}",
            locale.text(Key::Paused),
            crate::fill!(locale, Key::TimeLeft, time = &working(locale, left))
        );
    }
    let due = clock
        .due
        .map(|d| crate::fill!(locale, Key::DueAt, when = &deadline(locale, zone, d)))
        .unwrap_or_default();
    let time = if left > 0 {
        crate::fill!(locale, Key::TimeLeft, time = &working(locale, left))
    } else {
        crate::fill!(locale, Key::TimeOver, time = &working(locale, left))
    };
    format!("{due}{separator}{time}")
}

#[component]
pub fn SlaBadge(state: SlaState) -> impl IntoView {
    view! { <span class="sla-badge" data-sla=state.code()>{t(state.label())}</span> }
}

/// Cases as a queue or a customer's page lists them.
#[component]
pub fn CaseRows(cases: Vec<CaseCard>, zone: Offsets) -> impl IntoView {
    let locale = use_locale();
    if cases.is_empty() {
        return view! { <p class="muted">{t(Key::NoCases)}</p> }.into_any();
    }
    let rows = cases
        .into_iter()
        .map(|c| {
            let clock = c.clocks.map(|k| *k.current());
            let badge = clock
                .filter(|_| !c.status.is_done())
                .map(|k| view! { <SlaBadge state=k.state /> });
            let detail = clock
                .filter(|_| !c.status.is_done())
                .map(|k| detail(locale, &zone, &k))
                .unwrap_or_default();
            let reference = c
                .reference
                .clone()
                .unwrap_or_else(|| locale.text(Key::ReferencePending).to_owned());
            let customer = c.customer().map(str::to_owned).unwrap_or_default();
            let separator = locale.text(Key::ListSeparator);
            view! {
                <li class="case-row" data-status=c.status.code()>
                    <A href=format!("/cases/{}", c.id) attr:class="row-link">
                        <span class="row-title" dir="auto">{c.subject.clone()}</span>
                        <span class="row-sub muted">
                            <bdi>{reference}</bdi>
                            {separator} {t(c.status.label())}
                            {separator} {t(c.priority.label())}
                            {(!customer.is_empty()).then(|| view! { {separator} <bdi>{customer}</bdi> })}
                        </span>
                        <span class="case-clock">{badge} <span class="muted">{detail}</span></span>
                    </A>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="rows cases">{rows}</ul> }.into_any()
}

/// A coded value's choices for a select: its code and its label.
pub fn options<T: Copy>(
    all: &[T],
    pair: impl Fn(T) -> (&'static str, Key),
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| {
            let (code, label) = pair(*v);
            (code.to_owned(), t(label).to_owned())
        })
        .collect()
}

/// A company's or contact's cases, open first, with a link to log another: two taps from the
/// customer's page, also offline.
#[component]
pub fn CustomerCases(
    table: crate::kinds::Table,
    id: String,
    /// A contact's company, logged with the case too.
    #[prop(optional)]
    company: Option<String>,
) -> impl IntoView {
    // Loaded in the browser after the page, as its history is: a resource made inside the
    // page's own answer broke hydration.
    let key = StoredValue::new(id.clone());
    let state = RwSignal::new(None::<Result<crate::cases::CustomerCases, crate::error::AppError>>);
    Effect::new(move |_| {
        crate::sync::version();
        let id = key.get_value();
        leptos::task::spawn_local(async move {
            state.set(Some(crate::cases::load_customer_cases(table, id).await));
        });
    });
    let link = match table {
        crate::kinds::Table::Company => "company",
        _ => "contact",
    };
    view! {
        <section class="panel">
            <header class="panel-head">
                <h2>{t(Key::Cases)}</h2>
                <A href=format!("/cases/new?{link}={id}{}", company.map(|c| format!("&company={c}")).unwrap_or_default()) attr:class="button small">
                    {crate::ui::icons::Icon::Plus.view()}
                    <span>{t(Key::LogCase)}</span>
                </A>
            </header>
            {move || match state.get() {
                None => view! { <crate::ui::parts::Loading /> }.into_any(),
                Some(Ok(found)) => view! { <CaseRows cases=found.cases zone=found.zone /> }.into_any(),
                Some(Err(error)) => view! { <crate::ui::parts::ErrorNote error /> }.into_any(),
            }}
        </section>
    }
}

/// A manager's alert: open cases of their team past a deadline, a tap from the queue. Read
/// from the device's copy when it holds it, so it shows at once and offline.
#[component]
pub fn BreachAlert() -> impl IntoView {
    let data = Resource::new(crate::sync::version, |_| {
        crate::cases::load_queue(crate::cases::QueueView::Team, Default::default())
    });
    let locale = use_locale();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let breached = data
                    .await
                    .map(|q| {
                        q.cases
                            .iter()
                            .filter(|c| c.clocks.is_some_and(|k| k.current().state == SlaState::Breached))
                            .count() as i64
                    })
                    .unwrap_or(0);
                (breached > 0).then(|| view! {
                    <p class="breach-alert" role="status">
                        <A href="/cases?view=team">{locale.count(Key::CasesBreached, breached)}</A>
                    </p>
                })
            })}
        </Suspense>
    }
}
