//! Pipelines and their ordered stages, configurable per organisation.

pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FORM, FieldErrors, Problem};
use crate::i18n::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Open,
    Won,
    Lost,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: crate::ids::Id,
    pub name: String,
    pub position: i64,
    pub probability: i64,
    pub outcome: Outcome,
    /// Days an open deal may sit in this stage with no activity before it counts as
    /// stalled; `None`: never.
    #[serde(default)]
    pub stall_days: Option<i64>,
}

/// The most "days until stalled" a stage may have: a device keeps the activities of the
/// last 90 days (see `activities::KEPT_DAYS`), so it can always tell a stalled deal as the
/// server does.
pub const MOST_STALL_DAYS: i64 = 90;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub id: crate::ids::Id,
    pub name: String,
    pub stages: Vec<Stage>,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Open, Outcome::Won, Outcome::Lost];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Won => "won",
            Outcome::Lost => "lost",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label(self) -> Key {
        match self {
            Outcome::Open => Key::OutcomeOpen,
            Outcome::Won => Key::OutcomeWon,
            Outcome::Lost => Key::OutcomeLost,
        }
    }
}

/// One row of the stage editor, as typed. A new stage carries an id minted by the client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageInput {
    pub id: String,
    pub name: String,
    pub probability: String,
    pub outcome: String,
    /// Empty: the stage never stalls.
    #[serde(default)]
    pub stall_days: String,
}

/// The stages in their new order; errors are keyed `stages.{index}.{field}`.
pub fn validate_stages(rows: &[StageInput]) -> Result<Vec<Stage>, AppError> {
    let mut errors = FieldErrors::default();
    let mut stages = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let field = |name: &str| format!("stages.{index}.{name}");
        let name = crate::validate::required(&mut errors, &field("name"), &row.name, 40);
        let probability = match crate::text::ascii_digits(row.probability.trim()).parse::<i64>() {
            Ok(p) if (0..=100).contains(&p) => p,
            Ok(_) => {
                errors.add(
                    &field("probability"),
                    Problem::OutOfRange { min: 0, max: 100 },
                );
                0
            }
            Err(_) => {
                errors.add(&field("probability"), Problem::InvalidNumber);
                0
            }
        };
        let stall_days = match crate::text::ascii_digits(row.stall_days.trim()).as_str() {
            "" => None,
            typed => match typed.parse::<i64>() {
                Ok(days) if (1..=MOST_STALL_DAYS).contains(&days) => Some(days),
                Ok(_) => {
                    errors.add(
                        &field("stall_days"),
                        Problem::OutOfRange {
                            min: 1,
                            max: MOST_STALL_DAYS,
                        },
                    );
                    None
                }
                Err(_) => {
                    errors.add(&field("stall_days"), Problem::InvalidNumber);
                    None
                }
            },
        };
        let outcome = Outcome::from_code(&row.outcome);
        if outcome.is_none() || !crate::ids::is_valid_id(&row.id) {
            errors.add(FORM, Problem::Malformed);
        }
        stages.push(Stage {
            id: row.id.as_str().into(),
            name,
            position: index as i64,
            probability,
            // Only open deals stall.
            stall_days: stall_days.filter(|_| outcome == Some(Outcome::Open)),
            outcome: outcome.unwrap_or(Outcome::Open),
        });
    }
    if !Outcome::ALL
        .iter()
        .all(|o| stages.iter().any(|s| s.outcome == *o))
        && errors.get(FORM).is_none()
    {
        errors.add(FORM, Problem::StagesIncomplete);
    }
    errors.into_result()?;
    Ok(stages)
}

impl From<&Stage> for StageInput {
    fn from(s: &Stage) -> Self {
        StageInput {
            id: s.id.to_string(),
            name: s.name.clone(),
            probability: s.probability.to_string(),
            outcome: s.outcome.code().to_owned(),
            stall_days: s.stall_days.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

#[server(endpoint = "pipeline/get", input = Json)]
pub async fn get_pipeline() -> Result<Pipeline, AppError> {
    crate::server::respond(async {
        let cx = crate::server::cx().await?;
        ssr::default_pipeline(&cx.db).await
    })
    .await
}

/// Replaces the default pipeline's stages (admins only); returns the saved pipeline.
#[server(endpoint = "pipeline/save", input = Json)]
pub async fn save_pipeline(stages: Vec<StageInput>) -> Result<Pipeline, AppError> {
    crate::server::respond(async move { ssr::save(&crate::server::cx().await?, &stages).await })
        .await
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

/// The stages every new organisation starts with: (name, win probability %, outcome, days
/// until stalled).
pub const DEFAULT_STAGES: [(&str, i64, Outcome, Option<i64>); 6] = [
    ("Lead", 10, Outcome::Open, Some(14)),
    ("Qualified", 25, Outcome::Open, Some(14)),
    ("Proposal", 50, Outcome::Open, Some(10)),
    ("Negotiation", 75, Outcome::Open, Some(7)),
    ("Won", 100, Outcome::Won, None),
    ("Lost", 0, Outcome::Lost, None),
];

/// The default stages as a pipeline, their ids `{prefix}0`, `{prefix}1`…, for tests.
#[cfg(test)]
pub fn sample(prefix: &str) -> Pipeline {
    let stages = DEFAULT_STAGES
        .iter()
        .enumerate()
        .map(|(i, (name, probability, outcome, stall_days))| Stage {
            id: format!("{prefix}{i}").into(),
            name: (*name).into(),
            position: i as i64,
            probability: *probability,
            outcome: *outcome,
            stall_days: *stall_days,
        })
        .collect();
    Pipeline {
        id: "p".into(),
        name: "Sales".into(),
        stages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<StageInput> {
        ["open", "won", "lost"]
            .iter()
            .map(|o| StageInput {
                id: crate::ids::new_id(),
                name: o.to_uppercase(),
                probability: "50".into(),
                outcome: (*o).into(),
                stall_days: String::new(),
            })
            .collect()
    }

    #[test]
    fn stage_rows_are_validated_in_their_new_order() {
        let mut input = rows();
        input.swap(0, 1);
        let stages = validate_stages(&input).expect("valid");
        assert_eq!(
            stages
                .iter()
                .map(|s| (s.name.as_str(), s.position))
                .collect::<Vec<_>>(),
            [("WON", 0), ("OPEN", 1), ("LOST", 2)]
        );
        input[1].name = " ".into();
        input[2].probability = "150".into();
        input[0].probability = "half".into();
        input[1].stall_days = "91".into();
        input[0].stall_days = "۱۴".into();
        let Err(AppError::Validation(errors)) = validate_stages(&input) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("stages.1.name"), Some(Problem::Required));
        assert_eq!(
            errors.get("stages.2.probability"),
            Some(Problem::OutOfRange { min: 0, max: 100 })
        );
        assert_eq!(
            errors.get("stages.0.probability"),
            Some(Problem::InvalidNumber)
        );
        assert_eq!(
            errors.get("stages.1.stall_days"),
            Some(Problem::OutOfRange { min: 1, max: 90 })
        );
        assert_eq!(errors.get("stages.0.stall_days"), None);
    }

    #[test]
    fn only_open_stages_stall() {
        let mut input = rows();
        for row in &mut input {
            row.stall_days = "۱۰".into();
        }
        let stages = validate_stages(&input).expect("valid");
        assert_eq!(
            stages.iter().map(|s| s.stall_days).collect::<Vec<_>>(),
            [Some(10), None, None]
        );
    }

    #[test]
    fn a_pipeline_needs_open_won_and_lost_stages() {
        let mut input = rows();
        input.pop();
        let Err(AppError::Validation(errors)) = validate_stages(&input) else {
            panic!("must fail")
        };
        assert_eq!(errors.get(FORM), Some(Problem::StagesIncomplete));
    }

    fn pipeline() -> Pipeline {
        crate::pipeline::sample("s")
    }

    #[test]
    fn next_stage_walks_open_stages_to_won_and_stops() {
        let p = pipeline();
        let walk: Vec<&str> = std::iter::successors(p.stage("s0"), |s| p.next_stage(&s.id))
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(
            walk,
            ["Lead", "Qualified", "Proposal", "Negotiation", "Won"]
        );
        assert!(p.next_stage("s5").is_none(), "nothing follows Lost");
        assert!(p.next_stage("nope").is_none());
    }
}
