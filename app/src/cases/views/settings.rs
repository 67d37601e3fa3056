//! Settings → Service desk, for admins.

use leptos::prelude::*;

use crate::cases::Priority;
use crate::cases::settings::{ServiceForm, save_service, service_settings_form};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Key, t, use_locale};
use crate::ui::fields::{TextArea, TextField, focus_first_invalid};
use crate::ui::parts::{BackLink, ErrorNote, loaded};

/// Field names, Monday first, as the form's days.
const DAYS: [&str; 7] = ["day0", "day1", "day2", "day3", "day4", "day5", "day6"];
/// Per priority, in [`Priority::ALL`]'s order.
const RESPONSE: [&str; 4] = [
    "response_low",
    "response_normal",
    "response_high",
    "response_urgent",
];
const RESOLUTION: [&str; 4] = [
    "resolution_low",
    "resolution_normal",
    "resolution_high",
    "resolution_urgent",
];

#[component]
pub fn ServiceSettingsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| service_settings_form());
    view! {
        <main class="page narrow">
            <BackLink href="/settings".into() label=t(Key::Settings) />
            <h1>{t(Key::ServiceDesk)}</h1>
            <p class="muted">{t(Key::ServiceDeskLead)}</p>
            {loaded(data, |form| view! { <ServiceEditor form /> })}
        </main>
    }
}

#[component]
fn ServiceEditor(form: ServiceForm) -> impl IntoView {
    let locale = use_locale();
    let days: Vec<RwSignal<String>> = (0..7)
        .map(|i| RwSignal::new(form.days.get(i).cloned().unwrap_or_default()))
        .collect();
    let holidays = RwSignal::new(form.holidays.clone());
    let categories = RwSignal::new(form.categories.clone());
    let promises: Vec<(RwSignal<String>, RwSignal<String>)> = (0..Priority::ALL.len())
        .map(|i| {
            let (a, b) = form.promises.get(i).cloned().unwrap_or_default();
            (RwSignal::new(a), RwSignal::new(b))
        })
        .collect();
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = Action::new(|form: &ServiceForm| save_service(form.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            errors.set(FieldErrors::default());
            saved.set(true);
        }
        Some(Err(AppError::Validation(found))) => {
            errors.set(found);
            focus_first_invalid();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let (days_read, promises_read) = (days.clone(), promises.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        saved.set(false);
        save.dispatch(ServiceForm {
            days: days_read.iter().map(|d| d.get()).collect(),
            holidays: holidays.get(),
            promises: promises_read
                .iter()
                .map(|(a, b)| (a.get(), b.get()))
                .collect(),
            categories: categories.get(),
            zone: String::new(),
        });
    };
    // The week as the reader's calendar starts it: Saturday in Persian, Monday in English.
    let order: [usize; 7] = match locale {
        crate::i18n::Locale::Fa => [5, 6, 0, 1, 2, 3, 4],
        crate::i18n::Locale::En => [0, 1, 2, 3, 4, 5, 6],
    };
    let weekday = |index: usize| -> Key {
        // WEEKDAYS is Saturday first; index is Monday first.
        crate::i18n::WEEKDAYS[(index + 2) % 7].0
    };
    let week = order
        .into_iter()
        .map(|i| view! { <TextField label=weekday(i) name=DAYS[i] value=days[i] errors /> })
        .collect_view();
    let promised = Priority::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (response, resolution) = promises[i];
            view! {
                <fieldset class="fieldset">
                    <legend>{t(p.label())}</legend>
                    <div class="field-row">
                        <TextField label=Key::ResponseHours name=RESPONSE[i] value=response errors inputmode="decimal" />
                        <TextField label=Key::ResolutionHours name=RESOLUTION[i] value=resolution errors inputmode="decimal" />
                    </div>
                </fieldset>
            }
        })
        .collect_view();
    let zone_lead = crate::fill!(locale, Key::WorkingHoursLead, zone = &form.zone);
    view! {
        <form class="form" on:submit=submit novalidate>
            <section class="panel">
                <h2>{t(Key::WorkingHours)}</h2>
                <p class="muted">{zone_lead}</p>
                {week}
            </section>
            <section class="panel">
                <h2>{t(Key::Holidays)}</h2>
                <p class="muted">{t(Key::HolidaysLead)}</p>
                <TextArea label=Key::Holidays name="holidays" value=holidays errors />
            </section>
            <section class="panel">
                <h2>{t(Key::PromisedTimes)}</h2>
                <p class="muted">{t(Key::PromisedTimesLead)}</p>
                {promised}
            </section>
            <section class="panel">
                <h2>{t(Key::CaseCategories)}</h2>
                <p class="muted">{t(Key::CaseCategoriesLead)}</p>
                <TextArea label=Key::CaseCategories name="categories" value=categories errors />
            </section>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status">{t(Key::Saved)}</p> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t(Key::Saving) } else { t(Key::SaveServiceDesk) }}
                </button>
            </div>
        </form>
    }
}
