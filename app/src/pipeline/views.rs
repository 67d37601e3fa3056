//! The admin's stage editor: rename, reorder, add and remove the stages of the pipeline.

use leptos::prelude::*;

use super::{Outcome, Pipeline, StageInput, get_pipeline, save_pipeline, validate_stages};
use crate::error::FieldErrors;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::{ErrorNote, loaded};
use crate::ui::problems::Problems;

#[derive(Clone)]
struct Row {
    id: String,
    name: RwSignal<String>,
    probability: RwSignal<String>,
    outcome: RwSignal<String>,
    stall_days: RwSignal<String>,
}

impl Row {
    fn new(input: StageInput) -> Self {
        Row {
            id: input.id,
            name: RwSignal::new(input.name),
            probability: RwSignal::new(input.probability),
            outcome: RwSignal::new(input.outcome),
            stall_days: RwSignal::new(input.stall_days),
        }
    }

    fn input(&self) -> StageInput {
        StageInput {
            id: self.id.clone(),
            name: self.name.get(),
            probability: self.probability.get(),
            outcome: self.outcome.get(),
            stall_days: self.stall_days.get(),
        }
    }
}

fn rows_of(pipeline: &Pipeline) -> Vec<Row> {
    pipeline.stages.iter().map(|s| Row::new(s.into())).collect()
}

#[component]
pub fn StageEditor() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_pipeline());
    view! {
        <section class="panel" aria-labelledby="stages-h">
            <h2 id="stages-h">{t(Key::PipelineStages)}</h2>
            <p class="muted">{t(Key::PipelineStagesLead)}</p>
            {loaded(data, |pipeline| view! { <StageForm pipeline /> })}
        </section>
    }
}

#[component]
fn StageForm(pipeline: Pipeline) -> impl IntoView {
    let locale = use_locale();
    let rows = RwSignal::new(rows_of(&pipeline));
    let problems = Problems::new();
    let (errors, failure) = (problems.errors, problems.failure);
    let saved = RwSignal::new(false);
    let save = Action::new(|stages: &Vec<StageInput>| save_pipeline(stages.clone()));
    problems.follow(save, move |pipeline| {
        rows.set(rows_of(&pipeline));
        saved.set(true);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        saved.set(false);
        let inputs: Vec<StageInput> = rows.with(|rs| rs.iter().map(Row::input).collect());
        match validate_stages(&inputs) {
            Ok(_) => {
                errors.set(FieldErrors::default());
                save.dispatch(inputs);
            }
            Err(error) => problems.show(error),
        }
    };
    let add = move |_| {
        rows.update(|rs| {
            // New stages go before the closing (won and lost) stages.
            let at = rs
                .iter()
                .position(|r| r.outcome.get_untracked() != Outcome::Open.code())
                .unwrap_or(rs.len());
            let name = locale.text(Key::NewStageName).to_owned();
            rs.insert(
                at,
                Row::new(StageInput {
                    id: crate::ids::new_id(),
                    name,
                    probability: "50".into(),
                    outcome: "open".into(),
                    stall_days: "14".into(),
                }),
            );
        });
    };
    view! {
        <form class="form" method="post" on:submit=submit novalidate>
            <ol class="stage-list">
                <For each=move || rows.get() key=|row| row.id.clone() let:row>
                    <StageRow row rows errors />
                </For>
            </ol>
            <button type="button" class="button" on:click=add>{t(Key::AddStage)}</button>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            {move || saved.get().then(|| view! { <p class="saved-note" role="status">{t(Key::PipelineSaved)}</p> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t(Key::Saving) } else { t(Key::SaveStages) }}
                </button>
            </div>
        </form>
    }
}

#[component]
fn StageRow(row: Row, rows: RwSignal<Vec<Row>>, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let locale = use_locale();
    let id = row.id.clone();
    let position = {
        let id = id.clone();
        Memo::new(move |_| rows.with(|rs| rs.iter().position(|r| r.id == id).unwrap_or(0)))
    };
    let problem = move |field: &'static str| {
        move || {
            errors
                .with(|e| e.get(&format!("stages.{}.{field}", position.get())))
                .map(|p| locale.problem(p))
        }
    };
    let invalid = move |field: &'static str| {
        move || {
            errors
                .with(|e| {
                    e.get(&format!("stages.{}.{field}", position.get()))
                        .is_some()
                })
                .to_string()
        }
    };
    let name = row.name;
    let stage_name = move || name.get();
    let shift = move |by: isize| {
        rows.update(|rs| {
            let from = position.get_untracked();
            let to = from as isize + by;
            if to >= 0 && (to as usize) < rs.len() {
                rs.swap(from, to as usize);
            }
        })
    };
    let remove_id = id.clone();
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| {
            let code = o.code();
            view! { <option value=code selected=move || row.outcome.get() == code>{t(o.label())}</option> }
        })
        .collect_view();
    view! {
        <li class="stage-row">
            <fieldset>
                <legend>{move || crate::fill!(locale, Key::StageNumber, n = &(position.get() + 1).to_string())}</legend>
                <div class="field">
                    <label for=format!("stage-{id}-name")>{t(Key::Name)}</label>
                    <input
                        id=format!("stage-{id}-name")
                        dir="auto"
                        aria-invalid=invalid("name")
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                    <p class="field-error" aria-live="polite">{problem("name")}</p>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for=format!("stage-{id}-probability")>{t(Key::Probability)}</label>
                        <input
                            id=format!("stage-{id}-probability")
                            inputmode="numeric"
                            aria-invalid=invalid("probability")
                            prop:value=move || row.probability.get()
                            on:input=move |ev| row.probability.set(event_target_value(&ev))
                        />
                        <p class="field-error" aria-live="polite">{problem("probability")}</p>
                    </div>
                    <div class="field">
                        <label for=format!("stage-{id}-outcome")>{t(Key::Outcome)}</label>
                        <select
                            id=format!("stage-{id}-outcome")
                            prop:value=move || row.outcome.get()
                            on:change=move |ev| row.outcome.set(event_target_value(&ev))
                        >
                            {outcomes}
                        </select>
                    </div>
                    <Show when=move || row.outcome.get() == Outcome::Open.code()>
                        <div class="field">
                            <label for=format!("stage-{id}-stall")>{t(Key::StallDays)}</label>
                            <input
                                id=format!("stage-{id}-stall")
                                inputmode="numeric"
                                aria-invalid=invalid("stall_days")
                                aria-describedby=format!("stage-{id}-stall-hint")
                                prop:value=move || row.stall_days.get()
                                on:input=move |ev| row.stall_days.set(event_target_value(&ev))
                            />
                            <p class="hint" id=format!("stage-{id}-stall-hint")>{t(Key::StallDaysHint)}</p>
                            <p class="field-error" aria-live="polite">{problem("stall_days")}</p>
                        </div>
                    </Show>
                </div>
                <div class="stage-row-actions">
                    <button
                        type="button"
                        class="button small"
                        aria-label=move || crate::fill!(locale, Key::MoveStageUp, stage = &stage_name())
                        disabled=move || position.get() == 0
                        on:click=move |_| shift(-1)
                    >
                        "↑"
                    </button>
                    <button
                        type="button"
                        class="button small"
                        aria-label=move || crate::fill!(locale, Key::MoveStageDown, stage = &stage_name())
                        disabled=move || { position.get() + 1 >= rows.with(Vec::len) }
                        on:click=move |_| shift(1)
                    >
                        "↓"
                    </button>
                    <button
                        type="button"
                        class="button small danger"
                        aria-label=move || crate::fill!(locale, Key::RemoveStage, stage = &stage_name())
                        on:click=move |_| rows.update(|rs| rs.retain(|r| r.id != remove_id))
                    >
                        {t(Key::RemoveStage).replace(" {stage}", "")}
                    </button>
                </div>
            </fieldset>
        </li>
    }
}
