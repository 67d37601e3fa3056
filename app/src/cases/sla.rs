//! The two promises made on a case — a first response and a resolution within so many
//! working hours — and where each stands, worked out from the case's status log alone, so
//! the server, a manager's desktop and a rep's phone offline all show the same deadline.
//!
//! The first-response clock runs from the case's creation until it first leaves New. The
//! resolution clock runs whenever the case is open and not waiting on the customer: the
//! time spent waiting is kept out on every path (also straight from waiting to resolved),
//! and a reopen starts it again where it stopped.

use serde::{Deserialize, Serialize};

use super::Status;
use super::working_time::WorkingCalendar;
use crate::dashboard::offsets::Offsets;
use crate::i18n::Key;

/// Where a promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    OnTrack,
    /// In the last fifth of its working time.
    DueSoon,
    Breached,
    Met,
}

impl SlaState {
    pub fn label(self) -> Key {
        match self {
            SlaState::OnTrack => Key::SlaOnTrack,
            SlaState::DueSoon => Key::SlaDueSoon,
            SlaState::Breached => Key::SlaBreached,
            SlaState::Met => Key::SlaMet,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            SlaState::OnTrack => "on_track",
            SlaState::DueSoon => "due_soon",
            SlaState::Breached => "breached",
            SlaState::Met => "met",
        }
    }
}

/// One promise's clock at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub state: SlaState,
    /// When it falls (or fell) due; `None` while stopped short of it, waiting on the
    /// customer: the deadline is not known until the clock runs again.
    pub due: Option<i64>,
    /// Working seconds used, and promised.
    pub used: i64,
    pub target: i64,
    /// Stopped, waiting on the customer.
    pub paused: bool,
    /// When the promise was kept or broken for good: the first response, the resolution.
    pub done_at: Option<i64>,
}

impl Clock {
    /// Working seconds left (negative once overdue).
    pub fn left(&self) -> i64 {
        self.target - self.used
    }

    fn settle(mut self) -> Clock {
        self.state = match self.done_at {
            Some(_) if self.used <= self.target => SlaState::Met,
            Some(_) => SlaState::Breached,
            None if self.used >= self.target => SlaState::Breached,
            // The last fifth: used ≥ 80 % of the target, in whole seconds.
            None if self.used * 5 >= self.target * 4 => SlaState::DueSoon,
            None => SlaState::OnTrack,
        };
        self
    }
}

/// What the clocks are read against: the calendar, the organisation's zone, and now.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    pub calendar: &'a WorkingCalendar,
    pub zone: &'a Offsets,
    pub now: i64,
}

/// A status entered at an instant; a case's log starts with New at its creation.
pub type Entry = (Status, i64);

/// The first-response clock of a case whose statuses are `log`, with `target` working
/// seconds.
pub fn response(log: &[Entry], target: i64, at: Reading) -> Clock {
    let created = log.first().map_or(at.now, |(_, t)| *t);
    let answered = log
        .iter()
        .skip(1)
        .find(|(status, _)| *status != Status::New)
        .map(|(_, t)| *t);
    let until = answered.unwrap_or(at.now).max(created);
    Clock {
        state: SlaState::OnTrack,
        due: at.calendar.add(at.zone, created, target),
        used: at.calendar.between(at.zone, created, until),
        target,
        paused: false,
        done_at: answered,
    }
    .settle()
}

/// The resolution clock of a case whose statuses are `log`, with `target` working seconds.
pub fn resolution(log: &[Entry], target: i64, at: Reading) -> Clock {
    let mut used = 0;
    let mut due = None;
    let mut done_at = None;
    for (index, (status, from)) in log.iter().enumerate() {
        let next = log.get(index + 1).map(|(_, t)| *t);
        let to = next.unwrap_or(at.now).max(*from);
        if status.is_done() {
            // Resolved then closed: resolved at the first of them.
            done_at = done_at.or(Some(*from));
            continue;
        }
        done_at = None;
        if !status.runs_clock() {
            continue;
        }
        let worked = at.calendar.between(at.zone, *from, to);
        if due.is_none() {
            let falls = at.calendar.add(at.zone, *from, target - used);
            // Within this stretch, or ahead of the one still running.
            if next.is_none() || falls.is_some_and(|f| f <= to) || used + worked >= target {
                due = falls;
            }
        }
        used += worked;
    }
    let paused = log
        .last()
        .is_some_and(|(status, _)| *status == Status::Waiting);
    Clock {
        state: SlaState::OnTrack,
        // Stopped short of the target: not known until the clock runs again.
        due: if paused && used < target { None } else { due },
        used,
        target,
        paused,
        done_at,
    }
    .settle()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::working_time::local_instant;
    use time::macros::date;

    const HOUR: i64 = 3600;

    fn tehran() -> Offsets {
        Offsets::fixed(3 * 3600 + 1800)
    }

    /// Saturday 5 December 2026 at `hour`:`minute`, Tehran.
    fn sat(hour: u16, minute: u16) -> i64 {
        local_instant(&tehran(), date!(2026 - 12 - 05), hour * 60 + minute)
    }

    fn reading<'a>(calendar: &'a WorkingCalendar, zone: &'a Offsets, now: i64) -> Reading<'a> {
        Reading {
            calendar,
            zone,
            now,
        }
    }

    fn sun(hour: u16, minute: u16) -> i64 {
        local_instant(&tehran(), date!(2026 - 12 - 06), hour * 60 + minute)
    }

    #[test]
    fn the_first_response_is_the_first_step_out_of_new() {
        let calendar = WorkingCalendar::iranian_office();
        let zone = tehran();
        let log = [(Status::New, sat(9, 0))];
        let at = |now| Reading {
            calendar: &calendar,
            zone: &zone,
            now,
        };
        let open = response(&log, 4 * HOUR, at(sat(10, 0)));
        assert_eq!(open.state, SlaState::OnTrack);
        // 09:00 + 4 working hours, the lunch hour skipped.
        assert_eq!(open.due, Some(sat(14, 0)));
        assert_eq!(
            response(&log, 4 * HOUR, at(sat(13, 30))).state,
            SlaState::DueSoon
        );
        assert_eq!(
            response(&log, 4 * HOUR, at(sat(14, 0))).state,
            SlaState::Breached
        );
        let answered = [(Status::New, sat(9, 0)), (Status::Acknowledged, sat(11, 0))];
        let met = response(&answered, 4 * HOUR, at(sun(9, 0)));
        assert_eq!((met.state, met.done_at), (SlaState::Met, Some(sat(11, 0))));
        assert_eq!(met.used, 2 * HOUR);
        let late = [(Status::New, sat(9, 0)), (Status::InProgress, sat(16, 0))];
        assert_eq!(
            response(&late, 4 * HOUR, at(sun(9, 0))).state,
            SlaState::Breached
        );
    }

    #[test]
    fn waiting_on_the_customer_stops_the_clock_and_the_deadline_moves_by_the_wait() {
        let (calendar, zone) = (WorkingCalendar::iranian_office(), tehran());
        let at = |now| reading(&calendar, &zone, now);
        let mut log = vec![
            (Status::New, sat(8, 0)),
            (Status::Acknowledged, sat(8, 30)),
            (Status::Waiting, sat(10, 0)),
        ];
        // Eight working hours promised; two used when the wait began.
        let waiting = resolution(&log, 8 * HOUR, at(sat(16, 0)));
        assert!(waiting.paused);
        assert_eq!((waiting.used, waiting.due), (2 * HOUR, None));
        // The same however long the wait lasts.
        assert_eq!(resolution(&log, 8 * HOUR, at(sun(16, 0))).used, 2 * HOUR);
        // The customer answers Sunday 09:00: six hours left, due Sunday 16:00.
        log.push((Status::InProgress, sun(9, 0)));
        let running = resolution(&log, 8 * HOUR, at(sun(10, 0)));
        assert_eq!(running.due, Some(sun(16, 0)));
        assert_eq!(running.state, SlaState::OnTrack);
        // A deadline does not move while the clock runs.
        assert_eq!(
            resolution(&log, 8 * HOUR, at(sun(15, 0))).due,
            Some(sun(16, 0))
        );
        assert_eq!(
            resolution(&log, 8 * HOUR, at(sun(15, 0))).state,
            SlaState::DueSoon
        );
    }

    #[test]
    fn time_waiting_is_kept_out_when_resolved_straight_from_waiting() {
        let (calendar, zone) = (WorkingCalendar::iranian_office(), tehran());
        let at = |now| reading(&calendar, &zone, now);
        // Frappe Helpdesk counted the hold time in this path (PR #3776).
        let log = [
            (Status::New, sat(8, 0)),
            (Status::Waiting, sat(9, 0)),
            (Status::Resolved, sun(16, 0)),
        ];
        let clock = resolution(&log, 4 * HOUR, at(sun(17, 0)));
        assert_eq!(clock.used, HOUR);
        assert_eq!(
            (clock.state, clock.done_at),
            (SlaState::Met, Some(sun(16, 0)))
        );
        // Closing later keeps the resolution where it was.
        let mut closed = log.to_vec();
        closed.push((Status::Closed, sun(16, 30)));
        let clock = resolution(&closed, 4 * HOUR, at(sun(17, 0)));
        assert_eq!(clock.done_at, Some(sun(16, 0)));
    }

    #[test]
    fn a_reopen_resumes_the_clock_where_it_stopped() {
        let (calendar, zone) = (WorkingCalendar::iranian_office(), tehran());
        let at = |now| reading(&calendar, &zone, now);
        let log = [
            (Status::New, sat(8, 0)),
            (Status::Resolved, sat(11, 0)),
            (Status::Reopened, sun(8, 0)),
        ];
        // Three of four hours used before the resolve; one left from Sunday 08:00.
        let clock = resolution(&log, 4 * HOUR, at(sun(8, 30)));
        assert_eq!(clock.done_at, None);
        assert_eq!(clock.due, Some(sun(9, 0)));
        assert_eq!(clock.state, SlaState::DueSoon);
        let clock = resolution(&log, 4 * HOUR, at(sun(10, 0)));
        assert_eq!(clock.state, SlaState::Breached);
        // The deadline is when the target was reached, not now.
        assert_eq!(clock.due, Some(sun(9, 0)));
        assert_eq!(clock.left(), -HOUR);
    }

    #[test]
    fn a_breach_before_a_wait_stays_a_breach() {
        let (calendar, zone) = (WorkingCalendar::iranian_office(), tehran());
        let at = |now| reading(&calendar, &zone, now);
        let log = [(Status::New, sat(8, 0)), (Status::Waiting, sat(11, 0))];
        let clock = resolution(&log, 2 * HOUR, at(sun(8, 0)));
        assert!(clock.paused);
        assert_eq!(clock.state, SlaState::Breached);
        assert_eq!(clock.due, Some(sat(10, 0)));
    }
}
