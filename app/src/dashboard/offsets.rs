//! The organisation's time zone as a device holds it: its offsets from UTC and when they
//! change, over the years a dashboard can ask about. The server works them out from the
//! zone database (`ssr::zone`), which is far too large to send to a phone; with these few
//! numbers a device finds the same midnights, so its figures count the same days.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offsets {
    /// (from, offset): from this instant (Unix seconds) on, local time is UTC plus `offset`
    /// seconds; sorted by instant. The first applies before its instant too.
    pub changes: Vec<(i64, i32)>,
}

impl Offsets {
    pub fn fixed(offset: i32) -> Offsets {
        Offsets {
            changes: vec![(i64::MIN, offset)],
        }
    }

    /// Local time minus UTC at the instant `utc` (Unix seconds).
    pub fn offset_at(&self, utc: i64) -> i32 {
        let after = self.changes.partition_point(|(from, _)| *from <= utc);
        let index = after.saturating_sub(1);
        self.changes.get(index).map_or(0, |(_, offset)| *offset)
    }

    /// The day it is in the zone at `now`.
    pub fn today(&self, now: OffsetDateTime) -> Date {
        let offset = self.offset_at(now.unix_timestamp());
        (now + time::Duration::seconds(i64::from(offset))).date()
    }

    /// The instant `day` begins in the zone: its first local hour from midnight to 03:00
    /// that exists, at the earliest if it happens twice. The server's rule, to the second.
    pub fn midnight(&self, day: Date) -> OffsetDateTime {
        let mut offsets: Vec<i32> = self.changes.iter().map(|(_, o)| *o).collect();
        offsets.sort_unstable();
        offsets.dedup();
        (0..=3)
            .find_map(|hour| {
                let local = PrimitiveDateTime::new(day, Time::from_hms(hour, 0, 0).ok()?)
                    .assume_utc()
                    .unix_timestamp();
                offsets
                    .iter()
                    .map(|offset| local - i64::from(*offset))
                    .filter(|utc| i64::from(self.offset_at(*utc)) == local - utc)
                    .min()
            })
            .and_then(|utc| OffsetDateTime::from_unix_timestamp(utc).ok())
            .unwrap_or_else(|| PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_utc())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    /// New York in 2026: UTC−5, then −4 from 8 March 07:00 UTC to 1 November 06:00 UTC.
    fn new_york() -> Offsets {
        Offsets {
            changes: vec![
                (datetime!(2025-11-02 06:00 UTC).unix_timestamp(), -5 * 3600),
                (datetime!(2026-03-08 07:00 UTC).unix_timestamp(), -4 * 3600),
                (datetime!(2026-11-01 06:00 UTC).unix_timestamp(), -5 * 3600),
            ],
        }
    }

    #[test]
    fn midnights_follow_the_offset_of_their_day() {
        let zone = new_york();
        assert_eq!(
            zone.midnight(date!(2026 - 01 - 15)),
            datetime!(2026-01-15 05:00 UTC)
        );
        assert_eq!(
            zone.midnight(date!(2026 - 07 - 01)),
            datetime!(2026-07-01 04:00 UTC)
        );
        // The day clocks go back at 02:00 still began at the summer offset.
        assert_eq!(
            zone.midnight(date!(2026 - 11 - 01)),
            datetime!(2026-11-01 04:00 UTC)
        );
    }

    #[test]
    fn a_skipped_midnight_begins_when_clocks_resume() {
        // A zone that jumps from 00:00 to 01:00 on 2026-03-29 (UTC+2 → UTC+3).
        let zone = Offsets {
            changes: vec![
                (0, 2 * 3600),
                (datetime!(2026-03-28 22:00 UTC).unix_timestamp(), 3 * 3600),
            ],
        };
        assert_eq!(
            zone.midnight(date!(2026 - 03 - 29)),
            datetime!(2026-03-28 22:00 UTC)
        );
    }

    #[test]
    fn today_is_the_zones_day() {
        let tehran = Offsets::fixed(3 * 3600 + 1800);
        assert_eq!(
            tehran.today(datetime!(2026-12-01 21:00 UTC)),
            date!(2026 - 12 - 02)
        );
        assert_eq!(
            tehran.today(datetime!(2026-12-01 20:00 UTC)),
            date!(2026 - 12 - 01)
        );
    }
}
