//! The document shell, routes and the signed-in layout.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{A, Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_navigate;
use leptos_router::path;

use leptos_router::Lazy;

use crate::activities::views::TodayPage;
use crate::auth::views::SignInPage;
use crate::auth::{Actor, load_me};
use crate::deals::views::PipelinePage;
use crate::i18n::{Key, LanguageSetting, Locale, initial_locale, t};
use crate::sync::views::{SyncStatus, UpdateBanner};
use crate::ui::icons::Icon;
use lazy::*;

mod lazy;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Decided before the first byte, so the page never flashes in the wrong direction.
    let locale = initial_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.lang() dir=locale.dir()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0f5c4d" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href=crate::i18n::manifest(locale) />
                {(locale == Locale::Fa).then(|| view! {
                    <link rel="preload" href="/fonts/Vazirmatn.woff2" r#as="font" r#type="font/woff2" crossorigin="" />
                })}
                <script src="/pwa.js" defer></script>
                <script nonce=leptos::nonce::use_nonce()>
                    "document.cookie='hamrah_tz='+(-new Date().getTimezoneOffset())+';path=/;max-age=31536000;samesite=lax'"
                </script>
                <AutoReload options=options.clone() />
                <StartScript options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Starts the app once the page has painted (see `bundle::start_script`), in place of
/// Leptos' `<HydrationScripts>`, whose hints fetch the wasm before the first paint.
#[component]
fn StartScript(options: LeptosOptions) -> impl IntoView {
    // A page loaded directly at a lazily loaded screen fetches that screen's chunks when it
    // hydrates (`hydrate_from_async` waits for them).
    #[cfg(feature = "ssr")]
    let script = crate::bundle::page_start_script(&options);
    #[cfg(not(feature = "ssr"))]
    let script = {
        let _ = options;
        ""
    };
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// Bumped after sign-in and sign-out, so the current user is fetched again.
#[derive(Clone, Copy)]
pub struct AuthVersion(pub RwSignal<u32>);

impl AuthVersion {
    /// Someone signed in or out: the user is fetched again, and their saved language counts
    /// again over a choice made on this device before.
    pub fn changed(self) {
        expect_context::<LanguageSetting>().reset_choice();
        self.0.update(|v| *v += 1);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(AuthVersion(RwSignal::new(0)));
    let language = LanguageSetting::new(initial_locale());
    provide_context(language);
    Effect::new(move |_| crate::i18n::apply_to_document(language.get()));
    // A new language redraws the whole app: every text is looked up again.
    move || {
        provide_context(language.get());
        view! { <Routed /> }
    }
}

#[component]
fn Routed() -> impl IntoView {
    view! {
        <Title text=t(Key::AppName) />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage />
                <Route path=path!("/welcome/:token") view={Lazy::<WelcomeScreen>::new()} />
                <Route path=path!("/complaint") view={Lazy::<ComplaintScreen>::new()} />
                <Route path=path!("/complaint/sent") view={Lazy::<ComplaintSentScreen>::new()} />
                <Route path=path!("/survey/thanks") view={Lazy::<SurveyThanksScreen>::new()} />
                <Route path=path!("/survey/:token") view={Lazy::<SurveyScreen>::new()} />
                <ParentRoute path=path!("") view=SignedIn>
                    <Route path=path!("/") view=TodayPage />
                    <Route path=path!("/pipeline") view=PipelinePage />
                    <Route path=path!("/dashboard") view={Lazy::<DashboardScreen>::new()} />
                    <Route path=path!("/deals") view={Lazy::<DealsTableScreen>::new()} />
                    <Route path=path!("/deals/new") view={Lazy::<DealFormScreen>::new()} />
                    <Route path=path!("/deals/:id") view={Lazy::<DealScreen>::new()} />
                    <Route path=path!("/deals/:id/edit") view={Lazy::<DealFormScreen>::new()} />
                    <Route path=path!("/companies") view={Lazy::<CompaniesScreen>::new()} />
                    <Route path=path!("/companies/new") view={Lazy::<CompanyFormScreen>::new()} />
                    <Route path=path!("/companies/:id") view={Lazy::<CompanyScreen>::new()} />
                    <Route path=path!("/companies/:id/edit") view={Lazy::<CompanyFormScreen>::new()} />
                    <Route path=path!("/contacts") view={Lazy::<ContactsScreen>::new()} />
                    <Route path=path!("/contacts/new") view={Lazy::<ContactFormScreen>::new()} />
                    <Route path=path!("/contacts/:id") view={Lazy::<ContactScreen>::new()} />
                    <Route path=path!("/contacts/:id/edit") view={Lazy::<ContactFormScreen>::new()} />
                    <Route path=path!("/activities/new") view={Lazy::<ActivityFormScreen>::new()} />
                    <Route path=path!("/activities/:id/edit") view={Lazy::<ActivityFormScreen>::new()} />
                    <Route path=path!("/cases") view={Lazy::<CasesScreen>::new()} />
                    <Route path=path!("/cases/new") view={Lazy::<CaseFormScreen>::new()} />
                    <Route path=path!("/cases/figures") view={Lazy::<ServiceFiguresScreen>::new()} />
                    <Route path=path!("/cases/:id") view={Lazy::<CaseScreen>::new()} />
                    <Route path=path!("/cases/:id/edit") view={Lazy::<CaseFormScreen>::new()} />
                    <Route path=path!("/settings") view={Lazy::<SettingsScreen>::new()} />
                    <Route path=path!("/settings/users") view={Lazy::<UsersScreen>::new()} />
                    <Route path=path!("/settings/service") view={Lazy::<ServiceSettingsScreen>::new()} />
                    <Route path=path!("/settings/trash") view={Lazy::<TrashScreen>::new()} />
                    <Route path=path!("/settings/import") view={Lazy::<ImportScreen>::new()} />
                    <Route path=path!("/data/duplicates") view={Lazy::<DuplicatesScreen>::new()} />
                    <Route path=path!("/data/duplicates/merge") view={Lazy::<MergeScreen>::new()} />
                    <Route path=path!("/search") view={Lazy::<SearchScreen>::new()} />
                    <Route path=path!("/data/incomplete") view={Lazy::<IncompleteScreen>::new()} />
                    <Route path=path!("/sync") view={Lazy::<SyncScreen>::new()} />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <main class="page narrow">
            <h1>{t(Key::NotFoundTitle)}</h1>
            <A href="/" attr:class="button primary">{t(Key::GoToday)}</A>
        </main>
    }
}

/// Everything behind sign-in: the navigation and the current page. The server already
/// redirected visitors without a session; this handles a session that ends mid-use.
#[component]
fn SignedIn() -> impl IntoView {
    let version = expect_context::<AuthVersion>().0;
    let user = Resource::new(move || version.get(), |_| load_me());
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Key::Loading)}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(actor)) => {
                        let saved = actor.locale;
                        Effect::new(move |_| expect_context::<LanguageSetting>().adopt(saved));
                        provide_context(actor.clone());
                        crate::search::views::SearchQuery::provide();
                        let navigate = use_navigate();
                        // A session ended elsewhere while this page was open: sign in again.
                        Effect::new(move |_| {
                            if crate::sync::status().session_ended {
                                navigate("/sign-in", Default::default());
                            }
                        });
                        view! {
                            <div class="layout">
                                <UpdateBanner />
                                <Nav actor />
                                <div class="content">
                                    <Outlet />
                                </div>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) | Err(_) => view! { <GoToSignIn /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn GoToSignIn() -> impl IntoView {
    let navigate = use_navigate();
    Effect::new(move |_| navigate("/sign-in", Default::default()));
    view! { <p class="loading">{t(Key::Loading)}</p> }
}

#[component]
fn Nav(actor: Actor) -> impl IntoView {
    let version = expect_context::<AuthVersion>();
    let navigate = use_navigate();
    let locale = crate::i18n::use_locale();
    let out = Action::new(move |_: &()| {
        let warning = locale.count(Key::SignOutPending, crate::sync::pending() as i64);
        async move {
            if !crate::sync::signing_out(warning).await? {
                return Ok(false);
            }
            // Offline, the device is signed out now and the server at the next contact.
            crate::sync::sign_out_session().await;
            Ok::<_, crate::error::AppError>(true)
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(true)) = out.value().get() {
            version.changed();
            navigate("/sign-in", Default::default());
        }
    });
    let failed = move || {
        matches!(out.value().get(), Some(Err(_)))
            .then(|| view! { <p class="nav-error" role="alert">{t(Key::SignOutFailed)}</p> })
    };
    let link = |href: &'static str, icon: Icon, key: Key| {
        view! {
            <A href=href attr:class="nav-link" exact=true>
                {icon.view()}
                <span>{t(key)}</span>
            </A>
        }
    };
    view! {
        <nav class="nav" aria-label=t(Key::NavMain)>
            <div class="nav-brand">
                <span class="brand-mark" aria-hidden="true">{t(Key::BrandMark)}</span>
                <span class="brand-name">{t(Key::AppName)}</span>
            </div>
            <crate::search::views::SearchBox />
            {(actor.role != crate::auth::Role::Rep)
                .then(|| link("/dashboard", Icon::Dashboard, Key::NavDashboard))}
            {link("/", Icon::Today, Key::NavToday)}
            {link("/pipeline", Icon::Pipeline, Key::NavPipeline)}
            // The table is for wider screens; a phone reaches it from the dashboard's figures.
            {(actor.role != crate::auth::Role::Rep).then(|| view! {
                <A href="/deals" attr:class="nav-link wide-nav" exact=true>
                    {Icon::Table.view()}
                    <span>{t(Key::NavDeals)}</span>
                </A>
            })}
            {link("/companies", Icon::Company, Key::NavCompanies)}
            {link("/contacts", Icon::Contact, Key::NavContacts)}
            {link("/cases", Icon::Case, Key::NavCases)}
            {link("/settings", Icon::Settings, Key::NavSettings)}
            <SyncStatus />
            <div class="nav-user">
                <span class="nav-user-name">{actor.name.clone()}</span>
                <span class="nav-user-role">{t(actor.role.label())}</span>
            </div>
            <button class="nav-link sign-out" type="button" on:click=move |_| { out.dispatch(()); }>
                {Icon::SignOut.view()}
                <span>{t(Key::SignOut)}</span>
            </button>
            {failed}
        </nav>
    }
}
