//! Teams (admins): create one, rename it, give it a manager.

use leptos::prelude::*;

use super::{Labelled, Reload};
use crate::auth::Role;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::ErrorNote;
use crate::ui::problems::Problems;
use crate::users::{Directory, Team, TeamInput, save_team};

#[component]
pub fn Teams(directory: Directory) -> impl IntoView {
    let rows = directory
        .teams
        .iter()
        .cloned()
        .map(|team| view! { <li><TeamForm team=Some(team) directory=directory.clone() /></li> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="teams-h">
            <h2 id="teams-h">{t(Key::Teams)}</h2>
            <ul class="teams">{rows}</ul>
            <h3>{t(Key::NewTeam)}</h3>
            <TeamForm team=None directory />
        </section>
    }
}

#[component]
fn TeamForm(team: Option<Team>, directory: Directory) -> impl IntoView {
    let locale = use_locale();
    let Reload(reload) = expect_context::<Reload>();
    let id = team.as_ref().map(|t| t.id.to_string());
    let prefix = format!("t{}", id.clone().unwrap_or_else(|| "new".into()));
    let name = RwSignal::new(team.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let manager = RwSignal::new(
        team.as_ref()
            .and_then(|t| t.manager.as_ref())
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let action = Action::new(|input: &TeamInput| save_team(input.clone()));
    let is_new = team.is_none();
    problems.follow(action, move |()| {
        if is_new {
            name.set(String::new());
        }
        reload.update(|n| *n += 1);
    });
    let managers = directory
        .people
        .iter()
        .filter(|p| p.active && p.role == Role::Manager)
        .map(|p| {
            let value = p.id.to_string();
            let chosen = value.clone();
            view! { <option value=value selected=move || manager.get() == chosen>{p.name.clone()}</option> }
        })
        .collect_view();
    let members = team
        .as_ref()
        .map(|t| view! { <p class="muted">{locale.count(Key::MembersCount, t.members)}</p> });
    let invalid =
        move |field: &'static str| move || errors.with(|e| e.get(field).is_some()).to_string();
    let [id_name, id_manager] = ["name", "manager"].map(|field| format!("{prefix}-{field}"));
    view! {
        <form class="form team-form" on:submit=move |ev| {
            ev.prevent_default();
            failure.set(None);
            action.dispatch(TeamInput { id: id.clone(), name: name.get(), manager: manager.get() });
        }>
            <div class="field-row">
                <Labelled prefix=prefix.clone() name="name" label=Key::TeamName errors>
                    <input id=id_name dir="auto" aria-invalid=invalid("name")
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </Labelled>
                <Labelled prefix=prefix.clone() name="manager" label=Key::TeamManager errors>
                    <select id=id_manager aria-invalid=invalid("manager")
                        on:change=move |ev| manager.set(event_target_value(&ev))>
                        <option value="" selected=move || manager.get().is_empty()>{t(Key::NoManager)}</option>
                        {managers}
                    </select>
                </Labelled>
            </div>
            {members}
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <button class="button" type="submit" disabled=move || action.pending().get()>
                {if is_new { t(Key::CreateTeam) } else { t(Key::Save) }}
            </button>
        </form>
    }
}
