//! The dashboard's periods. A month is a Gregorian month for English readers and a Jalali
//! month for Persian ones, and a quarter is a Gregorian quarter or a Jalali season, so "this
//! quarter" ends where the reader's calendar says it does. Quarters and years count from the
//! organisation's fiscal year start, a month of the reader's calendar. The caller passes
//! "today" in the organisation's time zone, so every viewer gets the same days.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use crate::calendar::Jalali;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Calendar {
    Gregorian,
    Jalali,
}

/// How the periods of one reader are cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub calendar: Calendar,
    /// The month (1–12, of `calendar`) the fiscal year starts in.
    pub fiscal_start: u8,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Period {
    ThisMonth,
    ThisQuarter,
    ThisYear,
    LastMonth,
    LastQuarter,
    LastYear,
    /// From `from` through `to`, both included.
    Custom {
        #[serde(with = "iso")]
        from: Date,
        #[serde(with = "iso")]
        to: Date,
    },
}

/// Days cross the wire as ISO dates, as a URL and a person write them.
mod iso {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(day: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::calendar::iso(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        crate::calendar::parse_iso(&text).ok_or_else(|| serde::de::Error::custom("not an ISO date"))
    }
}

impl Default for Period {
    /// A weekly pipeline review looks at the quarter.
    fn default() -> Self {
        Period::ThisQuarter
    }
}

impl Period {
    pub const NAMED: [Period; 6] = [
        Period::ThisMonth,
        Period::ThisQuarter,
        Period::ThisYear,
        Period::LastMonth,
        Period::LastQuarter,
        Period::LastYear,
    ];

    /// The period's name in a URL: `?period=this_quarter`, `?period=custom&from=…&to=…`.
    pub fn code(&self) -> &'static str {
        match self {
            Period::ThisMonth => "this_month",
            Period::ThisQuarter => "this_quarter",
            Period::ThisYear => "this_year",
            Period::LastMonth => "last_month",
            Period::LastQuarter => "last_quarter",
            Period::LastYear => "last_year",
            Period::Custom { .. } => "custom",
        }
    }

    /// Read back from a URL; anything unknown or a broken range is the default period.
    pub fn from_query(code: &str, from: Option<&str>, to: Option<&str>) -> Period {
        if code == "custom" {
            let day = |d: Option<&str>| d.and_then(crate::calendar::parse_iso);
            return match (day(from), day(to)) {
                (Some(from), Some(to)) if from <= to => Period::Custom { from, to },
                _ => Period::default(),
            };
        }
        Period::NAMED
            .into_iter()
            .find(|p| p.code() == code)
            .unwrap_or_default()
    }
}

/// The days from `start` up to, not including, `end`: what a query compares dates with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: Date,
    pub end: Date,
}

impl Span {
    pub fn days(self) -> i64 {
        (self.end - self.start).whole_days()
    }

    pub fn contains(self, day: Date) -> bool {
        self.start <= day && day < self.end
    }
}

impl Period {
    /// The days of this period, seen on `today`; `None` for a custom range that ends before
    /// it starts, or a day outside the calendars' range.
    pub fn span(&self, today: Date, rules: Rules) -> Option<Span> {
        self.shifted(today, rules, 0)
    }

    /// The period a figure is compared with: the month, quarter or year before, or as many
    /// days just before a custom range.
    pub fn previous(&self, today: Date, rules: Rules) -> Option<Span> {
        self.shifted(today, rules, 1)
    }

    fn shifted(&self, today: Date, rules: Rules, back: i32) -> Option<Span> {
        let (months, back) = match self {
            Period::ThisMonth => (1, back),
            Period::LastMonth => (1, back + 1),
            Period::ThisQuarter => (3, back),
            Period::LastQuarter => (3, back + 1),
            Period::ThisYear => (12, back),
            Period::LastYear => (12, back + 1),
            Period::Custom { from, to } => {
                if to < from {
                    return None;
                }
                let length = (*to - *from).whole_days() + 1;
                let start = from.checked_sub(Duration::days(length * i64::from(back)))?;
                return Some(Span {
                    start,
                    end: start.checked_add(Duration::days(length))?,
                });
            }
        };
        let month = month_index(today, rules.calendar)?;
        // Counted from the fiscal year's first month, so quarters and years start there.
        let fiscal = i32::from(rules.fiscal_start.clamp(1, 12)) - 1;
        let first = month - (month - fiscal).rem_euclid(months) - months * back;
        Some(Span {
            start: month_start(first, rules.calendar)?,
            end: month_start(first + months, rules.calendar)?,
        })
    }
}

/// A month of a reader's calendar: what the forecast groups expected closes by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthOf {
    pub calendar: Calendar,
    pub year: i32,
    /// 1–12.
    pub month: u8,
}

/// The months of `calendar` that `span` touches, each with its days (the first and last cut
/// to the span), in order. A year has twelve; a custom range of ten years is cut at 36.
pub fn months(span: Span, calendar: Calendar) -> Vec<(MonthOf, Span)> {
    let (Some(first), Some(last)) = (
        month_index(span.start, calendar),
        span.end
            .previous_day()
            .and_then(|day| month_index(day, calendar)),
    ) else {
        return Vec::new();
    };
    (first..=last.min(first + 35))
        .filter_map(|index| {
            let start = month_start(index, calendar)?.max(span.start);
            let end = month_start(index + 1, calendar)?.min(span.end);
            let month = MonthOf {
                calendar,
                year: index.div_euclid(12),
                month: u8::try_from(index.rem_euclid(12) + 1).ok()?,
            };
            Some((month, Span { start, end }))
        })
        .collect()
}

/// The first day of the month of `calendar` that `day` is in.
pub fn month_first(day: Date, calendar: Calendar) -> Option<Date> {
    month_start(month_index(day, calendar)?, calendar)
}

/// Months since year 0 of `calendar`, counting from 0.
fn month_index(day: Date, calendar: Calendar) -> Option<i32> {
    let (year, month) = match calendar {
        Calendar::Gregorian => (day.year(), u8::from(day.month())),
        Calendar::Jalali => {
            let jalali = Jalali::from_gregorian(day)?;
            (jalali.year, jalali.month)
        }
    };
    Some(year * 12 + i32::from(month) - 1)
}

/// The first day of the month `index` counts to.
fn month_start(index: i32, calendar: Calendar) -> Option<Date> {
    let year = index.div_euclid(12);
    let month = u8::try_from(index.rem_euclid(12) + 1).ok()?;
    match calendar {
        Calendar::Gregorian => Date::from_calendar_date(year, Month::try_from(month).ok()?, 1).ok(),
        Calendar::Jalali => Jalali {
            year,
            month,
            day: 1,
        }
        .to_gregorian(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const GREGORIAN: Rules = Rules {
        calendar: Calendar::Gregorian,
        fiscal_start: 1,
    };
    const JALALI: Rules = Rules {
        calendar: Calendar::Jalali,
        fiscal_start: 1,
    };

    fn span(start: Date, end: Date) -> Option<Span> {
        Some(Span { start, end })
    }

    #[test]
    fn gregorian_months_quarters_and_years() {
        let today = date!(2026 - 12 - 01);
        let month = span(date!(2026 - 12 - 01), date!(2027 - 01 - 01));
        assert_eq!(Period::ThisMonth.span(today, GREGORIAN), month);
        let last = span(date!(2026 - 11 - 01), date!(2026 - 12 - 01));
        assert_eq!(Period::LastMonth.span(today, GREGORIAN), last);
        assert_eq!(Period::ThisMonth.previous(today, GREGORIAN), last);
        let quarter = span(date!(2026 - 10 - 01), date!(2027 - 01 - 01));
        assert_eq!(Period::ThisQuarter.span(today, GREGORIAN), quarter);
        let last_quarter = span(date!(2026 - 07 - 01), date!(2026 - 10 - 01));
        assert_eq!(Period::ThisQuarter.previous(today, GREGORIAN), last_quarter);
        assert_eq!(Period::LastQuarter.span(today, GREGORIAN), last_quarter);
        let before = span(date!(2026 - 04 - 01), date!(2026 - 07 - 01));
        assert_eq!(Period::LastQuarter.previous(today, GREGORIAN), before);
        let year = span(date!(2026 - 01 - 01), date!(2027 - 01 - 01));
        assert_eq!(Period::ThisYear.span(today, GREGORIAN), year);
        let last_year = span(date!(2025 - 01 - 01), date!(2026 - 01 - 01));
        assert_eq!(Period::LastYear.span(today, GREGORIAN), last_year);
    }

    #[test]
    fn a_fiscal_year_starting_in_april_moves_quarters_and_years() {
        let april = Rules {
            calendar: Calendar::Gregorian,
            fiscal_start: 4,
        };
        let february = date!(2027 - 02 - 15);
        let quarter = span(date!(2027 - 01 - 01), date!(2027 - 04 - 01));
        assert_eq!(Period::ThisQuarter.span(february, april), quarter);
        let year = span(date!(2026 - 04 - 01), date!(2027 - 04 - 01));
        assert_eq!(Period::ThisYear.span(february, april), year);
        let april_first = date!(2027 - 04 - 01);
        let next_year = span(april_first, date!(2028 - 04 - 01));
        assert_eq!(Period::ThisYear.span(april_first, april), next_year);
        // Months do not move with the fiscal year.
        let month = span(date!(2027 - 02 - 01), date!(2027 - 03 - 01));
        assert_eq!(Period::ThisMonth.span(february, april), month);
    }

    #[test]
    fn jalali_months_seasons_and_years() {
        // 1 December 2026 is 10 Azar 1405, in autumn (Mehr, Aban, Azar).
        let today = date!(2026 - 12 - 01);
        let azar = span(date!(2026 - 11 - 22), date!(2026 - 12 - 22));
        assert_eq!(Period::ThisMonth.span(today, JALALI), azar);
        let aban = span(date!(2026 - 10 - 23), date!(2026 - 11 - 22));
        assert_eq!(Period::LastMonth.span(today, JALALI), aban);
        let autumn = span(date!(2026 - 09 - 23), date!(2026 - 12 - 22));
        assert_eq!(Period::ThisQuarter.span(today, JALALI), autumn);
        let summer = span(date!(2026 - 06 - 22), date!(2026 - 09 - 23));
        assert_eq!(Period::ThisQuarter.previous(today, JALALI), summer);
        let year_1405 = span(date!(2026 - 03 - 21), date!(2027 - 03 - 21));
        assert_eq!(Period::ThisYear.span(today, JALALI), year_1405);
        let year_1404 = span(date!(2025 - 03 - 21), date!(2026 - 03 - 21));
        assert_eq!(Period::LastYear.span(today, JALALI), year_1404);
    }

    #[test]
    fn a_span_falls_into_the_months_of_its_readers_calendar() {
        let autumn = Period::ThisQuarter
            .span(date!(2026 - 12 - 01), JALALI)
            .expect("a span");
        let jalali = months(autumn, Calendar::Jalali);
        let names: Vec<(i32, u8)> = jalali.iter().map(|(m, _)| (m.year, m.month)).collect();
        assert_eq!(names, [(1405, 7), (1405, 8), (1405, 9)]);
        assert_eq!(jalali[0].1.start, autumn.start);
        assert_eq!(jalali[2].1.end, autumn.end);
        assert!(jalali.windows(2).all(|w| w[0].1.end == w[1].1.start));
        // The same days in Gregorian months: cut at both ends.
        let gregorian = months(autumn, Calendar::Gregorian);
        let names: Vec<(i32, u8)> = gregorian.iter().map(|(m, _)| (m.year, m.month)).collect();
        assert_eq!(names, [(2026, 9), (2026, 10), (2026, 11), (2026, 12)]);
        assert_eq!(
            gregorian[0].1,
            span(autumn.start, date!(2026 - 10 - 01)).expect("span")
        );
        assert_eq!(
            gregorian[3].1,
            span(date!(2026 - 12 - 01), autumn.end).expect("span")
        );
    }

    #[test]
    fn a_custom_range_includes_its_last_day_and_compares_with_as_many_days_before() {
        let today = date!(2026 - 12 - 01);
        let november = Period::Custom {
            from: date!(2026 - 11 - 01),
            to: date!(2026 - 11 - 30),
        };
        let this = november.span(today, GREGORIAN);
        assert_eq!(this, span(date!(2026 - 11 - 01), date!(2026 - 12 - 01)));
        let before = november.previous(today, GREGORIAN);
        assert_eq!(before, span(date!(2026 - 10 - 02), date!(2026 - 11 - 01)));
        let backwards = Period::Custom {
            from: date!(2026 - 11 - 30),
            to: date!(2026 - 11 - 01),
        };
        assert_eq!(backwards.span(today, GREGORIAN), None);
    }

    #[test]
    fn every_day_lies_in_its_periods_and_each_previous_period_ends_where_it_starts() {
        let seventh_month = Rules {
            calendar: Calendar::Jalali,
            fiscal_start: 7,
        };
        let periods = [Period::ThisMonth, Period::ThisQuarter, Period::ThisYear];
        let mut day = date!(2023 - 01 - 01);
        while day < date!(2029 - 01 - 01) {
            for rules in [GREGORIAN, JALALI, seventh_month] {
                for period in &periods {
                    let this = period.span(day, rules).expect("a span");
                    let before = period.previous(day, rules).expect("a span");
                    assert!(this.contains(day), "{period:?} {rules:?} {day}");
                    assert_eq!(before.end, this.start, "{period:?} {rules:?} {day}");
                    let (least, most) = match period {
                        Period::ThisMonth => (28, 31),
                        Period::ThisQuarter => (89, 93),
                        _ => (365, 366),
                    };
                    let days = this.days();
                    assert!(
                        (least..=most).contains(&days),
                        "{period:?} {rules:?} {day}: {days}"
                    );
                }
            }
            day = day.next_day().expect("a day");
        }
    }
}
