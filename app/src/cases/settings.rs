//! Settings → Service desk (admins): the working week, holidays, promised times per
//! priority and the case categories, as a form of plain text fields — "08:00-12:00,
//! 13:00-17:00" for a day with a lunch break — that reads the same on a phone.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::Priority;
use super::rules::{Promise, ServiceSettings};
use super::working_time::{Span, WorkingCalendar};
use crate::error::{AppError, FieldErrors, Problem};
use crate::i18n::Locale;

/// Most working hours a promise may take: a quarter of a year of office days.
pub const MOST_HOURS: f64 = 2000.0;

/// The form as typed. Days are Monday first, as [`WorkingCalendar::week`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceForm {
    pub days: Vec<String>,
    pub holidays: String,
    /// Per priority, in [`Priority::ALL`]'s order: hours to first response, to resolution.
    pub promises: Vec<(String, String)>,
    pub categories: String,
    /// The organisation's time zone, which the hours are in (shown, never saved).
    #[serde(default)]
    pub zone: String,
}

fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        (minutes / 60).to_string()
    } else {
        format!("{:.2}", minutes as f64 / 60.0)
            .trim_end_matches('0')
            .to_owned()
    }
}

impl ServiceForm {
    /// The form as it opens on `settings`, dates in the reader's calendar.
    pub fn of(settings: &ServiceSettings, locale: Locale) -> ServiceForm {
        // Digits and the list's comma as the reader types them (both are read either way).
        let separator = match locale {
            Locale::Fa => "، ",
            Locale::En => ", ",
        };
        let promise = |p: Priority| {
            settings
                .promises
                .iter()
                .find(|x| x.priority == p && x.category.is_none())
                .map(|x| {
                    (
                        locale.digits(&hours(x.response_minutes)),
                        locale.digits(&hours(x.resolution_minutes)),
                    )
                })
                .unwrap_or_default()
        };
        ServiceForm {
            days: settings
                .calendar
                .week
                .iter()
                .map(|spans| {
                    let text = spans
                        .iter()
                        .map(|s| format!("{}-{}", hhmm(s.from), hhmm(s.to)))
                        .collect::<Vec<_>>()
                        .join(separator);
                    locale.digits(&text)
                })
                .collect(),
            holidays: settings
                .calendar
                .holidays
                .iter()
                .map(|d| locale.date_numeric(&crate::calendar::iso(*d)))
                .collect::<Vec<_>>()
                .join("\n"),
            promises: Priority::ALL.iter().map(|p| promise(*p)).collect(),
            categories: settings.categories.join("\n"),
            zone: String::new(),
        }
    }

    /// The settings the form says, or every problem by field (`day0`…`day6`, `holidays`,
    /// `response_<priority>`, `resolution_<priority>`, `categories`). `kept` holds the
    /// promises set per category, which this form does not show and keeps as they are.
    pub fn settings(&self, kept: &[Promise]) -> Result<ServiceSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut calendar = WorkingCalendar::default();
        for (index, text) in self.days.iter().take(7).enumerate() {
            let field = format!("day{index}");
            let mut spans = Vec::new();
            for part in crate::text::ascii_digits(text)
                .split([',', '،', ';'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                match part
                    .split_once(['-', '–', '—'])
                    .and_then(|(from, to)| Span::parse(from, to))
                {
                    Some(span) => spans.push(span),
                    None => {
                        errors.add(&field, Problem::InvalidHours);
                        break;
                    }
                }
            }
            calendar.week[index] = spans;
        }
        for line in self
            .holidays
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            let typed = crate::text::ascii_digits(line);
            let date = crate::calendar::parse_iso(&typed)
                .or_else(|| crate::calendar::parse_jalali(&typed).and_then(|j| j.to_gregorian()));
            match date {
                Some(date) => {
                    calendar.holidays.insert(date);
                }
                None => {
                    errors.add("holidays", Problem::InvalidDate);
                    break;
                }
            }
        }
        let day_problems = (0..7).any(|i| errors.get(&format!("day{i}")).is_some());
        if !day_problems {
            match calendar.clone().checked() {
                Ok(checked) => calendar = checked,
                Err(super::working_time::CalendarProblem::NoWorkingTime) => {
                    errors.add("day0", Problem::NoWorkingTime)
                }
                Err(super::working_time::CalendarProblem::Overlap(day)) => errors.add(
                    &format!("day{}", day.number_days_from_monday()),
                    Problem::InvalidHours,
                ),
            }
        }
        let mut promises = Vec::new();
        for (priority, (response, resolution)) in Priority::ALL.iter().zip(&self.promises) {
            let minutes = |field: String, text: &str, errors: &mut FieldErrors| {
                let typed = crate::text::ascii_digits(text.trim()).replace('٫', ".");
                match typed.parse::<f64>() {
                    Ok(h) if h > 0.0 && h <= MOST_HOURS => Some((h * 60.0).round() as i64),
                    Ok(_) => {
                        errors.add(
                            &field,
                            Problem::OutOfRange {
                                min: 0,
                                max: MOST_HOURS as i64,
                            },
                        );
                        None
                    }
                    Err(_) if typed.is_empty() => {
                        errors.add(&field, Problem::Required);
                        None
                    }
                    Err(_) => {
                        errors.add(&field, Problem::InvalidNumber);
                        None
                    }
                }
            };
            let code = priority.code();
            let first = minutes(format!("response_{code}"), response, &mut errors);
            let whole = minutes(format!("resolution_{code}"), resolution, &mut errors);
            if let (Some(first), Some(whole)) = (first, whole) {
                if whole < first {
                    errors.add(
                        &format!("resolution_{code}"),
                        Problem::ResolutionBeforeResponse,
                    );
                }
                promises.push(Promise {
                    priority: *priority,
                    category: None,
                    response_minutes: first,
                    resolution_minutes: whole,
                });
            }
        }
        let mut categories: Vec<String> = Vec::new();
        for line in self
            .categories
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if line.chars().count() > 80 {
                errors.add("categories", Problem::TooLong { max: 80 });
            } else if categories
                .iter()
                .any(|c| crate::text::fold(c) == crate::text::fold(line))
            {
                errors.add("categories", Problem::Duplicate);
            } else {
                categories.push(line.to_owned());
            }
        }
        if categories.len() > 50 {
            errors.add("categories", Problem::TooMany { max: 50 });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        promises.extend(
            kept.iter()
                .filter(|p| p.category.as_ref().is_some_and(|c| categories.contains(c)))
                .cloned(),
        );
        Ok(ServiceSettings {
            calendar,
            promises,
            categories,
        })
    }
}

#[server(endpoint = "settings/service", input = Json)]
pub async fn service_settings_form() -> Result<ServiceForm, AppError> {
    crate::server::respond(async {
        let cx = crate::server::cx().await?;
        if cx.actor.role != crate::auth::Role::Admin {
            return Err(AppError::Forbidden);
        }
        let settings = super::ssr::settings(&cx.db).await?;
        let zone = crate::dashboard::ssr::zone::Zone::of_organisation(&cx.db).await?;
        Ok(ServiceForm {
            zone: zone.name().to_owned(),
            ..ServiceForm::of(&settings, cx.actor.locale)
        })
    })
    .await
}

#[server(endpoint = "settings/service/save", input = Json)]
pub async fn save_service(form: ServiceForm) -> Result<(), AppError> {
    crate::server::respond(async move {
        let cx = crate::server::cx().await?;
        if cx.actor.role != crate::auth::Role::Admin {
            return Err(AppError::Forbidden);
        }
        let current = super::ssr::settings(&cx.db).await?;
        let settings = form
            .settings(&current.promises)
            .map_err(AppError::Validation)?;
        super::ssr::save_settings(&cx.db, &settings).await?;
        // Deadlines move with the hours and promises.
        super::ssr::refresh_outcomes(&cx.db).await.map(drop)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let settings = ServiceSettings::defaults("Asia/Tehran");
        let form = ServiceForm::of(&settings, Locale::En);
        assert_eq!(form.days[0], "08:00-12:00, 13:00-17:00");
        assert_eq!(form.days[4], "");
        assert_eq!(form.promises[0], ("16".into(), "80".into()));
        assert_eq!(form.settings(&[]).expect("valid"), settings);
    }

    #[test]
    fn hours_holidays_and_promises_are_read_as_people_type_them() {
        let mut form = ServiceForm::of(&ServiceSettings::defaults("UTC"), Locale::Fa);
        form.days[0] = "۰۸:۰۰–۱۲:۰۰، ۱۳:۰۰-۱۷:۰۰".into();
        form.holidays = "۱۴۰۵/۰۱/۰۱\n2026-12-25".into();
        form.promises[3] = ("۰٫۵".into(), "8".into());
        let settings = form.settings(&[]).expect("valid");
        assert_eq!(
            settings.calendar.week[0],
            [Span::new(480, 720), Span::new(780, 1020)]
        );
        assert!(settings.calendar.holidays.contains(&date!(2026 - 03 - 21)));
        assert!(settings.calendar.holidays.contains(&date!(2026 - 12 - 25)));
        assert_eq!(settings.promises[3].response_minutes, 30);
        // And shown again in the reader's calendar and digits, and read back the same.
        let again = ServiceForm::of(&settings, Locale::Fa);
        assert!(again.holidays.contains("۱۴۰۵/۰۱/۰۱"));
        assert_eq!(again.days[0], "۰۸:۰۰-۱۲:۰۰، ۱۳:۰۰-۱۷:۰۰");
        assert_eq!(again.settings(&[]).expect("valid"), settings);
    }

    #[test]
    fn every_problem_is_reported_next_to_its_field() {
        let mut form = ServiceForm::of(&ServiceSettings::defaults("UTC"), Locale::En);
        form.days[1] = "9 to 5".into();
        form.days[2] = "09:00-13:00, 12:00-17:00".into();
        form.holidays = "someday".into();
        form.promises[0] = ("".into(), "x".into());
        form.promises[1] = ("10".into(), "2".into());
        form.categories = "Billing\nbilling".into();
        let errors = form.settings(&[]).expect_err("refused");
        assert_eq!(errors.get("day1"), Some(Problem::InvalidHours));
        assert_eq!(errors.get("holidays"), Some(Problem::InvalidDate));
        assert_eq!(errors.get("response_low"), Some(Problem::Required));
        assert_eq!(errors.get("resolution_low"), Some(Problem::InvalidNumber));
        assert_eq!(
            errors.get("resolution_normal"),
            Some(Problem::ResolutionBeforeResponse)
        );
        assert_eq!(errors.get("categories"), Some(Problem::Duplicate));
        let mut overlapping = ServiceForm::of(&ServiceSettings::defaults("UTC"), Locale::En);
        overlapping.days[2] = "09:00-13:00, 12:00-17:00".into();
        assert_eq!(
            overlapping.settings(&[]).expect_err("refused").get("day2"),
            Some(Problem::InvalidHours)
        );
        let mut closed = ServiceForm::of(&ServiceSettings::defaults("UTC"), Locale::En);
        closed.days = vec![String::new(); 7];
        assert_eq!(
            closed.settings(&[]).expect_err("refused").get("day0"),
            Some(Problem::NoWorkingTime)
        );
    }
}
