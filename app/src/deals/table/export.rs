//! **Export**: the deals a table query selects, every page of them, as a CSV file or an Excel
//! workbook (see [`crate::export`]): headings and stage names in the user's language, dates
//! as days and amounts as numbers. Compiled only with `ssr`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{Column, TableQuery, TableRow};
use crate::error::AppError;
use crate::export::Format;
use crate::export::sheet::{Cell, Sheet};
use crate::export::ssr::{error_response, file_response};
use crate::i18n::{Key, Locale};
use crate::server::AppState;

/// The most rows one export holds; a filter narrows a bigger selection.
pub const MOST_ROWS: i64 = 100_000;
const CHUNK: i64 = 2_000;

/// `GET /deals/export.csv?<the table's query>`.
pub async fn csv(state: State<AppState>, headers: HeaderMap, raw: RawQuery) -> Response {
    handler(state, headers, raw, Format::Csv).await
}

/// `GET /deals/export.xlsx?<the table's query>`.
pub async fn xlsx(state: State<AppState>, headers: HeaderMap, raw: RawQuery) -> Response {
    handler(state, headers, raw, Format::Xlsx).await
}

async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    format: Format,
) -> Response {
    match sheet(state, &headers, raw.as_deref().unwrap_or_default()).await {
        Ok(sheet) => file_response(format, "deals", &sheet),
        Err(error) => error_response(error),
    }
}

async fn sheet(state: AppState, headers: &HeaderMap, raw: &str) -> Result<Sheet, AppError> {
    let cx = crate::server::cx_from(state, headers).await?;
    let params: Vec<(String, String)> = crate::export::url_pairs(raw);
    let query = TableQuery::from_params(|name| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    });
    let filter = super::ssr::filter(&cx, &query).await?;
    let locale = cx.actor.locale;
    let mut rows = Vec::new();
    let mut start = 0;
    loop {
        let (page, total) = super::ssr::rows(&cx, &query, &filter, start, CHUNK).await?;
        rows.extend(page.iter().map(|row| cells(locale, row)));
        start += CHUNK;
        if page.is_empty() || start >= total.min(MOST_ROWS) {
            break;
        }
    }
    Ok(Sheet {
        name: locale.text(Key::DealsTitle).to_owned(),
        headings: heading(locale),
        rows,
        right_to_left: locale == Locale::Fa,
    })
}

fn heading(locale: Locale) -> Vec<String> {
    let mut names: Vec<String> = Column::ALL
        .iter()
        .map(|c| locale.text(super::views::heading(*c)).to_owned())
        .collect();
    // Amounts are numbers; the currency gets its own column, after the value.
    let at = Column::ALL
        .iter()
        .position(|c| *c == Column::Value)
        .map_or(names.len(), |i| i + 1);
    names.insert(at, locale.text(Key::Currency).to_owned());
    names.push(locale.text(Key::Stalled).to_owned());
    names
}

fn cells(locale: Locale, row: &TableRow) -> Vec<Cell> {
    let mut out = Vec::with_capacity(Column::ALL.len() + 2);
    for column in Column::ALL {
        out.push(match column {
            Column::Title => Cell::text(row.title.as_str()),
            Column::Company => Cell::text(row.company_name.clone().unwrap_or_default()),
            Column::Owner => Cell::text(row.owner_name.as_str()),
            Column::Stage => Cell::text(locale.stage_name(&row.stage_name)),
            Column::Value => Cell::number(crate::money::amount_input(row.value, row.currency)),
            Column::ExpectedClose => Cell::date(row.expected_close.clone().unwrap_or_default()),
            Column::Probability => Cell::number(row.probability.to_string()),
            Column::Source => Cell::text(
                row.source
                    .as_deref()
                    .map(|s| crate::deals::source::name(locale, s))
                    .unwrap_or_default(),
            ),
            Column::LastActivity => Cell::date(row.last_activity.clone().unwrap_or_default()),
            Column::Created => Cell::date(row.created_at.as_str()),
        });
        if column == Column::Value {
            out.push(Cell::text(row.currency.code()));
        }
    }
    out.push(Cell::number(if row.stalled { "1" } else { "" }));
    out
}
