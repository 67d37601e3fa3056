//! One exported table: headings and rows of typed cells, so a CSV writes each as text and a
//! workbook keeps numbers as numbers and dates as dates.

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A decimal number as written (`-1250000.5`), never through a float, so no cent is lost.
    Number(String),
    /// A calendar day, `YYYY-MM-DD`.
    Date(String),
    Empty,
}

impl Cell {
    /// Text, or empty when there is none.
    pub fn text(value: impl Into<String>) -> Cell {
        let value = value.into();
        if value.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(value)
        }
    }

    /// A number when `value` is a plain decimal, else text (a value stored before a format
    /// existed is exported as written rather than lost).
    pub fn number(value: impl Into<String>) -> Cell {
        let value = value.into();
        if value.is_empty() {
            Cell::Empty
        } else if is_decimal(&value) {
            Cell::Number(value)
        } else {
            Cell::Text(value)
        }
    }

    /// A day when `value` starts with one (a time after it is dropped), else text.
    pub fn date(value: impl Into<String>) -> Cell {
        let value = value.into();
        match value.get(..10) {
            Some(day) if day_number(day).is_some() => Cell::Date(day.to_owned()),
            _ => Cell::text(value),
        }
    }

    /// The cell as a CSV or a person reads it.
    pub fn as_text(&self) -> &str {
        match self {
            Cell::Text(s) | Cell::Number(s) | Cell::Date(s) => s,
            Cell::Empty => "",
        }
    }
}

/// What an export holds: its name (the workbook's sheet), headings and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub name: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Shown right to left (a Persian reader's workbook).
    pub right_to_left: bool,
}

fn is_decimal(value: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = value.strip_prefix('-').unwrap_or(value);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => digits(whole) && digits(fraction),
        None => digits(unsigned),
    }
}

/// Days from 1899-12-30 (a spreadsheet's day 0) to `YYYY-MM-DD`, if it is a real day.
pub fn day_number(day: &str) -> Option<i64> {
    let bytes = day.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i32 = day.get(..4)?.parse().ok()?;
    let month: u8 = day.get(5..7)?.parse().ok()?;
    let date = time::Date::from_calendar_date(
        year,
        time::Month::try_from(month).ok()?,
        day.get(8..)?.parse().ok()?,
    )
    .ok()?;
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    Some((date - epoch).whole_days())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_days_are_recognised_and_anything_else_stays_text() {
        assert_eq!(
            Cell::number("1250000.50"),
            Cell::Number("1250000.50".into())
        );
        assert_eq!(Cell::number("-3"), Cell::Number("-3".into()));
        assert_eq!(Cell::number("1.2.3"), Cell::Text("1.2.3".into()));
        assert_eq!(Cell::number("12."), Cell::Text("12.".into()));
        assert_eq!(Cell::number("$12"), Cell::Text("$12".into()));
        assert_eq!(Cell::number(""), Cell::Empty);
        assert_eq!(
            Cell::date("2026-03-20T10:00:00Z"),
            Cell::Date("2026-03-20".into())
        );
        assert_eq!(Cell::date("2026-02-30"), Cell::Text("2026-02-30".into()));
        assert_eq!(Cell::date("soon"), Cell::Text("soon".into()));
    }

    #[test]
    fn days_count_as_spreadsheets_count_them() {
        assert_eq!(day_number("1900-03-01"), Some(61));
        assert_eq!(day_number("2024-01-01"), Some(45292));
        assert_eq!(day_number("2024-1-01"), None);
    }
}
