//! One person on the Users screen: who they are at a glance, and, opened, what the reader
//! may do about them: edit, deactivate or reactivate, a reset link, hand on their records.

use leptos::prelude::*;

use super::{Kept, Labelled, LinkBox, Reload, role_options, team_options};
use crate::auth::Actor;
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::ErrorNote;
use crate::ui::problems::Problems;
use crate::users::{
    Directory, Person, PersonInput, SignInLink, hand_on, may_run, reset_link, save_person,
    set_active,
};

#[component]
pub fn PersonItem(person: Person, directory: Directory, own: bool) -> impl IntoView {
    let locale = use_locale();
    let runs = use_context::<Actor>().is_some_and(|a| may_run(&a, &person)) && !own;
    let status = if !person.active {
        Some(("off", Key::Deactivated))
    } else if person.invited {
        Some(("invited", Key::Invited))
    } else {
        None
    };
    let status = status
        .map(|(kind, key)| view! { <span class="status-chip" data-kind=kind>{t(key)}</span> });
    let separator = locale.text(Key::ListSeparator);
    let team = person
        .team_name
        .clone()
        .unwrap_or_else(|| locale.text(Key::NoTeam).to_owned());
    let seen = match person.last_active.as_deref().and_then(|at| at.get(..10)) {
        Some(day) => crate::fill!(locale, Key::LastActiveOn, date = &locale.date(day)),
        None => locale.text(Key::NeverSignedIn).to_owned(),
    };
    let summary = view! {
        <span class="person-name" dir="auto">{person.name.clone()}</span>
        " " {status}
        <span class="row-sub muted">
            {t(person.role.label())}{separator}<bdi>{team}</bdi>{separator}{seen}
        </span>
        <span class="row-sub muted"><bdi dir="ltr">{person.email.clone()}</bdi></span>
    };
    if !runs {
        return view! { <li class="person"><div class="person-head">{summary}</div></li> }
            .into_any();
    }
    let label = crate::fill!(locale, Key::ManagePerson, name = &person.name);
    let open = expect_context::<Kept>().open;
    let id = person.id.to_string();
    let is_open = {
        let id = id.clone();
        move || open.with(|o| o.as_deref() == Some(id.as_str()))
    };
    let toggled = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let now_open = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .is_some_and(|d| d.open());
        open.update(|o| {
            if now_open {
                *o = Some(id.clone());
            } else if o.as_deref() == Some(id.as_str()) {
                *o = None;
            }
        });
    };
    view! {
        <li class="person">
            <details prop:open=is_open on:toggle=toggled>
                <summary class="person-head" aria-label=label>{summary}</summary>
                <div class="person-body">
                    <EditForm person=person.clone() directory=directory.clone() />
                    <ActiveForm person=person.clone() admin=directory.admin />
                    <HandOnForm person directory />
                </div>
            </details>
        </li>
    }
    .into_any()
}

#[component]
fn EditForm(person: Person, directory: Directory) -> impl IntoView {
    let Reload(reload) = expect_context::<Reload>();
    let prefix = format!("p{}", person.id);
    let id = person.id.to_string();
    let name = RwSignal::new(person.name.clone());
    let email = RwSignal::new(person.email.clone());
    let role = RwSignal::new(person.role.code().to_owned());
    let team = RwSignal::new(
        person
            .team
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default(),
    );
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let action = Action::new(|input: &PersonInput| save_person(input.clone()));
    problems.follow(action, move |()| reload.update(|n| *n += 1));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        action.dispatch(PersonInput {
            id: Some(id.clone()),
            name: name.get(),
            email: email.get(),
            role: role.get(),
            team: team.get(),
        });
    };
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let admin = directory.admin;
    let [id_name, id_email, id_role, id_team] =
        ["name", "email", "role", "team"].map(|field| format!("{prefix}-{field}"));
    let roles = role_options(admin, role);
    let teams = team_options(&directory, team);
    view! {
        <form class="form" on:submit=submit novalidate>
            <div class="field-row">
                <Labelled prefix=prefix.clone() name="name" label=Key::Name errors>
                    <input id=id_name dir="auto" aria-invalid=invalid("name")
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </Labelled>
                <Labelled prefix=prefix.clone() name="email" label=Key::Email errors>
                    <input id=id_email type="email" dir="ltr" aria-invalid=invalid("email")
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                </Labelled>
            </div>
            <div class="field-row">
                <Labelled prefix=prefix.clone() name="role" label=Key::Role errors>
                    <select id=id_role aria-invalid=invalid("role")
                        on:change=move |ev| role.set(event_target_value(&ev))>
                        {roles}
                    </select>
                </Labelled>
                <Labelled prefix=prefix.clone() name="team" label=Key::Team errors>
                    <select id=id_team aria-invalid=invalid("team")
                        on:change=move |ev| team.set(event_target_value(&ev))>
                        {teams}
                    </select>
                </Labelled>
            </div>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <button class="button" type="submit" disabled=move || action.pending().get()>{t(Key::Save)}</button>
        </form>
    }
}

/// Deactivate or reactivate, and (admins) a password-reset link.
#[component]
fn ActiveForm(person: Person, admin: bool) -> impl IntoView {
    let locale = use_locale();
    let Reload(reload) = expect_context::<Reload>();
    let failure = RwSignal::new(None::<AppError>);
    let id = person.id.to_string();
    let active = person.active;
    let toggle = Action::new(move |_: &()| set_active(id.clone(), !active));
    Effect::new(move |_| match toggle.value().get() {
        Some(Ok(())) => reload.update(|n| *n += 1),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let link = RwSignal::new(None::<SignInLink>);
    let reset_id = person.id.to_string();
    let reset = Action::new(move |_: &()| reset_link(reset_id.clone()));
    Effect::new(move |_| match reset.value().get() {
        Some(Ok(made)) => link.set(Some(made)),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let (label, class) = if active {
        (Key::Deactivate, "button danger")
    } else {
        (Key::Reactivate, "button")
    };
    let aria = crate::fill!(
        locale,
        Key::ActionFor,
        action = locale.text(label),
        name = &person.name
    );
    let name = person.name.clone();
    view! {
        <div class="person-actions">
            {(!active).then(|| view! { <p class="muted">{t(Key::DeactivatedLead)}</p> })}
            <button type="button" class=class aria-label=aria disabled=move || toggle.pending().get()
                on:click=move |_| { toggle.dispatch(()); }>
                {t(label)}
            </button>
            {(admin && active).then(|| view! {
                <button type="button" class="button" disabled=move || reset.pending().get()
                    on:click=move |_| { reset.dispatch(()); }>
                    {t(Key::ResetLink)}
                </button>
            })}
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            {move || link.get().map(|link| view! { <LinkBox link name=name.clone() /> })}
        </div>
    }
}

/// Gives what someone leaves behind (their open deals, companies, contacts and open
/// activities) to a colleague.
#[component]
fn HandOnForm(person: Person, directory: Directory) -> impl IntoView {
    let locale = use_locale();
    let Reload(reload) = expect_context::<Reload>();
    let prefix = format!("h{}", person.id);
    let to = RwSignal::new(String::new());
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let done = expect_context::<Kept>().done;
    let from = person.id.to_string();
    let action = Action::new(move |to: &String| hand_on(from.clone(), to.clone()));
    problems.follow(action, move |count| {
        done.set(Some(locale.count(Key::RecordsHandedOn, count as i64)));
        reload.update(|n| *n += 1);
    });
    let options = directory
        .people
        .iter()
        .filter(|p| p.active && p.id != person.id)
        .map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> })
        .collect_view();
    let lead = crate::fill!(
        locale,
        Key::HandOnLead,
        name = &person.name,
        count = &locale.number(person.open_deals)
    );
    let id_owner = format!("{prefix}-owner");
    view! {
        <form class="form hand-on" on:submit=move |ev| {
            ev.prevent_default();
            failure.set(None);
            done.set(None);
            action.dispatch(to.get_untracked());
        }>
            <p class="muted">{lead}</p>
            <Labelled prefix=prefix.clone() name="owner" label=Key::NewOwner errors>
                <select id=id_owner on:change=move |ev| to.set(event_target_value(&ev))>
                    <option value="">{t(Key::ChooseOne)}</option>
                    {options}
                </select>
            </Labelled>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <button class="button" type="submit" disabled=move || action.pending().get()>{t(Key::Reassign)}</button>
        </form>
    }
}
