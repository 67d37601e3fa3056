//! The organisation's reporting settings: time zone, fiscal year start in each calendar, and
//! exchange rates to the default currency.

use leptos::prelude::*;

use super::super::Reporting;
use crate::dashboard::period::Calendar;
use crate::error::FieldErrors;
use crate::i18n::{Key, t, use_locale};
use crate::money::Currency;

/// The form's state, read back into a [`Reporting`] on save.
#[derive(Clone, Copy)]
pub struct ReportingState {
    time_zone: RwSignal<String>,
    fiscal_start: RwSignal<u8>,
    fiscal_start_jalali: RwSignal<u8>,
    rates: StoredValue<Vec<(Currency, RwSignal<String>)>>,
    zones: StoredValue<Vec<String>>,
}

impl ReportingState {
    pub fn new(reporting: &Reporting) -> Self {
        ReportingState {
            time_zone: RwSignal::new(reporting.time_zone.clone()),
            fiscal_start: RwSignal::new(reporting.fiscal_start),
            fiscal_start_jalali: RwSignal::new(reporting.fiscal_start_jalali),
            rates: StoredValue::new(
                reporting
                    .rates
                    .iter()
                    .map(|(c, r)| (*c, RwSignal::new(r.clone())))
                    .collect(),
            ),
            zones: StoredValue::new(reporting.zones.clone()),
        }
    }

    pub fn read(self) -> Reporting {
        Reporting {
            time_zone: self.time_zone.get_untracked(),
            fiscal_start: self.fiscal_start.get_untracked(),
            fiscal_start_jalali: self.fiscal_start_jalali.get_untracked(),
            rates: self
                .rates
                .get_value()
                .iter()
                .map(|(c, r)| (*c, r.get_untracked()))
                .collect(),
            zones: Vec::new(),
        }
    }
}

fn field_error(errors: RwSignal<FieldErrors>, name: String) -> impl IntoView {
    let locale = use_locale();
    let id = format!("{name}-error");
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || errors.with(|e| e.get(&name)).map(|p| locale.problem(p))}
        </p>
    }
}

#[component]
fn MonthSelect(
    id: &'static str,
    label: Key,
    calendar: Calendar,
    value: RwSignal<u8>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let locale = use_locale();
    let options = (1..=12u8)
        .map(|m| {
            view! {
                <option value=m.to_string() selected=move || value.get() == m>
                    {locale.month_name(calendar, m)}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=format!("f-{id}")>{t(label)}</label>
            <select
                id=format!("f-{id}")
                name=id
                aria-describedby=format!("{id}-error")
                on:change=move |ev| {
                    if let Ok(m) = event_target_value(&ev).parse() {
                        value.set(m);
                    }
                }
            >
                {options}
            </select>
            {field_error(errors, id.to_owned())}
        </div>
    }
}

#[component]
pub fn ReportingFields(state: ReportingState, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let locale = use_locale();
    let zone = state.time_zone;
    let mut names = state.zones.get_value();
    let current = zone.get_untracked();
    // The saved zone is listed even if this server's zone list lacks it.
    if !names.contains(&current) {
        names.insert(0, current.clone());
    }
    let zone_options = names
        .into_iter()
        .map(|name| {
            let selected = name == current;
            view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
        })
        .collect_view();
    let rates = state
        .rates
        .get_value()
        .into_iter()
        .map(|(currency, value)| {
            let name = format!("rates.{}", currency.code());
            let id = format!("f-rate-{}", currency.code());
            let invalid = {
                let name = name.clone();
                move || errors.with(|e| e.get(&name).is_some()).to_string()
            };
            view! {
                <div class="field">
                    <label for=id.clone()>
                        {locale.format(Key::RateFor, &[("code", currency.code())])}
                    </label>
                    <input
                        id=id
                        name=name.clone()
                        inputmode="decimal"
                        autocomplete="off"
                        dir="ltr"
                        aria-invalid=invalid
                        aria-describedby=format!("{name}-error")
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                    {field_error(errors, name)}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for="f-time_zone">{t(Key::TimeZone)}</label>
            <select
                id="f-time_zone"
                name="time_zone"
                aria-describedby="time_zone-error time-zone-hint"
                on:change=move |ev| zone.set(event_target_value(&ev))
            >
                {zone_options}
            </select>
            <p class="muted hint" id="time-zone-hint">{t(Key::TimeZoneLead)}</p>
            {field_error(errors, "time_zone".to_owned())}
        </div>
        <div class="field-row">
            <MonthSelect id="fiscal_start" label=Key::FiscalStart calendar=Calendar::Gregorian value=state.fiscal_start errors />
            <MonthSelect id="fiscal_start_jalali" label=Key::FiscalStartJalali calendar=Calendar::Jalali value=state.fiscal_start_jalali errors />
        </div>
        <fieldset class="rates">
            <legend>{t(Key::ExchangeRates)}</legend>
            <p class="muted hint">{t(Key::ExchangeRatesLead)}</p>
            {rates}
        </fieldset>
    }
}
