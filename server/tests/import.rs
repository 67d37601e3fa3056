//! Import: a Persian spreadsheet's CSV (Windows-1256) checked, imported and undone through
//! the real router, with what every device ends up holding compared before and after.

mod support;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use support::{TestApp, demo_app, device};

use app::import::{Checked, State, Status, Tally, Upload};
use app::sync::replica::{Synced, fields_of};

async fn upload(app: &TestApp, session: &str, kind: &str, bytes: Vec<u8>) -> support::Reply {
    let request = Request::post(format!("/import/upload?kind={kind}&name=customers.csv"))
        .header(header::HOST, "localhost:3000")
        .header(header::ORIGIN, "http://localhost:3000")
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .header(header::COOKIE, format!("hamrah_session={session}"))
        .body(Body::from(bytes))
        .expect("request");
    app.send(request).await
}

async fn get(app: &TestApp, session: &str, path: &str) -> support::Reply {
    let request = Request::get(path)
        .header(header::HOST, "localhost:3000")
        .header(header::COOKIE, format!("hamrah_session={session}"))
        .body(Body::empty())
        .expect("request");
    app.send(request).await
}

/// Runs import step `step` (`check` or `start`) of upload `id` with `plan`.
async fn step(app: &TestApp, session: &str, step: &str, id: &str, plan: &Value) -> support::Reply {
    app.call(
        Some(session),
        &format!("import/{step}"),
        json!({ "id": id, "plan": plan }),
    )
    .await
}

/// Waits for import `id` to reach `state`.
async fn until(app: &TestApp, session: &str, id: &str, state: State) -> Status {
    for _ in 0..600 {
        let reply = app
            .call(Some(session), "import/status", json!({ "id": id }))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let status: Status = serde_json::from_value(reply.body).expect("a status");
        if status.state == state {
            return status;
        }
        assert!(
            !matches!(status.state, State::Failed) || state == State::Failed,
            "the import stopped: {status:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("import {id} never reached {state:?}");
}

/// **Check** of `plan` over upload `id`, then **Import** to its end: the dry run and the
/// run's end, whose counts must be the dry run's.
async fn check_and_import(
    app: &TestApp,
    session: &str,
    id: &str,
    plan: &Value,
) -> (Checked, Status) {
    let reply = step(app, session, "check", id, plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let checked: Checked = serde_json::from_value(reply.body).expect("a check");
    let reply = step(app, session, "start", id, plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let done = until(app, session, id, State::Done).await;
    assert_eq!(
        done.tally, checked.tally,
        "the dry run's counts are the import's"
    );
    (checked, done)
}

/// **Undo** of import `id`, to its end.
async fn undo_import(app: &TestApp, session: &str, id: &str) -> Status {
    let reply = app
        .call(Some(session), "import/undo", json!({ "id": id }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    until(app, session, id, State::Undone).await
}

/// Every contact's and company's fields as a device holds them, by id.
fn customers(replica: &app::sync::replica::Replica) -> BTreeMap<String, Value> {
    let contacts = replica
        .contacts
        .values()
        .map(|c| (format!("contact:{}", c.id()), json!(fields_of(&c.input()))));
    let companies = replica
        .companies
        .values()
        .map(|c| (format!("company:{}", c.id()), json!(fields_of(&c.input()))));
    contacts.chain(companies).collect()
}

/// `text` as Excel saves "CSV" on a Persian Windows: Windows-1256, which has the Arabic yeh
/// and kaf where Persian has its own.
fn windows_1256(text: &str) -> Vec<u8> {
    let arabic = text.replace('ی', "ي").replace('ک', "ك");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(&arabic);
    assert!(!unmappable, "the test's text fits the encoding");
    bytes.into_owned()
}

#[tokio::test]
async fn a_persian_file_is_checked_imported_and_undone_exactly() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let before = device(&app, &session).await;
    let me = app.user_id("manager@example.com").await;
    // A contact the manager may change, matched by its e-mail in another case.
    let existing = before
        .contacts
        .values()
        .find(|c| {
            !c.emails.is_empty() && c.name.is_ascii() && c.stamp.owner.as_str() == me.as_str()
        })
        .expect("a contact of the manager's with an e-mail")
        .clone();
    let email = existing.emails[0].to_uppercase();
    let text = format!(
        "نام;تلفن همراه;ایمیل;شرکت\r\n\
         سارا محمدی;09121112233;sara@example.ir;شرکت نمونه تازه\r\n\
         {name};09350000001;{email};\r\n\
         پیمان;0912;not-an-address;\r\n\
         سارا م.;;SARA@example.ir;\r\n\
         ;09120000000;;\r\n",
        name = existing.name
    );
    let reply = upload(&app, &session, "contact", windows_1256(&text)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    assert_eq!(file.encoding, "windows-1256");
    assert_eq!(file.delimiter, ";");
    assert_eq!(file.rows, 5);
    let columns: Vec<Option<&str>> = file.suggested.iter().map(|c| c.as_deref()).collect();
    assert_eq!(
        columns,
        [Some("name"), Some("phone"), Some("email"), Some("company")]
    );

    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "update" });
    let reply = step(&app, &session, "check", &file.id, &plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let checked: Checked = serde_json::from_value(reply.body).expect("a check");
    let expected = Tally {
        created: 1,
        updated: 1,
        skipped: 1,
        refused: 2,
        companies_created: 1,
    };
    assert_eq!(checked.tally, expected, "{:?}", checked.preview);
    assert_eq!(checked.preview.len(), 5);
    assert_eq!(
        checked.preview[3].outcome,
        app::import::Outcome::Skip(app::import::Skipped::Line(2)),
        "the same e-mail as line 2, in other letters"
    );
    // A check writes nothing.
    assert_eq!(customers(&device(&app, &session).await), customers(&before));

    let reply = step(&app, &session, "start", &file.id, &plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let again = step(&app, &session, "start", &file.id, &plan).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "an import runs once");
    let done = until(&app, &session, &file.id, State::Done).await;
    assert_eq!(
        done.tally, checked.tally,
        "the dry run's counts are the import's"
    );
    assert_eq!(done.done_rows, 5);
    assert!(done.can_undo);

    let after = device(&app, &session).await;
    let sara = after
        .contacts
        .values()
        .find(|c| app::text::fold(&c.name) == app::text::fold("سارا محمدی"))
        .expect("the new contact reached the device");
    assert_eq!(sara.phones, ["09121112233"]);
    let company = sara.company.as_ref().expect("linked to its company");
    assert_eq!(
        app::text::fold(&after.companies[company].name),
        app::text::fold("شرکت نمونه تازه")
    );
    let updated = &after.contacts[&existing.id];
    assert!(
        updated.phones.contains(&"09350000001".to_owned()),
        "{:?}",
        updated.phones
    );
    assert_eq!(
        updated.emails[0],
        email.to_lowercase(),
        "e-mails are stored case-folded"
    );
    let fields = app
        .history_fields(&session, "contact", existing.id.as_str())
        .await;
    assert!(fields.contains(&"phones".to_owned()), "{fields:?}");

    let refused = get(&app, &session, &format!("/import/{}/refused.csv", file.id)).await;
    assert_eq!(refused.status, StatusCode::OK);
    let text = refused.body.as_str().expect("a CSV");
    let lines: Vec<&str> = text
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[1].contains(",0912,not-an-address,,"), "{text}");
    assert!(
        lines[1].contains("Email: "),
        "each problem names its field: {text}"
    );

    let reply = app
        .call(Some(&session), "import/undo", json!({ "id": file.id }))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let undone = until(&app, &session, &file.id, State::Undone).await;
    assert_eq!(undone.kept, 0);
    assert!(!undone.can_undo);
    assert_eq!(
        customers(&device(&app, &session).await),
        customers(&before),
        "every touched record as it was"
    );
    let fields = app
        .history_fields(&session, "contact", existing.id.as_str())
        .await;
    assert_eq!(fields.first().map(String::as_str), Some("import_undone"));
    let twice = app
        .call(Some(&session), "import/undo", json!({ "id": file.id }))
        .await;
    assert_eq!(twice.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_undo_keeps_what_was_changed_since_and_only_its_importer_or_an_admin_sees_it() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let text = "Company Name,Phone,Website\nAcme Imports,021 8888 0000,acme.example\nBeta Trading Ltd,,beta.example\n";
    let reply = upload(&app, &session, "company", text.as_bytes().to_vec()).await;
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    assert_eq!(file.encoding, "UTF-8");
    let plan = json!({ "columns": file.suggested, "match_on": "name", "on_match": "skip" });
    let reply = step(&app, &session, "start", &file.id, &plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    until(&app, &session, &file.id, State::Done).await;
    let held = device(&app, &session).await;
    let acme = held
        .companies
        .values()
        .find(|c| c.name == "Acme Imports")
        .expect("imported")
        .clone();
    // Someone works on Acme after the import.
    let mut input = acme.input();
    input.industry = "Wholesale".into();
    let saved = app.save(&session, "company", json!(input)).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    for (email, status) in [
        ("rep@example.com", StatusCode::NOT_FOUND),
        ("admin@example.com", StatusCode::OK),
    ] {
        let other = app.sign_in(email).await;
        let reply = app
            .call(Some(&other), "import/status", json!({ "id": file.id }))
            .await;
        assert_eq!(reply.status, status, "{email}");
    }
    let rep = app.sign_in("rep@example.com").await;
    let refused = upload(&app, &rep, "company", text.as_bytes().to_vec()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "reps do not import");

    app.call(Some(&session), "import/undo", json!({ "id": file.id }))
        .await;
    let undone = until(&app, &session, &file.id, State::Undone).await;
    assert_eq!(undone.kept, 1, "Acme was changed since");
    let held = device(&app, &session).await;
    let names: Vec<&str> = held.companies.values().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"Acme Imports"));
    assert!(!names.contains(&"Beta Trading Ltd"));
}

#[tokio::test]
async fn a_file_that_is_not_a_table_or_a_bad_mapping_changes_nothing() {
    let app = demo_app().await;
    let session = app.sign_in("admin@example.com").await;
    let reply = upload(
        &app,
        &session,
        "contact",
        b"PK\x03\x04\x00\x00binary\x00\x00".to_vec(),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.body
    );
    let reply = upload(&app, &session, "case", b"Subject\nBroken\n".to_vec()).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cases are not imported"
    );
    let reply = app.call(Some(&session), "import/list", json!({})).await;
    assert_eq!(reply.body, json!([]), "nothing was kept");

    let reply = upload(&app, &session, "contact", b"Name,Phone\nA,1\n".to_vec()).await;
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    for (columns, field) in [
        (json!([null, "phone"]), "name"),
        (json!(["name", "name"]), "name"),
    ] {
        let plan = json!({ "columns": columns, "match_on": "email", "on_match": "skip" });
        let reply = step(&app, &session, "start", &file.id, &plan).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reply.body["Validation"][0][0], field, "{:?}", reply.body);
    }
    let plan = json!({ "columns": ["name", "colour"], "match_on": "email", "on_match": "skip" });
    let reply = step(&app, &session, "check", &file.id, &plan).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an undeclared field"
    );
    let reply = app
        .call(None, "import/check", json!({ "id": file.id, "plan": plan }))
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn activities_are_imported_linked_by_name_and_undone() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let before = device(&app, &session).await;
    // A contact with a name no other contact has, at a company, both the manager's to see.
    let unique = |name: &str| {
        before
            .contacts
            .values()
            .filter(|c| app::text::fold(&c.name) == app::text::fold(name))
            .count()
            == 1
    };
    let contact = before
        .contacts
        .values()
        .find(|c| c.company.is_some() && c.name.is_ascii() && unique(&c.name))
        .expect("a contact at a company")
        .clone();
    let company = before.companies[contact.company.as_ref().expect("a company")].clone();
    let deal = before
        .deals
        .values()
        .find(|d| before.deals.values().filter(|o| o.title == d.title).count() == 1)
        .expect("a deal with a title of its own")
        .clone();
    let text = format!(
        "Type,Subject,Due date,Done,Contact,Company,Deal,Notes\n\
         Call,Ask about the tiles,2026-12-10,,{contact},{company},,Bring samples\n\
         تماس,پیگیری قرارداد,2026-12-11,بله,,{company},{deal},\n\
         Meeting,Demo,2026-12-12,no,Nobody We Know,,,\n\
         Lunch,Bad type,2026-12-12,,,,,\n",
        contact = contact.name,
        company = company.name,
        deal = deal.title,
    );
    let reply = upload(&app, &session, "activity", text.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    let columns: Vec<Option<&str>> = file.suggested.iter().map(|c| c.as_deref()).collect();
    assert_eq!(
        columns,
        [
            Some("kind"),
            Some("subject"),
            Some("due_date"),
            Some("done"),
            Some("contact"),
            Some("company"),
            Some("deal"),
            Some("body")
        ]
    );
    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "skip" });
    let (checked, _) = check_and_import(&app, &session, &file.id, &plan).await;
    let expected = Tally {
        created: 2,
        updated: 0,
        skipped: 0,
        refused: 2,
        companies_created: 0,
    };
    assert_eq!(checked.tally, expected, "{:?}", checked.preview);

    let after = device(&app, &session).await;
    let new: Vec<_> = after
        .activities
        .values()
        .filter(|a| !before.activities.contains_key(&a.id))
        .collect();
    assert_eq!(new.len(), 2, "{new:?}");
    let call = new
        .iter()
        .find(|a| a.subject == "Ask about the tiles")
        .expect("the call");
    assert_eq!(call.kind, app::activities::ActivityKind::Call);
    assert_eq!(call.contact.as_ref(), Some(&contact.id));
    assert_eq!(call.company.as_ref(), Some(&company.id));
    assert_eq!(call.body.as_deref(), Some("Bring samples"));
    assert!(!call.done);
    let persian = new
        .iter()
        .find(|a| a.subject == "پیگیری قرارداد")
        .expect("the Persian row");
    assert_eq!(
        persian.kind,
        app::activities::ActivityKind::Call,
        "«تماس» is a call"
    );
    assert!(persian.done, "«بله» is yes");
    assert_eq!(persian.deal.as_ref(), Some(&deal.id));
    assert_eq!(
        after.companies.len(),
        before.companies.len(),
        "no company made"
    );

    let refused = get(&app, &session, &format!("/import/{}/refused.csv", file.id)).await;
    let text = refused.body.as_str().expect("a CSV").to_owned();
    assert!(text.contains("Nobody We Know"), "{text}");
    assert!(text.contains("Lunch"), "{text}");

    undo_import(&app, &session, &file.id).await;
    let undone = device(&app, &session).await;
    assert_eq!(
        undone.activities.keys().collect::<Vec<_>>(),
        before.activities.keys().collect::<Vec<_>>(),
        "the activities it made are gone, and only they"
    );
}

/// How many stage entries (what the funnel counts) the deals `ids` have.
async fn stage_entries(app: &TestApp, ids: &[&app::ids::Id]) -> usize {
    let deals: Vec<_> = ids
        .iter()
        .map(|id| app::kinds::Table::Deal.rid(id))
        .collect();
    let mut response = app
        .state
        .db
        .query("RETURN count(SELECT id FROM stage_entry WHERE deal IN $deals)")
        .bind(("deals", deals))
        .await
        .expect("query");
    let count: Option<usize> = response.take(0).expect("a count");
    count.unwrap_or_default()
}

#[tokio::test]
async fn deals_are_imported_on_their_stages_matched_at_their_company_and_undone() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let before = device(&app, &session).await;
    let pipeline = &before
        .reference
        .as_ref()
        .expect("the reference data")
        .pipeline;
    let stage = |name: &str| {
        pipeline
            .stages
            .iter()
            .find(|s| s.name == name)
            .expect("a default stage")
            .id
            .clone()
    };
    // An open deal at a company whose name no other company shares, with a title of its own.
    let deal = before
        .deals
        .values()
        .find(|d| {
            d.stage == stage("Proposal")
                && d.company
                    .as_ref()
                    .and_then(|c| before.companies.get(c))
                    .is_some_and(|c| {
                        let name = app::duplicates::company_key(&c.name);
                        before
                            .companies
                            .values()
                            .filter(|o| app::duplicates::company_key(&o.name) == name)
                            .count()
                            == 1
                    })
                && before.deals.values().filter(|o| o.title == d.title).count() == 1
        })
        .expect("an open deal at a company")
        .clone();
    let company = before.companies[deal.company.as_ref().expect("a company")].clone();
    // A lost deal, with its reason, at a company the manager sees, that a row opens again.
    let lost = before
        .deals
        .values()
        .find(|d| {
            d.stage == stage("Lost")
                && d.lost_reason.is_some()
                && d.company
                    .as_ref()
                    .and_then(|c| before.companies.get(c))
                    .is_some_and(|c| {
                        !c.name.contains(',')
                            && before
                                .deals
                                .values()
                                .filter(|o| o.title == d.title && o.company == d.company)
                                .count()
                                == 1
                    })
        })
        .expect("a lost deal")
        .clone();
    let lost_company = &before.companies[lost.company.as_ref().expect("a company")];
    let contact = before
        .contacts
        .values()
        .find(|c| {
            c.name.is_ascii()
                && before
                    .contacts
                    .values()
                    .filter(|o| {
                        app::duplicates::person_key(&o.name) == app::duplicates::person_key(&c.name)
                    })
                    .count()
                    == 1
        })
        .expect("a contact")
        .clone();
    let text = format!(
        "Deal,Company,Contact,Value,Currency,Stage,Expected close,Source\n\
         Kiln retrofit,{company},{contact},\"12,500,000\",تومان,مذاکره,۱۴۰۵/۱۰/۲۰,Referral\n\
         Spare belts,Brand New Bakery Ltd,,900.50,USD,,2027-01-15,\n\
         Lost one,{company},,100,,Lost,,\n\
         {title},{company},,,,Won,,\n\
         Odd stage,{company},,5,,Shipped,,\n\
         kiln RETROFIT,{company},,,,,,\n         {lost_title},{lost_company},,,,Qualified,,\n",
        lost_title = lost.title,
        lost_company = lost_company.name,
        company = company.name,
        contact = contact.name,
        title = deal.title,
    );
    let reply = upload(&app, &session, "deal", text.into_bytes()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    let columns: Vec<Option<&str>> = file.suggested.iter().map(|c| c.as_deref()).collect();
    assert_eq!(
        columns,
        [
            Some("title"),
            Some("company"),
            Some("contact"),
            Some("value"),
            Some("currency"),
            Some("stage"),
            Some("expected_close"),
            Some("source")
        ]
    );
    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "update" });
    let (checked, _) = check_and_import(&app, &session, &file.id, &plan).await;
    let expected = Tally {
        created: 2,
        updated: 2,
        skipped: 1,
        refused: 2,
        companies_created: 1,
    };
    assert_eq!(checked.tally, expected, "{:?}", checked.preview);
    let reasons: Vec<(&str, app::error::Problem)> = checked
        .reasons
        .iter()
        .map(|(field, problem, _)| (field.as_str(), *problem))
        .collect();
    assert!(
        reasons.contains(&("lost_reason", app::error::Problem::LostReasonRequired)),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&("stage", app::error::Problem::UnknownStage)),
        "{reasons:?}"
    );

    let after = device(&app, &session).await;
    let new: Vec<_> = after
        .deals
        .values()
        .filter(|d| !before.deals.contains_key(&d.id))
        .collect();
    assert_eq!(new.len(), 2, "{new:?}");
    let kiln = new
        .iter()
        .find(|d| d.title == "Kiln retrofit")
        .expect("the Persian row");
    assert_eq!(kiln.stage, stage("Negotiation"), "«مذاکره» is Negotiation");
    assert_eq!(kiln.currency, app::money::Currency::IRT, "«تومان»");
    assert_eq!(kiln.value, 12_500_000);
    assert_eq!(
        kiln.expected_close.as_deref(),
        Some("2027-01-10"),
        "a Jalali date"
    );
    assert_eq!(kiln.source.as_deref(), Some("referral"));
    assert_eq!(kiln.company.as_ref(), Some(&company.id));
    assert_eq!(kiln.contact.as_ref(), Some(&contact.id));
    assert_eq!(kiln.entered.len(), 1);
    assert_eq!(kiln.entered[0].stage, kiln.stage);
    let belts = new
        .iter()
        .find(|d| d.title == "Spare belts")
        .expect("the English row");
    assert_eq!(belts.stage, pipeline.stages[0].id, "the first stage");
    assert_eq!(
        (belts.value, belts.currency),
        (90_050, app::money::Currency::USD)
    );
    let made = &after.companies[belts.company.as_ref().expect("a company")];
    assert_eq!(made.name, "Brand New Bakery Ltd");
    assert_eq!(stage_entries(&app, &[&kiln.id, &belts.id]).await, 2);

    let moved = &after.deals[&deal.id];
    assert_eq!(moved.stage, stage("Won"));
    assert_eq!(moved.value, deal.value, "an empty cell changes nothing");
    assert_eq!(moved.entered.len(), deal.entered.len() + 1);
    let entries = stage_entries(&app, &[&deal.id]).await;
    let reopened = &after.deals[&lost.id];
    assert_eq!(reopened.stage, stage("Qualified"));
    assert_eq!(
        reopened.lost_reason, None,
        "an open deal has no lost reason"
    );
    let history = app
        .call(
            Some(&session),
            "history/list",
            json!({ "table": "deal", "id": deal.id }),
        )
        .await;
    let stage_line = history
        .body
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == "stage")
        .cloned()
        .expect("the stage's history");
    assert_eq!(
        (stage_line["old"].as_str(), stage_line["new"].as_str()),
        (Some("Proposal"), Some("Won"))
    );

    assert_eq!(undo_import(&app, &session, &file.id).await.kept, 0);
    let undone = device(&app, &session).await;
    assert_eq!(
        undone.deals.keys().collect::<Vec<_>>(),
        before.deals.keys().collect::<Vec<_>>(),
        "the deals it made are gone, and only they"
    );
    assert_eq!(
        undone.deals[&deal.id].fields, deal.fields,
        "the moved deal is back in its stage, with its instants and stages entered"
    );
    assert_eq!(
        undone.deals[&lost.id].fields, lost.fields,
        "the reopened deal is lost again, for its reason"
    );
    assert!(
        !undone.companies.contains_key(&made.id),
        "its new company too"
    );
    assert_eq!(stage_entries(&app, &[&kiln.id, &belts.id]).await, 0);
    assert_eq!(
        stage_entries(&app, &[&deal.id]).await,
        entries - 1,
        "the funnel no longer counts the move"
    );
}

/// Sets import `id`'s lease to `runner`, its heartbeat `ago` seconds back (and its state).
async fn lease(app: &TestApp, id: &str, state: &str, runner: &str, ago: i64) {
    app.state
        .db
        .query(
            "UPDATE $import SET state = $state, runner = $runner,
                beat = time::now() - duration::from_secs($ago)",
        )
        .bind(("import", app::db::rid("import", id)))
        .bind(("state", state.to_owned()))
        .bind(("runner", runner.to_owned()))
        .bind(("ago", ago))
        .await
        .expect("a lease")
        .check()
        .expect("a lease set");
}

/// Which run holds import `id`'s lease.
async fn runner_of(app: &TestApp, id: &str) -> String {
    let mut response = app
        .state
        .db
        .query("RETURN (SELECT VALUE runner FROM ONLY $import)")
        .bind(("import", app::db::rid("import", id)))
        .await
        .expect("a read");
    let runner: Option<String> = response.take(0).expect("a runner");
    runner.unwrap_or_default()
}

#[tokio::test]
async fn a_run_and_an_undo_whose_server_stopped_are_taken_over_and_finished() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let before = device(&app, &session).await;
    // Ten chunks, so the run can be caught halfway.
    let rows = 2_500;
    let mut text = String::from("Name,E-mail\n");
    for i in 0..rows {
        text.push_str(&format!("Taken Over {i},taken.{i}@example.org\n"));
    }
    let reply = upload(&app, &session, "contact", text.into_bytes()).await;
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "skip" });
    let reply = step(&app, &session, "check", &file.id, &plan).await;
    let checked: Checked = serde_json::from_value(reply.body).expect("a check");
    assert_eq!(checked.tally.created, rows);

    let reply = step(&app, &session, "start", &file.id, &plan).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    // Its server stops once some chunks are written: its lease goes stale.
    let stopped_at = loop {
        let reply = app
            .call(Some(&session), "import/status", json!({ "id": file.id }))
            .await;
        let status: Status = serde_json::from_value(reply.body).expect("a status");
        if status.done_rows > 0 {
            lease(&app, &file.id, "running", "stopped", 600).await;
            break status.done_rows;
        }
        tokio::task::yield_now().await;
    };
    assert!(stopped_at < rows, "caught halfway ({stopped_at} rows)");
    // Another import, whose server is alive, is left alone.
    let reply = upload(&app, &session, "contact", b"Name\nAlive One\n".to_vec()).await;
    let alive: Upload = serde_json::from_value(reply.body).expect("an upload");
    lease(&app, &alive.id, "running", "alive", 5).await;

    // Every server looks each minute; this is that look, now.
    app::import::resume::stalled(&app.state.db, &app.state.changes)
        .await
        .expect("a look for stalled imports");
    assert_ne!(runner_of(&app, &file.id).await, "stopped", "taken over");
    let done = until(&app, &session, &file.id, State::Done).await;
    assert_eq!(
        done.tally, checked.tally,
        "every row once, whoever wrote it"
    );
    assert_eq!(done.done_rows, rows);
    let after = device(&app, &session).await;
    assert_eq!(after.contacts.len(), before.contacts.len() + rows as usize);
    let alive_now = app
        .call(Some(&session), "import/status", json!({ "id": alive.id }))
        .await;
    assert_eq!(alive_now.body["state"], "running");
    assert_eq!(
        runner_of(&app, &alive.id).await,
        "alive",
        "a live lease is kept"
    );

    // The undo's server stops before it starts; another finishes it.
    lease(&app, &file.id, "undoing", "stopped", 600).await;
    app::import::resume::stalled(&app.state.db, &app.state.changes)
        .await
        .expect("a look for stalled imports");
    assert_ne!(runner_of(&app, &file.id).await, "stopped", "taken over");
    until(&app, &session, &file.id, State::Undone).await;
    let undone = device(&app, &session).await;
    assert_eq!(
        undone.contacts.keys().collect::<Vec<_>>(),
        before.contacts.keys().collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn an_owner_column_gives_each_rep_their_customers_within_the_importers_team() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let (manager, rep) = (
        app.user_id("manager@example.com").await,
        app.user_id("rep@example.com").await,
    );
    let text = "Name,E-mail,Company,Owner\n\
        Owner Test One,owner.one@example.org,Owner Test Trading Ltd,Reza Ahmadi\n\
        Owner Test Two,owner.two@example.org,,REP@example.com\n\
        Owner Test Three,owner.three@example.org,,\n\
        Owner Test Four,owner.four@example.org,,Sara Novak\n\
        Owner Test Five,owner.five@example.org,,Nobody Here\n";
    let reply = upload(&app, &session, "contact", text.as_bytes().to_vec()).await;
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    assert_eq!(file.suggested[3].as_deref(), Some("owner"));
    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "skip" });
    let (checked, _) = check_and_import(&app, &session, &file.id, &plan).await;
    assert_eq!((checked.tally.created, checked.tally.refused), (3, 2));
    assert!(
        checked
            .reasons
            .iter()
            .any(|(field, problem, n)| field == "owner"
                && *problem == app::error::Problem::NotAssignable
                && *n == 2),
        "another team's rep and nobody: {:?}",
        checked.reasons
    );

    let owner_of = |replica: &app::sync::replica::Replica, name: &str| {
        replica
            .contacts
            .values()
            .find(|c| c.name == name)
            .map(|c| c.stamp.owner.to_string())
    };
    let held = device(&app, &session).await;
    assert_eq!(owner_of(&held, "Owner Test One"), Some(rep.clone()));
    assert_eq!(
        owner_of(&held, "Owner Test Two"),
        Some(rep.clone()),
        "by e-mail"
    );
    assert_eq!(
        owner_of(&held, "Owner Test Three"),
        Some(manager),
        "no owner: the importer"
    );
    let company = held
        .companies
        .values()
        .find(|c| c.name == "Owner Test Trading Ltd")
        .expect("the company made");
    assert_eq!(company.stamp.owner.to_string(), rep, "the row's owner's");
    // The rep's phone receives them; the other team's does not.
    let rep_session = app.sign_in("rep@example.com").await;
    let reps = device(&app, &rep_session).await;
    assert_eq!(owner_of(&reps, "Owner Test One"), Some(rep.clone()));
    let south = app.sign_in("rep2@example.com").await;
    assert_eq!(
        owner_of(&device(&app, &south).await, "Owner Test One"),
        None
    );
}

#[tokio::test]
async fn a_deal_imported_with_the_day_it_was_won_is_counted_on_that_day() {
    let app = demo_app().await;
    let session = app.sign_in("manager@example.com").await;
    let text = "Deal,Company,Value,Currency,Stage,Won on\n\
        History win,History Trading,1000,USD,Won,2025-03-10\n\
        Jalali win,History Trading,1000,USD,Won,۱۴۰۴/۰۱/۰۱\n\
        Sitting lead,History Trading,10,USD,Lead,2026-11-01\n\
        Future win,History Trading,10,USD,Won,2099-01-01\n\
        Day first,History Trading,10,USD,Won,31/12/2025\n";
    let reply = upload(&app, &session, "deal", text.as_bytes().to_vec()).await;
    let file: Upload = serde_json::from_value(reply.body).expect("an upload");
    assert_eq!(file.suggested[5].as_deref(), Some("stage_since"));
    let plan = json!({ "columns": file.suggested, "match_on": "email", "on_match": "skip" });
    let (checked, _) = check_and_import(&app, &session, &file.id, &plan).await;
    assert_eq!((checked.tally.created, checked.tally.refused), (3, 2));
    for problem in [
        app::error::Problem::DateInFuture,
        app::error::Problem::InvalidDate,
    ] {
        assert!(
            checked
                .reasons
                .iter()
                .any(|(field, p, _)| field == "stage_since" && *p == problem),
            "{problem:?}: {:?}",
            checked.reasons
        );
    }

    let held = device(&app, &session).await;
    let deal = |title: &str| {
        held.deals
            .values()
            .find(|d| d.title == title)
            .cloned()
            .expect("an imported deal")
    };
    for (title, day) in [
        ("History win", "2025-03-10"),
        ("Jalali win", "2025-03-21"),
        ("Sitting lead", "2026-11-01"),
    ] {
        let deal = deal(title);
        let at = format!("{day}T12:00:00");
        for instant in [&deal.stage_changed_at, &deal.touched_at] {
            assert!(
                instant.as_deref().is_some_and(|i| i.starts_with(&at)),
                "{title}: {instant:?}"
            );
        }
        assert!(
            deal.entered[0].at.starts_with(&at),
            "{title}: {:?}",
            deal.entered
        );
        // The funnel's entry, and so the dashboard, count it on that day.
        let mut response = app
            .state
            .db
            .query("SELECT VALUE <string> at FROM stage_entry WHERE deal = $deal")
            .bind(("deal", app::kinds::Table::Deal.rid(&deal.id)))
            .await
            .expect("a read");
        let entries: Vec<String> = response.take(0).expect("entries");
        assert_eq!(entries.len(), 1);
        assert!(entries[0].starts_with(&at), "{title}: {entries:?}");
    }
}
