//! The report on the server, for a device that does not yet hold its copy: the same rule,
//! over the same records, read as a pull reads them.

use super::Report;
use crate::db::{self, rid};
use crate::error::AppResult;
use crate::kinds::{SyncRow, Table};
use crate::pipeline::Outcome;
use crate::records::{bind_actor, read_filter};
use crate::server::{Cx, internal};
use crate::sync::replica::Replica;

pub async fn report(cx: &Cx) -> AppResult<Report> {
    let reference = crate::sync::ssr::reference(cx).await?;
    let open: Vec<_> = reference
        .pipeline
        .stages
        .iter()
        .filter(|s| s.outcome == Outcome::Open)
        .map(|s| rid("stage", &s.id))
        .collect();
    let filter = read_filter(&cx.actor);
    let mut replica = Replica {
        reference: Some(reference),
        ..Replica::default()
    };
    for (table, only) in [
        (Table::Company, "true"),
        (Table::Contact, "true"),
        // Only open deals are checked.
        (Table::Deal, "stage IN $open"),
    ] {
        let sql = format!("SELECT * FROM type::table($tb) WHERE {filter} AND {only}");
        let mut response = db::run(
            bind_actor(cx.db.query(sql), &cx.actor)
                .bind(("tb", table.name()))
                .bind(("open", open.clone())),
        )
        .await?;
        let rows: Vec<serde_json::Value> = response.take(0).map_err(internal)?;
        for row in rows {
            replica.upsert(SyncRow::from_value(table, row).map_err(internal)?);
        }
    }
    let today = crate::calendar::iso(
        time::OffsetDateTime::now_utc()
            .to_offset(cx.utc_offset)
            .date(),
    );
    Ok(super::report(&replica, &today))
}
