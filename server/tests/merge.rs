//! Merge through the real router: what moves, who may, sync (a device pulling the merge is
//! told where the record went; a change queued before it lands on the survivor), and the
//! undo restoring exactly the earlier state of every record the merge touched.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, demo_app, device, device_at, linked_company};

use app::kinds::Table;
use app::merge::{Preview, Undone};
use app::sync::{MergedAway, PullRequest, PullResponse, RowKey};

fn company(id: &str) -> RowKey {
    RowKey {
        table: Table::Company,
        id: id.into(),
    }
}

async fn new_company(app: &TestApp, session: &str, name: &str, phone: &str, email: &str) -> String {
    let id = app::ids::new_id();
    let reply = app
        .save(
            session,
            "company",
            json!({ "id": id, "name": name, "industry": "", "phone": phone, "email": email,
                    "website": "", "address": "" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    id
}

async fn preview(app: &TestApp, session: &str, a: &str, b: &str) -> Preview {
    let reply = app
        .call(
            Some(session),
            "merge/preview",
            json!({ "table": "company", "a": a, "b": b }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    serde_json::from_value(reply.body).expect("a preview")
}

/// Merges `preview`'s second side into its first, taking `take` from the second.
async fn run(app: &TestApp, session: &str, preview: &Preview, take: &[String]) -> StatusCode {
    let [keep, other] = &preview.sides;
    app.call(
        Some(session),
        "merge/run",
        json!({ "request": { "table": "company", "keep": keep.id, "other": other.id,
            "revs": [keep.rev, other.rev], "take": take } }),
    )
    .await
    .status
}

async fn undo(app: &TestApp, session: &str, id: &str) -> (StatusCode, Value) {
    let reply = app
        .call(
            Some(session),
            "merge/undo",
            json!({ "table": "company", "id": id }),
        )
        .await;
    (reply.status, reply.body)
}

/// A company's history as `session` reads it, newest first.
async fn history(app: &TestApp, session: &str, id: &str) -> Vec<Value> {
    let reply = app
        .call(
            Some(session),
            "history/list",
            json!({ "table": "company", "id": id }),
        )
        .await;
    reply.body.as_array().cloned().unwrap_or_default()
}

/// Pulls every page after `request`, as a device that was up to date then.
async fn pull_after(app: &TestApp, session: &str, mut request: PullRequest) -> Vec<PullResponse> {
    let mut pages = Vec::new();
    loop {
        let reply = app
            .call(Some(session), "sync/pull", json!({ "request": request }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let page: PullResponse = serde_json::from_value(reply.body).expect("a pull page");
        request = PullRequest {
            cursor: page.cursor,
            epoch: page.epoch.clone(),
            snapshot: page.snapshot.clone(),
        };
        let more = page.has_more;
        pages.push(page);
        if !more {
            return pages;
        }
    }
}

#[tokio::test]
async fn a_merge_moves_every_link_travels_through_sync_and_its_undo_restores_exactly() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let (other, linked) = linked_company(&app, &rep).await;
    let keep = new_company(&app, &rep, "Pars Tile Group", "021 5555 0000", "").await;
    // The other's own history: a change of its industry.
    let mut edit = app.form_fields("company", &other).await;
    edit["industry"] = json!("Ceramics");
    edit["id"] = json!(other);
    edit["rev"] = json!(1);
    let reply = app.save(&rep, "company", edit).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let mut keys = vec![company(&keep), company(&other)];
    keys.extend(linked.iter().cloned());
    let before = app.snapshot(&keys).await;
    let (_, request) = device_at(&app, &rep).await;

    let compared = preview(&app, &rep, &keep, &other).await;
    let [kept, gone] = &compared.sides;
    assert_eq!(kept.linked_count(), 0);
    assert!(
        gone.linked_count() >= linked.len() as i64,
        "{:?} against {} on the device",
        gone.linked,
        linked.len()
    );
    assert_eq!(compared.suggested_keep(), 1, "the busier one is suggested");
    let take: Vec<String> = vec!["name".into(), "address".into()];

    // Compared against an older copy: nothing happens.
    let stale = Preview {
        sides: [
            kept.clone(),
            app::merge::Side {
                rev: gone.rev - 1,
                ..gone.clone()
            },
        ],
        ..compared.clone()
    };
    assert_eq!(run(&app, &rep, &stale, &take).await, StatusCode::CONFLICT);
    // Another team's rep cannot see them; a field no form has is refused.
    let south = app.sign_in("rep2@example.com").await;
    assert_eq!(
        run(&app, &south, &compared, &take).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        run(&app, &rep, &compared, &["owner".into()]).await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.snapshot(&keys).await, before, "nothing changed");

    assert_eq!(run(&app, &rep, &compared, &take).await, StatusCode::OK);
    let merged = app.form_fields("company", &keep).await;
    assert_eq!(
        merged["name"], gone.values["name"],
        "the other's name, chosen"
    );
    assert_eq!(merged["address"], gone.values["address"]);
    assert_eq!(merged["phone"], "021 5555 0000", "its own phone, kept");
    assert!(
        app.form_fields("company", &other)
            .await
            .as_object()
            .is_some_and(|f| f.is_empty()),
        "the other is gone"
    );
    for key in &linked {
        assert_eq!(
            app.form_fields(key.table.name(), &key.id).await["company"],
            keep.as_str(),
            "{key:?} moved"
        );
    }
    // A device that was up to date hears of it: the other is removed and named with its
    // survivor, and what linked to it links to the survivor.
    let pages = pull_after(&app, &rep, request.clone()).await;
    let away: Vec<&MergedAway> = pages.iter().flat_map(|p| &p.merged).collect();
    assert_eq!(
        away,
        [&MergedAway {
            key: company(&other),
            into: keep.as_str().into()
        }]
    );
    let replica = device(&app, &rep).await;
    assert!(!replica.companies.contains_key(other.as_str()));
    assert_eq!(
        replica.linked_to(&company(&keep)).len(),
        linked.len(),
        "every link the device held now leads to the survivor"
    );
    // Both histories show on the survivor, the other's marked with its name.
    let history = history(&app, &rep, &keep).await;
    let entry = |field: &str| history.iter().find(|c| c["field"] == field).cloned();
    assert_eq!(
        entry("merged").map(|c| c["new"].clone()),
        Some(gone.values["name"].clone()),
        "{history:?}"
    );
    assert!(entry("created").is_some_and(|c| c.get("of").is_none()));
    assert_eq!(
        entry("industry").map(|c| (c["new"].clone(), c["of"].clone())),
        Some((json!("Ceramics"), gone.values["name"].clone())),
        "{history:?}"
    );
    assert!(entry("merged_into").is_none(), "said once, by `merged`");
    // The other's page says where it went, to whoever could see it.
    let went = |session: String| {
        let app = &app;
        let other = other.clone();
        async move {
            app.call(
                Some(&session),
                "merge/survivor",
                json!({ "table": "company", "id": other }),
            )
            .await
            .body
        }
    };
    let answer = went(rep.clone()).await;
    assert_eq!(answer["id"], keep.as_str(), "{answer}");
    assert_eq!(answer["name"], merged["name"]);
    assert_eq!(
        went(south.clone()).await,
        Value::Null,
        "nothing to another team"
    );
    // The Trash lists it as merged; restoring it there is the undo, for the same people.
    let trash = app.call(Some(&rep), "trash/list", json!({})).await;
    let entry = trash
        .body
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == other.as_str()).cloned());
    assert_eq!(
        entry.map(|e| e["merged_into"].clone()),
        Some(merged["name"].clone())
    );
    assert_eq!(undo(&app, &south, &other).await.0, StatusCode::NOT_FOUND);

    let (status, body) = undo(&app, &rep, &other).await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let undone: Undone = serde_json::from_value(body).expect("an answer");
    assert!(!undone.survivor_kept);
    assert_eq!(
        app.snapshot(&keys).await,
        before,
        "every record the merge touched is as it was"
    );
    let replica = device(&app, &rep).await;
    assert!(replica.companies.contains_key(other.as_str()));
    assert_eq!(replica.linked_to(&company(&keep)).len(), 0);
    assert_eq!(undo(&app, &rep, &other).await.0, StatusCode::NOT_FOUND);
    assert_eq!(went(rep.clone()).await, Value::Null, "back where it was");
    let history = app.history_fields(&rep, "company", &other).await;
    assert_eq!(history[0], "merge_undone", "{history:?}");
}

#[tokio::test]
async fn changes_queued_before_a_merge_land_on_the_survivor_and_its_undo_keeps_them() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let keep = new_company(&app, &rep, "Kavir Steel", "", "sales@kavir.ir").await;
    let other = new_company(&app, &rep, "Kavir Steel Co.", "021 4444 1000", "").await;
    let contact = app::ids::new_id();
    let reply = app
        .save(
            &rep,
            "contact",
            json!({ "id": contact, "name": "Maryam Karimi", "title": "", "company": other,
                    "phone": "", "phone2": "", "email": "", "email2": "" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    // What a device offline has queued: an edit of the other, a new contact at it.
    let other_then = app.form_fields("company", &other).await;
    let queued = app::ids::new_id();

    let compared = preview(&app, &rep, &keep, &other).await;
    let take = compared.suggested_take(0);
    assert_eq!(take, ["phone"], "the gap it fills");
    assert_eq!(run(&app, &rep, &compared, &take).await, StatusCode::OK);

    let reply = app
        .push_change(
            &rep,
            "company",
            &other,
            Some(other_then.clone()),
            json!({ "address": "Isfahan, Chaharbagh 40" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let reply = app
        .push_change(
            &rep,
            "contact",
            &queued,
            None,
            json!({ "name": "Hamid Sadeghi", "title": "", "company": other, "phone": "",
                    "phone2": "", "email": "", "email2": "" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let survivor = app.form_fields("company", &keep).await;
    assert_eq!(
        survivor["address"], "Isfahan, Chaharbagh 40",
        "the edit landed"
    );
    assert_eq!(survivor["phone"], "021 4444 1000");
    assert_eq!(
        app.form_fields("contact", &queued).await["company"],
        keep.as_str(),
        "the new contact links to the survivor"
    );
    // Deleting the merged-away record is done already; it never deletes the survivor.
    let outcome = app
        .push_delete(&rep, "company", &other, Some(other_then), false)
        .await;
    assert_eq!(outcome["status"], "applied", "{outcome}");
    assert!(
        !app.form_fields("company", &keep)
            .await
            .as_object()
            .is_some_and(|f| f.is_empty())
    );

    let (status, body) = undo(&app, &rep, &other).await;
    assert_eq!(status, StatusCode::OK, "{body:?}");
    let undone: Undone = serde_json::from_value(body).expect("an answer");
    assert!(undone.survivor_kept, "changed since the merge");
    assert_eq!(
        app.form_fields("company", &keep).await["address"],
        "Isfahan, Chaharbagh 40",
        "a later edit is not undone"
    );
    assert_eq!(
        app.form_fields("contact", &contact).await["company"],
        other.as_str(),
        "what the merge moved goes back"
    );
    assert_eq!(
        app.form_fields("contact", &queued).await["company"],
        keep.as_str(),
        "what was linked after the merge stays"
    );
}

#[tokio::test]
async fn when_the_trash_is_emptied_the_merged_away_history_stays_with_the_survivor() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let keep = new_company(&app, &rep, "Zagros Cement", "", "").await;
    let other = new_company(&app, &rep, "Zagros Cement Co.", "021 7777 1000", "").await;
    let compared = preview(&app, &rep, &keep, &other).await;
    assert_eq!(run(&app, &rep, &compared, &[]).await, StatusCode::OK);
    app.purge_from_trash(Table::Company, &other).await;
    assert_eq!(
        undo(&app, &rep, &other).await.0,
        StatusCode::NOT_FOUND,
        "past the Trash's 30 days"
    );
    let history = history(&app, &rep, &keep).await;
    // The other's creation, now the survivor's for good, and the merge.
    assert_eq!(
        history.iter().filter(|c| c["field"] == "created").count(),
        2,
        "{history:?}"
    );
    assert!(history.iter().any(|c| c["field"] == "merged"));
    assert!(
        !history.iter().any(|c| c["field"] == "merged_into"),
        "said once, by `merged`: {history:?}"
    );
}

#[tokio::test]
async fn a_contact_merge_can_keep_both_phone_numbers_and_its_undo_takes_the_second_away() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let mut ids = Vec::new();
    for phone in ["0912 345 6789", "021 8888 1234"] {
        let id = app::ids::new_id();
        let reply = app
            .save(
                &session,
                "contact",
                json!({ "id": id, "name": "Ali Rezaei", "title": "", "company": "",
                        "phone": phone, "phone2": "", "email": "", "email2": "" }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        ids.push(id);
    }
    let reply = app
        .call(
            Some(&session),
            "merge/preview",
            json!({ "table": "contact", "a": ids[0], "b": ids[1] }),
        )
        .await;
    let preview: Preview = serde_json::from_value(reply.body).expect("a preview");
    let keep = preview
        .sides
        .iter()
        .position(|s| s.id == ids[0])
        .expect("a side");
    assert_eq!(preview.both_possible(keep), ["phone"]);
    let (kept, other) = (&preview.sides[keep], &preview.sides[1 - keep]);
    let request = |take: &[&str], both: &[&str]| {
        json!({ "request": { "table": "contact", "keep": kept.id, "other": other.id,
            "revs": [kept.rev, other.rev], "take": take, "both": both } })
    };
    for (take, both) in [(&[][..], &["name"][..]), (&["phone"][..], &["phone"][..])] {
        let reply = app
            .call(Some(&session), "merge/run", request(take, both))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "both of {both:?}, taking {take:?}"
        );
    }
    let reply = app
        .call(Some(&session), "merge/run", request(&[], &["phone"]))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let survivor = app.form_fields("contact", &ids[0]).await;
    assert_eq!(survivor["phone"], "0912 345 6789");
    assert_eq!(
        survivor["phone2"], "021 8888 1234",
        "the other's number kept"
    );

    let reply = app
        .call(
            Some(&session),
            "merge/undo",
            json!({ "table": "contact", "id": ids[1] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let survivor = app.form_fields("contact", &ids[0]).await;
    assert_eq!(survivor["phone2"], "", "as before the merge");
    assert_eq!(
        app.form_fields("contact", &ids[1]).await["phone"],
        "021 8888 1234"
    );
}
