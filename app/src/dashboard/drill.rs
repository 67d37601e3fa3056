//! Where each number on the dashboard leads: the deals table filtered to exactly the deals
//! behind it, with the dashboard's team and owner. `server/tests/dashboard.rs` holds each
//! table's count equal to its figure.

use super::{Dashboard, ForecastMonth};
use crate::calendar::IsoDate;
use crate::deals::table::{Days, TableQuery};
use crate::ids::Id;
use crate::pipeline::Outcome;

fn days(from: &str, until: &str) -> Option<Days> {
    Some(Days {
        from: IsoDate::parse(from)?,
        until: IsoDate::parse(until)?,
    })
}

fn period(d: &Dashboard) -> Option<Days> {
    days(&d.start, &d.end)
}

fn base(d: &Dashboard) -> TableQuery {
    TableQuery {
        team: d.filters.team.clone(),
        owner: d.filters.owner.clone().or_else(|| d.only_owner.clone()),
        ..TableQuery::default()
    }
}

/// Deals won in the period.
pub fn won(d: &Dashboard) -> TableQuery {
    TableQuery {
        outcome: Some(Outcome::Won),
        closed: period(d),
        ..base(d)
    }
}

/// Deals lost in the period, for one reason (`Some("")`: none given) or all.
pub fn lost(d: &Dashboard, reason: Option<&str>) -> TableQuery {
    TableQuery {
        outcome: Some(Outcome::Lost),
        closed: period(d),
        reason: reason.map(str::to_owned),
        ..base(d)
    }
}

/// Deals created in the period, from one source (`Some("")`: none) or all.
pub fn created(d: &Dashboard, source: Option<&str>) -> TableQuery {
    TableQuery {
        created: period(d),
        source: source.map(str::to_owned),
        ..base(d)
    }
}

/// Every open deal.
pub fn open(d: &Dashboard) -> TableQuery {
    TableQuery {
        outcome: Some(Outcome::Open),
        ..base(d)
    }
}

/// Deals that entered `stage` in the period.
pub fn entered(d: &Dashboard, stage: &Id) -> TableQuery {
    TableQuery {
        entered: period(d).map(|days| (stage.clone(), days)),
        ..base(d)
    }
}

/// Open deals expected to close in a month of the forecast.
pub fn closing(d: &Dashboard, month: &ForecastMonth) -> TableQuery {
    TableQuery {
        outcome: Some(Outcome::Open),
        closing: days(&month.start, &month.end),
        ..base(d)
    }
}
