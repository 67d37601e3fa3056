//! What a device keeps: open deals and what is still to do whatever their age, the rest for a
//! while after it last changed. Each kind declares the rule once, in Rust (the device drops
//! what ages out) and in SurrealQL (the server's first download and board); these tests age
//! the demo organisation and hold the two equal, then check the board and a later change.

mod support;

use std::collections::BTreeSet;

use app::kinds::{SyncRow, Table};
use app::sync::RowKey;
use app::sync::horizon::Horizon;
use app::sync::replica::Replica;
use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, demo_app, device};

/// Spreads the last change of every deal and activity over 800 days, with one of each at
/// exactly the start of the day a year ago (kept: the cut is inclusive), one a microsecond
/// before it (not kept, unless current) and one a microsecond after.
async fn age(app: &TestApp, horizon: &Horizon) {
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let now = time::OffsetDateTime::now_utc();
    let cut = time::OffsetDateTime::parse(&horizon.since(365), rfc3339).expect("the cut");
    for table in ["deal", "activity"] {
        let mut response = app
            .state
            .db
            .query("SELECT VALUE record::id(id) FROM type::table($tb) ORDER BY id")
            .bind(("tb", table))
            .await
            .expect("ids");
        let ids: Vec<String> = response.take(0).expect("ids");
        for (i, id) in ids.iter().enumerate() {
            let at = match i {
                0 => cut,
                1 => cut - time::Duration::microseconds(1),
                2 => cut + time::Duration::microseconds(1),
                _ => now - time::Duration::hours(((i * 877) % (800 * 24)) as i64),
            };
            app.state
                .db
                .query("UPDATE type::record($tb, $id) SET updated_at = <datetime>$at")
                .bind(("tb", table))
                .bind(("id", id.clone()))
                .bind(("at", at.format(rfc3339).expect("a time")))
                .await
                .expect("update")
                .check()
                .expect("aged");
        }
    }
}

/// Every row of the organisation as the device would parse it, whatever its age.
async fn everything(app: &TestApp, reference: &app::sync::Reference) -> Replica {
    let mut replica = Replica {
        reference: Some(reference.clone()),
        ..Replica::default()
    };
    for table in Table::ALL {
        let mut response = app
            .state
            .db
            .query("SELECT * FROM type::table($tb)")
            .bind(("tb", table.name()))
            .await
            .expect("rows");
        let rows: Vec<Value> = response.take(0).expect("rows");
        for row in rows {
            replica.upsert(SyncRow::from_value(*table, row).expect("a row"));
        }
    }
    replica
}

fn keys(replica: &Replica) -> BTreeSet<RowKey> {
    replica.scopes().into_iter().map(|(key, _)| key).collect()
}

fn count(replica: &Replica, table: Table) -> usize {
    keys(replica).iter().filter(|k| k.table == table).count()
}

#[tokio::test]
async fn a_device_keeps_by_the_same_rule_as_the_server_sends() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let before = device(&app, &admin).await;
    let reference = before.reference.clone().expect("reference data");
    let horizon = Horizon::now(&reference.pipeline);
    age(&app, &horizon).await;

    // The server's first download (SurrealQL) against the device's rule (Rust) on every row.
    let all = everything(&app, &reference).await;
    let mut pruned = all.clone();
    let dropped = pruned.prune(&horizon, &BTreeSet::new());
    let held = device(&app, &admin).await;
    assert_eq!(
        keys(&held),
        keys(&pruned),
        "the server sends what the device keeps"
    );
    assert_eq!(keys(&held).len() + dropped.len(), all.len());

    // The rule did cut, and cut only what grows: every company and contact stays; old open
    // deals and old activities still to do stay too.
    for table in [Table::Deal, Table::Activity] {
        assert!(
            count(&held, table) < count(&all, table),
            "{table:?}: some aged out"
        );
        assert!(count(&held, table) > 0, "{table:?}: some kept");
    }
    for table in [Table::Company, Table::Contact] {
        assert_eq!(
            count(&held, table),
            count(&all, table),
            "{table:?}: all kept"
        );
    }
    let old = horizon.since(400);
    assert!(
        held.deals
            .values()
            .any(|d| d.stamp.updated_at < old && horizon.open_stages.contains(&d.stage)),
        "an open deal unchanged for over a year is kept"
    );
    assert!(
        held.activities
            .values()
            .any(|a| a.stamp.updated_at < old && !a.done),
        "an activity still to do is kept however old"
    );
    assert!(
        held.deals
            .values()
            .all(|d| horizon.open_stages.contains(&d.stage)
                || horizon.recent(&d.stamp.updated_at, 365)),
        "no won or lost deal older than a year"
    );

    // An edit waiting to be sent keeps its record on the device, aged or not.
    let waiting = dropped.first().expect("something aged out").clone();
    let mut kept = all.clone();
    kept.prune(&horizon, &BTreeSet::from([waiting.clone()]));
    assert!(keys(&kept).contains(&waiting));

    // The board shows what a device keeps, on the server as on the device.
    let server_board = app.board(&admin).await;
    let local_board = serde_json::to_value(
        app::deals::local::board(&all, &app::deals::BoardQuery::default()).expect("a board"),
    )
    .expect("json");
    assert_eq!(server_board, local_board, "the same board from every row");
    let shown: i64 = server_board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(shown as usize, count(&held, Table::Deal));
}

#[tokio::test]
async fn a_change_to_a_record_past_the_working_set_brings_it_back() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let reference = device(&app, &admin).await.reference.expect("reference");
    let horizon = Horizon::now(&reference.pipeline);
    age(&app, &horizon).await;
    let all = everything(&app, &reference).await;
    let mut pruned = all.clone();
    let dropped = pruned.prune(&horizon, &BTreeSet::new());
    let deal = dropped
        .iter()
        .find(|k| k.table == Table::Deal)
        .expect("an aged-out deal");
    let (held, request) = support::device_at(&app, &admin).await;
    assert!(!held.deals.contains_key(&deal.id));

    // Opened online, it is there to read and change.
    let page = app
        .call(Some(&admin), "deals/get", json!({ "id": deal.id }))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{:?}", page.body);
    let mut fields = app.form_fields("deal", &deal.id).await;
    let base = fields.clone();
    fields["next_step"] = json!("Ask about a renewal");
    let saved = app
        .push_change(&admin, "deal", &deal.id, Some(base), fields)
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    // Changed now, it is recent: the next pull brings it, and the device keeps it.
    let reply = app
        .call(Some(&admin), "sync/pull", json!({ "request": request }))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let page: app::sync::PullResponse = serde_json::from_value(reply.body).expect("a page");
    assert!(!page.reset);
    let row = page
        .rows
        .iter()
        .find(|r| r.key() == *deal)
        .expect("the changed deal comes");
    let mut device = held.clone();
    device.upsert(row.clone());
    device.prune(&horizon, &BTreeSet::new());
    assert!(device.deals.contains_key(&deal.id), "and stays");
}
