use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{SignInForm, sign_in};
use crate::app::AuthVersion;
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Key, LanguageSetting, Locale, t, use_locale};
use crate::ui::fields::TextField;
use crate::ui::parts::ErrorNote;

#[component]
pub fn SignInPage() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let version = expect_context::<AuthVersion>();
    let navigate = use_navigate();
    let action = Action::new(|form: &SignInForm| sign_in(form.clone()));
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(actor)) => {
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                // A copy left by someone else on this device must not show for a moment.
                crate::sync::signed_in(&actor.id).await;
                version.changed();
                // Managers and admins start at the dashboard; reps at Today.
                let first = match actor.role {
                    super::Role::Rep => "/",
                    super::Role::Manager | super::Role::Admin => "/dashboard",
                };
                navigate(first, Default::default());
            });
        }
        Some(Err(error)) => {
            errors.set(error.field_errors().cloned().unwrap_or_default());
            crate::ui::fields::focus_first_invalid();
            failure.set(Some(error));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        action.dispatch(SignInForm {
            email: email.get(),
            password: password.get(),
        });
    };
    // Disabled until the app runs: a tap before then would post the form to a page that
    // takes no posts, and the browser would show an error instead of signing in.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <main class="sign-in">
            <div class="sign-in-card">
                <div class="brand-mark large" aria-hidden="true">{t(Key::BrandMark)}</div>
                <h1>{t(Key::SignInTitle)}</h1>
                <p class="muted">{t(Key::SignInLead)}</p>
                <form method="post" on:submit=submit novalidate>
                    <TextField label=Key::Email name="email" value=email errors kind="email" inputmode="email" autocomplete="username" required=true />
                    <TextField label=Key::Password name="password" value=password errors kind="password" autocomplete="current-password" required=true />
                    {move || failure.get().map(|error| view! { <ErrorNote error /> })}
                    <button class="button primary block" type="submit" disabled=move || !ready.get() || action.pending().get()>
                        {move || if action.pending().get() { t(Key::Loading) } else { t(Key::SignIn) }}
                    </button>
                </form>
                <LanguageSwitch />
            </div>
        </main>
    }
}

/// Before sign-in the browser's language decides; this lets a visitor pick the other one.
/// Each language is named in itself, so a reader of either can find theirs.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let setting = expect_context::<LanguageSetting>();
    let current = use_locale();
    let others = Locale::ALL
        .into_iter()
        .filter(|l| *l != current)
        .map(|other| {
            view! {
                <button type="button" class="link-button" lang=other.lang() on:click=move |_| setting.choose(other)>
                    {other.name()}
                </button>
            }
        })
        .collect_view();
    view! { <p class="language-switch">{others}</p> }
}
