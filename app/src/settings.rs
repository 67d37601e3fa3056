//! Settings: the user's own profile, and for admins the organisation's pipeline.

use leptos::prelude::*;

use crate::auth::{Actor, Role};
use crate::i18n::{Key, t};
use crate::pipeline::views::StageEditor;

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
                    <div><dt>{t(Key::Email)}</dt><dd><bdi>{a.email.clone()}</bdi></dd></div>
                    <div><dt>{t(Key::Role)}</dt><dd>{t(a.role.label())}</dd></div>
                    <div><dt>{t(Key::Team)}</dt><dd>{a.team_name.clone().unwrap_or_else(none)}</dd></div>
                </dl>
            </section>
        }
    });
    let is_admin = actor.is_some_and(|a| a.role == Role::Admin);
    view! {
        <main class="page narrow">
            <h1>{t(Key::Settings)}</h1>
            {profile}
            {is_admin.then(|| view! { <StageEditor /> })}
        </main>
    }
}
