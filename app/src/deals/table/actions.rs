//! What the deals table does to the rows ticked in it: **Reassign** them or **Move to
//! stage** ([`crate::deals::bulk`]). The server checks each deal; this only gathers the
//! choice and shows what came back.

use std::collections::BTreeSet;

use leptos::prelude::*;

use crate::deals::bulk::{Bulk, assignees, change_deals};
use crate::error::FieldErrors;
use crate::i18n::{Key, t, use_locale};
use crate::pipeline::{Outcome, get_pipeline};
use crate::ui::parts::ErrorNote;
use crate::ui::problems::Problems;

/// The ids ticked in the table, shared by the rows and the action bar.
#[derive(Clone, Copy)]
pub struct Selection(pub RwSignal<BTreeSet<String>>);

/// Tells the table to load again after a change.
#[derive(Clone, Copy)]
pub struct Reload(pub RwSignal<u32>);

#[component]
pub fn ActionBar() -> impl IntoView {
    let locale = use_locale();
    let Selection(selected) = expect_context::<Selection>();
    let Reload(reload) = expect_context::<Reload>();
    let owner = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let done = RwSignal::new(None::<usize>);
    // Loaded once the bar first shows: nobody who never ticks a row pays for them.
    let people = LocalResource::new(assignees);
    let pipeline = LocalResource::new(get_pipeline);
    let apply = Action::new(move |change: &Bulk| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        let change = change.clone();
        async move { change_deals(ids, change).await }
    });
    problems.follow(apply, move |count| {
        done.set(Some(count));
        selected.set(BTreeSet::new());
        reload.update(|n| *n += 1);
    });
    let lost = move || {
        pipeline
            .get()
            .and_then(|p| p.ok())
            .and_then(|p| p.stage(&stage.get()).map(|s| s.outcome == Outcome::Lost))
            .unwrap_or(false)
    };
    let owner_options = move || {
        people
            .get()
            .and_then(|p| p.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|p| view! { <option value=p.id.to_string()>{p.name}</option> })
            .collect_view()
    };
    let stage_options = move || {
        pipeline
            .get()
            .and_then(|p| p.ok())
            .map(|p| p.stages)
            .unwrap_or_default()
            .into_iter()
            .map(|s| view! { <option value=s.id.to_string()>{locale.stage_name(&s.name)}</option> })
            .collect_view()
    };
    let start = move || {
        done.set(None);
        failure.set(None);
    };
    view! {
        <Show when=move || !selected.with(BTreeSet::is_empty) || done.get().is_some() || failure.get().is_some()>
            <section class="action-bar panel" aria-labelledby="action-bar-count">
                <p class="selected-count" id="action-bar-count" role="status">
                    {move || {
                        let n = selected.with(BTreeSet::len) as i64;
                        match done.get() {
                            Some(count) if n == 0 => locale.count(Key::DealsChanged, count as i64),
                            _ => crate::fill!(locale, Key::SelectedCount, count = &locale.number(n)),
                        }
                    }}
                </p>
                <Show when=move || !selected.with(BTreeSet::is_empty)>
                    <form class="action" on:submit=move |ev| {
                        ev.prevent_default();
                        start();
                        apply.dispatch(Bulk::Reassign { owner: owner.get_untracked() });
                    }>
                        <BarSelect name="owner" label=Key::NewOwner value=owner errors options=owner_options />
                        <button class="button" type="submit" disabled=move || apply.pending().get()>
                            {t(Key::Reassign)}
                        </button>
                    </form>
                    <form class="action" on:submit=move |ev| {
                        ev.prevent_default();
                        start();
                        apply.dispatch(Bulk::Move { stage: stage.get_untracked(), lost_reason: reason.get_untracked() });
                    }>
                        <BarSelect name="stage" label=Key::NewStage value=stage errors options=stage_options />
                        <Show when=lost>
                            <div class="field">
                                <label for="bulk-lost_reason">{t(Key::LostReason)}</label>
                                <input
                                    id="bulk-lost_reason"
                                    dir="auto"
                                    aria-invalid=move || errors.with(|e| e.get("lost_reason").is_some()).to_string()
                                    prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))
                                />
                                <FieldProblem name="lost_reason" errors />
                            </div>
                        </Show>
                        <button class="button" type="submit" disabled=move || apply.pending().get()>
                            {t(Key::MoveToStageAction)}
                        </button>
                    </form>
                    <button type="button" class="button quiet" on:click=move |_| selected.set(BTreeSet::new())>
                        {t(Key::ClearSelection)}
                    </button>
                </Show>
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            </section>
        </Show>
    }
}

/// One choice of the bar (a new owner, a new stage), its problem under it.
#[component]
fn BarSelect<V: IntoView + 'static>(
    name: &'static str,
    label: Key,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    options: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let id = format!("bulk-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <select
                id=id
                aria-invalid=move || errors.with(|e| e.get(name).is_some()).to_string()
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">{t(Key::ChooseOne)}</option>
                {options}
            </select>
            <FieldProblem name errors />
        </div>
    }
}

#[component]
fn FieldProblem(name: &'static str, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="field-error" aria-live="polite">
            {move || errors.with(|e| e.get(name)).map(|p| locale.problem(p))}
        </p>
    }
}
