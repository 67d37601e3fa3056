//! Targets: what each rep (set by their manager) and each team (set by an admin) should win
//! in a month or a quarter, in the organisation's default currency, and how far they got.
//!
//! A target belongs to the days of the month or quarter it was set for, in the calendar of
//! whoever set it. A period shows the target set for exactly its days; failing that, the
//! targets of the quarters (or else the months) that lie wholly inside it, summed, so a
//! year shows its quarters' targets.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use super::period::{Calendar, Period};
use super::{Rate, Sum, figures};
use crate::error::AppError;
use crate::ids::Id;
use crate::money::Currency;

/// Whose target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Whose {
    Rep,
    Team,
}

/// A month's or a quarter's target as stored: its days, `start` up to `end`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub whose: Whose,
    pub id: Id,
    pub start: String,
    pub end: String,
    /// Minor units of the default currency.
    pub amount: i64,
}

/// One rep's or team's progress in the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attainment {
    pub whose: Whose,
    pub id: Id,
    pub name: String,
    pub won: Vec<Sum>,
    /// Minor units of the default currency; `None`: no target covers the period.
    pub target: Option<i64>,
    /// The actor may set this one's target for the period.
    pub settable: bool,
}

impl Attainment {
    /// Won, in the default currency; `None` when some currency has no rate.
    pub fn won_total(&self, default: Currency, rates: &[Rate]) -> Option<i64> {
        let mut total = 0i64;
        for sum in &self.won {
            total =
                total.saturating_add(figures::convert(sum.total, sum.currency, default, rates)?);
        }
        Some(total)
    }

    /// Won as a share of the target, in whole percent.
    pub fn percent(&self, default: Currency, rates: &[Rate]) -> Option<i64> {
        let target = self.target.filter(|t| *t > 0)?;
        let won = self.won_total(default, rates)?;
        Some(((won as f64) * 100.0 / target as f64).round() as i64)
    }
}

/// The target of `id` for the days `start..end` (see the module's rule).
pub fn covering(targets: &[Target], whose: Whose, id: &str, start: &str, end: &str) -> Option<i64> {
    let mine: Vec<&Target> = targets
        .iter()
        .filter(|t| t.whose == whose && t.id == id)
        .collect();
    if let Some(exact) = mine.iter().find(|t| t.start == start && t.end == end) {
        return Some(exact.amount);
    }
    let inside: Vec<&&Target> = mine
        .iter()
        .filter(|t| start <= t.start.as_str() && t.end.as_str() <= end)
        .collect();
    // Quarters first: a quarter's months would count the same money again.
    let longest = inside.iter().map(|t| span_days(t)).max()?;
    let kind_of = |t: &Target| span_days(t) > 40;
    let quarters = longest > 40;
    Some(
        inside
            .iter()
            .filter(|t| kind_of(t) == quarters)
            .map(|t| t.amount)
            .sum(),
    )
}

fn span_days(t: &Target) -> i64 {
    match (
        crate::calendar::parse_iso(&t.start),
        crate::calendar::parse_iso(&t.end),
    ) {
        (Some(s), Some(e)) => (e - s).whole_days(),
        _ => 0,
    }
}

/// Whether targets can be set for `period`: a month or a quarter.
pub fn settable(period: &Period) -> bool {
    matches!(
        period,
        Period::ThisMonth | Period::LastMonth | Period::ThisQuarter | Period::LastQuarter
    )
}

/// Sets (or, with an empty amount, clears) the target of a rep or a team for the
/// dashboard's month or quarter.
#[server(endpoint = "dashboard/target", input = Json)]
pub async fn set_target(
    period: Period,
    calendar: Calendar,
    whose: Whose,
    id: String,
    amount: String,
) -> Result<(), AppError> {
    crate::server::respond(async move {
        ssr::set(
            &crate::server::cx().await?,
            &period,
            calendar,
            whose,
            &id,
            &amount,
        )
        .await
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::{Whose, settable};
    use crate::auth::Role;
    use crate::dashboard::period::{Calendar, Period, Rules};
    use crate::db::{self, Bind, Write, rid};
    use crate::error::{AppError, AppResult, FieldErrors, Problem};
    use crate::money::{self, Currency};
    use crate::server::Cx;

    pub async fn set(
        cx: &Cx,
        period: &Period,
        calendar: Calendar,
        whose: Whose,
        id: &str,
        amount: &str,
    ) -> AppResult<()> {
        let id = crate::records::parse_id(id)?;
        match (cx.actor.role, whose) {
            (Role::Admin, _) => {}
            // A manager sets their reps' targets, not their own.
            (Role::Manager, Whose::Rep) if id != cx.actor.id.as_str() => {}
            _ => return Err(AppError::Forbidden),
        }
        if !settable(period) {
            return Err(AppError::form(Problem::Malformed));
        }
        let org = crate::settings::ssr::reporting(&cx.db).await?;
        let currency = org
            .default_currency
            .as_deref()
            .and_then(Currency::from_code)
            .unwrap_or_default();
        let amount = match amount.trim() {
            "" => None,
            typed => Some(money::parse_amount(typed, currency).map_err(|_| {
                let mut errors = FieldErrors::default();
                errors.add("amount", Problem::InvalidNumber);
                AppError::Validation(errors)
            })?),
        };
        let zone =
            crate::dashboard::ssr::zone::Zone::named(org.time_zone.as_deref().unwrap_or("UTC"));
        let rules = Rules {
            calendar,
            fiscal_start: match calendar {
                Calendar::Gregorian => org.fiscal_start.unwrap_or(1),
                Calendar::Jalali => org.fiscal_start_jalali.unwrap_or(1),
            },
        };
        let span = period
            .span(zone.today(), rules)
            .ok_or(AppError::form(Problem::Malformed))?;
        let (start, end) = (
            crate::calendar::iso(span.start),
            crate::calendar::iso(span.end),
        );
        let kind = if span.days() > 40 { "quarter" } else { "month" };
        let key = format!("{}_{id}_{start}_{end}", whose_code(whose));
        // A manager's reach is checked in the write: the rep must be in their team then.
        let subject = match whose {
            Whose::Rep => "user",
            Whose::Team => "team",
        };
        let manager_team = match cx.actor.role {
            Role::Manager => Some(rid(
                "team",
                cx.actor.team.as_deref().ok_or(AppError::Forbidden)?,
            )),
            _ => None,
        };
        let write = Write::new(format!(
            "BEGIN TRANSACTION;
             IF !record::exists($subject) {{ THROW $not_assignable }};
             IF $manager_team != NONE AND $subject.team != $manager_team {{ THROW $not_assignable }};
             IF $amount = NONE {{ DELETE $target }} ELSE {{
                 UPSERT $target CONTENT {{ {subject}: $subject, kind: $kind, start: $start, end: $end,
                     amount: $amount, set_by: $me, updated_at: time::now() }};
             }};
             COMMIT TRANSACTION;"
        ))
        .bind(db::vars(&serde_json::json!({ "amount": amount }))?)
        .bind(("target", rid("target", &key)))
        .bind(("subject", rid(subject, id)))
        .bind(("manager_team", manager_team))
        .bind(("kind", kind))
        .bind(("start", start))
        .bind(("end", end))
        .bind(("me", rid("user", &cx.actor.id)))
        .bind(("not_assignable", db::NOT_ASSIGNABLE_MARK));
        db::write(&cx.db, &write).await.map_err(|e| match e {
            AppError::Validation(_) => AppError::NotFound,
            other => other,
        })?;
        Ok(())
    }

    pub fn whose_code(whose: Whose) -> &'static str {
        match whose {
            Whose::Rep => "rep",
            Whose::Team => "team",
        }
    }

    /// Targets set for days within `sd..ed` (ISO days), for the dashboard.
    pub const TARGETS: &str = "SELECT (IF user != NONE THEN 'rep' ELSE 'team' END) AS whose,
        record::id(user ?? team) AS id, start, end, amount FROM target
        WHERE start >= $sd AND end <= $ed;";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(start: &str, end: &str, amount: i64) -> Target {
        Target {
            whose: Whose::Rep,
            id: "r".into(),
            start: start.into(),
            end: end.into(),
            amount,
        }
    }

    #[test]
    fn a_period_takes_its_own_target_or_the_largest_ones_inside_it() {
        let targets = [
            target("2026-10-01", "2027-01-01", 900),
            target("2026-10-01", "2026-11-01", 250),
            target("2026-11-01", "2026-12-01", 300),
            target("2027-01-01", "2027-04-01", 1000),
        ];
        // The month itself.
        assert_eq!(
            covering(&targets, Whose::Rep, "r", "2026-11-01", "2026-12-01"),
            Some(300)
        );
        // The quarter's own target, not its months'.
        assert_eq!(
            covering(&targets, Whose::Rep, "r", "2026-10-01", "2027-01-01"),
            Some(900)
        );
        // A year: its quarters.
        assert_eq!(
            covering(&targets, Whose::Rep, "r", "2026-07-01", "2027-07-01"),
            Some(1900)
        );
        // A month without one; someone else's.
        assert_eq!(
            covering(&targets, Whose::Rep, "r", "2026-12-01", "2027-01-01"),
            None
        );
        assert_eq!(
            covering(&targets, Whose::Team, "r", "2026-11-01", "2026-12-01"),
            None
        );
    }

    #[test]
    fn attainment_is_won_over_target_in_the_default_currency() {
        let rates = [Rate {
            currency: Currency::EUR,
            per_unit: 1.5,
        }];
        let progress = Attainment {
            whose: Whose::Rep,
            id: "r".into(),
            name: "R".into(),
            won: vec![
                Sum {
                    currency: Currency::USD,
                    count: 1,
                    total: 10_000,
                },
                Sum {
                    currency: Currency::EUR,
                    count: 1,
                    total: 10_000,
                },
            ],
            target: Some(50_000),
            settable: true,
        };
        assert_eq!(progress.won_total(Currency::USD, &rates), Some(25_000));
        assert_eq!(progress.percent(Currency::USD, &rates), Some(50));
        assert_eq!(
            progress.percent(Currency::USD, &[]),
            None,
            "no rate, no sum"
        );
        let none = Attainment {
            target: None,
            ..progress
        };
        assert_eq!(none.percent(Currency::USD, &rates), None);
    }
}
