//! The service desk's promises as an organisation sets them — working hours, the response
//! and resolution times per priority (and, where set, per category) — and the zone they are
//! read in. Sent to every device with the rest of the organisation's reference data, so a
//! case's clocks read the same everywhere.

use serde::{Deserialize, Serialize};

use super::sla::{self, Clock, Reading};
use super::working_time::WorkingCalendar;
use super::{CaseFields, Priority};
use crate::dashboard::offsets::Offsets;

/// Working minutes promised for a first response and a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    pub priority: Priority,
    /// Only for cases of this category; `None` for every category without its own.
    #[serde(default)]
    pub category: Option<String>,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

/// What an organisation stores (in `organisation.service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSettings {
    pub calendar: WorkingCalendar,
    pub promises: Vec<Promise>,
    #[serde(default)]
    pub categories: Vec<String>,
}

impl ServiceSettings {
    /// What an organisation starts with: an office week (Iranian for an organisation in
    /// Tehran's zone), one working hour to answer an urgent case and a day to resolve it,
    /// down to two days and two weeks for a low one.
    pub fn defaults(time_zone: &str) -> ServiceSettings {
        let calendar = if time_zone == "Asia/Tehran" {
            WorkingCalendar::iranian_office()
        } else {
            WorkingCalendar::western_office()
        };
        let promise = |priority, response_minutes, resolution_minutes| Promise {
            priority,
            category: None,
            response_minutes,
            resolution_minutes,
        };
        ServiceSettings {
            calendar,
            // In `Priority::ALL`'s order, as the settings form lists them.
            promises: vec![
                promise(Priority::Low, 16 * 60, 80 * 60),
                promise(Priority::Normal, 8 * 60, 40 * 60),
                promise(Priority::High, 4 * 60, 16 * 60),
                promise(Priority::Urgent, 60, 8 * 60),
            ],
            categories: vec![
                "Delivery".into(),
                "Billing".into(),
                "Product quality".into(),
                "Service".into(),
            ],
        }
    }
}

/// The settings with the organisation's zone: what the clocks are read with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceRules {
    pub calendar: WorkingCalendar,
    pub promises: Vec<Promise>,
    pub categories: Vec<String>,
    /// The organisation's offsets from UTC over the years open cases span.
    pub zone: Offsets,
}

/// Both clocks of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clocks {
    pub response: Clock,
    pub resolution: Clock,
}

impl Clocks {
    /// The clock that matters now: the first response until it is given, then the
    /// resolution.
    pub fn current(&self) -> &Clock {
        if self.response.done_at.is_none() && self.resolution.done_at.is_none() {
            &self.response
        } else {
            &self.resolution
        }
    }

    /// How a queue sorts: breached first (longest overdue first), then by the nearest
    /// deadline; a clock stopped short of its deadline last.
    pub fn urgency(&self) -> (u8, i64) {
        let clock = self.current();
        match (clock.state, clock.due) {
            (sla::SlaState::Breached, due) => (0, due.unwrap_or(i64::MIN)),
            (_, Some(due)) => (1, due),
            (_, None) => (2, -clock.left()),
        }
    }
}

impl ServiceRules {
    pub fn new(settings: ServiceSettings, zone: Offsets) -> ServiceRules {
        ServiceRules {
            calendar: settings.calendar,
            promises: settings.promises,
            categories: settings.categories,
            zone,
        }
    }

    /// The promise for a case of this priority and category: the category's own if one is
    /// set, else the priority's; none set at all reads as the defaults.
    pub fn promise(&self, priority: Priority, category: Option<&str>) -> (i64, i64) {
        let own = category.and_then(|c| {
            self.promises
                .iter()
                .find(|p| p.priority == priority && p.category.as_deref() == Some(c))
        });
        let any = || {
            self.promises
                .iter()
                .find(|p| p.priority == priority && p.category.is_none())
        };
        match own.or_else(any) {
            Some(p) => (p.response_minutes * 60, p.resolution_minutes * 60),
            None => {
                let defaults = ServiceSettings::defaults("UTC");
                defaults
                    .promises
                    .iter()
                    .find(|p| p.priority == priority)
                    .map_or((8 * 3600, 40 * 3600), |p| {
                        (p.response_minutes * 60, p.resolution_minutes * 60)
                    })
            }
        }
    }

    /// A case's clocks at `now` (Unix seconds).
    pub fn clocks(&self, case: &CaseFields, now: i64) -> Clocks {
        let (response, resolution) = self.promise(case.priority, case.category.as_deref());
        let log = case.clock_log();
        let at = Reading {
            calendar: &self.calendar,
            zone: &self.zone,
            now,
        };
        Clocks {
            response: sla::response(&log, response, at),
            resolution: sla::resolution(&log, resolution, at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Entered, Status};

    #[test]
    fn a_categorys_own_promise_comes_before_its_prioritys() {
        let mut settings = ServiceSettings::defaults("Asia/Tehran");
        settings.promises.push(Promise {
            priority: Priority::Normal,
            category: Some("Billing".into()),
            response_minutes: 30,
            resolution_minutes: 120,
        });
        let rules = ServiceRules::new(settings, Offsets::fixed(12_600));
        assert_eq!(
            rules.promise(Priority::Normal, Some("Billing")),
            (1800, 7200)
        );
        assert_eq!(
            rules.promise(Priority::Normal, Some("Delivery")),
            (8 * 3600, 40 * 3600)
        );
        assert_eq!(rules.promise(Priority::Urgent, None), (3600, 8 * 3600));
        let empty = ServiceRules::default();
        assert_eq!(empty.promise(Priority::High, None), (4 * 3600, 16 * 3600));
    }

    #[test]
    fn a_queue_puts_breaches_first_then_the_nearest_deadline() {
        let rules = ServiceRules::new(
            ServiceSettings::defaults("Asia/Tehran"),
            Offsets::fixed(12_600),
        );
        // Saturday 5 December 2026, 08:00 Tehran is 04:30 UTC.
        let saturday = 1_796_445_000;
        let case = |priority, created: i64| CaseFields {
            priority,
            log: vec![Entered {
                status: Status::New,
                at: crate::calendar::rfc3339(created),
            }],
            ..Default::default()
        };
        let now = saturday + 2 * 3600;
        let urgent_late = rules.clocks(&case(Priority::Urgent, saturday), now);
        let urgent_fresh = rules.clocks(&case(Priority::Urgent, now - 600), now);
        let normal = rules.clocks(&case(Priority::Normal, saturday), now);
        assert_eq!(urgent_late.response.state, sla::SlaState::Breached);
        assert_eq!(urgent_fresh.response.state, sla::SlaState::OnTrack);
        let mut queue = [normal, urgent_fresh, urgent_late];
        queue.sort_by_key(Clocks::urgency);
        assert_eq!(queue, [urgent_late, urgent_fresh, normal]);
    }
}
