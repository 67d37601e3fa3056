//! `GET /export/{list}.{csv|xlsx}?<the list's filters>`: companies, contacts and cases, each
//! row with every field its kind declares (links by the linked record's name, codes in the
//! reader's language) and who owns it and when it was made and changed. Only rows the reader
//! may see, and only names of linked records the reader may open.

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::Format;
use super::sheet::{Cell, Sheet};
use crate::db::{self, rid};
use crate::error::{AppError, AppResult};
use crate::history::{Shown, shown_value};
use crate::i18n::{Key, Locale};
use crate::ids::Id;
use crate::kinds::Table;
use crate::records::{bind_actor, read_filter};
use crate::server::{AppState, Cx, internal};
use crate::sync::replica::{Synced, fields_of};

/// The most rows one export holds; a filter narrows a bigger selection.
pub const MOST_ROWS: usize = 100_000;
const PAGE: i64 = 2_000;

type Query<'a> = surrealdb::method::Query<'a, surrealdb::engine::any::Any>;

/// `GET /export/{file}`.
pub async fn handler(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let answer = async {
        let (list, format) = file
            .rsplit_once('.')
            .and_then(|(list, ext)| Some((list, Format::from_extension(ext)?)))
            .ok_or(AppError::NotFound)?;
        let cx = crate::server::cx_from(state, &headers).await?;
        let params = super::url_pairs(raw.as_deref().unwrap_or_default());
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let sheet = match list {
            "companies" => companies(&cx, param("q")).await?,
            "contacts" => contacts(&cx, param("q")).await?,
            "cases" => cases(&cx, &param).await?,
            _ => return Err(AppError::NotFound),
        };
        Ok::<_, AppError>((format, list.to_owned(), sheet))
    };
    match answer.await {
        Ok((format, name, sheet)) => file_response(format, &name, &sheet),
        Err(error) => error_response(error),
    }
}

/// The sheet as a download named `name.<extension>`.
pub fn file_response(format: Format, name: &str, sheet: &Sheet) -> Response {
    let body = match format {
        Format::Csv => super::csv::write(sheet).into_bytes(),
        Format::Xlsx => match super::xlsx::write(sheet) {
            Ok(bytes) => bytes,
            Err(error) => return error_response(internal(error)),
        },
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub fn error_response(error: AppError) -> Response {
    (
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(error),
    )
        .into_response()
}

/// What the companies list shows for filter `q`, in its order.
async fn companies(cx: &Cx, q: Option<String>) -> AppResult<Sheet> {
    let q = crate::text::fold(q.unwrap_or_default().trim());
    let mut rows: Vec<crate::companies::CompanyRow> = rows(
        cx,
        "($q = '' OR string::contains(name_lc, $q))".into(),
        |query| query.bind(("q", q.clone())),
    )
    .await?;
    crate::order::sort(&mut rows, crate::order::by_name, |c| (&c.name, &c.id));
    sheet(cx, Key::Companies, &rows, &[]).await
}

/// What the contacts list shows for filter `q` (a contact's name or its company's), in its
/// order.
async fn contacts(cx: &Cx, q: Option<String>) -> AppResult<Sheet> {
    let q = crate::text::fold(q.unwrap_or_default().trim());
    let narrow = format!(
        "($q = '' OR string::contains(name_lc, $q) OR string::contains({} ?? '', $q))",
        crate::records::shown(&cx.actor, "company", "name_lc")
    );
    let mut rows: Vec<crate::contacts::ContactRow> =
        rows(cx, narrow, |query| query.bind(("q", q.clone()))).await?;
    crate::order::sort(&mut rows, crate::order::by_name, |c| (&c.name, &c.id));
    sheet(cx, Key::Contacts, &rows, &[]).await
}

/// What the case queue shows: open cases, mine or the team's, narrowed as a service figure
/// narrows it.
async fn cases(cx: &Cx, param: &impl Fn(&str) -> Option<String>) -> AppResult<Sheet> {
    use crate::cases::{QueueView, Status};
    let view = QueueView::from_query(param("view").as_deref());
    let status = param("status").and_then(|s| Status::from_code(&s));
    let owner = param("owner").filter(|o| crate::ids::is_valid_id(o));
    let category = param("category").filter(|c| !c.is_empty());
    let mut narrow = String::from("status NOT IN ['resolved', 'closed']");
    if view == QueueView::Mine {
        narrow.push_str(" AND owner = $me");
    }
    if status.is_some() {
        narrow.push_str(" AND status = $only_status");
    }
    if owner.is_some() {
        narrow.push_str(" AND owner = $only_owner");
    }
    if category.is_some() {
        narrow.push_str(" AND category = $only_category");
    }
    let mut rows: Vec<crate::cases::CaseRow> = rows(cx, narrow, |query| {
        query
            .bind(("only_status", status.map(|s| s.code())))
            .bind(("only_owner", owner.as_deref().map(|o| rid("user", o))))
            .bind(("only_category", category.clone()))
    })
    .await?;
    // By reference: the order cases were received in (the queue's deadline order is the
    // screen's; a spreadsheet sorts as its reader wants).
    rows.sort_by(|a, b| a.reference.cmp(&b.reference).then_with(|| a.id.cmp(&b.id)));
    let reference: fn(&crate::cases::CaseRow) -> Cell =
        |c| Cell::text(c.reference.clone().unwrap_or_default());
    sheet(cx, Key::Cases, &rows, &[(Key::Reference, reference)]).await
}

/// Every row of `R` the reader may see that `narrow` keeps (an SQL condition whose values
/// `bind` binds), in id order, a page at a time.
pub(crate) async fn rows<R: Synced>(
    cx: &Cx,
    narrow: String,
    bind: impl for<'a> Fn(Query<'a>) -> Query<'a>,
) -> AppResult<Vec<R>> {
    let filter = read_filter(&cx.actor);
    let mut all: Vec<R> = Vec::new();
    loop {
        let after = if all.is_empty() {
            ""
        } else {
            "AND id > $after"
        };
        let sql = format!(
            "SELECT * FROM type::table($tb) WHERE {filter} AND {narrow} {after} ORDER BY id LIMIT $limit"
        );
        let query = bind_actor(cx.db.query(sql), &cx.actor)
            .bind(("tb", R::TABLE.name()))
            .bind((
                "after",
                rid(R::TABLE.name(), all.last().map_or("", |r| r.id())),
            ))
            .bind(("limit", PAGE));
        let mut response = db::run(bind(query)).await?;
        let page: Vec<serde_json::Value> = response.take(0).map_err(internal)?;
        let full = page.len() as i64 == PAGE;
        for value in page {
            let row: R = serde_json::from_value(value).map_err(internal)?;
            // The query's filter already keeps to what the reader may see; this holds it so
            // should the query ever change.
            if cx.actor.check_read(&row.scope()).is_ok() {
                all.push(row);
            }
        }
        if !full || all.len() >= MOST_ROWS {
            all.truncate(MOST_ROWS);
            return Ok(all);
        }
    }
}

/// A column made from the row itself, before the declared fields.
type Lead<R> = (Key, fn(&R) -> Cell);

/// The rows as a sheet: `lead` columns, then each declared field, then owner and dates.
async fn sheet<R: Synced>(cx: &Cx, name: Key, rows: &[R], lead: &[Lead<R>]) -> AppResult<Sheet> {
    let locale = cx.actor.locale;
    let mut headings: Vec<String> = lead
        .iter()
        .map(|(key, _)| locale.text(*key).to_owned())
        .collect();
    for field in R::FIELDS {
        let label = link_of::<R>(field.name).map_or(field.label, |to| to.label());
        headings.push(crate::text::capitalised(locale.text(label)));
    }
    for key in [Key::Owner, Key::Created, Key::Updated] {
        headings.push(locale.text(key).to_owned());
    }
    let headings = numbered(headings);

    let names = linked_names(cx, rows).await?;
    let users = user_names(cx).await?;
    let cells = rows
        .iter()
        .map(|row| {
            let fields = fields_of(&row.input());
            let mut cells: Vec<Cell> = lead.iter().map(|(_, cell)| cell(row)).collect();
            for field in R::FIELDS {
                let value = match fields.get(field.name) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Bool(b)) => b.to_string(),
                    Some(serde_json::Value::Number(n)) => n.to_string(),
                    _ => String::new(),
                };
                cells.push(match link_of::<R>(field.name) {
                    Some(to) => Cell::text(
                        names
                            .get(&(to, Id::from(value)))
                            .cloned()
                            .unwrap_or_default(),
                    ),
                    None => cell(locale, field.shown, value),
                });
            }
            let stamp = row.stamp();
            cells.push(Cell::text(
                users.get(&stamp.owner).cloned().unwrap_or_default(),
            ));
            cells.push(Cell::date(stamp.created_at.as_str()));
            cells.push(Cell::date(stamp.updated_at.as_str()));
            cells
        })
        .collect();
    Ok(Sheet {
        name: locale.text(name).to_owned(),
        headings,
        rows: cells,
        right_to_left: locale == Locale::Fa,
    })
}

fn link_of<R: Synced>(field: &str) -> Option<Table> {
    R::LINKS.iter().find(|l| l.field == field).map(|l| l.to)
}

fn cell(locale: Locale, shown: Shown, value: String) -> Cell {
    if value.is_empty() {
        return Cell::Empty;
    }
    match shown {
        Shown::Text => Cell::text(value),
        Shown::Amount => Cell::number(value),
        Shown::Date => Cell::date(value),
        _ => Cell::text(shown_value(locale, shown, &value)),
    }
}

/// The names of the records `rows` link to that the reader may open.
async fn linked_names<R: Synced>(cx: &Cx, rows: &[R]) -> AppResult<HashMap<(Table, Id), String>> {
    #[derive(Deserialize)]
    struct Named {
        id: Id,
        name: Option<String>,
    }
    let mut names = HashMap::new();
    for link in R::LINKS {
        let mut ids: Vec<Id> = rows
            .iter()
            .filter_map(|r| r.linked_id(link.field))
            .collect();
        ids.sort();
        ids.dedup();
        for chunk in ids.chunks(PAGE as usize) {
            // The name field is the kind's declaration, never input.
            let sql = format!(
                "SELECT record::id(id) AS id, {name} AS name FROM $ids WHERE {filter}",
                name = link.to.name_field(),
                filter = read_filter(&cx.actor),
            );
            let ids: Vec<_> = chunk.iter().map(|id| link.to.rid(id)).collect();
            let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("ids", ids));
            let mut response = db::run(query).await?;
            let found: Vec<Named> = db::take_all(&mut response, 0)?;
            for named in found {
                if let Some(name) = named.name {
                    names.insert((link.to, named.id), name);
                }
            }
        }
    }
    Ok(names)
}

async fn user_names(cx: &Cx) -> AppResult<HashMap<Id, String>> {
    #[derive(Deserialize)]
    struct User {
        id: Id,
        name: String,
    }
    let mut response = db::run(cx.db.query("SELECT record::id(id) AS id, name FROM user")).await?;
    let users: Vec<User> = db::take_all(&mut response, 0)?;
    Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Headings made unique: a second "Phone" is "Phone 2".
fn numbered(headings: Vec<String>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    headings
        .into_iter()
        .map(|h| {
            let n = seen.entry(h.clone()).or_default();
            *n += 1;
            if *n == 1 { h } else { format!("{h} {n}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headings_are_numbered() {
        assert_eq!(
            numbered(vec![
                "Name".into(),
                "Phone".into(),
                "Phone".into(),
                "Email".into()
            ]),
            ["Name", "Phone", "Phone 2", "Email"]
        );
    }

    #[test]
    fn codes_are_shown_in_the_readers_language_and_amounts_stay_numbers() {
        assert_eq!(
            cell(Locale::En, Shown::CasePriority, "urgent".into()),
            Cell::Text("Urgent".into())
        );
        assert_eq!(
            cell(Locale::En, Shown::Amount, "12.50".into()),
            Cell::Number("12.50".into())
        );
        assert_eq!(cell(Locale::Fa, Shown::Text, String::new()), Cell::Empty);
    }
}
