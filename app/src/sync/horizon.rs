//! What a device keeps: its user's working set, not every record they may read. Kinds that
//! grow without end keep what is current (an open deal, an activity not done) and what
//! changed in the last days they declare; the rest stays on the server and is shown when
//! online. A change always makes a record recent, so every change a device hears of is one
//! it keeps: only time moves records out, and the device drops those when it starts.
//!
//! Each kind declares its rule once ([`crate::kinds::row::Declaration`]), in Rust for the
//! device and in SurrealQL for the server; a server test holds the two equal.

use crate::ids::Id;
use crate::pipeline::{Outcome, Pipeline};

/// The moment a working set is cut at, and what the rules need to know of the organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    today: time::Date,
    /// The stages a deal is still being worked in.
    pub open_stages: Vec<Id>,
    /// [`Horizon::since`] for each kind's days, worked out once rather than per row.
    cuts: Vec<(i64, String)>,
}

/// A kind's rule of what a device keeps, in SurrealQL, and the days it keeps changes for.
pub struct KeptRule;

impl crate::kinds::Visit for KeptRule {
    type Out = (String, Option<i64>);
    fn visit<R: crate::sync::replica::Synced>(self) -> Self::Out {
        (R::kept_sql(), R::kept_days())
    }
}

impl Horizon {
    pub fn new(now: time::OffsetDateTime, pipeline: &Pipeline) -> Horizon {
        let mut horizon = Horizon {
            today: now.to_offset(time::UtcOffset::UTC).date(),
            open_stages: pipeline
                .stages
                .iter()
                .filter(|s| s.outcome == Outcome::Open)
                .map(|s| s.id.clone())
                .collect(),
            cuts: Vec::new(),
        };
        horizon.cuts = crate::kinds::Table::ALL
            .iter()
            .filter_map(|t| t.visit(KeptRule).1)
            .map(|days| (days, horizon.cut(days)))
            .collect();
        horizon
    }

    /// Now, on this machine's clock.
    pub fn now(pipeline: &Pipeline) -> Horizon {
        Horizon::new(time::OffsetDateTime::now_utc(), pipeline)
    }

    /// As of the server's clock at the device's last sync (`server_ms`), so that a device
    /// whose clock is wrong neither drops what it should keep nor keeps what the server
    /// would no longer send.
    pub fn at_ms(server_ms: i64, pipeline: &Pipeline) -> Horizon {
        let now = time::OffsetDateTime::from_unix_timestamp_nanos(server_ms as i128 * 1_000_000)
            .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
        Horizon::new(now, pipeline)
    }

    /// The start (UTC) of the day `days` before today, as the server's rule compares it: a
    /// record changed at or after it is recent. Whole days, so the device and the server
    /// cut at the same instant whatever the seconds on their clocks.
    pub fn since(&self, days: i64) -> String {
        format!("{}T00:00:00Z", self.first_day(days))
    }

    /// Whether a record last changed at `at` (RFC 3339, UTC, as stored) is recent for a
    /// kind keeping `days` of changes: the device's side of [`Horizon::since`]. By the date
    /// alone, since whole timestamps do not compare as text ("…00:00:00.5Z" sorts before
    /// "…00:00:00Z").
    pub fn recent(&self, at: &str, days: i64) -> bool {
        at.get(..10)
            .is_some_and(|day| day >= &*self.first_day(days))
    }

    /// The first day (ISO) that counts as recent, worked out once per kind's days.
    fn first_day(&self, days: i64) -> std::borrow::Cow<'_, str> {
        match self.cuts.iter().find(|(d, _)| *d == days) {
            Some((_, day)) => day.as_str().into(),
            None => self.cut(days).into(),
        }
    }

    fn cut(&self, days: i64) -> String {
        let day = self
            .today
            .checked_sub(time::Duration::days(days))
            .unwrap_or(time::Date::MIN);
        crate::calendar::iso(day)
    }

    /// Binds `$open_stages` and `$since` (for a kind keeping `days` of changes) for a
    /// kind's rule in SurrealQL.
    #[cfg(feature = "ssr")]
    pub fn bind<Q: crate::db::Bind>(&self, query: Q, days: Option<i64>) -> Q {
        let stages: Vec<_> = self
            .open_stages
            .iter()
            .map(|id| crate::db::rid("stage", id))
            .collect();
        query
            .bind(("open_stages", stages))
            .bind(("since", self.since(days.unwrap_or(0))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_cut_is_the_start_of_a_utc_day() {
        let pipeline = crate::pipeline::sample("s");
        let horizon = Horizon::new(datetime!(2026-03-01 01:30 +03:30), &pipeline);
        // 01:30 in Tehran is still 28 February in UTC.
        assert_eq!(horizon.since(0), "2026-02-28T00:00:00Z");
        assert_eq!(horizon.since(365), "2025-02-28T00:00:00Z");
        assert_eq!(horizon.since(90), "2025-11-30T00:00:00Z");
        assert!(horizon.recent("2025-02-28T00:00:00Z", 365));
        assert!(horizon.recent("2025-02-28T00:00:00.000001Z", 365));
        assert!(!horizon.recent("2025-02-27T23:59:59.999Z", 365));
        assert!(
            !horizon.recent("", 365),
            "a time that cannot be read is not recent"
        );
    }

    #[test]
    fn a_device_cuts_by_the_servers_clock() {
        let pipeline = crate::pipeline::sample("s");
        // 2026-03-01T01:30:00Z, as the server last said.
        let horizon = Horizon::at_ms(1_772_328_600_000, &pipeline);
        assert_eq!(horizon.since(0), "2026-03-01T00:00:00Z");
    }

    #[test]
    fn only_open_stages_are_open() {
        let pipeline = crate::pipeline::sample("s");
        let horizon = Horizon::now(&pipeline);
        let open: Vec<&str> = pipeline
            .stages
            .iter()
            .filter(|s| s.outcome == Outcome::Open)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(horizon.open_stages, open);
        assert!(open.len() < pipeline.stages.len());
    }
}
