#![recursion_limit = "512"]

//! Hamrah: the CRM that goes where the sales people go. One crate for the browser and the
//! server: domain types and rules are shared; `ssr` adds storage, `hydrate` the wasm entry.

pub mod activities;
pub mod app;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod companies;
pub mod contacts;
pub mod dashboard;
pub mod deals;
pub mod duplicates;
pub mod error;
pub mod export;
pub mod history;
pub mod i18n;
pub mod ids;
pub mod import;
pub mod incomplete;
pub mod kinds;
pub mod merge;
pub mod money;
pub mod order;
pub mod pipeline;
pub mod search;
pub mod settings;
pub mod sync;
pub mod text;
pub mod timing;
pub mod trash;
pub mod ui;
pub mod users;
pub mod validate;

#[cfg(feature = "ssr")]
pub mod bundle;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod housekeeping;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod records;
#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A panic leaves the page inert: mark it, so the browser tests report the message at
        // once instead of waiting for a hydration that will never come.
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            let _ = body.set_attribute("data-panic", &info.to_string());
        }
    }));
    let document = web_sys::window().and_then(|w| w.document());
    let shell = document
        .as_ref()
        .and_then(|d| d.body())
        .is_some_and(|b| b.has_attribute("data-shell"));
    if shell {
        // The offline app shell: no server HTML to hydrate, so draw the page from scratch
        // (from the device's copy); the router reads the address.
        leptos::mount::mount_to_body(app::App);
        started();
    } else {
        // What was typed into the page while the app loaded survives hydration.
        ui::typed::remember();
        // Hydration waits for the code of a lazily loaded screen when the page is one.
        wasm_bindgen_futures::spawn_local(async {
            leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App)
                .await
                .forget();
            started();
        });
    }
}

#[cfg(feature = "hydrate")]
fn started() {
    // After mounting: that is what starts the async executor sync runs on.
    sync::client::start();
    // Browser tests wait for this before they click: until now, buttons are inert HTML.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
