//! The deals table: every deal the user may see, filtered, sorted and paged by the server.
//! Its query lives in the URL, so every number on the dashboard can open exactly the deals
//! behind it (`crate::dashboard::drill`), and a view can be shared.

pub mod actions;
pub mod local;
pub mod saved;
pub mod views;

#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::calendar::IsoDate;
use crate::error::AppError;
use crate::ids::Id;
use crate::money::Currency;
use crate::pipeline::Outcome;

/// Days of the organisation's calendar, from `from` up to, not including, `until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Days {
    pub from: IsoDate,
    pub until: IsoDate,
}

impl Days {
    fn code(&self) -> String {
        format!("{}..{}", self.from, self.until)
    }

    fn parse(text: &str) -> Option<Days> {
        let (from, until) = text.split_once("..")?;
        let days = Days {
            from: IsoDate::parse(from)?,
            until: IsoDate::parse(until)?,
        };
        (days.from.as_str() < days.until.as_str()).then_some(days)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Title,
    Company,
    Owner,
    Stage,
    Value,
    ExpectedClose,
    Probability,
    Source,
    LastActivity,
    #[default]
    Created,
}

impl Column {
    pub const ALL: [Column; 10] = [
        Column::Title,
        Column::Company,
        Column::Owner,
        Column::Stage,
        Column::Value,
        Column::ExpectedClose,
        Column::Probability,
        Column::Source,
        Column::LastActivity,
        Column::Created,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Column::Title => "title",
            Column::Company => "company",
            Column::Owner => "owner",
            Column::Stage => "stage",
            Column::Value => "value",
            Column::ExpectedClose => "expected_close",
            Column::Probability => "probability",
            Column::Source => "source",
            Column::LastActivity => "last_activity",
            Column::Created => "created",
        }
    }

    pub fn from_code(code: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Words sort A to Z first; amounts, percentages and dates largest and latest first.
    pub fn descending_first(self) -> bool {
        !matches!(
            self,
            Column::Title | Column::Company | Column::Owner | Column::Stage | Column::Source
        )
    }
}

/// Which deals, in what order, which page. Every filter narrows; none widens what the
/// user may see.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TableQuery {
    pub outcome: Option<Outcome>,
    pub stage: Option<Id>,
    pub owner: Option<Id>,
    pub team: Option<Id>,
    /// A source from the list; `Some("")` is deals with none.
    pub source: Option<String>,
    /// A lost reason; `Some("")` is deals lost without one.
    pub reason: Option<String>,
    pub text: String,
    /// Closed (entered a won or lost stage) on these days.
    pub closed: Option<Days>,
    /// Created on these days.
    pub created: Option<Days>,
    /// Entered this stage on these days.
    pub entered: Option<(Id, Days)>,
    /// Expected to close on these days.
    pub closing: Option<Days>,
    /// Only stalled deals (see [`crate::deals::stalled`]).
    pub stalled: bool,
    /// The columns shown, in the table's order; empty: all of them.
    pub columns: Vec<Column>,
    pub sort: Column,
    /// The other way round from the column's first order (see [`Column::descending_first`]).
    pub reversed: bool,
    /// From 0.
    pub page: u32,
}

/// Rows a page of the table holds.
pub const PAGE_ROWS: u32 = 50;

impl TableQuery {
    /// The query as a URL's query string, without the `?`; only what is set.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(outcome) = self.outcome {
            pairs.push(("outcome", outcome.code().to_owned()));
        }
        let ids = [
            ("stage", &self.stage),
            ("owner", &self.owner),
            ("team", &self.team),
        ];
        for (name, id) in ids {
            if let Some(id) = id {
                pairs.push((name, id.to_string()));
            }
        }
        for (name, text) in [("source", &self.source), ("reason", &self.reason)] {
            if let Some(text) = text {
                pairs.push((name, text.clone()));
            }
        }
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        for (name, days) in [
            ("closed", &self.closed),
            ("created", &self.created),
            ("closing", &self.closing),
        ] {
            if let Some(days) = days {
                pairs.push((name, days.code()));
            }
        }
        if let Some((stage, days)) = &self.entered {
            pairs.push(("entered", format!("{stage}@{}", days.code())));
        }
        if self.stalled {
            pairs.push(("stalled", "1".to_owned()));
        }
        if !self.columns.is_empty() {
            let codes: Vec<&str> = self.columns.iter().map(|c| c.code()).collect();
            pairs.push(("cols", codes.join(".")));
        }
        if self.sort != Column::default() || self.reversed {
            pairs.push(("sort", self.sort.code().to_owned()));
            if self.reversed {
                pairs.push(("reversed", "1".to_owned()));
            }
        }
        if self.page > 0 {
            pairs.push(("page", (self.page + 1).to_string()));
        }
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode(&v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Read back from a URL's parameters; what does not parse is left out.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> TableQuery {
        let id = |name: &str| {
            get(name)
                .filter(|v| crate::ids::is_valid_id(v))
                .map(|v| Id::from(v.as_str()))
        };
        let days = |name: &str| get(name).and_then(|v| Days::parse(&v));
        TableQuery {
            outcome: get("outcome").and_then(|o| Outcome::from_code(&o)),
            stage: id("stage"),
            owner: id("owner"),
            team: id("team"),
            source: get("source"),
            reason: get("reason"),
            text: get("q").unwrap_or_default(),
            closed: days("closed"),
            created: days("created"),
            closing: days("closing"),
            entered: get("entered").and_then(|v| {
                let (stage, range) = v.split_once('@')?;
                crate::ids::is_valid_id(stage)
                    .then(|| Some((Id::from(stage), Days::parse(range)?)))
                    .flatten()
            }),
            stalled: get("stalled").is_some_and(|s| s == "1"),
            columns: get("cols")
                .map(|cols| {
                    Column::ALL
                        .into_iter()
                        .filter(|c| cols.split('.').any(|code| code == c.code()))
                        .collect()
                })
                .unwrap_or_default(),
            sort: get("sort")
                .and_then(|s| Column::from_code(&s))
                .unwrap_or_default(),
            reversed: get("reversed").is_some_and(|d| d == "1"),
            page: get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .map_or(0, |p| p.saturating_sub(1)),
        }
    }

    /// What no filter may be, wherever the table is worked out: a link that is no id, a
    /// search longer than 200 characters.
    pub fn check(&self) -> Result<(), AppError> {
        crate::ids::valid_ids([
            self.stage.as_deref(),
            self.owner.as_deref(),
            self.team.as_deref(),
            self.entered.as_ref().map(|(stage, _)| stage.as_str()),
        ])?;
        if self.text.chars().count() > 200 {
            return Err(AppError::form(crate::error::Problem::TooLong { max: 200 }));
        }
        Ok(())
    }

    /// The columns to show: the chosen ones, always with the title first.
    pub fn shown(&self) -> Vec<Column> {
        Column::ALL
            .into_iter()
            .filter(|c| *c == Column::Title || self.columns.is_empty() || self.columns.contains(c))
            .collect()
    }

    /// Whether rows come largest, latest or last in the alphabet first.
    pub fn descending(&self) -> bool {
        self.sort.descending_first() != self.reversed
    }

    pub fn href(&self) -> String {
        let query = self.to_query();
        if query.is_empty() {
            "/deals".to_owned()
        } else {
            format!("/deals?{query}")
        }
    }
}

/// Percent-encodes what a query value may not hold as it is.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'@' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One deal as a row of the table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    pub id: Id,
    pub title: String,
    #[serde(default)]
    pub company_name: Option<String>,
    pub owner_name: String,
    pub stage: Id,
    pub stage_name: String,
    pub value: i64,
    pub currency: Currency,
    #[serde(default)]
    pub expected_close: Option<String>,
    pub probability: i64,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub last_activity: Option<String>,
    pub created_at: String,
    #[serde(default)]
    pub touched_at: Option<String>,
    #[serde(default)]
    pub stalled: bool,
}

/// A page of the table, and how many deals the whole query holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TablePage {
    pub query: TableQuery,
    pub total: i64,
    pub rows: Vec<TableRow>,
    /// Worked out offline on this device, from its copy as last synced at this instant
    /// (milliseconds since the epoch; 0 when never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of_ms: Option<f64>,
}

#[server(endpoint = "deals/table", input = Json)]
pub async fn deal_table(query: TableQuery) -> Result<TablePage, AppError> {
    crate::server::respond(async move { ssr::page(&crate::server::cx().await?, query).await }).await
}

/// Online, the server's page; when it cannot be reached, the device's, counting days in
/// the organisation's zone as the dashboard's basis gives it (without one, the device's own
/// offset), and saying as of when.
pub async fn load(query: TableQuery) -> Result<TablePage, AppError> {
    match deal_table(query.clone()).await {
        Err(AppError::Network) => {
            let offsets = crate::sync::kept("basis")
                .and_then(|json| serde_json::from_str::<crate::dashboard::basis::Basis>(&json).ok())
                .map(|basis| basis.offsets)
                .unwrap_or_else(|| {
                    crate::dashboard::offsets::Offsets::fixed(
                        crate::calendar::device_offset().whole_seconds(),
                    )
                });
            let as_of = crate::sync::status().last_synced_ms.unwrap_or(0.0);
            let now = time::OffsetDateTime::now_utc();
            let mut page = crate::sync::offline(move |view| {
                crate::timing::measure("hamrah:table:device", || {
                    local::page(view, &offsets, query, now)
                })
            })
            .await?;
            page.as_of_ms = Some(as_of);
            Ok(page)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_survives_its_url() {
        let stage = crate::ids::new_id();
        let days = Days {
            from: IsoDate::parse("2026-10-01").expect("a date"),
            until: IsoDate::parse("2027-01-01").expect("a date"),
        };
        let query = TableQuery {
            outcome: Some(Outcome::Won),
            owner: Some(crate::ids::new_id().as_str().into()),
            source: Some("cold_call".into()),
            reason: Some(String::new()),
            text: "Alborz & co/ü".into(),
            closed: Some(days.clone()),
            entered: Some((stage.as_str().into(), days)),
            sort: Column::Value,
            reversed: true,
            page: 2,
            stalled: true,
            columns: vec![Column::Title, Column::Owner, Column::Value],
            ..TableQuery::default()
        };
        let url = query.to_query();
        let params: std::collections::BTreeMap<String, String> = url
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), decode(v)))
            .collect();
        assert_eq!(TableQuery::from_params(|k| params.get(k).cloned()), query);
        assert!(url.contains("page=3"), "{url}");
    }

    #[test]
    fn broken_parts_of_a_url_are_left_out() {
        let params = [
            ("stage", "x' OR true"),
            ("closed", "2026-12-01..2026-11-01"),
            ("entered", "nope@2026-01-01..2026-02-01"),
            ("page", "0"),
            ("sort", "password"),
        ];
        let query = TableQuery::from_params(|k| {
            params
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| (*v).to_owned())
        });
        assert_eq!(query, TableQuery::default());
    }

    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("a byte"));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).expect("utf-8")
    }
}
