//! Delete, the Trash and restore, through push and pull as devices make them: permissions,
//! what goes with a record and what is unlinked, restoring exactly the earlier state, sync
//! of both, and the purge.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{TestApp, demo_app, device, linked_company};

use app::kinds::Table;
use app::sync::RowKey;

async fn count(app: &TestApp, sql: &str, id: &str) -> i64 {
    let mut response = app
        .state
        .db
        .query(sql)
        .bind(("id", id.to_owned()))
        .await
        .expect("query")
        .check()
        .expect("ok");
    response.take::<Option<i64>>(0).expect("count").unwrap_or(0)
}

/// Restores `table`/`id` from the Trash as `session`; answers the status.
async fn restore(app: &TestApp, session: Option<&str>, table: &str, id: &str) -> StatusCode {
    app.call(
        session,
        "trash/restore",
        json!({ "table": table, "id": id }),
    )
    .await
    .status
}

async fn exists(app: &TestApp, table: &str, id: &str) -> bool {
    !app.form_fields(table, id)
        .await
        .as_object()
        .expect("fields")
        .is_empty()
}

async fn history_fields(app: &TestApp, table: &str, id: &str) -> Vec<String> {
    let admin = app.sign_in("admin@example.com").await;
    app.history_fields(&admin, table, id).await
}

#[tokio::test]
async fn a_deleted_company_leaves_its_contacts_unlinked_and_comes_back_with_its_links() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let (company, linked) = linked_company(&app, &rep).await;
    let before = app.form_fields("company", &company).await;
    let linked_before = app.snapshot(&linked).await;

    let outcome = app
        .push_delete(&rep, "company", &company, None, false)
        .await;
    assert_eq!(outcome["status"], "applied", "{outcome}");
    assert!(!exists(&app, "company", &company).await);
    for (key, _) in &linked_before {
        let now = app.form_fields(key.table.name(), &key.id).await;
        assert_eq!(now["company"], "", "{key:?} is kept, unlinked");
    }
    // The rep's device ends without it, its contacts and deals kept.
    let replica = device(&app, &rep).await;
    assert!(!replica.companies.contains_key(company.as_str()));
    for (key, _) in &linked_before {
        assert!(
            replica.scope_of(key).is_some(),
            "{key:?} kept on the device"
        );
    }
    let history = "SELECT VALUE count() FROM change WHERE subject = type::record('company', $id) AND field = 'deleted' GROUP ALL";
    assert_eq!(
        count(&app, history, &company).await,
        1,
        "its history says it was deleted"
    );

    assert_eq!(
        restore(&app, Some(&rep), "company", &company).await,
        StatusCode::OK
    );
    assert_eq!(app.form_fields("company", &company).await, before);
    assert_eq!(app.snapshot(&linked).await, linked_before);
    let replica = device(&app, &rep).await;
    assert!(replica.companies.contains_key(company.as_str()));
    assert_eq!(
        replica
            .linked_to(&RowKey {
                table: Table::Company,
                id: company.clone().into()
            })
            .len(),
        linked.len()
    );
    let history = history_fields(&app, "company", &company).await;
    assert_eq!(history[0], "restored");
    let entry = app::trash::entry_key(Table::Company, &company);
    assert_eq!(
        count(
            &app,
            "RETURN count((SELECT VALUE id FROM type::record('trash', $id)))",
            &entry
        )
        .await,
        0,
        "its Trash entry is gone once restored"
    );
    assert_eq!(
        count(&app, "RETURN count((SELECT VALUE id FROM trash))", "").await,
        2,
        "the demo's own deleted records stay"
    );
}

#[tokio::test]
async fn a_company_deleted_with_its_contacts_and_deals_is_restored_to_exactly_what_it_was() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let (company, linked) = linked_company(&app, &rep).await;
    // Everything that links to the company or to its contacts and deals.
    let replica = device(&app, &rep).await;
    let mut touched = linked.clone();
    for key in &linked {
        touched.extend(replica.linked_to(key));
    }
    touched.sort();
    touched.dedup();
    let before = app.snapshot(&touched).await;
    let deals: Vec<String> = linked
        .iter()
        .filter(|k| {
            k.table == Table::Deal && replica.scope_of(k).is_some_and(|s| replica.can_edit(&s))
        })
        .map(|k| k.id.to_string())
        .collect();
    let entries_sql =
        "SELECT VALUE count() FROM stage_entry WHERE deal = type::record('deal', $id) GROUP ALL";
    let mut entries_before = 0;
    for deal in &deals {
        entries_before += count(&app, entries_sql, deal).await;
    }
    assert!(entries_before > 0);

    let outcome = app.push_delete(&rep, "company", &company, None, true).await;
    assert_eq!(outcome["status"], "applied", "{outcome}");
    // The contacts and deals the rep may change go with it; a colleague's stay, unlinked.
    for key in &linked {
        let mine = replica.scope_of(key).is_some_and(|s| replica.can_edit(&s));
        let deletable = mine && matches!(key.table, Table::Contact | Table::Deal);
        assert_eq!(
            !exists(&app, key.table.name(), &key.id).await,
            deletable,
            "{key:?}"
        );
    }
    let deleted = linked
        .iter()
        .filter(|k| matches!(k.table, Table::Contact | Table::Deal))
        .filter(|k| replica.scope_of(k).is_some_and(|s| replica.can_edit(&s)))
        .count();
    assert!(deleted > 0);
    for deal in &deals {
        assert_eq!(count(&app, entries_sql, deal).await, 0);
    }
    let listed = app.call(Some(&rep), "trash/list", json!({})).await;
    assert_eq!(listed.status, StatusCode::OK);
    let item = listed
        .body
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == company.as_str())
        .expect("the company is in the Trash")
        .clone();
    assert_eq!(
        item["with"], deleted as i64,
        "its contacts and deals are listed under it"
    );
    assert_eq!(item["can_restore"], true);

    assert_eq!(
        restore(&app, Some(&rep), "company", &company).await,
        StatusCode::OK
    );
    assert_eq!(app.snapshot(&touched).await, before);
    let mut entries_after = 0;
    for deal in &deals {
        entries_after += count(&app, entries_sql, deal).await;
    }
    assert_eq!(
        entries_after, entries_before,
        "the deals' stage entries are back"
    );
    let replica = device(&app, &rep).await;
    for key in &linked {
        assert!(
            replica.scope_of(key).is_some(),
            "{key:?} back on the device"
        );
    }
}

#[tokio::test]
async fn only_who_may_change_a_record_deletes_it_and_the_trash_shows_what_each_may_see() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let admin = app.sign_in("admin@example.com").await;
    let replica = device(&app, &rep).await;
    let me = app.user_id("rep@example.com").await;
    let deal = replica
        .deals
        .values()
        .find(|d| d.stamp.owner.as_ref() == me.as_str())
        .expect("an own deal")
        .id
        .to_string();

    // Another team's rep cannot see it, so cannot delete it, and learns nothing of it.
    let refused = app
        .push_delete(&rep2, "deal", &deal, Some(json!({})), false)
        .await;
    assert_eq!(refused["status"], "rejected");
    assert_eq!(refused["error"], "NotFound");
    assert!(exists(&app, "deal", &deal).await);

    let outcome = app.push_delete(&rep, "deal", &deal, None, false).await;
    assert_eq!(outcome["status"], "applied", "{outcome}");
    // Sent again (its answer lost): answered the same, nothing else happens.
    let again = app
        .push_delete(&rep, "deal", &deal, Some(json!({})), false)
        .await;
    assert_eq!(again["status"], "applied");

    let ids = |reply: &support::Reply| -> Vec<String> {
        reply
            .body
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(ids(&app.call(Some(&rep), "trash/list", json!({})).await).contains(&deal));
    assert!(ids(&app.call(Some(&admin), "trash/list", json!({})).await).contains(&deal));
    assert!(!ids(&app.call(Some(&rep2), "trash/list", json!({})).await).contains(&deal));

    assert_eq!(
        restore(&app, Some(&rep2), "deal", &deal).await,
        StatusCode::NOT_FOUND
    );
    assert!(!exists(&app, "deal", &deal).await);
    assert_eq!(
        restore(&app, None, "deal", &deal).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        restore(&app, Some(&admin), "deal", "not an id").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        restore(&app, Some(&admin), "deal", &deal).await,
        StatusCode::OK
    );
    assert!(exists(&app, "deal", &deal).await);
}

#[tokio::test]
async fn a_delete_after_someone_elses_edit_says_what_changed_and_an_edit_after_a_delete_is_answered_deleted()
 {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let replica = device(&app, &rep).await;
    let me = app.user_id("rep@example.com").await;
    let contact = replica
        .contacts
        .values()
        .find(|c| c.stamp.owner.as_ref() == me.as_str())
        .expect("an own contact")
        .id
        .to_string();
    // The rep's device holds the contact as it is now; the manager then changes its title.
    let seen = app.form_fields("contact", &contact).await;
    let mut edit = seen.clone();
    edit["title"] = json!("Head of purchasing");
    let reply = app
        .push_change(
            &manager,
            "contact",
            &contact,
            Some(seen.clone()),
            json!({ "title": "Head of purchasing" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);

    // The rep's delete, made offline from what it had, still goes ahead, and says what it
    // deleted unseen.
    let outcome = app
        .push_delete(&rep, "contact", &contact, Some(seen), false)
        .await;
    assert_eq!(outcome["status"], "deleted_changed", "{outcome}");
    assert_eq!(outcome["fields"][0]["field"], "title");
    assert_eq!(outcome["fields"][0]["theirs"], "Head of purchasing");
    assert!(!exists(&app, "contact", &contact).await);

    // The manager's next edit of it is answered "deleted" (410), which offers Restore.
    let reply = app
        .push_change(
            &manager,
            "contact",
            &contact,
            Some(edit),
            json!({ "title": "CFO" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::GONE, "{:?}", reply.body);
    assert_eq!(
        restore(&app, Some(&manager), "contact", &contact).await,
        StatusCode::OK
    );
    assert_eq!(
        app.form_fields("contact", &contact).await["title"],
        "Head of purchasing"
    );
}

#[tokio::test]
async fn the_trash_is_emptied_of_what_waited_thirty_days_with_its_history() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let replica = device(&app, &rep).await;
    let me = app.user_id("rep@example.com").await;
    let mut own = replica
        .activities
        .values()
        .filter(|a| a.stamp.owner.as_ref() == me.as_str())
        .map(|a| a.id.to_string());
    let (old, recent) = (
        own.next().expect("an activity"),
        own.next().expect("another"),
    );
    for id in [&old, &recent] {
        let outcome = app.push_delete(&rep, "activity", id, None, false).await;
        assert_eq!(outcome["status"], "applied", "{outcome}");
    }
    app.purge_from_trash(Table::Activity, &old).await;
    let history =
        "SELECT VALUE count() FROM change WHERE subject = type::record('activity', $id) GROUP ALL";
    assert_eq!(
        count(&app, history, &old).await,
        0,
        "purged with its history"
    );
    assert!(count(&app, history, &recent).await > 0);
    assert_eq!(
        restore(&app, Some(&rep), "activity", &old).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        restore(&app, Some(&rep), "activity", &recent).await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_record_the_device_does_not_keep_is_deleted_by_the_server_for_who_may_change_it() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let rep2 = app.sign_in("rep2@example.com").await;
    let me = app.user_id("rep@example.com").await;
    let held = device(&app, &rep).await;
    // The rep's activities the device no longer keeps (done long ago).
    let mut response = app
        .state
        .db
        .query("SELECT VALUE record::id(id) FROM activity WHERE owner = type::record('user', $me)")
        .bind(("me", me.clone()))
        .await
        .expect("query");
    let all: Vec<String> = response.take(0).expect("ids");
    let old = all
        .into_iter()
        .find(|id| !held.activities.contains_key(id.as_str()))
        .expect("an activity past the device's horizon");

    let args = json!({ "table": "activity", "id": old, "with_linked": false });
    let refused = app.call(Some(&rep2), "trash/delete", args.clone()).await;
    assert_eq!(
        refused.status,
        StatusCode::NOT_FOUND,
        "another team's rep learns nothing"
    );
    assert!(exists(&app, "activity", &old).await);
    let deleted = app.call(Some(&rep), "trash/delete", args.clone()).await;
    assert_eq!(deleted.status, StatusCode::OK, "{:?}", deleted.body);
    assert!(!exists(&app, "activity", &old).await);
    let again = app.call(Some(&rep), "trash/delete", args).await;
    assert_eq!(again.status, StatusCode::OK, "deleted already: done");
    assert_eq!(
        restore(&app, Some(&rep), "activity", &old).await,
        StatusCode::OK
    );
    assert!(exists(&app, "activity", &old).await);
}
