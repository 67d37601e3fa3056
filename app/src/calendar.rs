//! The Jalali (Persian solar) calendar, for showing and picking dates in Persian. Dates are
//! stored and exchanged as ISO Gregorian dates; Jalali exists only on screen.
//!
//! The conversion is Borkowski's algorithm as used by jalaali-js: leap years follow the
//! astronomical breaks table, valid for Jalali years 1 to 3177.

use time::{Date, Month};

/// A day in the Jalali calendar; months count from 1 (Farvardin).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Jalali {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

const BREAKS: [i32; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// For Jalali year `jy`: the Gregorian year it starts in, the March day of 1 Farvardin,
/// and how many years have passed since the last leap year (0 = this one is leap).
fn jal_cal(jy: i32) -> Option<(i32, u8, i32)> {
    if jy < BREAKS[0] || jy >= BREAKS[BREAKS.len() - 1] {
        return None;
    }
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = BREAKS[0];
    let mut jump = 0;
    for &jm in &BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += jump / 33 * 8 + (jump % 33) / 4;
        jp = jm;
    }
    let mut n = jy - jp;
    leap_j += n / 33 * 8 + ((n % 33) + 3) / 4;
    if jump % 33 == 4 && jump - n == 4 {
        leap_j += 1;
    }
    let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
    let march = u8::try_from(20 + leap_j - leap_g).ok()?;
    if jump - n < 6 {
        n = n - jump + (jump + 4) / 33 * 33;
    }
    let mut leap = ((n + 1) % 33 - 1) % 4;
    if leap == -1 {
        leap = 4;
    }
    Some((gy, march, leap))
}

fn farvardin_first(jy: i32) -> Option<Date> {
    let (gy, march, _) = jal_cal(jy)?;
    Date::from_calendar_date(gy, Month::March, march).ok()
}

pub fn is_leap_year(jy: i32) -> bool {
    jal_cal(jy).is_some_and(|(_, _, leap)| leap == 0)
}

pub fn month_length(jy: i32, month: u8) -> u8 {
    match month {
        1..=6 => 31,
        7..=11 => 30,
        12 if is_leap_year(jy) => 30,
        _ => 29,
    }
}

impl Jalali {
    pub fn from_gregorian(date: Date) -> Option<Jalali> {
        let mut year = date.year() - 621;
        let mut start = farvardin_first(year)?;
        if date < start {
            year -= 1;
            start = farvardin_first(year)?;
        }
        let mut day_of_year = i32::try_from((date - start).whole_days()).ok()?;
        // The first six months have 31 days, the next five 30.
        let (month, day) = if day_of_year < 186 {
            (1 + day_of_year / 31, day_of_year % 31)
        } else {
            day_of_year -= 186;
            (7 + day_of_year / 30, day_of_year % 30)
        };
        Some(Jalali {
            year,
            month: u8::try_from(month).ok()?,
            day: u8::try_from(day + 1).ok()?,
        })
    }

    /// The Gregorian date, or `None` for a day that does not exist (30 Esfand of a common year).
    pub fn to_gregorian(self) -> Option<Date> {
        if !(1..=12).contains(&self.month)
            || self.day == 0
            || self.day > month_length(self.year, self.month)
        {
            return None;
        }
        let month = i64::from(self.month);
        let before = if month <= 7 {
            (month - 1) * 31
        } else {
            6 * 31 + (month - 7) * 30
        };
        farvardin_first(self.year)?
            .checked_add(time::Duration::days(before + i64::from(self.day) - 1))
    }

    pub fn from_iso(iso: &str) -> Option<Jalali> {
        Self::from_gregorian(parse_iso(iso)?)
    }

    /// "1403/01/01", with ASCII digits; the locale decides which digits the user sees.
    pub fn numeric(self) -> String {
        format!("{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }

    /// The next or previous month's first day, for paging a month calendar.
    pub fn add_months(self, months: i32) -> Jalali {
        let index = self.year * 12 + i32::from(self.month) - 1 + months;
        Jalali {
            year: index.div_euclid(12),
            month: (index.rem_euclid(12) + 1) as u8,
            day: 1,
        }
    }
}

/// A calendar date as ISO `YYYY-MM-DD` text: how forms send it, the database stores and
/// compares it, and the device keeps it. Only a real date in that exact form is one, so its
/// text order is its date order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(String);

impl IsoDate {
    pub fn parse(text: &str) -> Option<IsoDate> {
        parse_iso(text).map(IsoDate::from)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Date> for IsoDate {
    fn from(date: Date) -> IsoDate {
        IsoDate(iso(date))
    }
}

impl std::ops::Deref for IsoDate {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for IsoDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IsoDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IsoDate, D::Error> {
        let text = String::deserialize(d)?;
        IsoDate::parse(&text).ok_or_else(|| serde::de::Error::custom("not an ISO date"))
    }
}

pub fn parse_iso(iso: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    (iso.len() == 10)
        .then(|| Date::parse(iso, &format).ok())
        .flatten()
}

/// An RFC 3339 instant (as the database and the sync log write them) as Unix seconds.
pub fn unix_seconds(rfc3339: &str) -> Option<i64> {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Unix seconds as RFC 3339 in UTC, whole seconds.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// A Jalali date as people type it: year, month and day separated by `/`, `-`, `.` or a
/// space, in any digits ("۱۴۰۳/۱/۱", "1403-01-01"). Two-digit years mean 14xx.
pub fn parse_jalali(input: &str) -> Option<Jalali> {
    let ascii = crate::text::ascii_digits(input.trim());
    let [year, month, day] = date_parts(&ascii)?;
    if [year, month, day]
        .iter()
        .any(|p| p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut year: i32 = year.parse().ok()?;
    if year < 100 {
        year += 1400;
    }
    let date = Jalali {
        year,
        month: month.parse().ok()?,
        day: day.parse().ok()?,
    };
    date.to_gregorian().map(|_| date)
}

/// A date's three parts as people separate them: `/`, `-`, `.` or a space.
pub fn date_parts(text: &str) -> Option<[&str; 3]> {
    let parts: Vec<&str> = text
        .split(['/', '-', '.', ' '])
        .filter(|p| !p.is_empty())
        .collect();
    parts.try_into().ok()
}

/// Days from Saturday (0) to Friday (6): the Persian week.
pub fn saturday_index(date: Date) -> u8 {
    (date.weekday().number_days_from_monday() + 2) % 7
}

/// The device's offset from UTC: the browser knows it; on the server this is UTC, and code
/// that renders on the server takes the offset from the request instead.
pub fn device_offset() -> time::UtcOffset {
    #[cfg(feature = "hydrate")]
    {
        let minutes = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        time::UtcOffset::from_whole_seconds(minutes * 60).unwrap_or(time::UtcOffset::UTC)
    }
    #[cfg(not(feature = "hydrate"))]
    time::UtcOffset::UTC
}

pub fn device_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc().to_offset(device_offset())
}

/// Today on the device's calendar, ISO.
pub fn device_today() -> String {
    iso(device_now().date())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Only real dates in exactly `YYYY-MM-DD` are dates, so the database and the device may
    /// compare them as text.
    #[test]
    fn an_iso_date_is_a_real_date_in_one_form() {
        assert_eq!(
            IsoDate::parse("2026-12-31").map(|d| d.to_string()),
            Some("2026-12-31".to_owned())
        );
        for bad in [
            "2026-02-30",
            "2026-2-3",
            "31/12/2026",
            "",
            "2026-12-31T00:00:00Z",
        ] {
            assert_eq!(IsoDate::parse(bad), None, "{bad}");
        }
        assert!(IsoDate::parse("2026-09-30") < IsoDate::parse("2026-10-01"));
        let read: Result<IsoDate, _> = serde_json::from_str("\"2026-13-01\"");
        assert!(read.is_err());
        let date = IsoDate::from(date!(2027 - 01 - 05));
        assert_eq!(
            serde_json::to_string(&date).ok(),
            Some("\"2027-01-05\"".to_owned())
        );
    }

    fn j(year: i32, month: u8, day: u8) -> Jalali {
        Jalali { year, month, day }
    }

    #[test]
    fn known_new_years_days() {
        assert_eq!(
            Jalali::from_gregorian(date!(2024 - 03 - 20)),
            Some(j(1403, 1, 1))
        );
        assert_eq!(
            Jalali::from_gregorian(date!(2025 - 03 - 21)),
            Some(j(1404, 1, 1))
        );
        assert_eq!(
            Jalali::from_gregorian(date!(2026 - 03 - 21)),
            Some(j(1405, 1, 1))
        );
        assert_eq!(
            Jalali::from_gregorian(date!(1979 - 02 - 11)),
            Some(j(1357, 11, 22))
        );
        assert_eq!(
            Jalali::from_gregorian(date!(2026 - 11 - 23)),
            Some(j(1405, 9, 2))
        );
        assert_eq!(
            Jalali::from_gregorian(date!(2000 - 01 - 01)),
            Some(j(1378, 10, 11))
        );
    }

    #[test]
    fn leap_years_have_a_thirtieth_of_esfand() {
        for leap in [1375, 1379, 1383, 1387, 1391, 1395, 1399, 1403, 1408] {
            assert!(is_leap_year(leap), "{leap}");
        }
        for common in [1400, 1401, 1402, 1404, 1405, 1406, 1407] {
            assert!(!is_leap_year(common), "{common}");
        }
        // 1403 is leap: 30 Esfand 1403 is the day before 1 Farvardin 1404.
        assert_eq!(j(1403, 12, 30).to_gregorian(), Some(date!(2025 - 03 - 20)));
        assert_eq!(j(1402, 12, 30).to_gregorian(), None);
        assert_eq!(j(1402, 12, 29).to_gregorian(), Some(date!(2024 - 03 - 19)));
    }

    #[test]
    fn every_day_of_a_century_round_trips() {
        let mut day = date!(1950 - 01 - 01);
        let mut previous = Jalali::from_gregorian(day).expect("in range");
        while day < date!(2060 - 01 - 01) {
            let jalali = Jalali::from_gregorian(day).expect("in range");
            assert_eq!(jalali.to_gregorian(), Some(day), "{jalali:?}");
            assert!(jalali.day <= month_length(jalali.year, jalali.month));
            if day > date!(1950 - 01 - 01) {
                assert!(jalali > previous, "{jalali:?} after {previous:?}");
            }
            previous = jalali;
            day = day.next_day().expect("in range");
        }
    }

    #[test]
    fn typed_jalali_dates_in_any_digits() {
        assert_eq!(parse_jalali("۱۴۰۳/۰۱/۰۱"), Some(j(1403, 1, 1)));
        assert_eq!(parse_jalali("١٤٠٣-١-١"), Some(j(1403, 1, 1)));
        assert_eq!(parse_jalali(" 1405/9/2 "), Some(j(1405, 9, 2)));
        assert_eq!(parse_jalali("05/9/2"), Some(j(1405, 9, 2)));
        assert_eq!(parse_jalali("1405/13/01"), None);
        assert_eq!(parse_jalali("1402/12/30"), None);
        assert_eq!(parse_jalali("1405/9"), None);
        assert_eq!(parse_jalali("tomorrow"), None);
    }

    #[test]
    fn months_page_across_years_and_weeks_start_on_saturday() {
        assert_eq!(j(1405, 12, 10).add_months(1), j(1406, 1, 1));
        assert_eq!(j(1405, 1, 10).add_months(-1), j(1404, 12, 1));
        assert_eq!(saturday_index(date!(2026 - 11 - 21)), 0); // a Saturday
        assert_eq!(saturday_index(date!(2026 - 11 - 27)), 6); // a Friday
        assert_eq!(
            Jalali::from_iso("2026-11-23")
                .map(Jalali::numeric)
                .as_deref(),
            Some("1405/09/02")
        );
    }
}
