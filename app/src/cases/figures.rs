//! Service figures (ISO 10004's monitoring): open cases by status and age, promises kept,
//! time to answer and to resolve in working hours, complaints by category and root cause,
//! CSAT, NPS and how many answered; per agent and per category, each row opening its
//! cases. Summed by the database from what each case keeps (`ssr::Outcome`); managers see
//! their team's, admins everyone's.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The periods offered, in days back from now.
pub const PERIODS: [i64; 4] = [7, 30, 90, 365];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    /// Promises that came due (answered or resolved) in the period.
    pub count: i64,
    pub met: i64,
    /// Mean working seconds taken.
    pub mean_secs: Option<f64>,
}

impl Kept {
    pub fn met_percent(&self) -> Option<i64> {
        (self.count > 0).then(|| (self.met as f64 * 100.0 / self.count as f64).round() as i64)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Surveyed {
    pub sent: i64,
    pub answered: i64,
    /// CSAT: answers of 4–5. NPS: promoters (9–10).
    pub high: i64,
    /// NPS: detractors (0–6).
    pub low: i64,
}

impl Surveyed {
    pub fn response_percent(&self) -> Option<i64> {
        (self.sent > 0).then(|| (self.answered as f64 * 100.0 / self.sent as f64).round() as i64)
    }

    pub fn csat_percent(&self) -> Option<i64> {
        (self.answered > 0)
            .then(|| (self.high as f64 * 100.0 / self.answered as f64).round() as i64)
    }

    /// Promoters minus detractors, as a percentage of the answers: −100 to 100.
    pub fn nps(&self) -> Option<i64> {
        (self.answered > 0)
            .then(|| ((self.high - self.low) as f64 * 100.0 / self.answered as f64).round() as i64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentRow {
    pub owner: crate::ids::Id,
    pub name: String,
    pub open: i64,
    /// Open cases past a deadline now.
    pub breached: i64,
    pub resolution: Kept,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRow {
    /// `None`: cases of people in no team.
    pub name: Option<String>,
    pub open: i64,
    pub resolution: Kept,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub category: Option<String>,
    pub complaints: i64,
    pub resolution: Kept,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFigures {
    pub days: i64,
    pub open_by_status: Vec<(super::Status, i64)>,
    /// Open cases by age: under a day, 1–3 days, 3–7 days, older.
    pub open_by_age: [i64; 4],
    pub response: Kept,
    pub resolution: Kept,
    pub root_causes: Vec<(String, i64)>,
    pub csat: Surveyed,
    pub nps: Surveyed,
    pub agents: Vec<AgentRow>,
    #[serde(default)]
    pub teams: Vec<TeamRow>,
    pub categories: Vec<CategoryRow>,
}

#[server(endpoint = "cases/figures", input = Json)]
pub async fn figures_for_period(days: i64) -> Result<ServiceFigures, AppError> {
    crate::server::respond(async move { ssr::figures(&crate::server::cx().await?, days).await })
        .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use serde::Deserialize;
    use serde_json::Value;

    use super::{AgentRow, CategoryRow, Kept, ServiceFigures, Surveyed, TeamRow};
    use crate::auth::Role;
    use crate::cases::Status;
    use crate::db;
    use crate::error::{AppError, AppResult};
    use crate::records::{bind_actor, read_filter};
    use crate::server::Cx;

    fn int(v: &Value) -> i64 {
        v.as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .unwrap_or(0)
    }

    fn surveyed(row: Option<&Value>) -> Surveyed {
        row.map_or_else(Surveyed::default, |r| Surveyed {
            sent: int(&r["sent"]),
            answered: int(&r["answered"]),
            high: int(&r["high"]),
            low: int(&r["low"]),
        })
    }

    #[derive(Deserialize)]
    struct Counted {
        key: Value,
        n: i64,
    }

    /// Resolved cases of one assignee, team and category: what every resolution figure is
    /// summed from, so the database walks the period's cases once for all of them.
    #[derive(Deserialize)]
    struct Resolved {
        key: Value,
        #[serde(default)]
        team: Value,
        #[serde(default)]
        category: Option<String>,
        n: i64,
        met: i64,
        #[serde(default)]
        secs: f64,
    }

    /// Complaints made in the period, by category and root cause.
    #[derive(Deserialize)]
    struct Complained {
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        root_cause: Option<String>,
        n: i64,
    }

    fn sum<'a>(groups: impl Iterator<Item = &'a Resolved>) -> Kept {
        let (mut count, mut met, mut secs) = (0, 0, 0.0);
        for g in groups {
            count += g.n;
            met += g.met;
            secs += g.secs;
        }
        Kept {
            count,
            met,
            mean_secs: (count > 0).then(|| secs / count as f64),
        }
    }

    pub async fn figures(cx: &Cx, days: i64) -> AppResult<ServiceFigures> {
        if cx.actor.role == Role::Rep {
            return Err(AppError::Forbidden);
        }
        let days = if super::PERIODS.contains(&days) {
            days
        } else {
            30
        };
        let filter = read_filter(&cx.actor);
        const OPEN: &str =
            "status IN ['new', 'acknowledged', 'in_progress', 'waiting', 'reopened']";
        let met = |field: &str| format!("math::sum(IF {field} = true THEN 1 ELSE 0 END)");
        let sql = format!(
            "SELECT status AS key, count() AS n FROM case WHERE {OPEN} AND {filter} GROUP BY key;
             SELECT (IF created_at > time::now() - 1d THEN 0 ELSE IF created_at > time::now() - 3d THEN 1
                 ELSE IF created_at > time::now() - 7d THEN 2 ELSE 3 END) AS key, count() AS n
               FROM case WHERE {OPEN} AND {filter} GROUP BY key;
             SELECT count() AS n, {response_met} AS met, math::mean(response_secs) AS mean
               FROM case WHERE responded_at >= $from AND {filter} GROUP ALL;
             SELECT owner AS key, team, category, count() AS n, {resolution_met} AS met,
                 math::sum(resolution_secs) AS secs
               FROM case WHERE resolved_at >= $from AND {filter} GROUP BY key, team, category;
             SELECT category AS key, root_cause, count() AS n FROM case
               WHERE kind = 'complaint' AND created_at >= $from AND {filter} GROUP BY key, root_cause;
             SELECT count() AS sent, math::sum(IF answered_at != NONE THEN 1 ELSE 0 END) AS answered,
                 math::sum(IF score >= 4 THEN 1 ELSE 0 END) AS high, 0 AS low
               FROM survey WHERE kind = 'csat' AND created_at >= $from AND {filter} GROUP ALL;
             SELECT count() AS sent, math::sum(IF answered_at != NONE THEN 1 ELSE 0 END) AS answered,
                 math::sum(IF score >= 9 THEN 1 ELSE 0 END) AS high,
                 math::sum(IF score != NONE AND score <= 6 THEN 1 ELSE 0 END) AS low
               FROM survey WHERE kind = 'nps' AND created_at >= $from AND {filter} GROUP ALL;
             SELECT owner AS key, team, count() AS n FROM case WHERE {OPEN} AND {filter} GROUP BY key, team;
             SELECT owner AS key, count() AS n FROM case
               WHERE {OPEN} AND due_at != NONE AND due_at < time::now() AND {filter} GROUP BY key;
             SELECT id AS key, name AS n FROM user;
             SELECT id AS key, name AS n FROM team;",
            response_met = met("response_met"),
            resolution_met = met("resolution_met"),
        );
        let from = time::OffsetDateTime::now_utc() - time::Duration::days(days);
        let from: surrealdb::types::Datetime =
            chrono::DateTime::from_timestamp(from.unix_timestamp(), 0)
                .unwrap_or_default()
                .into();
        let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("from", from));
        let mut response = db::run(query).await?;
        let mut open_by_status: Vec<(Status, i64)> = db::take_all::<Counted>(&mut response, 0)?
            .into_iter()
            .filter_map(|c| Some((Status::from_code(c.key.as_str()?)?, c.n)))
            .collect();
        open_by_status.sort();
        let mut open_by_age = [0; 4];
        for c in db::take_all::<Counted>(&mut response, 1)? {
            if let Some(band) = c.key.as_u64().and_then(|b| open_by_age.get_mut(b as usize)) {
                *band = c.n;
            }
        }
        let responded: Vec<Value> = db::take_all(&mut response, 2)?;
        let response_kept = responded.first().map_or_else(Kept::default, |r| Kept {
            count: int(&r["n"]),
            met: int(&r["met"]),
            mean_secs: r["mean"].as_f64(),
        });
        let resolved: Vec<Resolved> = db::take_all(&mut response, 3)?;
        let complained: Vec<Complained> = db::take_all(&mut response, 4)?;
        let csat = surveyed(db::take_all::<Value>(&mut response, 5)?.first());
        let nps = surveyed(db::take_all::<Value>(&mut response, 6)?.first());
        let open: Vec<Resolved> = db::take_all::<Value>(&mut response, 7)?
            .into_iter()
            .map(|v| Resolved {
                key: v["key"].clone(),
                team: v["team"].clone(),
                category: None,
                n: int(&v["n"]),
                met: 0,
                secs: 0.0,
            })
            .collect();
        let breached: Vec<Counted> = db::take_all(&mut response, 8)?;
        let users: Vec<Counted2> = db::take_all(&mut response, 9)?;
        let teams: Vec<Counted2> = db::take_all(&mut response, 10)?;
        let name_in = |names: &[Counted2], key: &Value| {
            names.iter().find(|u| u.key == *key).map(|u| u.n.clone())
        };

        let mut owners: Vec<&Value> = open.iter().chain(&resolved).map(|g| &g.key).collect();
        owners.sort_by_key(|k| k.to_string());
        owners.dedup();
        let mut agents: Vec<AgentRow> = owners
            .into_iter()
            .map(|key| AgentRow {
                owner: crate::ids::Id::from(key.as_str().unwrap_or_default().to_owned()),
                name: name_in(&users, key).unwrap_or_default(),
                open: open.iter().filter(|g| g.key == *key).map(|g| g.n).sum(),
                breached: breached.iter().find(|c| c.key == *key).map_or(0, |c| c.n),
                resolution: sum(resolved.iter().filter(|g| g.key == *key)),
            })
            .collect();
        agents.sort_by(|a, b| {
            b.breached
                .cmp(&a.breached)
                .then_with(|| a.name.cmp(&b.name))
        });

        let mut team_keys: Vec<&Value> = open.iter().chain(&resolved).map(|g| &g.team).collect();
        team_keys.sort_by_key(|k| k.to_string());
        team_keys.dedup();
        let mut team_rows: Vec<TeamRow> = team_keys
            .into_iter()
            .map(|key| TeamRow {
                name: name_in(&teams, key),
                open: open.iter().filter(|g| g.team == *key).map(|g| g.n).sum(),
                resolution: sum(resolved.iter().filter(|g| g.team == *key)),
            })
            .collect();
        team_rows.sort_by(|a, b| a.name.cmp(&b.name));

        let mut category_keys: Vec<Option<String>> = resolved
            .iter()
            .map(|g| g.category.clone())
            .chain(complained.iter().map(|c| c.key.clone()))
            .collect();
        category_keys.sort();
        category_keys.dedup();
        let mut categories: Vec<CategoryRow> = category_keys
            .into_iter()
            .map(|category| CategoryRow {
                complaints: complained
                    .iter()
                    .filter(|c| c.key == category)
                    .map(|c| c.n)
                    .sum(),
                resolution: sum(resolved.iter().filter(|g| g.category == category)),
                category,
            })
            .collect();
        categories.sort_by(|a, b| {
            b.complaints
                .cmp(&a.complaints)
                .then_with(|| a.category.cmp(&b.category))
        });

        let mut root_causes: Vec<(String, i64)> = Vec::new();
        for c in &complained {
            if let Some(cause) = &c.root_cause {
                match root_causes.iter_mut().find(|(k, _)| k == cause) {
                    Some((_, n)) => *n += c.n,
                    None => root_causes.push((cause.clone(), c.n)),
                }
            }
        }
        root_causes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        root_causes.truncate(10);

        Ok(ServiceFigures {
            days,
            open_by_status,
            open_by_age,
            response: response_kept,
            resolution: sum(resolved.iter()),
            root_causes,
            csat,
            nps,
            agents,
            teams: team_rows,
            categories,
        })
    }

    /// A user's or team's name by record id.
    #[derive(Deserialize)]
    struct Counted2 {
        key: Value,
        n: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_and_nps_from_the_counts() {
        let kept = Kept {
            count: 8,
            met: 6,
            mean_secs: None,
        };
        assert_eq!(kept.met_percent(), Some(75));
        assert_eq!(Kept::default().met_percent(), None);
        let nps = Surveyed {
            sent: 20,
            answered: 10,
            high: 3,
            low: 5,
        };
        assert_eq!(nps.nps(), Some(-20));
        assert_eq!(nps.response_percent(), Some(50));
        let csat = Surveyed {
            sent: 4,
            answered: 4,
            high: 3,
            low: 0,
        };
        assert_eq!(csat.csat_percent(), Some(75));
        assert_eq!(Surveyed::default().nps(), None);
    }
}
