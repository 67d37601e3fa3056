//! The dashboard's tallies (`tallies.surql`): table views the database keeps summed on every
//! write, in that write's transaction, so a figure over 100,000 deals reads a few hundred
//! summary rows. They count days in the organisation's zone; this module gives the
//! database that zone and the Jalali months, and defines the views again when the zone (or
//! their definition) changes: a view is filled from what exists when it is defined.

use serde::Deserialize;
use time::{Date, Month};

use super::zone::Zone;
use crate::calendar::iso;
use crate::dashboard::period::{Calendar, Span, month_first};
use crate::db::{self, Db};
use crate::error::AppResult;

const VIEWS: &str = include_str!("tallies.surql");
/// Raised with every change to `tallies.surql`, so a server defines the views again.
const VERSION: i64 = 1;
/// The years the stored zone offsets and Jalali days cover. An instant outside still gets a
/// day (the nearest offset applies); a day outside falls in no Jalali month.
const FIRST_YEAR: i32 = 2000;
const LAST_YEAR: i32 = 2060;

/// Which views a period reads: days, or months of one calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grain {
    Day,
    Gregorian,
    Jalali,
}

impl Grain {
    /// The coarsest grain that cuts `spans` exactly: months of the reader's calendar when
    /// every span is whole months of it, else days.
    pub fn of(calendar: Calendar, spans: &[Span]) -> Grain {
        let whole = |day: Date| month_first(day, calendar) == Some(day);
        if spans.iter().all(|s| whole(s.start) && whole(s.end)) {
            match calendar {
                Calendar::Gregorian => Grain::Gregorian,
                Calendar::Jalali => Grain::Jalali,
            }
        } else {
            Grain::Day
        }
    }

    /// The suffix of this grain's views.
    pub fn suffix(self) -> &'static str {
        match self {
            Grain::Day => "d",
            Grain::Gregorian => "g",
            Grain::Jalali => "j",
        }
    }

    /// The bucket a day is counted in: the day, or its month's first day.
    pub fn bucket(self, day: Date) -> Option<Date> {
        match self {
            Grain::Day => Some(day),
            Grain::Gregorian => month_first(day, Calendar::Gregorian),
            Grain::Jalali => month_first(day, Calendar::Jalali),
        }
    }
}

/// Every view's `DEFINE TABLE`, the bucketed ones once per grain.
fn definitions() -> Vec<String> {
    let (bucketed, single) = VIEWS.split_once("-- ONE GRAIN").unwrap_or((VIEWS, ""));
    let statements = |text: &str| -> Vec<String> {
        let code: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect();
        code.join("\n")
            .split(';')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut all = Vec::new();
    for grain in [Grain::Day, Grain::Gregorian, Grain::Jalali] {
        all.extend(
            statements(bucketed)
                .into_iter()
                .map(|s| s.replace('@', grain.suffix())),
        );
    }
    all.extend(statements(single));
    all
}

fn view_name(definition: &str) -> Option<&str> {
    definition
        .split_once("DEFINE TABLE ")?
        .1
        .split_whitespace()
        .next()
}

#[derive(Deserialize)]
struct Built {
    zone: String,
    version: i64,
}

/// The names of the tallies' tables, which a backup leaves out: they are built from the rest.
pub fn view_names() -> Vec<String> {
    definitions()
        .iter()
        .filter_map(|d| view_name(d).map(str::to_owned))
        .collect()
}

/// Every table the database defines.
pub async fn tables(db: &Db) -> AppResult<Vec<String>> {
    let mut response = db::run(db.query("INFO FOR DB")).await?;
    let info: Option<serde_json::Value> = db::take_one(&mut response, 0)?;
    Ok(info
        .as_ref()
        .and_then(|i| i["tables"].as_object())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default())
}

/// Defines the views unless they exist and were built for this zone and version; run at
/// start-up and after the organisation's zone is saved. Before migration 0015 has run there
/// is nothing to build them with, and nothing is done.
pub async fn ensure(db: &Db) -> AppResult<()> {
    let tables = tables(db).await?;
    if !tables.iter().any(|t| t == "local_time") {
        return Ok(());
    }
    let zone = Zone::of_organisation(db).await?;
    if built(db, zone, &tables).await? {
        return Ok(());
    }
    match rebuild(db, zone).await {
        Ok(()) => Ok(()),
        // Another server starting beside this one may have built them first.
        Err(error) if built(db, zone, &self::tables(db).await?).await? => {
            tracing::info!(%error, "dashboard tallies were built by another server");
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Whether the views exist, built for `zone` by this version.
async fn built(db: &Db, zone: Zone, tables: &[String]) -> AppResult<bool> {
    let mut response = db::run(db.query("SELECT zone, version FROM ONLY local_time:zone")).await?;
    let built: Option<Built> = db::take_one(&mut response, 0)?;
    Ok(
        built.is_some_and(|b| b.zone == zone.name() && b.version == VERSION)
            && view_names().iter().all(|v| tables.contains(v))
            && jalali_filled(db).await?,
    )
}

/// Drops the views until the next [`ensure`], for loading many records at once: defining
/// a view over them afterwards is several times faster than updating it on every write.
/// Nothing may read the dashboard meanwhile.
pub async fn suspend(db: &Db) -> AppResult<()> {
    let sql = format!("BEGIN TRANSACTION;\n{}COMMIT TRANSACTION;", removals());
    db::run(db.query(sql)).await?;
    Ok(())
}

/// Statements dropping every view, whether it exists or not.
fn removals() -> String {
    view_names()
        .into_iter()
        .map(|name| format!("REMOVE TABLE IF EXISTS {name};\n"))
        .collect()
}

/// The last Gregorian month the Jalali table holds, written last: present means all are.
fn last_month() -> String {
    format!("{LAST_YEAR}-12")
}

async fn jalali_filled(db: &Db) -> AppResult<bool> {
    let mut response = db::run(
        db.query("RETURN type::record('jalali_month', $last).begins;")
            .bind(("last", last_month())),
    )
    .await?;
    let begins: Option<String> = db::take_one(&mut response, 0)?;
    Ok(begins.is_some())
}

/// Each Gregorian month of the covered years: the Jalali month that begins in it, and the
/// one before.
fn jalali_months() -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for month in 1..=12u8 {
            let Ok(month) = Month::try_from(month) else {
                continue;
            };
            let Ok(last) =
                Date::from_calendar_date(year, month, time::util::days_in_month(month, year))
            else {
                continue;
            };
            let (Some(begins), Some(before)) = (
                month_first(last, Calendar::Jalali),
                last.replace_day(1)
                    .ok()
                    .and_then(|first| month_first(first, Calendar::Jalali)),
            ) else {
                continue;
            };
            // A Jalali month that began on the 1st leaves no days to the one before.
            let before = if begins.month() == month {
                before
            } else {
                begins
            };
            rows.push(serde_json::json!({
                "id": format!("{year}-{:02}", u8::from(month)),
                "begins": iso(begins),
                "before": iso(before),
            }));
        }
    }
    rows
}

async fn fill_jalali(db: &Db) -> AppResult<()> {
    if jalali_filled(db).await? {
        return Ok(());
    }
    db::run(
        db.query("INSERT IGNORE INTO jalali_month $rows")
            .bind(("rows", jalali_months())),
    )
    .await?;
    Ok(())
}

/// The zone's offsets as `fn::day` reads them: for each UTC year, the offset as it begins
/// and the changes within it (Unix seconds).
fn by_year(
    offsets: &crate::dashboard::offsets::Offsets,
    years: std::ops::RangeInclusive<i32>,
) -> serde_json::Value {
    let begins = |year: i32| {
        Date::from_calendar_date(year, Month::January, 1)
            .map(|d| d.midnight().assume_utc().unix_timestamp())
            .unwrap_or(0)
    };
    let mut by_year = serde_json::Map::new();
    for year in years.clone() {
        let (start, end) = (begins(year), begins(year + 1));
        let changes: Vec<serde_json::Value> = offsets
            .changes
            .iter()
            .filter(|(from, _)| (start..end).contains(from) && *from != start)
            .map(|(from, secs)| serde_json::json!({ "from": from, "secs": secs }))
            .collect();
        by_year.insert(
            year.to_string(),
            serde_json::json!({ "start": offsets.offset_at(start), "changes": changes }),
        );
    }
    let from = begins(*years.start());
    let until = begins(*years.end() + 1);
    serde_json::json!({
        "years": by_year,
        "from": from,
        "first": offsets.offset_at(from),
        "last": offsets.offset_at(until - 1),
    })
}

/// Stores the zone's offsets and defines every view again, in one transaction: readers see
/// the old tallies or the new ones, never a half-built set. Slow on a large organisation (a
/// minute for 100,000 deals and 500,000 activities), and only needed when the zone changes.
pub async fn rebuild(db: &Db, zone: Zone) -> AppResult<()> {
    fill_jalali(db).await?;
    let first = Date::from_calendar_date(FIRST_YEAR, Month::January, 1).unwrap_or(Date::MIN);
    let after = Date::from_calendar_date(LAST_YEAR + 1, Month::January, 1).unwrap_or(Date::MAX);
    let offsets = zone.offsets(first, after);
    let mut basis = by_year(&offsets, FIRST_YEAR..=LAST_YEAR);
    basis["zone"] = zone.name().into();
    basis["version"] = VERSION.into();
    let definitions = definitions();
    let mut sql = format!(
        "BEGIN TRANSACTION;
         UPSERT local_time:zone CONTENT $basis;\n{}",
        removals()
    );
    for definition in &definitions {
        sql.push_str(definition);
        sql.push_str(";\n");
    }
    sql.push_str("COMMIT TRANSACTION;");
    let started = std::time::Instant::now();
    db::run(db.query(sql).bind(("basis", basis))).await?;
    tracing::info!(
        zone = zone.name(),
        ms = started.elapsed().as_millis() as u64,
        "dashboard tallies built"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_is_defined_once_per_grain() {
        let names: Vec<String> = definitions()
            .iter()
            .filter_map(|d| view_name(d).map(str::to_owned))
            .collect();
        for name in [
            "closed_d",
            "closed_g",
            "closed_j",
            "due_j",
            "pipeline_now",
            "due_now",
        ] {
            assert_eq!(names.iter().filter(|n| *n == name).count(), 1, "{name}");
        }
        assert!(names.iter().all(|n| !n.contains('@')));
        assert_eq!(names.len(), 7 * 3 + 2);
    }

    /// `fn::bucket_j` reads the table this way; it must find every day's Jalali month.
    #[test]
    fn the_jalali_table_gives_every_day_its_month() {
        let rows = jalali_months();
        assert_eq!(rows.len(), (LAST_YEAR - FIRST_YEAR + 1) as usize * 12);
        let mut day = Date::from_calendar_date(FIRST_YEAR, Month::January, 1).unwrap();
        while day.year() <= LAST_YEAR {
            let text = iso(day);
            let row = rows.iter().find(|r| r["id"] == text[..7]).unwrap();
            let (begins, before) = (
                row["begins"].as_str().unwrap(),
                row["before"].as_str().unwrap(),
            );
            let found = if text.as_str() >= begins {
                begins
            } else {
                before
            };
            let expected = iso(month_first(day, Calendar::Jalali).unwrap());
            assert_eq!(found, expected, "{text}");
            day = day.next_day().unwrap();
        }
    }

    #[test]
    fn offsets_by_year_keep_each_change_in_its_year() {
        let london = Zone::named("Europe/London");
        let first = Date::from_calendar_date(2025, Month::January, 1).unwrap();
        let after = Date::from_calendar_date(2027, Month::January, 1).unwrap();
        let basis = by_year(&london.offsets(first, after), 2025..=2026);
        let year = &basis["years"]["2026"];
        assert_eq!(year["start"], 0);
        let changes = year["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2);
        // 29 March 2026, 01:00 UTC: clocks go forward an hour.
        assert_eq!(changes[0]["from"], 1_774_746_000);
        assert_eq!(changes[0]["secs"], 3600);
        assert_eq!(basis["first"], 0);
        assert_eq!(basis["last"], 0);
    }

    #[test]
    fn whole_months_read_months_and_anything_else_days() {
        let day = |y, m, d| Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap();
        let quarter = Span {
            start: day(2026, 1, 1),
            end: day(2026, 4, 1),
        };
        assert_eq!(Grain::of(Calendar::Gregorian, &[quarter]), Grain::Gregorian);
        assert_eq!(Grain::of(Calendar::Jalali, &[quarter]), Grain::Day);
        // 1 Farvardin 1405 to 1 Ordibehesht 1405.
        let farvardin = Span {
            start: day(2026, 3, 21),
            end: day(2026, 4, 21),
        };
        assert_eq!(Grain::of(Calendar::Jalali, &[farvardin]), Grain::Jalali);
        let custom = Span {
            start: day(2026, 1, 1),
            end: day(2026, 1, 15),
        };
        assert_eq!(
            Grain::of(Calendar::Gregorian, &[quarter, custom]),
            Grain::Day
        );
        assert_eq!(
            Grain::Jalali.bucket(day(2026, 4, 20)),
            Some(day(2026, 3, 21))
        );
        assert_eq!(
            Grain::Gregorian.bucket(day(2026, 4, 20)),
            Some(day(2026, 4, 1))
        );
    }
}
