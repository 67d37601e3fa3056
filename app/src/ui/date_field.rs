//! Date fields. English screens use the phone's own date input; browsers have no Jalali
//! one, so Persian screens get a field that takes a typed Jalali date in any digits and a
//! month calendar (weeks from Saturday). Either way the value is an ISO date.

use leptos::prelude::*;

use crate::calendar::{self, Jalali};
use crate::error::FieldErrors;
use crate::i18n::{Key, Locale, WEEKDAYS, t, use_locale};
use crate::ui::fields::{FieldShell, TextField};
use crate::ui::icons::Icon;

#[component]
pub fn DateField(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    match use_locale() {
        Locale::En => view! { <TextField label name value errors kind="date" /> }.into_any(),
        Locale::Fa => view! { <JalaliField label name value errors /> }.into_any(),
    }
}

/// The ISO date for what was typed. Text that is no date is passed on as it is, so the
/// form's date rule reports it next to the field like any other mistake.
fn typed_to_value(typed: &str) -> String {
    if typed.trim().is_empty() {
        return String::new();
    }
    calendar::parse_jalali(typed)
        .and_then(Jalali::to_gregorian)
        .map_or_else(|| typed.trim().to_owned(), calendar::iso)
}

#[component]
fn JalaliField(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let locale = use_locale();
    let text = RwSignal::new(locale.date_numeric(&value.get_untracked()));
    let open = RwSignal::new(false);
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    let calendar_id = format!("{name}-calendar");
    let pick = Callback::new(move |iso: String| {
        text.set(locale.date_numeric(&iso));
        value.set(iso);
        open.set(false);
    });
    view! {
        <FieldShell label name errors>
            <div class="date-input">
                <input
                    id=format!("f-{name}")
                    name=name
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    placeholder=t(Key::JalaliPlaceholder)
                    aria-invalid=invalid
                    aria-describedby=format!("{name}-error")
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        let typed = event_target_value(&ev);
                        value.set(typed_to_value(&typed));
                        text.set(typed);
                    }
                />
                <button
                    type="button"
                    class="icon-button"
                    aria-label=t(Key::ChooseDate)
                    aria-expanded=move || open.get().to_string()
                    aria-controls=calendar_id.clone()
                    on:click=move |_| open.update(|o| *o = !*o)
                >
                    {Icon::Today.view()}
                </button>
            </div>
            {move || {
                open.get().then(|| {
                    let selected = value.get_untracked();
                    view! { <JalaliCalendar id=calendar_id.clone() selected pick close=Callback::new(move |()| open.set(false)) /> }
                })
            }}
        </FieldShell>
    }
}

/// One Jalali month as a grid of day buttons, each named by its full date for screen readers.
#[component]
fn JalaliCalendar(
    id: String,
    selected: String,
    pick: Callback<String>,
    close: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let today = calendar::device_today();
    let start = Jalali::from_iso(&selected)
        .or_else(|| Jalali::from_iso(&today))
        .unwrap_or(Jalali {
            year: 1405,
            month: 1,
            day: 1,
        });
    let month = RwSignal::new(Jalali { day: 1, ..start });
    let title = move || {
        let m = month.get();
        format!(
            "{} {}",
            locale.jalali_month(m.month),
            locale.digits(&m.year.to_string())
        )
    };
    let headers = WEEKDAYS
        .iter()
        .map(|(full, short)| view! { <abbr class="weekday" title=t(*full)>{t(*short)}</abbr> })
        .collect_view();
    let today_pick = today.clone();
    let days = move || {
        let m = month.get();
        let Some(first) = m.to_gregorian() else {
            return Vec::new();
        };
        let lead = calendar::saturday_index(first);
        let mut cells: Vec<AnyView> = (0..lead)
            .map(|_| view! { <span class="day-blank"></span> }.into_any())
            .collect();
        for day in 1..=calendar::month_length(m.year, m.month) {
            let Some(date) = (Jalali { day, ..m }).to_gregorian() else {
                continue;
            };
            let iso = calendar::iso(date);
            let is_selected = iso == selected;
            let is_today = iso == today;
            let label = locale.date(&iso);
            cells.push(
                view! {
                    <button
                        type="button"
                        class="day"
                        class:today=is_today
                        aria-label=label
                        aria-pressed=is_selected.to_string()
                        on:click=move |_| pick.run(iso.clone())
                    >
                        {locale.digits(&day.to_string())}
                    </button>
                }
                .into_any(),
            );
        }
        cells
    };
    view! {
        <div
            class="calendar"
            id=id
            role="group"
            aria-label=title
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    close.run(());
                }
            }
        >
            <div class="calendar-head">
                <button type="button" class="icon-button" aria-label=t(Key::PreviousMonth) on:click=move |_| month.update(|m| *m = m.add_months(-1))>
                    {Icon::Back.view()}
                </button>
                <p class="calendar-title" aria-live="polite">{title}</p>
                <button type="button" class="icon-button" aria-label=t(Key::NextMonth) on:click=move |_| month.update(|m| *m = m.add_months(1))>
                    {Icon::Next.view()}
                </button>
            </div>
            <div class="calendar-grid">
                {headers}
                {days}
            </div>
            <div class="calendar-foot">
                <button type="button" class="button small" on:click=move |_| pick.run(today_pick.clone())>{t(Key::TodayButton)}</button>
                <button type="button" class="button small" on:click=move |_| pick.run(String::new())>{t(Key::ClearDate)}</button>
                <button type="button" class="button small" on:click=move |_| close.run(())>{t(Key::CloseCalendar)}</button>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_jalali_dates_become_iso_and_mistakes_stay_visible() {
        assert_eq!(typed_to_value("۱۴۰۵/۹/۲۴"), "2026-12-15");
        assert_eq!(typed_to_value("1403/01/01"), "2024-03-20");
        assert_eq!(typed_to_value("  "), "");
        // Not a day of the calendar: kept, so the date rule flags it.
        assert_eq!(typed_to_value("1402/12/30"), "1402/12/30");
        assert!(!crate::validate::is_date(&typed_to_value("1402/12/30")));
    }
}
