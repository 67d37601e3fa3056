mod reporting;

use leptos::prelude::*;

use super::{Organisation, load_organisation, save_language, save_organisation};
use crate::auth::{Actor, Role};
use crate::error::AppError;
use crate::i18n::{Key, LanguageSetting, Locale, t, use_locale};
use crate::money::Currency;
use crate::pipeline::views::StageEditor;
use crate::ui::fields::{TextArea, TextField, focus_first_invalid};
use crate::ui::parts::{ErrorNote, loaded};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let actor = use_context::<Actor>();
    let none = || t(Key::None_).to_owned();
    let profile = actor.clone().map(|a| {
        view! {
            <section class="panel" aria-labelledby="profile-h">
                <h2 id="profile-h">{t(Key::Profile)}</h2>
                <dl class="facts flat">
                    <div><dt>{t(Key::Name)}</dt><dd>{a.name.clone()}</dd></div>
                    <div><dt>{t(Key::Email)}</dt><dd><bdi dir="ltr">{a.email.clone()}</bdi></dd></div>
                    <div><dt>{t(Key::Role)}</dt><dd>{t(a.role.label())}</dd></div>
                    <div><dt>{t(Key::Team)}</dt><dd>{a.team_name.clone().unwrap_or_else(none)}</dd></div>
                </dl>
            </section>
        }
    });
    let is_admin = actor.as_ref().is_some_and(|a| a.role == Role::Admin);
    let runs_people = actor.is_some_and(|a| a.role != Role::Rep);
    let people = runs_people.then(|| {
        view! {
            <section class="panel" aria-labelledby="people-link-h">
                <h2 id="people-link-h">{t(Key::Users)}</h2>
                <p class="muted">{t(Key::UsersLead)}</p>
                <leptos_router::components::A href="/settings/users" attr:class="button">{t(Key::Users)}</leptos_router::components::A>
            </section>
        }
    });
    view! {
        <main class="page narrow">
            <h1>{t(Key::Settings)}</h1>
            {profile}
            <LanguageForm />
            <SecuritySection />
            {people}
            <section class="panel" aria-labelledby="incomplete-link-h">
                <h2 id="incomplete-link-h">{t(Key::IncompleteTitle)}</h2>
                <p class="muted">{t(Key::IncompleteLead)}</p>
                <leptos_router::components::A href="/data/incomplete" attr:class="button">{t(Key::IncompleteTitle)}</leptos_router::components::A>
            </section>
            {runs_people.then(|| view! {
                <section class="panel" aria-labelledby="import-link-h">
                    <h2 id="import-link-h">{t(Key::Import)}</h2>
                    <p class="muted">{t(Key::ImportLinkLead)}</p>
                    <leptos_router::components::A href="/settings/import" attr:class="button">{t(Key::Import)}</leptos_router::components::A>
                </section>
                <section class="panel" aria-labelledby="duplicates-link-h">
                    <h2 id="duplicates-link-h">{t(Key::Duplicates)}</h2>
                    <p class="muted">{t(Key::DuplicatesLead)}</p>
                    <leptos_router::components::A href="/data/duplicates" attr:class="button">{t(Key::Duplicates)}</leptos_router::components::A>
                </section>
            })}
            <section class="panel" aria-labelledby="trash-link-h">
                <h2 id="trash-link-h">{t(Key::Trash)}</h2>
                <p class="muted">{t(Key::TrashLead)}</p>
                <leptos_router::components::A href="/settings/trash" attr:class="button">{t(Key::Trash)}</leptos_router::components::A>
            </section>
            {is_admin.then(|| view! {
                <OrganisationSection />
                <section class="panel" aria-labelledby="service-link-h">
                    <h2 id="service-link-h">{t(Key::ServiceDesk)}</h2>
                    <p class="muted">{t(Key::ServiceDeskLead)}</p>
                    <leptos_router::components::A href="/settings/service" attr:class="button">{t(Key::ServiceDesk)}</leptos_router::components::A>
                </section>
                <StageEditor />
            })}
        </main>
    }
}

/// Switching language saves it for the user and redraws the app in it at once.
#[component]
fn LanguageForm() -> impl IntoView {
    let locale = use_locale();
    let setting = expect_context::<LanguageSetting>();
    let save = Action::new(|choice: &Locale| {
        let choice = *choice;
        async move { save_language(choice).await.map(|()| choice) }
    });
    Effect::new(move |_| {
        if let Some(Ok(choice)) = save.value().get() {
            setting.choose(choice);
            // The device's copy learns the saved choice with its next pull.
            crate::sync::sync_now();
        }
    });
    let options = Locale::ALL
        .into_iter()
        .map(|l| view! { <option value=l.lang() lang=l.lang() selected=l == locale>{l.name()}</option> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="language-h">
            <h2 id="language-h">{t(Key::Language)}</h2>
            <p class="muted">{t(Key::LanguageLead)}</p>
            <div class="field">
                <label for="f-language">{t(Key::Language)}</label>
                <select
                    id="f-language"
                    name="language"
                    disabled=move || save.pending().get()
                    on:change=move |ev| {
                        if let Some(choice) = Locale::from_tag(&event_target_value(&ev)) {
                            save.dispatch(choice);
                        }
                    }
                >
                    {options}
                </select>
            </div>
            {move || match save.value().get() {
                Some(Err(error)) => Some(view! { <ErrorNote error /> }),
                _ => None,
            }}
        </section>
    }
}

#[component]
fn OrganisationSection() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_organisation());
    view! {
        <section class="panel" aria-labelledby="organisation-h">
            <h2 id="organisation-h">{t(Key::Organisation)}</h2>
            {loaded(data, |organisation| view! { <OrganisationForm organisation /> })}
        </section>
    }
}

#[component]
fn OrganisationForm(organisation: Organisation) -> impl IntoView {
    let locale = use_locale();
    let currency = RwSignal::new(organisation.default_currency);
    // One per line, defaults in the reader's language; the server stores them as codes.
    let sources = RwSignal::new(
        organisation
            .deal_sources
            .unwrap_or_default()
            .iter()
            .map(|s| crate::deals::source::name(locale, s))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let errors = RwSignal::new(crate::error::FieldErrors::default());
    // Offline the form opens from the device's copy, which has no reporting settings: they
    // are then left out, and a save keeps them as they are.
    let reporting = organisation
        .reporting
        .as_ref()
        .map(reporting::ReportingState::new);
    let save = Action::new(|organisation: &Organisation| save_organisation(organisation.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Err(AppError::Validation(found))) => {
            errors.set(found);
            focus_first_invalid();
        }
        Some(Ok(_)) => errors.set(Default::default()),
        _ => {}
    });
    let saved = move || matches!(save.value().get(), Some(Ok(_)));
    let failure = move || save.value().get().and_then(Result::err);
    let options = Currency::ALL
        .into_iter()
        .map(|c| view! { <option value=c.code() selected=move || currency.get() == c>{locale.currency_name(c)}</option> })
        .collect_view();
    view! {
        <form class="form" novalidate on:submit=move |ev| {
            ev.prevent_default();
            save.dispatch(Organisation {
                default_currency: currency.get_untracked(),
                deal_sources: Some(sources.get_untracked().lines().map(str::to_owned).collect()),
                reporting: reporting.map(reporting::ReportingState::read),
            });
        }>
            <div class="field">
                <label for="f-default-currency">{t(Key::DefaultCurrency)}</label>
                <select
                    id="f-default-currency"
                    name="default_currency"
                    aria-describedby="default-currency-hint"
                    on:change=move |ev| {
                        if let Some(c) = Currency::from_code(&event_target_value(&ev)) {
                            currency.set(c);
                        }
                    }
                >
                    {options}
                </select>
                <p class="muted hint" id="default-currency-hint">{t(Key::DefaultCurrencyLead)}</p>
            </div>
            <TextArea label=Key::DealSources name="deal_sources" value=sources errors />
            <p class="muted hint">{t(Key::DealSourcesLead)}</p>
            {reporting.map(|state| view! { <reporting::ReportingFields state errors /> })}
            {move || failure().filter(|e| !matches!(e, AppError::Validation(_))).map(|error: AppError| view! { <ErrorNote error /> })}
            {move || saved().then(|| view! { <p class="saved-note" role="status">{t(Key::Saved)}</p> })}
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || save.pending().get()>
                    {t(Key::SaveOrganisation)}
                </button>
            </div>
        </form>
    }
}

/// Changing the password, and ending every session at once (a lost phone).
#[component]
fn SecuritySection() -> impl IntoView {
    let locale = use_locale();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(crate::error::FieldErrors::default());
    let change = Action::new(|change: &crate::auth::PasswordChange| {
        crate::auth::change_password(change.clone())
    });
    Effect::new(move |_| match change.value().get() {
        Some(Err(AppError::Validation(found))) => {
            errors.set(found);
            focus_first_invalid();
        }
        Some(Ok(())) => {
            errors.set(Default::default());
            current.set(String::new());
            new.set(String::new());
        }
        _ => {}
    });
    // A new attempt hides the last one's result until it has its own.
    let changed = move || !change.pending().get() && matches!(change.value().get(), Some(Ok(())));
    let failure = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| e.field_errors().is_none())
    };

    let version = expect_context::<crate::app::AuthVersion>();
    let navigate = leptos_router::hooks::use_navigate();
    let everywhere = Action::new(move |_: &()| {
        let warning = locale.count(Key::SignOutPending, crate::sync::pending() as i64);
        async move {
            crate::auth::sign_out_everywhere().await?;
            crate::sync::signing_out(warning).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(true)) = everywhere.value().get() {
            version.changed();
            navigate("/sign-in", Default::default());
        }
    });
    let everywhere_failure = move || everywhere.value().get().and_then(Result::err);
    view! {
        <section class="panel" aria-labelledby="security-h">
            <h2 id="security-h">{t(Key::SettingsSecurity)}</h2>
            <form class="form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                errors.set(Default::default());
                change.dispatch(crate::auth::PasswordChange { current: current.get_untracked(), new: new.get_untracked() });
            }>
                <h3>{t(Key::ChangePassword)}</h3>
                <TextField label=Key::CurrentPassword name="current" value=current errors kind="password" autocomplete="current-password" required=true />
                <TextField label=Key::NewPassword name="new" value=new errors kind="password" autocomplete="new-password" required=true />
                <p class="muted hint">{t(Key::NewPasswordHint)}</p>
                {move || failure().map(|error: AppError| view! { <ErrorNote error /> })}
                {move || changed().then(|| view! { <p class="saved-note" role="status">{t(Key::PasswordChanged)}</p> })}
                <div class="form-actions">
                    <button type="submit" class="button primary" disabled=move || change.pending().get()>
                        {t(Key::ChangePassword)}
                    </button>
                </div>
            </form>
            <div class="form">
                <p class="muted" id="everywhere-hint">{t(Key::SignOutEverywhereHint)}</p>
                {move || everywhere_failure().map(|error: AppError| view! { <ErrorNote error /> })}
                <div class="form-actions">
                    <button
                        type="button"
                        class="button"
                        aria-describedby="everywhere-hint"
                        disabled=move || everywhere.pending().get()
                        on:click=move |_| { everywhere.dispatch(()); }
                    >
                        {t(Key::SignOutEverywhere)}
                    </button>
                </div>
            </div>
        </section>
    }
}
