//! The storage edge: SurrealDB 3 speaks `SurrealValue`, the domain speaks serde. Rows cross
//! as JSON values, so the one domain model needs no database types. Compiled only with `ssr`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use surrealdb::IndexedResults;
use surrealdb::types::RecordId;

use crate::error::AppResult;
use crate::server::internal;

pub type Db = surrealdb::Surreal<surrealdb::engine::any::Any>;

pub fn rid(table: &str, id: &str) -> RecordId {
    RecordId::new(table, id.to_owned())
}

pub fn opt_rid(table: &str, id: Option<&str>) -> Option<RecordId> {
    id.map(|id| rid(table, id))
}

/// A serde value as query variables (it must serialise to an object). `None` fields are left
/// out, so SurrealQL sees NONE (an absent optional field), not NULL, which typed fields refuse.
pub fn vars<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    let mut json = serde_json::to_value(value).map_err(internal)?;
    strip_nulls(&mut json);
    if json.is_object() { Ok(json) } else { Err(internal("query variables must be an object")) }
}

fn strip_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

pub fn take_all<T: DeserializeOwned>(response: &mut IndexedResults, index: usize) -> AppResult<Vec<T>> {
    let rows: Vec<serde_json::Value> = response.take(index).map_err(internal)?;
    rows.into_iter().map(|row| serde_json::from_value(row).map_err(internal)).collect()
}

pub fn take_one<T: DeserializeOwned>(response: &mut IndexedResults, index: usize) -> AppResult<Option<T>> {
    let row: Option<serde_json::Value> = response.take(index).map_err(internal)?;
    row.map(|row| serde_json::from_value(row).map_err(internal)).transpose()
}

/// Runs a query and fails on the first statement error (a failed transaction included).
pub async fn run(query: surrealdb::method::Query<'_, surrealdb::engine::any::Any>) -> AppResult<IndexedResults> {
    query.await.map_err(internal)?.check().map_err(internal)
}
