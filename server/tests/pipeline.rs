//! The organisation's pipeline: only admins change it; stages keep their order, and a stage
//! that holds deals cannot be removed.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::demo_app;

fn rows(pipeline: &Value) -> Vec<Value> {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| json!({ "id": s["id"], "name": s["name"], "probability": s["probability"].to_string(), "outcome": s["outcome"] }))
        .collect()
}

fn names(pipeline: &Value) -> Vec<String> {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn only_an_admin_changes_the_stages() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let pipeline = app
        .call(Some(&manager), "pipeline/get", json!({}))
        .await
        .body;
    let refused = app
        .call(
            Some(&manager),
            "pipeline/save",
            json!({ "stages": rows(&pipeline) }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_renames_adds_and_reorders_stages() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let pipeline = app.call(Some(&admin), "pipeline/get", json!({})).await.body;
    let mut stages = rows(&pipeline);
    stages[2]["name"] = json!("Offer sent");
    let demo =
        json!({ "id": app::ids::new_id(), "name": "Demo", "probability": "40", "outcome": "open" });
    stages.insert(2, demo.clone());
    let saved = app
        .call(Some(&admin), "pipeline/save", json!({ "stages": stages }))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(
        names(&saved.body),
        [
            "Lead",
            "Qualified",
            "Demo",
            "Offer sent",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );

    // The board follows the new order, and deals kept their (renamed) stage.
    let board = app.board(&admin).await;
    let columns: Vec<&str> = board["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["stage"]["name"].as_str())
        .collect();
    assert_eq!(
        columns,
        [
            "Lead",
            "Qualified",
            "Demo",
            "Offer sent",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    assert!(board["columns"][3]["count"].as_i64() > Some(0));

    // An empty stage can go; one with deals cannot.
    let mut without_demo = rows(&saved.body);
    without_demo.remove(2);
    let removed = app
        .call(
            Some(&admin),
            "pipeline/save",
            json!({ "stages": without_demo.clone() }),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert_eq!(names(&removed.body).len(), 6);
    let mut without_lead = without_demo.clone();
    without_lead.remove(0);
    let in_use = app
        .call(
            Some(&admin),
            "pipeline/save",
            json!({ "stages": without_lead }),
        )
        .await;
    assert_eq!(in_use.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        in_use.body,
        json!({ "Validation": [["form", "StageInUse"]] })
    );

    let mut no_lost = without_demo;
    no_lost.last_mut().expect("lost")["outcome"] = json!("open");
    let incomplete = app
        .call(Some(&admin), "pipeline/save", json!({ "stages": no_lost }))
        .await;
    assert_eq!(
        incomplete.body,
        json!({ "Validation": [["form", "StagesIncomplete"]] })
    );
    let unchanged = app.call(Some(&admin), "pipeline/get", json!({})).await.body;
    assert_eq!(
        names(&unchanged),
        [
            "Lead",
            "Qualified",
            "Offer sent",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
}
