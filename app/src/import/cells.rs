//! How a spreadsheet's cell reads as a field's value, as people write it in either language:
//! yes or no, a date (Gregorian or Jalali, year first, in any digits), a pipeline stage by
//! its name, a currency by its code, symbol or name, a deal source from the organisation's
//! list. A cell none of these can read is passed on as written, so the kind's own rule
//! refuses it with the field's usual message.

use crate::i18n::Locale;
use crate::money::Currency;
use crate::pipeline::Pipeline;
use crate::text::fold;

/// Whether a yes/no cell says yes, as people write it in either language ("Yes", "x", "✓",
/// «بله», «انجام شده»); anything else, an empty cell too, is no.
pub fn yes(cell: &str) -> bool {
    let cell = fold(cell.trim());
    let cell: String = cell
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '✓')
        .collect();
    [
        "yes",
        "y",
        "true",
        "1",
        "x",
        "✓",
        "done",
        "بله",
        "آری",
        "آره",
        "انجامشده",
        "انجام",
    ]
    .iter()
    .any(|word| fold(word) == cell)
}

/// A date written year first ("2026-12-31", "2026/12/31", «۱۴۰۵/۱۰/۱۰»), as ISO. A year
/// before 1700 is a Jalali one: Persian spreadsheets keep Jalali dates as text. A time after
/// the date is ignored ("2026-12-31 09:30", "2026-12-31T09:30:00"). Day-first and
/// month-first dates are not read: "03/04/2026" is March or April depending on who saved it.
pub fn date(cell: &str) -> Option<String> {
    let ascii = crate::text::ascii_digits(cell.trim());
    let day = if ascii.contains(':') {
        ascii
            .split(|c: char| c == 'T' || c.is_whitespace())
            .next()
            .unwrap_or_default()
    } else {
        &ascii
    };
    let [year, month, day] = crate::calendar::date_parts(day)?;
    let digits = |p: &str, most: usize| {
        (1..=most).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit())
    };
    if year.len() != 4 || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
        return None;
    }
    let (year, month, day): (i32, u8, u8) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    let date = if year < 1700 {
        crate::calendar::Jalali { year, month, day }.to_gregorian()?
    } else {
        time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()?
    };
    Some(crate::calendar::iso(date))
}

/// The stage of `pipeline` a cell names: by its name as stored, a default stage's name in
/// either language ("Won", «برنده»), or its id.
pub fn stage<'a>(pipeline: &'a Pipeline, cell: &str) -> Option<&'a crate::pipeline::Stage> {
    let cell = fold(cell.trim());
    pipeline.stages.iter().find(|stage| {
        fold(&stage.name) == cell
            || stage.id.as_str() == cell
            || [Locale::En, Locale::Fa]
                .iter()
                .any(|l| fold(&l.stage_name(&stage.name)) == cell)
    })
}

/// The currency a cell names: its code in any case ("irt"), its symbol ("$"), or its name or
/// unit in either language ("Toman", «تومان», «ریال»).
pub fn currency(cell: &str) -> Option<Currency> {
    let cell = fold(cell.trim());
    Currency::ALL.into_iter().find(|c| {
        fold(c.code()) == cell
            || c.symbol() == Some(cell.as_str())
            || [Locale::En, Locale::Fa]
                .iter()
                .flat_map(|l| l.currency_words(*c))
                .any(|word| fold(word) == cell)
    })
}

/// The entry of the organisation's list of deal sources a cell names, in any case or in
/// either language for the defaults ("Referral", «معرفی»).
pub fn source(list: &[String], cell: &str) -> Option<String> {
    let code = fold(&crate::deals::source::code(cell.trim()));
    list.iter().find(|s| fold(s) == code).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_yes_is_read_in_either_language_and_anything_else_is_no() {
        for cell in [
            "Yes",
            " x ",
            "TRUE",
            "1",
            "✓",
            "بله",
            "آری",
            "انجام شده",
            "انجام‌شده",
        ] {
            assert!(yes(cell), "{cell}");
        }
        for cell in ["", "no", "0", "خیر", "later"] {
            assert!(!yes(cell), "{cell}");
        }
    }

    #[test]
    fn dates_are_read_year_first_in_either_calendar() {
        let cases = [
            ("2026-12-31", Some("2026-12-31")),
            ("2026/1/5", Some("2026-01-05")),
            ("2026-12-31 09:30", Some("2026-12-31")),
            ("2026-12-31T09:30:00", Some("2026-12-31")),
            ("۱۴۰۵/۱۰/۱۰", Some("2026-12-31")),
            ("1405-01-01", Some("2026-03-21")),
            ("1403/12/30", Some("2025-03-20")),
            ("1404/12/30", None),
            ("2026-02-30", None),
            ("31/12/2026", None),
            ("03/04/2026", None),
            ("next week", None),
            ("", None),
        ];
        for (cell, iso) in cases {
            assert_eq!(date(cell).as_deref(), iso, "{cell}");
        }
    }

    #[test]
    fn a_stage_is_found_by_its_name_in_either_language() {
        let mut pipeline = crate::pipeline::sample("s");
        pipeline.stages[1].name = "Demo booked".into();
        let id = |cell: &str| stage(&pipeline, cell).map(|s| s.id.to_string());
        assert_eq!(id("demo BOOKED").as_deref(), Some("s1"), "a renamed stage");
        assert_eq!(id("Qualified"), None, "its old name");
        assert_eq!(id(" WON ").as_deref(), Some("s4"));
        assert_eq!(
            id("برنده").as_deref(),
            Some("s4"),
            "a default's Persian name"
        );
        assert_eq!(id("s2").as_deref(), Some("s2"));
        assert_eq!(id("Shipped"), None);
    }

    #[test]
    fn a_currency_is_found_by_code_symbol_or_name() {
        assert_eq!(currency("irt"), Some(Currency::IRT));
        assert_eq!(currency("Toman"), Some(Currency::IRT));
        assert_eq!(currency("تومان"), Some(Currency::IRT));
        assert_eq!(currency("ريال"), Some(Currency::IRR), "an Arabic yeh");
        assert_eq!(currency("$"), Some(Currency::USD));
        assert_eq!(currency("€"), Some(Currency::EUR));
        assert_eq!(currency("doubloons"), None);
    }

    #[test]
    fn a_source_is_found_in_the_list_by_name_or_code() {
        let list = vec!["referral".to_owned(), "Trade fair 2026".to_owned()];
        assert_eq!(source(&list, "Referral").as_deref(), Some("referral"));
        assert_eq!(source(&list, "معرفی").as_deref(), Some("referral"));
        assert_eq!(
            source(&list, "trade fair 2026").as_deref(),
            Some("Trade fair 2026")
        );
        assert_eq!(source(&list, "website"), None, "not on this list");
    }
}
