//! Every time a deal enters a stage is recorded, with the owner and team it had then: what the
//! dashboard's funnel counts.

mod support;

use axum::http::StatusCode;
use serde::Deserialize;
use support::{demo_app, new_deal, stage_id};

#[derive(Debug, Deserialize)]
struct Entry {
    stage: String,
    owner: String,
    team: Option<String>,
}

async fn entries(app: &support::TestApp, deal: &str) -> Vec<Entry> {
    let mut response = app
        .state
        .db
        .query(
            "SELECT record::id(stage) AS stage, record::id(owner) AS owner, record::id(team) AS team
             FROM stage_entry WHERE deal = $deal ORDER BY at, id",
        )
        .bind(("deal", app::db::rid("deal", deal)))
        .await
        .expect("query");
    let rows: Vec<serde_json::Value> = response.take(0).expect("rows");
    rows.into_iter()
        .map(|row| serde_json::from_value(row).expect("an entry"))
        .collect()
}

#[tokio::test]
async fn a_deal_records_each_stage_it_enters_and_nothing_else() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let board = app.board(&rep).await;
    let deal = new_deal(&board, "Funnel deal");
    let id = deal["id"].as_str().expect("an id").to_owned();
    assert_eq!(app.save(&rep, "deal", deal).await.status, StatusCode::OK);
    let (lead, qualified) = (stage_id(&board, "Lead"), stage_id(&board, "Qualified"));
    let moved = app.move_deal(&rep, &id, &qualified, None).await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);

    // Edits that leave the stage alone, a move to a stage that does not exist, and a move
    // from a stage the deal has left since are not entries.
    let base = app.form_fields("deal", &id).await;
    let mut fields = base.clone();
    fields["next_step"] = "Call on Monday".into();
    let edited = app.push_change(&rep, "deal", &id, Some(base), fields).await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    let nowhere = app.move_deal(&rep, &id, &app::ids::new_id(), None).await;
    assert_eq!(nowhere.status, StatusCode::UNPROCESSABLE_ENTITY);
    let won = stage_id(&board, "Won");
    let stale = app.move_deal(&rep, &id, &won, Some(&lead)).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{:?}", stale.body);

    let moved = app.move_deal(&rep, &id, &won, None).await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let recorded = entries(&app, &id).await;
    let stages: Vec<&str> = recorded.iter().map(|e| e.stage.as_str()).collect();
    assert_eq!(stages, [lead.as_str(), qualified.as_str(), won.as_str()]);
    let mut response = app
        .state
        .db
        .query("SELECT record::id(id) AS id, record::id(team) AS team FROM ONLY user WHERE email = 'rep@example.com' LIMIT 1")
        .await
        .expect("query");
    let rep_row: Option<serde_json::Value> = response.take(0).expect("the rep");
    let rep_row = rep_row.expect("the rep");
    assert!(rep_row["team"].is_string(), "the demo rep has a team");
    for entry in &recorded {
        assert_eq!(Some(entry.owner.as_str()), rep_row["id"].as_str());
        assert_eq!(entry.team.as_deref(), rep_row["team"].as_str());
    }
}

#[tokio::test]
async fn every_demo_deal_has_entered_its_stage() {
    let app = demo_app().await;
    let mut response = app
        .state
        .db
        .query(
            "RETURN count(SELECT id FROM deal);
             RETURN count(SELECT id FROM deal WHERE
                count(SELECT id FROM stage_entry WHERE deal = $parent.id AND stage = $parent.stage) = 1);",
        )
        .await
        .expect("query");
    let deals: Option<i64> = response.take(0).expect("a count");
    let entered: Option<i64> = response.take(1).expect("a count");
    assert!(deals.unwrap_or_default() > 50, "{deals:?}");
    assert_eq!(entered, deals);
}

#[tokio::test]
async fn the_migration_gives_deals_saved_before_it_their_current_stage_once() {
    let app = demo_app().await;
    // A deal from before stage history existed: it has no entry.
    let mut response = app
        .state
        .db
        .query("(SELECT VALUE record::id(id) FROM deal LIMIT 1)[0]")
        .await
        .expect("query");
    let old: Option<String> = response.take(0).expect("a deal");
    let old = old.expect("a deal");
    app.state
        .db
        .query("DELETE stage_entry WHERE deal = $deal")
        .bind(("deal", app::db::rid("deal", &old)))
        .await
        .expect("delete")
        .check()
        .expect("deleted");
    assert!(entries(&app, &old).await.is_empty());
    let total = |app: &support::TestApp| {
        let db = app.state.db.clone();
        async move {
            let mut response = db
                .query("RETURN count(SELECT id FROM stage_entry);")
                .await
                .expect("query");
            let n: Option<i64> = response.take(0).expect("a count");
            n.unwrap_or_default()
        }
    };
    let before = total(&app).await;

    app.state
        .db
        .query(include_str!("../migrations/0008_stage_history.surql"))
        .await
        .expect("migration")
        .check()
        .expect("migration ran");
    let recorded = entries(&app, &old).await;
    let stage = app.form_fields("deal", &old).await["stage"].clone();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(Some(recorded[0].stage.as_str()), stage.as_str());
    // Deals that had their entries keep them as they were.
    assert_eq!(total(&app).await, before + 1);
}
