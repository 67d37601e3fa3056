//! Working time: the hours a service desk promises to answer in. A calendar holds, for each
//! weekday, any number of local time ranges (a lunch break is the gap between two), the days
//! off as dates, and is read in the organisation's zone through its [`Offsets`] — the same
//! few numbers a device holds — so a deadline worked out on a phone offline is the server's
//! to the second.
//!
//! Instants are Unix seconds. Ranges are half-open: `[from, to)`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, Weekday};

use crate::dashboard::offsets::Offsets;

/// Minutes in a day: the end of a range that runs to midnight.
pub const DAY_MINUTES: u16 = 24 * 60;

/// How far ahead a deadline is looked for: a calendar with working time finds one long
/// before; one without any (every day off) answers `None` instead of looping.
const HORIZON_DAYS: i64 = 3 * 366;

/// Local working hours on one day: minutes from midnight, `from < to <= 1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub from: u16,
    pub to: u16,
}

impl Span {
    pub const fn new(from: u16, to: u16) -> Span {
        Span { from, to }
    }

    /// `"08:30"`-style hours, for forms and settings.
    pub fn parse(from: &str, to: &str) -> Option<Span> {
        let minutes = |text: &str| -> Option<u16> {
            let (h, m) = text.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let span = Span::new(minutes(from)?, minutes(to)?);
        (span.from < span.to).then_some(span)
    }

    pub fn minutes(self) -> i64 {
        i64::from(self.to) - i64::from(self.from)
    }
}

/// When work happens: ranges per weekday (Monday first) and dates off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingCalendar {
    /// Index 0 is Monday, as [`Weekday::number_days_from_monday`]. Sorted, not overlapping.
    pub week: [Vec<Span>; 7],
    /// Local dates nobody works, whatever the weekday.
    #[serde(default)]
    pub holidays: BTreeSet<Date>,
}

/// Why a calendar was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarProblem {
    /// A range ends before it starts, or two ranges of one day overlap.
    Overlap(Weekday),
    /// No weekday has any working time: no deadline could ever fall.
    NoWorkingTime,
}

impl WorkingCalendar {
    /// A common Iranian office week: Saturday to Wednesday 08:00–12:00 and 13:00–17:00 (a
    /// lunch hour), Thursday 08:00–13:00, Friday off.
    pub fn iranian_office() -> WorkingCalendar {
        let full = vec![Span::new(8 * 60, 12 * 60), Span::new(13 * 60, 17 * 60)];
        let half = vec![Span::new(8 * 60, 13 * 60)];
        WorkingCalendar {
            // Monday … Sunday
            week: [
                full.clone(),
                full.clone(),
                full.clone(),
                half,
                Vec::new(),
                full.clone(),
                full,
            ],
            holidays: BTreeSet::new(),
        }
    }

    /// Monday to Friday 09:00–12:30 and 13:30–17:30, the weekend off.
    pub fn western_office() -> WorkingCalendar {
        let day = vec![
            Span::new(9 * 60, 12 * 60 + 30),
            Span::new(13 * 60 + 30, 17 * 60 + 30),
        ];
        WorkingCalendar {
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            holidays: BTreeSet::new(),
        }
    }

    /// The calendar's ranges sorted; refused if two of a day overlap or none exist at all.
    pub fn checked(mut self) -> Result<WorkingCalendar, CalendarProblem> {
        for (index, day) in self.week.iter_mut().enumerate() {
            day.sort();
            let weekday = weekday_from_monday(index);
            if day.iter().any(|s| s.from >= s.to || s.to > DAY_MINUTES) {
                return Err(CalendarProblem::Overlap(weekday));
            }
            if day.windows(2).any(|pair| pair[0].to > pair[1].from) {
                return Err(CalendarProblem::Overlap(weekday));
            }
        }
        if self.week.iter().all(Vec::is_empty) {
            return Err(CalendarProblem::NoWorkingTime);
        }
        Ok(self)
    }

    /// The ranges worked on local day `day`: none on a holiday.
    pub fn spans(&self, day: Date) -> &[Span] {
        if self.holidays.contains(&day) {
            return &[];
        }
        &self.week[usize::from(day.weekday().number_days_from_monday())]
    }

    /// The working ranges of local day `day`, as instants.
    fn instants(&self, zone: &Offsets, day: Date) -> impl Iterator<Item = (i64, i64)> + '_ {
        let zone = zone.clone();
        self.spans(day).iter().map(move |span| {
            (
                local_instant(&zone, day, span.from),
                local_instant(&zone, day, span.to),
            )
        })
    }

    /// The instant `seconds` of working time after `start`: the deadline of a target of that
    /// length started then. `None` if the calendar has no working time within three years.
    pub fn add(&self, zone: &Offsets, start: i64, seconds: i64) -> Option<i64> {
        if seconds <= 0 {
            return Some(start);
        }
        let mut left = seconds;
        let mut day = local_day(zone, start);
        for _ in 0..HORIZON_DAYS {
            for (from, to) in self.instants(zone, day) {
                let from = from.max(start);
                if to <= from {
                    continue;
                }
                if to - from >= left {
                    return Some(from + left);
                }
                left -= to - from;
            }
            day = day.next_day()?;
        }
        None
    }

    /// Working seconds in `[from, until)`.
    pub fn between(&self, zone: &Offsets, from: i64, until: i64) -> i64 {
        if until <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = local_day(zone, from);
        let last = local_day(zone, until);
        while day <= last {
            for (start, end) in self.instants(zone, day) {
                let (start, end) = (start.max(from), end.min(until));
                total += (end - start).max(0);
            }
            match day.next_day() {
                Some(next) => day = next,
                None => break,
            }
        }
        total
    }
}

pub fn weekday_from_monday(index: usize) -> Weekday {
    let mut day = Weekday::Monday;
    for _ in 0..index % 7 {
        day = day.next();
    }
    day
}

/// The local date at instant `utc`.
pub fn local_day(zone: &Offsets, utc: i64) -> Date {
    let local = utc + i64::from(zone.offset_at(utc));
    OffsetDateTime::from_unix_timestamp(local).map_or(Date::MIN, |t| t.date())
}

/// The instant local day `day` reaches `minutes` past midnight. A wall time a zone repeats
/// (clocks going back) is its first occurrence; one it skips (clocks going forward) is the
/// instant of the change. So later wall times are never earlier instants, and a day's
/// ranges stay apart however the clocks move.
pub fn local_instant(zone: &Offsets, day: Date, minutes: u16) -> i64 {
    let midnight = PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_utc();
    let wall = (midnight + Duration::minutes(i64::from(minutes))).unix_timestamp();
    let mut offsets: Vec<i32> = zone.changes.iter().map(|(_, o)| *o).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let exists = offsets
        .iter()
        .map(|offset| wall - i64::from(*offset))
        .filter(|utc| i64::from(zone.offset_at(*utc)) == wall - utc)
        .min();
    exists.unwrap_or_else(|| {
        // Skipped: the change whose clocks jumped over `wall`.
        zone.changes
            .windows(2)
            .map(|pair| (pair[1].0, pair[0].1, pair[1].1))
            .find(|(at, before, after)| {
                at + i64::from(*before) <= wall && wall < at + i64::from(*after)
            })
            .map_or(wall - i64::from(zone.offset_at(wall)), |(at, _, _)| at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn at(t: OffsetDateTime) -> i64 {
        t.unix_timestamp()
    }

    fn tehran() -> Offsets {
        Offsets::fixed(3 * 3600 + 1800)
    }

    /// Berlin in 2026: UTC+1, +2 from 29 March 01:00 UTC, +1 again from 25 October 01:00 UTC.
    fn berlin() -> Offsets {
        Offsets {
            changes: vec![
                (at(datetime!(2025-10-26 01:00 UTC)), 3600),
                (at(datetime!(2026-03-29 01:00 UTC)), 7200),
                (at(datetime!(2026-10-25 01:00 UTC)), 3600),
            ],
        }
    }

    const HOUR: i64 = 3600;

    #[test]
    fn a_lunch_break_is_not_working_time() {
        let office = WorkingCalendar::iranian_office();
        // Saturday 5 December 2026, 11:00 Tehran time (07:30 UTC); two working hours later
        // is 14:00, the lunch hour skipped.
        let start = at(datetime!(2026-12-05 07:30 UTC));
        let due = office.add(&tehran(), start, 2 * HOUR);
        assert_eq!(due, Some(at(datetime!(2026-12-05 10:30 UTC))));
        assert_eq!(
            office.between(&tehran(), start, at(datetime!(2026-12-05 10:30 UTC))),
            2 * HOUR
        );
    }

    #[test]
    fn nights_and_the_weekly_days_off_are_skipped() {
        let office = WorkingCalendar::iranian_office();
        let zone = tehran();
        // Wednesday 16:00 with three hours to go: one on Wednesday, and Thursday is a half
        // day (08:00–13:00), so it falls due Thursday 10:00.
        let wednesday = local_instant(&zone, date!(2026 - 12 - 02), 16 * 60);
        assert_eq!(
            office.add(&zone, wednesday, 3 * HOUR),
            Some(local_instant(&zone, date!(2026 - 12 - 03), 10 * 60))
        );
        // Thursday 12:00 with two hours: one on Thursday, Friday off, Saturday 09:00.
        let thursday = local_instant(&zone, date!(2026 - 12 - 03), 12 * 60);
        assert_eq!(
            office.add(&zone, thursday, 2 * HOUR),
            Some(local_instant(&zone, date!(2026 - 12 - 05), 9 * 60))
        );
        // Started on a Friday night: the clock starts Saturday 08:00.
        let friday = local_instant(&zone, date!(2026 - 12 - 04), 22 * 60);
        assert_eq!(
            office.add(&zone, friday, HOUR),
            Some(local_instant(&zone, date!(2026 - 12 - 05), 9 * 60))
        );
        assert_eq!(
            office.between(
                &zone,
                thursday,
                local_instant(&zone, date!(2026 - 12 - 05), 9 * 60)
            ),
            2 * HOUR
        );
    }

    #[test]
    fn a_target_ending_with_the_day_falls_due_at_closing_not_next_morning() {
        let office = WorkingCalendar::iranian_office();
        let zone = tehran();
        let start = local_instant(&zone, date!(2026 - 12 - 05), 16 * 60);
        assert_eq!(
            office.add(&zone, start, HOUR),
            Some(local_instant(&zone, date!(2026 - 12 - 05), 17 * 60))
        );
    }

    #[test]
    fn holidays_are_days_off() {
        let mut office = WorkingCalendar::iranian_office();
        // Saturday 5 December taken off.
        office.holidays.insert(date!(2026 - 12 - 05));
        let zone = tehran();
        let thursday = local_instant(&zone, date!(2026 - 12 - 03), 12 * 60);
        assert_eq!(
            office.add(&zone, thursday, 2 * HOUR),
            Some(local_instant(&zone, date!(2026 - 12 - 06), 9 * 60))
        );
    }

    #[test]
    fn hours_are_local_across_a_daylight_saving_change() {
        let office = WorkingCalendar::western_office();
        let zone = berlin();
        // Friday 27 March 2026, 16:30 CET (15:30 UTC), two working hours: one on Friday,
        // then Monday 30 March 09:00 CEST + 1 h — 08:00 UTC, not 09:00.
        let friday = at(datetime!(2026-03-27 15:30 UTC));
        assert_eq!(
            office.add(&zone, friday, 2 * HOUR),
            Some(at(datetime!(2026-03-30 08:00 UTC)))
        );
        // And back in October: Friday 23 October 16:30 CEST, Monday 26 October 10:00 CET.
        let friday = at(datetime!(2026-10-23 14:30 UTC));
        assert_eq!(
            office.add(&zone, friday, 2 * HOUR),
            Some(at(datetime!(2026-10-26 09:00 UTC)))
        );
        // A working day spanning the change is still its eight hours.
        let mut always = WorkingCalendar::western_office();
        always.week[6] = vec![Span::new(0, DAY_MINUTES)];
        // Sunday 29 March has 23 hours; all of them are working time.
        assert_eq!(
            always.between(
                &zone,
                at(datetime!(2026-03-28 23:00 UTC)),
                at(datetime!(2026-03-29 22:00 UTC))
            ),
            23 * HOUR
        );
    }

    #[test]
    fn a_calendar_without_working_time_is_refused_and_never_loops() {
        let none = WorkingCalendar::default();
        assert_eq!(none.clone().checked(), Err(CalendarProblem::NoWorkingTime));
        assert_eq!(none.add(&tehran(), 0, HOUR), None);
        let mut overlapping = WorkingCalendar::western_office();
        overlapping.week[2].push(Span::new(12 * 60, 14 * 60));
        assert_eq!(
            overlapping.checked(),
            Err(CalendarProblem::Overlap(Weekday::Wednesday))
        );
        assert!(WorkingCalendar::iranian_office().checked().is_ok());
    }

    #[test]
    fn hours_parse_as_typed() {
        assert_eq!(Span::parse("08:30", "12:00"), Some(Span::new(510, 720)));
        assert_eq!(Span::parse("13:00", "24:00"), Some(Span::new(780, 1440)));
        assert_eq!(Span::parse("12:00", "08:00"), None);
        assert_eq!(Span::parse("25:00", "26:00"), None);
        assert_eq!(Span::parse("8", "9"), None);
    }

    fn calendars() -> impl Strategy<Value = WorkingCalendar> {
        let day = proptest::collection::vec((0u16..1440, 1u16..480), 0..4).prop_map(|raw| {
            let mut spans: Vec<Span> = Vec::new();
            let mut cursor = 0u16;
            let mut starts: Vec<(u16, u16)> = raw;
            starts.sort();
            for (from, length) in starts {
                let from = from.max(cursor);
                let to = from.saturating_add(length).min(DAY_MINUTES);
                if from < to {
                    spans.push(Span::new(from, to));
                    cursor = to;
                }
            }
            spans
        });
        (
            proptest::array::uniform7(day),
            proptest::collection::btree_set(0i64..60, 0..10),
        )
            .prop_map(|(mut week, holidays)| {
                if week.iter().all(Vec::is_empty) {
                    week[0] = vec![Span::new(9 * 60, 17 * 60)];
                }
                WorkingCalendar {
                    week,
                    holidays: holidays
                        .into_iter()
                        .map(|d| date!(2026 - 03 - 01) + Duration::days(d))
                        .collect(),
                }
            })
    }

    proptest! {
        /// Adding N working seconds and counting the working seconds to the deadline gives
        /// N back, whatever the calendar, the start, and across Berlin's changes of clock; or
        /// there is no deadline because the horizon does not hold N working seconds.
        #[test]
        fn adding_then_counting_gives_the_same_working_time(
            calendar in calendars(),
            start in at(datetime!(2026-03-01 00:00 UTC))..at(datetime!(2026-11-30 00:00 UTC)),
            minutes in 0i64..(60 * 200),
            in_berlin in any::<bool>(),
        ) {
            let zone = if in_berlin { berlin() } else { tehran() };
            let calendar = calendar.checked().expect("generated calendars are valid");
            match calendar.add(&zone, start, minutes * 60) {
                Some(due) => {
                    prop_assert!(due >= start);
                    prop_assert_eq!(calendar.between(&zone, start, due), minutes * 60);
                }
                // No deadline only when the horizon holds less working time than asked (a
                // minute a week, and a promise of hours).
                None => prop_assert!(
                    calendar.between(&zone, start, start + (HORIZON_DAYS - 1) * 86_400) < minutes * 60
                ),
            }
        }
    }
}
