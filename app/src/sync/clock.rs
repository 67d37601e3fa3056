//! Hybrid logical clocks: wall-clock milliseconds, a counter for events in the same
//! millisecond, and the device's id as tie-breaker. Carried as text (on the wire, in
//! IndexedDB, in the database), printed zero-padded so that text order is time order for
//! anyone reading it; in code a clock is always an [`Hlc`], compared as one.

use std::fmt;

/// How far ahead of the server's clock a device's clock may run before the server clamps it.
pub const MAX_DRIFT_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub ms: i64,
    pub counter: u32,
    pub node: String,
}

impl Hlc {
    pub fn zero(node: &str) -> Self {
        Hlc {
            ms: 0,
            counter: 0,
            node: node.to_owned(),
        }
    }

    /// The next clock for a local event at wall time `now_ms`: never behind the last one.
    pub fn tick(&self, now_ms: i64) -> Hlc {
        if now_ms > self.ms {
            Hlc {
                ms: now_ms,
                counter: 0,
                node: self.node.clone(),
            }
        } else {
            Hlc {
                ms: self.ms,
                counter: self.counter.saturating_add(1),
                node: self.node.clone(),
            }
        }
    }

    /// Moves this clock past one seen from elsewhere, so later local events order after it.
    pub fn observe(&self, seen: &Hlc, now_ms: i64) -> Hlc {
        let ms = self.ms.max(seen.ms).max(now_ms);
        let counter = if ms == self.ms && ms == seen.ms {
            self.counter.max(seen.counter).saturating_add(1)
        } else if ms == self.ms {
            self.counter.saturating_add(1)
        } else if ms == seen.ms {
            seen.counter.saturating_add(1)
        } else {
            0
        };
        Hlc {
            ms,
            counter,
            node: self.node.clone(),
        }
    }

    pub fn parse(text: &str) -> Option<Hlc> {
        let mut parts = text.splitn(3, '-');
        let ms = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        let node = parts.next()?.to_owned();
        Some(Hlc { ms, counter, node })
    }

    /// A clock from a device, as the server accepts it: one running more than
    /// [`MAX_DRIFT_MS`] ahead of the server would win every later edit, so it is pulled back.
    pub fn clamped(self, server_now_ms: i64) -> Hlc {
        if self.ms > server_now_ms + MAX_DRIFT_MS {
            Hlc {
                ms: server_now_ms,
                ..self
            }
        } else {
            self
        }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:015}-{:06}-{}",
            self.ms.max(0),
            self.counter,
            self.node
        )
    }
}

impl serde::Serialize for Hlc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Hlc {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Hlc::parse(&text).ok_or_else(|| serde::de::Error::custom("not a hybrid logical clock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_order_by_time_even_where_their_text_does_not() {
        let small = Hlc {
            ms: 5,
            counter: 999_999,
            node: "a".into(),
        }
        .to_string();
        let big = Hlc {
            ms: 5,
            counter: 1_000_000,
            node: "a".into(),
        }
        .to_string();
        assert!(
            small.as_str() > big.as_str(),
            "as text, seven digits sort first"
        );
        let (small, big) = (Hlc::parse(&small), Hlc::parse(&big));
        assert!(big > small, "as clocks, the later one sorts last");
    }

    #[test]
    fn ticks_never_go_backwards_even_when_the_wall_clock_does() {
        let a = Hlc::zero("n").tick(1_000);
        let b = a.tick(900);
        let c = b.tick(900);
        assert!(a < b && b < c);
        assert!(a.to_string() < b.to_string() && b.to_string() < c.to_string());
        assert_eq!(c.ms, 1_000);
    }

    #[test]
    fn text_order_is_time_order_and_round_trips() {
        let early = Hlc {
            ms: 99,
            counter: 7,
            node: "z".into(),
        };
        let late = Hlc {
            ms: 1_700_000_000_000,
            counter: 0,
            node: "a".into(),
        };
        assert!(early.to_string() < late.to_string());
        assert_eq!(Hlc::parse(&late.to_string()), Some(late.clone()));
        assert_eq!(Hlc::parse("nonsense"), None);
        let json = serde_json::to_string(&late).expect("serialises");
        assert_eq!(json, format!("\"{late}\""));
        assert_eq!(serde_json::from_str::<Hlc>(&json).ok(), Some(late));
        assert!(serde_json::from_str::<Hlc>("\"12:3\"").is_err());
    }

    #[test]
    fn observing_a_later_clock_moves_past_it() {
        let mine = Hlc {
            ms: 10,
            counter: 0,
            node: "a".into(),
        };
        let theirs = Hlc {
            ms: 50,
            counter: 3,
            node: "b".into(),
        };
        let next = mine.observe(&theirs, 20);
        assert!(next > theirs && next.ms == 50 && next.counter == 4);
    }

    #[test]
    fn a_clock_far_ahead_is_clamped_to_the_server() {
        let ahead = Hlc {
            ms: 10_000_000,
            counter: 1,
            node: "a".into(),
        };
        assert_eq!(ahead.clone().clamped(1_000).ms, 1_000);
        let near = Hlc {
            ms: 1_500,
            counter: 1,
            node: "a".into(),
        };
        assert_eq!(near.clone().clamped(1_000), near);
    }
}
