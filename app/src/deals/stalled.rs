//! Stalled deals: an open deal that has neither moved stage nor had an activity for as many
//! days as its stage allows ([`crate::pipeline::Stage::stall_days`]).
//!
//! Whole days, counted in UTC: a deal in a 7-day stage last touched on the 1st is stalled
//! from the start of the 9th. The server and a device then agree all day whatever the
//! seconds on their clocks, and the server asks its index one range per stage.

use time::{Date, OffsetDateTime, UtcOffset};

use crate::ids::Id;
use crate::pipeline::{Outcome, Pipeline};

/// The cut of each stage that can stall, worked out once for a list rather than per deal.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stall {
    /// (stage, a deal last touched before this instant is stalled).
    cuts: Vec<(Id, OffsetDateTime)>,
}

impl Stall {
    pub fn new(pipeline: &Pipeline, now: OffsetDateTime) -> Stall {
        let today = now.to_offset(UtcOffset::UTC).date();
        Stall {
            cuts: pipeline
                .stages
                .iter()
                .filter(|s| s.outcome == Outcome::Open)
                .filter_map(|s| Some((s.id.clone(), cut(today, s.stall_days?))))
                .collect(),
        }
    }

    /// Whether a deal in `stage`, last touched at `touched` (RFC 3339), is stalled. A deal
    /// whose time cannot be read is not: better no mark than a wrong one.
    pub fn is_stalled(&self, stage: &str, touched: Option<&str>) -> bool {
        let Some((_, cut)) = self.cuts.iter().find(|(s, _)| s.as_str() == stage) else {
            return false;
        };
        touched
            .and_then(parse)
            .is_some_and(|touched| touched < *cut)
    }

    /// Whether any stage can stall at all.
    pub fn any(&self) -> bool {
        !self.cuts.is_empty()
    }

    /// [`Stall::is_stalled`] in SurrealQL over a stored deal, with [`Stall::bind`]'s
    /// variables: one (stage, touched_at) index range per stage.
    #[cfg(feature = "ssr")]
    pub fn sql(&self) -> String {
        if self.cuts.is_empty() {
            return "false".to_owned();
        }
        let ranges: Vec<String> = (0..self.cuts.len())
            .map(|i| format!("(stage = $stall_stage{i} AND touched_at < $stall_cut{i})"))
            .collect();
        format!("({})", ranges.join(" OR "))
    }

    /// The oldest stalled deals `scope` lets through, `fields` of each, at most `$stalled_limit`:
    /// each stage's index range read oldest first and cut at the limit, then merged, so a
    /// stage with 10,000 stalled deals costs as much as one with ten. [`Stall::bind`]'s
    /// variables and `$stalled_limit`.
    #[cfg(feature = "ssr")]
    pub fn oldest_sql(&self, fields: &str, scope: &str) -> String {
        if self.cuts.is_empty() {
            return "RETURN [];".to_owned();
        }
        let order = "ORDER BY touched_at ASC, id ASC LIMIT $stalled_limit";
        let each: Vec<String> = (0..self.cuts.len())
            .map(|i| {
                format!(
                    "(SELECT {fields} FROM deal WHERE stage = $stall_stage{i} \
                     AND touched_at < $stall_cut{i} AND {scope} {order})"
                )
            })
            .collect();
        format!(
            "SELECT * FROM array::flatten([{}]) {order};",
            each.join(", ")
        )
    }

    /// How many deals `scope` lets through are stalled, as `[{ count }]`: each stage's deals
    /// (the dashboard's `pipeline_now` tally) less those touched since its cut, which are
    /// few, rather than the stalled ones counted one by one.
    #[cfg(feature = "ssr")]
    pub fn count_sql(&self, scope: &str) -> String {
        let each: Vec<String> = (0..self.cuts.len())
            .map(|i| {
                format!(
                    "(math::sum((SELECT VALUE count FROM pipeline_now \
                        WHERE stage = $stall_stage{i} AND {scope})) \
                     - count((SELECT id FROM deal WHERE stage = $stall_stage{i} \
                        AND touched_at >= $stall_cut{i} AND {scope})))"
                )
            })
            .collect();
        format!(
            "RETURN [{{ count: <int> math::sum([{}]) }}];",
            each.join(", ")
        )
    }

    #[cfg(feature = "ssr")]
    pub fn bind<Q: crate::db::Bind>(&self, mut query: Q) -> Q {
        for (i, (stage, cut)) in self.cuts.iter().enumerate() {
            query = query
                .bind((format!("stall_stage{i}"), crate::db::rid("stage", stage)))
                .bind((format!("stall_cut{i}"), datetime(*cut)));
        }
        query
    }
}

/// The later of two RFC 3339 instants; a device adds its own activities' times to a
/// deal's `touched_at` this way.
pub fn later<'a>(a: Option<&'a str>, b: Option<&'a str>) -> Option<&'a str> {
    match (a, b) {
        (Some(a), Some(b)) => match (parse(a), parse(b)) {
            (Some(ta), Some(tb)) if tb > ta => Some(b),
            (None, Some(_)) => Some(b),
            _ => Some(a),
        },
        (a, b) => a.or(b),
    }
}

fn cut(today: Date, days: i64) -> OffsetDateTime {
    (today - time::Duration::days(days)).midnight().assume_utc()
}

fn parse(at: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
}

/// Bound as a datetime, not text: `<datetime>$text` in a condition keeps the database from
/// reading the (stage, touched_at) index by range, and it reads every deal of the stage.
#[cfg(feature = "ssr")]
fn datetime(at: OffsetDateTime) -> surrealdb::types::Datetime {
    use chrono::TimeZone;
    chrono::Utc
        .timestamp_opt(at.unix_timestamp(), at.nanosecond())
        .single()
        .unwrap_or_default()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> OffsetDateTime {
        parse(s).expect("a time")
    }

    /// Lead stalls after 14 days, Negotiation after 7, Won and Lost never (the defaults).
    #[test]
    fn a_deal_stalls_after_its_stages_whole_days() {
        let pipeline = crate::pipeline::sample("s");
        let stall = Stall::new(&pipeline, at("2026-12-09T08:00:00Z"));
        assert!(stall.any());
        // Negotiation: touched on the 1st, stalled from the start of the 9th.
        assert!(stall.is_stalled("s3", Some("2026-12-01T23:59:59Z")));
        assert!(!stall.is_stalled("s3", Some("2026-12-02T00:00:00Z")));
        // Lead allows 14 days.
        assert!(!stall.is_stalled("s0", Some("2026-12-01T10:00:00Z")));
        assert!(stall.is_stalled("s0", Some("2026-11-24T10:00:00+03:30")));
        // Closed stages, unknown stages and unreadable times never stall.
        assert!(!stall.is_stalled("s4", Some("2020-01-01T00:00:00Z")));
        assert!(!stall.is_stalled("nope", Some("2020-01-01T00:00:00Z")));
        assert!(!stall.is_stalled("s3", Some("yesterday")));
        assert!(!stall.is_stalled("s3", None));
    }

    #[test]
    fn a_pipeline_without_thresholds_never_stalls() {
        let mut pipeline = crate::pipeline::sample("s");
        for stage in &mut pipeline.stages {
            stage.stall_days = None;
        }
        let stall = Stall::new(&pipeline, at("2026-12-09T08:00:00Z"));
        assert!(!stall.any());
        assert!(!stall.is_stalled("s0", Some("2000-01-01T00:00:00Z")));
    }

    #[test]
    fn the_later_of_two_times_is_compared_as_instants() {
        assert_eq!(
            later(
                Some("2026-12-01T10:00:00Z"),
                Some("2026-12-01T12:00:00+03:30")
            ),
            Some("2026-12-01T10:00:00Z")
        );
        assert_eq!(
            later(Some("2026-12-01T10:00:00Z"), Some("2026-12-02T00:00:00Z")),
            Some("2026-12-02T00:00:00Z")
        );
        assert_eq!(later(None, Some("x")), Some("x"));
        assert_eq!(later(None, None), None);
    }
}
