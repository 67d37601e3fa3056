//! Running the team: who may invite, change and deactivate whom; one-time links that work
//! once and expire; deactivation that refuses the very next request and wipes devices; teams.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{TestApp, demo_app, session_from};

async fn team_of(app: &TestApp, name: &str) -> String {
    let mut response = app
        .state
        .db
        .query("RETURN (SELECT VALUE record::id(id) FROM team WHERE name = $name)[0]")
        .bind(("name", name.to_owned()))
        .await
        .expect("query");
    response
        .take::<Option<String>>(0)
        .expect("id")
        .expect("a team")
}

fn token_of(link: &Value) -> String {
    link["path"]
        .as_str()
        .and_then(|p| p.strip_prefix("/welcome/"))
        .expect("a welcome path")
        .to_owned()
}

fn problem(reply: &support::Reply) -> String {
    reply.body.to_string()
}

#[tokio::test]
async fn a_manager_invites_only_reps_of_their_own_team() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let rep = app.sign_in("rep@example.com").await;
    let north = team_of(&app, "North").await;
    let south = team_of(&app, "South").await;
    let person = |role: &str, team: &str| json!({ "person": { "name": "Lale Rad", "email": "lale@example.com", "role": role, "team": team } });
    let admin_invite = app
        .call(Some(&manager), "users/invite", person("admin", &north))
        .await;
    assert_eq!(admin_invite.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&admin_invite).contains("NotAssignable"));
    let other_team = app
        .call(Some(&manager), "users/invite", person("rep", &south))
        .await;
    assert_eq!(other_team.status, StatusCode::UNPROCESSABLE_ENTITY);
    let by_rep = app
        .call(Some(&rep), "users/invite", person("rep", &north))
        .await;
    assert_eq!(by_rep.status, StatusCode::FORBIDDEN);
    let listed = app.call(Some(&rep), "users/list", json!({})).await;
    assert_eq!(listed.status, StatusCode::FORBIDDEN);

    let invited = app
        .call(Some(&manager), "users/invite", person("rep", &north))
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{:?}", invited.body);
    let again = app
        .call(Some(&manager), "users/invite", person("rep", &north))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&again).contains("EmailTaken"), "{:?}", again.body);

    // The manager's list holds their team only, the new colleague marked invited.
    let list = app.call(Some(&manager), "users/list", json!({})).await;
    let people = list.body["people"].as_array().expect("people");
    assert!(
        people
            .iter()
            .all(|p| p["team"].as_str().is_some_and(|t| t.contains(&north)))
    );
    let lale = people
        .iter()
        .find(|p| p["email"] == "lale@example.com")
        .expect("listed");
    assert_eq!(lale["invited"], json!(true));

    // Another team's rep is out of reach for anything.
    let sara = app.user_id("rep2@example.com").await;
    let touch = app
        .call(
            Some(&manager),
            "users/active",
            json!({ "id": sara, "active": false }),
        )
        .await;
    assert_eq!(touch.status, StatusCode::NOT_FOUND);
    let promote = app
        .call(
            Some(&manager),
            "users/save",
            json!({ "person": { "id": app.user_id("rep@example.com").await, "name": "Reza Ahmadi",
                "email": "rep@example.com", "role": "manager", "team": north } }),
        )
        .await;
    assert_eq!(promote.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_invitation_link_signs_in_once_and_asks_for_a_password() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let invited = app
        .call(
            Some(&admin),
            "users/invite",
            json!({ "person": { "name": "Omid Tehrani", "email": "Omid@Example.com", "role": "manager", "team": "" } }),
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{:?}", invited.body);
    let token = token_of(&invited.body);

    // Nobody can sign in to an invited account before the password is chosen.
    let early = app.attempt("omid@example.com", "").await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);

    let check = app
        .call(None, "welcome/check", json!({ "token": token }))
        .await;
    assert_eq!(check.status, StatusCode::OK, "{:?}", check.body);
    assert_eq!(check.body["email"], "omid@example.com");
    assert_eq!(check.body["first_time"], json!(true));

    let weak = app
        .call(
            None,
            "welcome/accept",
            json!({ "token": token, "password": "password1" }),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = app
        .call(
            None,
            "welcome/accept",
            json!({ "token": token, "password": "a river of paper lanterns" }),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
    assert_eq!(accepted.body["role"], "manager");
    let session = session_from(&accepted).expect("signed in");
    let board = app.call(Some(&session), "deals/board", json!({})).await;
    assert_eq!(board.status, StatusCode::OK);

    let twice = app
        .call(
            None,
            "welcome/accept",
            json!({ "token": token, "password": "another long passphrase" }),
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&twice).contains("LinkInvalid"));
    let signed = app
        .attempt("omid@example.com", "a river of paper lanterns")
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{:?}", signed.body);

    // Tokens that are not ours are not even looked up; the page opens signed out, and says
    // the used link is spent.
    let junk = app
        .call(None, "welcome/check", json!({ "token": "'; DELETE user;" }))
        .await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get(&format!("/welcome/{token}")).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.to_string().contains("used already"),
        "{:?}",
        page.body
    );
}

#[tokio::test]
async fn reset_links_are_for_admins_and_expire() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let rep = app.user_id("rep@example.com").await;
    let refused = app
        .call(Some(&manager), "users/reset_link", json!({ "id": rep }))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let first = app
        .call(Some(&admin), "users/reset_link", json!({ "id": rep }))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    let second = app
        .call(Some(&admin), "users/reset_link", json!({ "id": rep }))
        .await;
    // A new link replaces the old one.
    let old = app
        .call(
            None,
            "welcome/check",
            json!({ "token": token_of(&first.body) }),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let token = token_of(&second.body);
    let check = app
        .call(None, "welcome/check", json!({ "token": token }))
        .await;
    assert_eq!(check.body["first_time"], json!(false));
    app.state
        .db
        .query("UPDATE user_link SET expires_at = time::now() - 1m")
        .await
        .expect("age the link");
    let expired = app
        .call(
            None,
            "welcome/accept",
            json!({ "token": token, "password": "a river of paper lanterns" }),
        )
        .await;
    assert_eq!(expired.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&expired).contains("LinkInvalid"));
    assert_eq!(
        app.attempt("rep@example.com", "hamrah-demo").await.status,
        StatusCode::OK,
        "the password stayed"
    );
}

/// Deactivation refuses the rep's open session at its very next request, saying the
/// account is closed (their devices wipe on hearing it); their open work is handed on;
/// reactivated, they sign in afresh.
#[tokio::test]
async fn a_deactivated_rep_is_refused_at_once_and_their_work_handed_on() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let rep = app.sign_in("rep@example.com").await;
    let rep_id = app.user_id("rep@example.com").await;
    let manager_id = app.user_id("manager@example.com").await;
    assert!(app.board(&rep).await["columns"].is_array());

    let off = app
        .call(
            Some(&manager),
            "users/active",
            json!({ "id": rep_id, "active": false }),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{:?}", off.body);
    let refused = app.call(Some(&rep), "deals/board", json!({})).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.body, json!("AccountClosed"));
    let pull = app
        .call(
            Some(&rep),
            "sync/pull",
            json!({ "request": app::sync::PullRequest::default() }),
        )
        .await;
    assert_eq!(pull.status, StatusCode::UNAUTHORIZED);
    assert_eq!(pull.body, json!("AccountClosed"));
    assert_eq!(
        app.attempt("rep@example.com", "hamrah-demo").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let open_before = app.call(Some(&manager), "users/list", json!({})).await.body["people"]
        .as_array()
        .expect("people")
        .iter()
        .find(|p| p["id"].as_str().is_some_and(|id| id.contains(&rep_id)))
        .map(|p| p["open_deals"].as_i64().unwrap_or(0))
        .expect("listed");
    assert!(open_before > 0);
    let to_other_team = app
        .call(
            Some(&manager),
            "users/hand_on",
            json!({ "from": rep_id, "to": app.user_id("rep2@example.com").await }),
        )
        .await;
    assert_eq!(to_other_team.status, StatusCode::UNPROCESSABLE_ENTITY);
    let handed = app
        .call(
            Some(&manager),
            "users/hand_on",
            json!({ "from": rep_id, "to": manager_id }),
        )
        .await;
    assert_eq!(handed.status, StatusCode::OK, "{:?}", handed.body);
    assert!(handed.body.as_i64().is_some_and(|n| n >= open_before));
    let mut response = app
        .state
        .db
        .query(
            "RETURN count((SELECT id FROM deal WHERE owner = $rep AND stage.outcome = 'open'));
             RETURN count((SELECT id FROM change WHERE field = 'owner' AND new = 'Maryam Karimi'));",
        )
        .bind(("rep", app::db::rid("user", &rep_id)))
        .await
        .expect("query");
    let left: Option<i64> = response.take(0).expect("count");
    let history: Option<i64> = response.take(1).expect("count");
    assert_eq!(left, Some(0));
    assert!(history.unwrap_or(0) >= open_before);

    let on = app
        .call(
            Some(&manager),
            "users/active",
            json!({ "id": rep_id, "active": true }),
        )
        .await;
    assert_eq!(on.status, StatusCode::OK);
    let old_session = app.call(Some(&rep), "deals/board", json!({})).await;
    assert_eq!(old_session.status, StatusCode::UNAUTHORIZED);
    assert_eq!(old_session.body, json!("Unauthorized"));
    app.sign_in("rep@example.com").await;
}

#[tokio::test]
async fn the_last_admin_stays_and_nobody_deactivates_themself() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let me = app.user_id("admin@example.com").await;
    let myself = app
        .call(
            Some(&admin),
            "users/active",
            json!({ "id": me, "active": false }),
        )
        .await;
    assert_eq!(myself.status, StatusCode::FORBIDDEN);
    let demote = app
        .call(
            Some(&admin),
            "users/save",
            json!({ "person": { "id": me, "name": "Ava Admin", "email": "admin@example.com", "role": "manager", "team": "" } }),
        )
        .await;
    assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&demote).contains("LastAdmin"), "{:?}", demote.body);
}

/// Teams are the admin's; a manager given a team works in it, and a moved rep's device
/// starts over at its next sync (their view of the organisation changed).
#[tokio::test]
async fn an_admin_runs_teams_and_moves_take_effect_at_the_next_sync() {
    let app = demo_app().await;
    let admin = app.sign_in("admin@example.com").await;
    let manager = app.sign_in("manager@example.com").await;
    let made = app
        .call(
            Some(&manager),
            "teams/save",
            json!({ "team": { "name": "West", "manager": "" } }),
        )
        .await;
    assert_eq!(made.status, StatusCode::FORBIDDEN);
    let taken = app
        .call(
            Some(&admin),
            "teams/save",
            json!({ "team": { "name": "north", "manager": "" } }),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem(&taken).contains("TeamTaken"));
    let rep_as_manager = app
        .call(
            Some(&admin),
            "teams/save",
            json!({ "team": { "name": "West", "manager": app.user_id("rep@example.com").await } }),
        )
        .await;
    assert_eq!(rep_as_manager.status, StatusCode::UNPROCESSABLE_ENTITY);
    let west = app
        .call(
            Some(&admin),
            "teams/save",
            json!({ "team": { "name": "West", "manager": "" } }),
        )
        .await;
    assert_eq!(west.status, StatusCode::OK, "{:?}", west.body);
    let west_id = team_of(&app, "West").await;

    let rep = app.sign_in("rep2@example.com").await;
    let (_, request) = support::device_at(&app, &rep).await;
    let moved = app
        .call(
            Some(&admin),
            "users/save",
            json!({ "person": { "id": app.user_id("rep2@example.com").await, "name": "Sara Novak",
                "email": "rep2@example.com", "role": "rep", "team": west_id } }),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let next = app
        .call(Some(&rep), "sync/pull", json!({ "request": request }))
        .await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(next.body["reset"], json!(true), "the device starts over");
    assert_ne!(next.body["epoch"], json!(request.epoch));
    let renamed = app
        .call(
            Some(&admin),
            "teams/save",
            json!({ "team": { "id": west_id, "name": "West coast", "manager": app.user_id("manager@example.com").await } }),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    let list = app.call(Some(&admin), "users/list", json!({})).await;
    let teams = list.body["teams"].as_array().expect("teams");
    let team = teams
        .iter()
        .find(|t| t["name"] == "West coast")
        .expect("renamed");
    assert_eq!(team["manager_name"], "Maryam Karimi");
}
