//! Persian through the server: the page's language and direction, the saved choice, the
//! organisation's currency, and search that treats Persian spellings alike.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use support::{TestApp, demo_app};

async fn page(app: &TestApp, path: &str, headers: &[(header::HeaderName, &str)]) -> String {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(name, *value);
    }
    let reply = app
        .send(request.body(Body::empty()).expect("request"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{path}");
    reply.body.as_str().expect("html").to_owned()
}

fn html_tag(page: &str) -> &str {
    let start = page.find("<html").expect("html tag");
    &page[start..start + page[start..].find('>').expect("tag ends")]
}

#[tokio::test]
async fn pages_are_rendered_in_the_saved_language_before_any_script_runs() {
    let app = demo_app().await;
    // Before sign-in: the browser's languages, unless this device chose one.
    let visitor = page(
        &app,
        "/sign-in",
        &[(header::ACCEPT_LANGUAGE, "fa-IR,fa;q=0.9,en;q=0.8")],
    )
    .await;
    assert!(
        html_tag(&visitor).contains(r#"lang="fa""#) && html_tag(&visitor).contains(r#"dir="rtl""#),
        "{}",
        html_tag(&visitor)
    );
    assert!(
        visitor.contains("ورود به همراه"),
        "the sign-in page is in Persian"
    );
    assert!(visitor.contains("/manifest.fa.webmanifest"));
    let chose_english = page(
        &app,
        "/sign-in",
        &[
            (header::ACCEPT_LANGUAGE, "fa-IR"),
            (header::COOKIE, "hamrah_lang=en"),
        ],
    )
    .await;
    assert!(html_tag(&chose_english).contains(r#"dir="ltr""#));
    assert!(chose_english.contains("Sign in to Hamrah"));

    // Signed in: the user's saved choice, whatever the browser says.
    let rep = app.sign_in("rep@example.com").await;
    let cookie = format!("hamrah_session={rep}");
    let english = page(
        &app,
        "/pipeline",
        &[(header::COOKIE, &cookie), (header::ACCEPT_LANGUAGE, "fa")],
    )
    .await;
    assert!(html_tag(&english).contains(r#"lang="en""#));
    let saved = app
        .call(Some(&rep), "settings/language", json!({ "locale": "fa" }))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let persian = page(&app, "/pipeline", &[(header::COOKIE, &cookie)]).await;
    assert!(
        html_tag(&persian).contains(r#"lang="fa""#) && html_tag(&persian).contains(r#"dir="rtl""#)
    );
    assert!(persian.contains("قیف فروش"), "navigation in Persian");
    assert!(
        !persian.contains(">Pipeline<"),
        "no English navigation left"
    );
    let me = app.call(Some(&rep), "auth/me", json!({})).await;
    assert_eq!(me.body["locale"], "fa");

    let nonsense = app
        .call(Some(&rep), "settings/language", json!({ "locale": "xx" }))
        .await;
    assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.call(None, "settings/language", json!({ "locale": "fa" }))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn only_an_admin_sets_the_default_currency_and_new_deals_start_in_it() {
    let app = demo_app().await;
    let manager = app.sign_in("manager@example.com").await;
    let refused = app
        .call(
            Some(&manager),
            "settings/organisation/save",
            json!({ "organisation": { "default_currency": "IRT" } }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let admin = app.sign_in("admin@example.com").await;
    let saved = app
        .call(
            Some(&admin),
            "settings/organisation/save",
            json!({ "organisation": { "default_currency": "IRT" } }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(saved.body["default_currency"], "IRT");
    let form = app
        .call(Some(&manager), "deals/form", json!({ "id": null }))
        .await;
    assert_eq!(form.body["default_currency"], "IRT", "{:?}", form.body);
    let bad = app
        .call(
            Some(&admin),
            "settings/organisation/save",
            json!({ "organisation": { "default_currency": "XXX" } }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_stored_search_key_is_the_apps() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    let company = app::ids::new_id();
    let save_company = |rev: Option<i64>, name: String| {
        let form = json!({ "id": company, "rev": rev, "name": name, "industry": "", "phone": "",
            "email": "", "website": "", "address": "" });
        app.save(&rep, "company", form)
    };
    let saved = save_company(None, app::text::FOLDED_SAMPLES.to_owned()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let renamed = format!("{} ك", app::text::FOLDED_SAMPLES);
    let saved = save_company(Some(1), renamed.clone()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let contact = app::ids::new_id();
    let saved = app
        .save(
            &rep,
            "contact",
            json!({
        "id": contact, "rev": null, "name": app::text::FOLDED_SAMPLES, "title": "", "company": "",
        "phone": "", "phone2": "", "email": "", "email2": "" }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let mut response = app
        .state
        .db
        .query("RETURN (SELECT VALUE name_lc FROM ONLY $company); RETURN (SELECT VALUE name_lc FROM ONLY $contact);")
        .bind(("company", app::db::rid("company", &company)))
        .bind(("contact", app::db::rid("contact", &contact)))
        .await
        .expect("query");
    let company_key: Option<String> = response.take(0).expect("string");
    let contact_key: Option<String> = response.take(1).expect("string");
    assert_eq!(
        company_key,
        Some(app::text::fold(&renamed)),
        "an edit writes the key again"
    );
    assert_eq!(
        contact_key,
        Some(app::text::fold(app::text::FOLDED_SAMPLES))
    );
}

#[tokio::test]
async fn search_finds_persian_names_however_they_were_typed() {
    let app = demo_app().await;
    let rep = app.sign_in("rep@example.com").await;
    for name in ["بازرگانی كيان", "فروشگاه می‌خواهم", "پخش ۱۲"] {
        let saved = app.save(&rep, "company", json!({
            "id": app::ids::new_id(), "rev": null, "name": name, "industry": "", "phone": "۰۲۱ ۸۸۸۸ ۱۲۳۴",
            "email": "", "website": "", "address": "" })).await;
        assert_eq!(saved.status, StatusCode::OK, "{name}: {:?}", saved.body);
    }
    let names = |reply: support::Reply| -> Vec<String> {
        reply
            .body
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Persian keyboard letters find the Arabic ones, and the other way round.
    assert_eq!(
        names(
            app.call(Some(&rep), "companies/list", json!({ "query": "کیان" }))
                .await
        ),
        ["بازرگانی كيان"]
    );
    assert_eq!(
        names(
            app.call(Some(&rep), "companies/list", json!({ "query": "كيان" }))
                .await
        ),
        ["بازرگانی كيان"]
    );
    // With or without the zero-width non-joiner.
    assert_eq!(
        names(
            app.call(Some(&rep), "companies/list", json!({ "query": "میخواهم" }))
                .await
        ),
        ["فروشگاه می‌خواهم"]
    );
    // Digits in any script.
    assert_eq!(
        names(
            app.call(Some(&rep), "companies/list", json!({ "query": "پخش 12" }))
                .await
        ),
        ["پخش ۱۲"]
    );
    assert_eq!(
        names(
            app.call(Some(&rep), "companies/list", json!({ "query": "پخش ١٢" }))
                .await
        ),
        ["پخش ۱۲"]
    );
    // Phones typed in Persian digits are stored dialable.
    let list = app
        .call(Some(&rep), "companies/list", json!({ "query": "پخش" }))
        .await;
    assert_eq!(list.body[0]["phone"], "021 8888 1234");
}
