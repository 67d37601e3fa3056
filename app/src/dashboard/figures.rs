//! What the dashboard shows, worked out from tallies: rates, averages, changes against the
//! period before, funnel conversions and money in the default currency. Plain arithmetic on
//! plain data, so the server and a device get the same figures from the same tallies.

use super::{FunnelStep, OpenSum, Rate, Sum, Tally};
use crate::money::Currency;

/// A figure against the same figure for the period before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Up(i64),
    Down(i64),
    Same,
}

/// How `now` compares with `before`, in whole percent of `before`; `None` when there was
/// nothing before to compare with (a rise from zero has no percentage).
pub fn change(now: i64, before: i64) -> Option<Change> {
    if before == 0 {
        return None;
    }
    let percent = ((now - before) as f64 * 100.0 / before.abs() as f64).round() as i64;
    Some(match percent {
        0 => Change::Same,
        p if p > 0 => Change::Up(p),
        p => Change::Down(-p),
    })
}

pub fn won_count(tally: &Tally) -> i64 {
    tally.won.iter().map(|s| s.count).sum()
}

/// Of the deals closed in the period, the percentage won; `None` when none closed.
pub fn win_rate(tally: &Tally) -> Option<i64> {
    let won = won_count(tally);
    let closed = won + tally.lost;
    (closed > 0).then(|| (won as f64 * 100.0 / closed as f64).round() as i64)
}

/// Average days from a deal's creation to its winning, over the deals won in the period.
pub fn sales_cycle_days(tally: &Tally) -> Option<i64> {
    let won = won_count(tally);
    (won > 0).then(|| (tally.cycle_secs as f64 / won as f64 / 86_400.0).round() as i64)
}

/// The average won deal, per currency.
pub fn average_size(won: &[Sum]) -> Vec<Sum> {
    won.iter()
        .filter(|s| s.count > 0)
        .map(|s| Sum {
            currency: s.currency,
            count: s.count,
            total: (s.total as f64 / s.count as f64).round() as i64,
        })
        .collect()
}

/// Of the deals that entered each stage, the percentage that entered the next one; the last
/// stage has no next. `None` where none entered.
pub fn conversions(funnel: &[FunnelStep]) -> Vec<Option<i64>> {
    funnel
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let next = funnel.get(i + 1)?;
            (step.entered > 0)
                .then(|| (next.entered as f64 * 100.0 / step.entered as f64).round() as i64)
        })
        .collect()
}

/// `minor` units of `from` in minor units of `to`, at `rates`; `None` without a rate.
pub fn convert(minor: i64, from: Currency, to: Currency, rates: &[Rate]) -> Option<i64> {
    if from == to {
        return Some(minor);
    }
    let rate = rates.iter().find(|r| r.currency == from)?.per_unit;
    if !(rate.is_finite() && rate > 0.0) {
        return None;
    }
    let units = minor as f64 / 10f64.powi(from.decimals() as i32);
    Some((units * rate * 10f64.powi(to.decimals() as i32)).round() as i64)
}

/// Amounts in several currencies as one amount of `to`, when every one of them has a rate
/// (money is never summed across currencies otherwise); `None` when they are all `to`
/// already (nothing was converted) or a rate is missing.
pub fn converted_total(
    amounts: impl IntoIterator<Item = (Currency, i64)>,
    to: Currency,
    rates: &[Rate],
) -> Option<i64> {
    let mut total = 0i64;
    let mut foreign = false;
    for (currency, minor) in amounts {
        foreign |= currency != to;
        total = total.saturating_add(convert(minor, currency, to, rates)?);
    }
    foreign.then_some(total)
}

/// Open deals' amounts, weighted or not, for [`converted_total`].
pub fn open_amounts(open: &[OpenSum], weighted: bool) -> impl Iterator<Item = (Currency, i64)> {
    open.iter()
        .map(move |o| (o.currency, if weighted { o.weighted } else { o.total }))
}

/// Amounts of the same currencies added together, in the order of the currency codes.
pub fn merge(sums: impl IntoIterator<Item = Sum>) -> Vec<Sum> {
    let mut merged: Vec<Sum> = Vec::new();
    for sum in sums {
        match merged.iter_mut().find(|m| m.currency == sum.currency) {
            Some(m) => {
                m.count += sum.count;
                m.total += sum.total;
            }
            None => merged.push(sum),
        }
    }
    merged.sort_by_key(|s| s.currency.code());
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Outcome, Stage};

    fn sum(currency: Currency, count: i64, total: i64) -> Sum {
        Sum {
            currency,
            count,
            total,
        }
    }

    #[test]
    fn changes_are_percentages_of_the_period_before() {
        assert_eq!(change(150, 100), Some(Change::Up(50)));
        assert_eq!(change(50, 100), Some(Change::Down(50)));
        assert_eq!(change(100, 100), Some(Change::Same));
        assert_eq!(change(1, 3), Some(Change::Down(67)));
        assert_eq!(change(5, 0), None);
    }

    #[test]
    fn win_rate_counts_the_deals_closed_in_the_period() {
        let tally = Tally {
            won: vec![sum(Currency::USD, 2, 500), sum(Currency::IRT, 1, 9)],
            lost: 5,
            cycle_secs: 3 * 10 * 86_400,
            created: 0,
        };
        assert_eq!(win_rate(&tally), Some(38));
        assert_eq!(sales_cycle_days(&tally), Some(10));
        assert_eq!(win_rate(&Tally::default()), None);
        assert_eq!(sales_cycle_days(&Tally::default()), None);
    }

    #[test]
    fn average_deal_size_is_per_currency() {
        let won = [sum(Currency::USD, 3, 1_000), sum(Currency::EUR, 0, 0)];
        assert_eq!(average_size(&won), [sum(Currency::USD, 3, 333)]);
    }

    #[test]
    fn conversion_is_to_the_next_stage() {
        let step = |entered| FunnelStep {
            stage: Stage {
                id: "s".into(),
                name: "s".into(),
                position: 0,
                probability: 0,
                outcome: Outcome::Open,
                stall_days: None,
            },
            entered,
        };
        let funnel = [step(40), step(10), step(0), step(0)];
        assert_eq!(conversions(&funnel), [Some(25), Some(0), None, None]);
    }

    #[test]
    fn money_is_converted_only_with_a_rate_for_every_currency() {
        let rates = [Rate {
            currency: Currency::EUR,
            per_unit: 1.1,
        }];
        // €10.00 is $11.00; tomans have no decimals.
        assert_eq!(
            convert(1_000, Currency::EUR, Currency::USD, &rates),
            Some(1_100)
        );
        let toman = [Rate {
            currency: Currency::USD,
            per_unit: 90_000.0,
        }];
        assert_eq!(
            convert(250, Currency::USD, Currency::IRT, &toman),
            Some(225_000)
        );
        let mixed = [(Currency::USD, 500), (Currency::EUR, 1_000)];
        assert_eq!(converted_total(mixed, Currency::USD, &rates), Some(1_600));
        let unrated = [(Currency::USD, 500), (Currency::GBP, 1_000)];
        assert_eq!(converted_total(unrated, Currency::USD, &rates), None);
        // Nothing to convert: the per-currency figure says it already.
        assert_eq!(
            converted_total([(Currency::USD, 5)], Currency::USD, &rates),
            None
        );
        let broken = [Rate {
            currency: Currency::EUR,
            per_unit: f64::NAN,
        }];
        assert_eq!(convert(1, Currency::EUR, Currency::USD, &broken), None);
    }

    #[test]
    fn sums_of_one_currency_are_merged() {
        let merged = merge([
            sum(Currency::USD, 1, 10),
            sum(Currency::EUR, 1, 5),
            sum(Currency::USD, 2, 20),
        ]);
        assert_eq!(
            merged,
            [sum(Currency::EUR, 1, 5), sum(Currency::USD, 3, 30)]
        );
    }
}
