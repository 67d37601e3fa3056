//! Slowing down password guessing. The state lives in the database (so every server process
//! sees it); this is the arithmetic, kept pure so it can be tested.

use serde::{Deserialize, Serialize};

/// Failures older than this are forgiven.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures allowed before any waiting is imposed.
pub const FREE_FAILURES: u32 = 5;
const FIRST_BLOCK_SECS: i64 = 30;
const MAX_BLOCK_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    pub fails: u32,
    /// Unix seconds of the last failure.
    pub last_fail: i64,
    /// Unix seconds until which attempts are refused.
    pub blocked_until: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allow,
    Wait { secs: u64 },
}

impl Throttle {
    pub fn verdict(&self, now: i64) -> ThrottleVerdict {
        if self.blocked_until > now {
            ThrottleVerdict::Wait {
                secs: (self.blocked_until - now) as u64,
            }
        } else {
            ThrottleVerdict::Allow
        }
    }

    /// The state after one more failed attempt at `now`.
    pub fn after_failure(self, now: i64) -> Throttle {
        let fails = if now - self.last_fail > WINDOW_SECS {
            1
        } else {
            self.fails.saturating_add(1)
        };
        let blocked_until = if fails >= FREE_FAILURES {
            let doublings = (fails - FREE_FAILURES).min(10);
            now + (FIRST_BLOCK_SECS << doublings).min(MAX_BLOCK_SECS)
        } else {
            0
        };
        Throttle {
            fails,
            last_fail: now,
            blocked_until,
        }
    }

    /// An attempt is counted as a failure before its password is checked (so attempts made
    /// at once cannot all pass one check); one that succeeds gives its count back.
    pub fn refund(self) -> Throttle {
        let fails = self.fails.saturating_sub(1);
        Throttle {
            fails,
            blocked_until: if fails < FREE_FAILURES {
                0
            } else {
                self.blocked_until
            },
            ..self
        }
    }

    /// Nothing left to remember: no block and every failure forgiven.
    pub fn expired(&self, now: i64) -> bool {
        self.blocked_until <= now && now - self.last_fail > WINDOW_SECS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_doubling_waits_capped() {
        let mut t = Throttle::default();
        let now = 1_000_000;
        for _ in 0..FREE_FAILURES - 1 {
            t = t.after_failure(now);
            assert_eq!(t.verdict(now), ThrottleVerdict::Allow);
        }
        t = t.after_failure(now);
        assert_eq!(t.verdict(now), ThrottleVerdict::Wait { secs: 30 });
        t = t.after_failure(now);
        assert_eq!(t.verdict(now), ThrottleVerdict::Wait { secs: 60 });
        for _ in 0..20 {
            t = t.after_failure(now);
        }
        assert_eq!(t.verdict(now), ThrottleVerdict::Wait { secs: 900 });
        assert_eq!(t.verdict(now + 900), ThrottleVerdict::Allow);
    }

    #[test]
    fn a_success_gives_back_what_its_attempt_counted() {
        let mut t = Throttle::default();
        for _ in 0..FREE_FAILURES {
            t = t.after_failure(100);
        }
        assert_eq!(t.verdict(100), ThrottleVerdict::Wait { secs: 30 });
        let back = t.refund();
        assert_eq!(back.fails, FREE_FAILURES - 1);
        assert_eq!(back.verdict(100), ThrottleVerdict::Allow);
        assert_eq!(Throttle::default().refund(), Throttle::default());
        assert!(!t.expired(100));
        assert!(t.expired(100 + WINDOW_SECS + 1));
    }

    #[test]
    fn old_failures_are_forgiven() {
        let mut t = Throttle::default();
        for _ in 0..4 {
            t = t.after_failure(0);
        }
        t = t.after_failure(WINDOW_SECS + 1);
        assert_eq!(t.fails, 1);
        assert_eq!(t.verdict(WINDOW_SECS + 1), ThrottleVerdict::Allow);
    }
}
