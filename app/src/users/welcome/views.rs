//! `/welcome/<token>`: choose a password, then straight in.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{Welcome, accept_link, check_link};
use crate::app::AuthVersion;
use crate::auth::Role;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Key, t, use_locale};
use crate::ui::fields::TextField;
use crate::ui::parts::{ErrorNote, loaded};

#[component]
pub fn WelcomePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let data = Resource::new(token, check_link);
    view! {
        <main class="sign-in">
            <div class="sign-in-card">
                <div class="brand-mark large" aria-hidden="true">{t(Key::BrandMark)}</div>
                {loaded(data, move |welcome| view! { <PasswordForm welcome token=token() /> })}
            </div>
        </main>
    }
}

#[component]
fn PasswordForm(welcome: Welcome, token: String) -> impl IntoView {
    let locale = use_locale();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<AppError>);
    let version = expect_context::<AuthVersion>();
    let navigate = use_navigate();
    let action = Action::new(move |password: &String| accept_link(token.clone(), password.clone()));
    Effect::new(move |_| match action.value().get() {
        Some(Ok(actor)) => {
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                crate::sync::signed_in(&actor.id).await;
                version.changed();
                let first = match actor.role {
                    Role::Rep => "/",
                    Role::Manager | Role::Admin => "/dashboard",
                };
                navigate(first, Default::default());
            });
        }
        Some(Err(error)) => {
            errors.set(error.field_errors().cloned().unwrap_or_default());
            failure.set(Some(error));
            crate::ui::fields::focus_first_invalid();
        }
        None => {}
    });
    let title = if welcome.first_time {
        crate::fill!(locale, Key::WelcomeTitle, name = &welcome.name)
    } else {
        crate::fill!(locale, Key::ResetTitle, name = &welcome.name)
    };
    let lead = crate::fill!(locale, Key::WelcomeLead, email = &welcome.email);
    view! {
        <h1>{title}</h1>
        <p class="muted">{lead}</p>
        <form method="post" novalidate on:submit=move |ev| {
            ev.prevent_default();
            failure.set(None);
            action.dispatch(password.get());
        }>
            <input type="email" class="visually-hidden" tabindex="-1" aria-hidden="true"
                autocomplete="username" prop:value=welcome.email.clone() readonly />
            <TextField label=Key::NewPassword name="new" value=password errors kind="password" autocomplete="new-password" required=true />
            <p class="hint">{t(Key::NewPasswordHint)}</p>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <button class="button primary block" type="submit" disabled=move || action.pending().get()>
                {t(Key::SetPasswordAndSignIn)}
            </button>
        </form>
    }
}
