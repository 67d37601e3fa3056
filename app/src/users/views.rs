//! Settings → **Users**: the people an admin (everyone) or a manager (their team's reps)
//! runs, and the teams. Each person opens to their own small forms, so the page reads the
//! same on a phone and a desktop.

mod person;
mod teams;

use leptos::prelude::*;
use leptos_router::components::A;

use super::{Directory, PersonInput, SignInLink, invite, load_directory};
use crate::auth::{Actor, Role};
use crate::error::FieldErrors;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::{ErrorNote, loaded};
use crate::ui::problems::Problems;

/// Tells the page to load the directory again after a change.
#[derive(Clone, Copy)]
pub(crate) struct Reload(pub RwSignal<u32>);

/// What outlives the list being drawn again after a change: the person opened, the link
/// just made, the last thing done.
#[derive(Clone, Copy)]
pub(crate) struct Kept {
    pub open: RwSignal<Option<String>>,
    pub link: RwSignal<Option<(SignInLink, String)>>,
    pub done: RwSignal<Option<String>>,
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let reload = RwSignal::new(0_u32);
    provide_context(Reload(reload));
    provide_context(Kept {
        open: RwSignal::new(None),
        link: RwSignal::new(None),
        done: RwSignal::new(None),
    });
    let data = Resource::new(move || reload.get(), |_| load_directory());
    view! {
        <main class="page users">
            <p class="crumbs"><A href="/settings">{t(Key::Settings)}</A></p>
            <h1>{t(Key::Users)}</h1>
            <p class="muted">{t(Key::UsersLead)}</p>
            {loaded(data, |d| view! { <Screen directory=d /> })}
        </main>
    }
}

#[component]
fn Screen(directory: Directory) -> impl IntoView {
    let me = use_context::<Actor>()
        .map(|a| a.id.to_string())
        .unwrap_or_default();
    let people = directory
        .people
        .iter()
        .cloned()
        .map(|p| {
            let own = p.id.as_str() == me;
            view! { <person::PersonItem person=p directory=directory.clone() own /> }
        })
        .collect_view();
    let admin = directory.admin;
    let done = expect_context::<Kept>().done;
    view! {
        <InviteForm directory=directory.clone() />
        <section class="panel" aria-labelledby="people-h">
            <h2 id="people-h">{t(Key::People)}</h2>
            {move || done.get().map(|text| view! { <p class="saved-note" role="status">{text}</p> })}
            <ul class="people">{people}</ul>
        </section>
        {admin.then(|| view! { <teams::Teams directory /> })}
    }
}

/// The one-time link, as the full address to copy and send.
#[component]
pub(crate) fn LinkBox(link: SignInLink, name: String) -> impl IntoView {
    let locale = use_locale();
    let address = full_address(&link.path);
    let until = locale.date(link.expires_at.get(..10).unwrap_or_default());
    let note = crate::fill!(locale, Key::LinkFor, name = &name, date = &until);
    let copied = RwSignal::new(false);
    let copy_text = address.clone();
    let copy = move |_| {
        copy_to_clipboard(&copy_text);
        copied.set(true);
    };
    view! {
        <div class="link-box" role="status">
            <p>{note}</p>
            <label class="visually-hidden" for="sign-in-link">{t(Key::SignInLink)}</label>
            <input id="sign-in-link" class="filter" readonly dir="ltr" prop:value=address
                on:focus=|ev| select_all(&ev) />
            <button type="button" class="button small" on:click=copy>
                {move || if copied.get() { t(Key::Copied) } else { t(Key::Copy) }}
            </button>
        </div>
    }
}

fn full_address(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return format!("{origin}{path}");
    }
    path.to_owned()
}

fn copy_to_clipboard(text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        // The promise is not awaited: the input beside the button holds the text anyway.
        let _ = window.navigator().clipboard().write_text(text);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = text;
}

fn select_all(ev: &leptos::ev::FocusEvent) {
    use wasm_bindgen::JsCast;
    if let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
    }
}

/// Role and team choices `directory`'s reader may give: a manager only reps of their team.
pub(crate) fn role_options(admin: bool, chosen: RwSignal<String>) -> impl IntoView + use<> {
    let roles: Vec<Role> = if admin {
        Role::ALL.to_vec()
    } else {
        vec![Role::Rep]
    };
    roles
        .into_iter()
        .map(|r| {
            let code = r.code();
            view! { <option value=code selected=move || chosen.get() == code>{t(r.label())}</option> }
        })
        .collect_view()
}

pub(crate) fn team_options(
    directory: &Directory,
    chosen: RwSignal<String>,
) -> impl IntoView + use<> {
    let none = directory.admin.then(|| {
        view! { <option value="" selected=move || chosen.get().is_empty()>{t(Key::NoTeam)}</option> }
    });
    let teams = directory
        .teams
        .iter()
        .map(|team| {
            let id = team.id.to_string();
            let value = id.clone();
            view! { <option value=value selected=move || chosen.get() == id>{team.name.clone()}</option> }
        })
        .collect_view();
    view! { {none} {teams} }
}

/// A labelled control with its message, for forms that appear many times on the page: ids
/// carry `prefix`, so each form's labels point at its own fields.
#[component]
pub(crate) fn Labelled(
    prefix: String,
    name: &'static str,
    label: Key,
    errors: RwSignal<FieldErrors>,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    let message = move || errors.with(|e| e.get(name)).map(|p| locale.problem(p));
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=format!("{prefix}-{name}")>{t(label)}</label>
            {children()}
            <p class="field-error" aria-live="polite">{message}</p>
        </div>
    }
}

#[component]
fn InviteForm(directory: Directory) -> impl IntoView {
    let admin = directory.admin;
    let Reload(reload) = expect_context::<Reload>();
    let own_team = use_context::<Actor>()
        .and_then(|a| a.team)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("rep".to_owned());
    let team = RwSignal::new(own_team);
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let sent = expect_context::<Kept>().link;
    let action = Action::new(|input: &PersonInput| invite(input.clone()));
    problems.follow(action, move |link| {
        sent.set(Some((link, name.get_untracked())));
        name.set(String::new());
        email.set(String::new());
        reload.update(|n| *n += 1);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        sent.set(None);
        action.dispatch(PersonInput {
            id: None,
            name: name.get(),
            email: email.get(),
            role: role.get(),
            team: team.get(),
        });
    };
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let prefix = "invite".to_owned();
    let roles = role_options(admin, role);
    let teams = team_options(&directory, team);
    view! {
        <section class="panel" aria-labelledby="invite-h">
            <h2 id="invite-h">{t(Key::InviteTitle)}</h2>
            <p class="muted">{t(Key::InviteLead)}</p>
            <form class="form" on:submit=submit novalidate>
                <div class="field-row">
                    <Labelled prefix=prefix.clone() name="name" label=Key::Name errors>
                        <input id="invite-name" dir="auto" autocomplete="off" aria-invalid=invalid("name")
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </Labelled>
                    <Labelled prefix=prefix.clone() name="email" label=Key::Email errors>
                        <input id="invite-email" type="email" dir="ltr" inputmode="email" autocomplete="off"
                            aria-invalid=invalid("email")
                            prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                    </Labelled>
                </div>
                <div class="field-row">
                    <Labelled prefix=prefix.clone() name="role" label=Key::Role errors>
                        <select id="invite-role" aria-invalid=invalid("role")
                            on:change=move |ev| role.set(event_target_value(&ev))>
                            {roles}
                        </select>
                    </Labelled>
                    <Labelled prefix=prefix.clone() name="team" label=Key::Team errors>
                        <select id="invite-team" aria-invalid=invalid("team")
                            on:change=move |ev| team.set(event_target_value(&ev))>
                            {teams}
                        </select>
                    </Labelled>
                </div>
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
                <button class="button primary" type="submit" disabled=move || action.pending().get()>
                    {t(Key::Invite)}
                </button>
            </form>
            {move || sent.get().map(|(link, name)| view! { <LinkBox link name /> })}
        </section>
    }
}
