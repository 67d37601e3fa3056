//! Pipelines and their ordered stages, configurable per organisation.

#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    #[serde(deserialize_with = "crate::ids::de::id")]
    pub id: String,
    pub name: String,
    pub position: i64,
    pub probability: i64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: String,
    pub name: String,
    pub stages: Vec<Stage>,
}

impl Pipeline {
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// The stage a one-tap "move on" goes to: the next open stage, then Won. Lost is never
    /// the next step; nothing follows a closed stage.
    pub fn next_stage(&self, id: &str) -> Option<&Stage> {
        let current = self.stage(id)?;
        if current.outcome != Outcome::Open {
            return None;
        }
        self.stages
            .iter()
            .filter(|s| s.position > current.position && s.outcome != Outcome::Lost)
            .min_by_key(|s| s.position)
    }
}

/// The stages every new organisation starts with: (name, win probability %, outcome).
pub const DEFAULT_STAGES: [(&str, i64, Outcome); 6] = [
    ("Lead", 10, Outcome::Open),
    ("Qualified", 25, Outcome::Open),
    ("Proposal", 50, Outcome::Open),
    ("Negotiation", 75, Outcome::Open),
    ("Won", 100, Outcome::Won),
    ("Lost", 0, Outcome::Lost),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> Pipeline {
        let stages = DEFAULT_STAGES
            .iter()
            .enumerate()
            .map(|(i, (name, probability, outcome))| Stage {
                id: format!("s{i}"),
                name: (*name).into(),
                position: i as i64,
                probability: *probability,
                outcome: *outcome,
            })
            .collect();
        Pipeline { id: "p".into(), name: "Sales".into(), stages }
    }

    #[test]
    fn next_stage_walks_open_stages_to_won_and_stops() {
        let p = pipeline();
        let walk: Vec<&str> = std::iter::successors(p.stage("s0"), |s| p.next_stage(&s.id))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(walk, ["Lead", "Qualified", "Proposal", "Negotiation", "Won"]);
        assert!(p.next_stage("s5").is_none(), "nothing follows Lost");
        assert!(p.next_stage("nope").is_none());
    }
}
