//! **Export**: the deals a table query selects, every page of them, as a CSV file.
//!
//! UTF-8 with a byte order mark, so spreadsheet programs read Persian as Persian; headings
//! and stage names in the user's language; dates as ISO days and amounts as plain decimals,
//! which every spreadsheet reads as dates and numbers. A text cell that starts like a
//! formula is prefixed with `'`, so opening the file never runs what someone typed into a
//! deal. Compiled only with `ssr`.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Column, TableQuery, TableRow};
use crate::error::AppError;
use crate::i18n::{Key, Locale};
use crate::server::AppState;

/// The most rows one export holds; a filter narrows a bigger selection.
pub const MOST_ROWS: i64 = 100_000;
const CHUNK: i64 = 2_000;

/// `GET /deals/export.csv?<the table's query>`.
pub async fn handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    match csv(state, &headers, raw.as_deref().unwrap_or_default()).await {
        Ok(body) => {
            let mut response = body.into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"deals.csv\""),
            );
            response
        }
        Err(error) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(error),
        )
            .into_response(),
    }
}

async fn csv(state: AppState, headers: &HeaderMap, raw: &str) -> Result<String, AppError> {
    let cx = crate::server::cx_from(state, headers).await?;
    let params: Vec<(String, String)> = url_pairs(raw);
    let query = TableQuery::from_params(|name| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    });
    let filter = super::ssr::filter(&cx, &query).await?;
    let locale = cx.actor.locale;
    let mut out = String::from("\u{feff}");
    line(&mut out, &heading(locale));
    let mut start = 0;
    loop {
        let (rows, total) = super::ssr::rows(&cx, &query, &filter, start, CHUNK).await?;
        for row in &rows {
            line(&mut out, &cells(locale, row));
        }
        start += CHUNK;
        if rows.is_empty() || start >= total.min(MOST_ROWS) {
            break;
        }
    }
    Ok(out)
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

fn cells(locale: Locale, row: &TableRow) -> Vec<String> {
    let mut out = Vec::with_capacity(Column::ALL.len() + 2);
    for column in Column::ALL {
        out.push(match column {
            Column::Title => row.title.clone(),
            Column::Company => row.company_name.clone().unwrap_or_default(),
            Column::Owner => row.owner_name.clone(),
            Column::Stage => locale.stage_name(&row.stage_name),
            Column::Value => crate::money::amount_input(row.value, row.currency),
            Column::ExpectedClose => row.expected_close.clone().unwrap_or_default(),
            Column::Probability => row.probability.to_string(),
            Column::Source => row
                .source
                .as_deref()
                .map(|s| crate::deals::source::name(locale, s))
                .unwrap_or_default(),
            Column::LastActivity => row.last_activity.clone().unwrap_or_default(),
            Column::Created => row.created_at.chars().take(10).collect(),
        });
        if column == Column::Value {
            out.push(row.currency.code().to_owned());
        }
    }
    out.push(if row.stalled { "1" } else { "" }.to_owned());
    out
}

/// One CSV record, RFC 4180 quoting, CRLF ended.
fn line(out: &mut String, cells: &[String]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&quoted(cell));
    }
    out.push_str("\r\n");
}

fn quoted(cell: &str) -> String {
    let defused =
        if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
            format!("'{cell}")
        } else {
            cell.to_owned()
        };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// `a=1&b=x%20y` as pairs, `+` as a space.
fn url_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .filter(|(k, _)| !k.is_empty())
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = text
                    .get(i + 1..i + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match byte {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(quoted("plain"), "plain");
        assert_eq!(quoted("a, b"), "\"a, b\"");
        assert_eq!(quoted("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quoted("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quoted("-12.5"), "-12.5");
        assert_eq!(quoted("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn a_query_string_is_read_back() {
        let pairs = url_pairs("q=Alborz%20%26%20co&stalled=1&x&bad=%zz");
        assert_eq!(
            pairs,
            [
                ("q".to_owned(), "Alborz & co".to_owned()),
                ("stalled".to_owned(), "1".to_owned()),
                ("x".to_owned(), String::new()),
                ("bad".to_owned(), "%zz".to_owned()),
            ]
        );
    }
}
