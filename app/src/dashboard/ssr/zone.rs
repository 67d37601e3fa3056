//! The organisation's time zone: where its days start, so every viewer of a figure counts
//! the same deals whatever their own clock says.

use chrono::{NaiveDate, Offset, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use time::Date;

#[derive(Clone, Copy, Debug)]
pub struct Zone(Tz);

impl Zone {
    /// An IANA zone by name ("Asia/Tehran"); an unknown name is UTC, logged, so a bad setting
    /// never takes the dashboard down.
    pub fn named(name: &str) -> Zone {
        match name.parse::<Tz>() {
            Ok(tz) => Zone(tz),
            Err(_) => {
                tracing::warn!("unknown organisation time zone {name:?}; using UTC");
                Zone(Tz::UTC)
            }
        }
    }

    /// The organisation's zone, as its settings name it.
    pub async fn of_organisation(db: &crate::db::Db) -> crate::error::AppResult<Zone> {
        let settings = crate::settings::ssr::reporting(db).await?;
        Ok(Zone::named(settings.time_zone.as_deref().unwrap_or("UTC")))
    }

    pub fn is_known(name: &str) -> bool {
        name.parse::<Tz>().is_ok()
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    pub fn today(self) -> Date {
        to_date(Utc::now().with_timezone(&self.0).date_naive())
    }

    /// The instant `day` begins in this zone, as RFC 3339 in UTC. Where a zone skips
    /// midnight (a daylight-saving change at 00:00), the day begins when its clocks resume.
    pub fn midnight(self, day: Date) -> String {
        let start = self.start(day);
        start.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The instant `day` begins, to bind: a datetime compared with an indexed field lets the
    /// database read the index by range, where `<datetime>$text` does not.
    pub fn begins(self, day: Date) -> surrealdb::types::Datetime {
        self.start(day).into()
    }

    /// The zone's offset from UTC as `day` begins, in seconds.
    pub fn offset_secs(self, day: Date) -> i64 {
        let start = self.start(day);
        i64::from(
            self.0
                .offset_from_utc_datetime(&start.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    }

    /// Local time minus UTC at the Unix instant `utc`.
    fn offset_at(self, utc: i64) -> i32 {
        Utc.timestamp_opt(utc, 0).single().map_or(0, |t| {
            self.0
                .offset_from_utc_datetime(&t.naive_utc())
                .fix()
                .local_minus_utc()
        })
    }

    /// This zone's offsets and their changes between `from` and `until`, for a device to
    /// count days as the server does (see [`crate::dashboard::offsets`]). Found six hours
    /// at a time, then to the second: no zone changes its offset twice within six hours.
    pub fn offsets(self, from: Date, until: Date) -> crate::dashboard::offsets::Offsets {
        let begin = self.start(from).timestamp();
        let end = self.start(until).timestamp();
        let mut changes = vec![(begin, self.offset_at(begin))];
        let mut at = begin;
        while at < end {
            let next = at + 6 * 3600;
            let offset = self.offset_at(next);
            if changes.last().is_some_and(|(_, last)| *last != offset) {
                // The first second with the new offset.
                let (mut low, mut high) = (at, next);
                while high - low > 1 {
                    let middle = low + (high - low) / 2;
                    if self.offset_at(middle) == offset {
                        high = middle;
                    } else {
                        low = middle;
                    }
                }
                changes.push((high, offset));
            }
            at = next;
        }
        crate::dashboard::offsets::Offsets { changes }
    }

    fn start(self, day: Date) -> chrono::DateTime<Utc> {
        let naive = NaiveDate::from_ymd_opt(
            day.year(),
            u32::from(u8::from(day.month())),
            u32::from(day.day()),
        )
        .unwrap_or_default();
        (0..=3)
            .find_map(|hour| {
                self.0
                    .from_local_datetime(&naive.and_hms_opt(hour, 0, 0)?)
                    .earliest()
            })
            .map(|local| local.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&naive.and_time(chrono::NaiveTime::MIN)))
    }
}

fn to_date(day: NaiveDate) -> Date {
    use chrono::Datelike;
    time::Month::try_from(day.month() as u8)
        .ok()
        .and_then(|month| Date::from_calendar_date(day.year(), month, day.day() as u8).ok())
        .unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days_begin_at_the_zones_midnight() {
        let tehran = Zone::named("Asia/Tehran");
        assert_eq!(
            tehran.midnight(date!(2026 - 12 - 01)),
            "2026-11-30T20:30:00Z"
        );
        assert_eq!(tehran.offset_secs(date!(2026 - 12 - 01)), 12_600);
        let new_york = Zone::named("America/New_York");
        assert_eq!(
            new_york.midnight(date!(2026 - 07 - 01)),
            "2026-07-01T04:00:00Z"
        );
        assert_eq!(
            new_york.midnight(date!(2026 - 12 - 01)),
            "2026-12-01T05:00:00Z"
        );
        assert_eq!(new_york.offset_secs(date!(2026 - 12 - 01)), -18_000);
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_when_clocks_resume() {
        // Iran moved its clocks at 00:00 until 2022: 22 March 2022 began at 01:00.
        let tehran = Zone::named("Asia/Tehran");
        assert_eq!(
            tehran.midnight(date!(2022 - 03 - 22)),
            "2022-03-21T20:30:00Z"
        );
    }

    #[test]
    fn a_device_finds_the_same_midnights_from_the_offsets() {
        for name in [
            "Asia/Tehran",
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
        ] {
            let zone = Zone::named(name);
            let offsets = zone.offsets(date!(2021 - 01 - 01), date!(2027 - 01 - 01));
            let mut day = date!(2021 - 01 - 01);
            while day < date!(2027 - 01 - 01) {
                let device = offsets
                    .midnight(day)
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default();
                assert_eq!(device, zone.midnight(day), "{name} {day}");
                day = day.next_day().unwrap_or(Date::MAX);
            }
        }
    }

    #[test]
    fn an_unknown_zone_is_utc() {
        assert!(!Zone::is_known("Mars/Olympus"));
        let zone = Zone::named("Mars/Olympus");
        assert_eq!(zone.name(), "UTC");
        assert_eq!(zone.midnight(date!(2026 - 01 - 01)), "2026-01-01T00:00:00Z");
    }
}
