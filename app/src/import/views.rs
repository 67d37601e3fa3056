//! Settings → Import: choose a file, map its columns, **Check**, **Import** with a progress
//! bar, download the refused rows, **Undo**. Loaded only when opened (its own route).

use leptos::prelude::*;

use super::{
    Checked, KINDS, MatchOn, OnMatch, Outcome, Plan, RowReport, Skipped, State, Status, Tally,
    Upload, check, recent, start, undo,
};
use crate::error::AppError;
use crate::i18n::{Key, Locale, t, use_locale};
use crate::kinds::Table;
use crate::ui::parts::{BackLink, ErrorNote, loaded};

const FILE_INPUT: &str = "import-file";

#[component]
pub fn ImportPage() -> impl IntoView {
    let table = RwSignal::new(Table::Contact);
    let uploaded = RwSignal::new(None::<Upload>);
    let sending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let running = RwSignal::new(None::<Status>);
    // Which import is shown and whether it is still going: a run or an undo that starts
    // draws it again, so it follows the server until it has finished.
    let shown =
        Memo::new(move |_| running.with(|s| s.as_ref().map(|s| (s.id.clone(), s.finished()))));
    let history = Resource::new(
        move || running.with(|s| s.as_ref().map(|s| (s.id.clone(), s.state))),
        |_| recent(),
    );
    let send = move || {
        failure.set(None);
        uploaded.set(None);
        sending.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let kind = table.get_untracked().name();
            match super::browser::upload(FILE_INPUT, kind).await {
                Ok(upload) => uploaded.set(Some(upload)),
                Err(error) => failure.set(Some(error)),
            }
            sending.set(false);
        });
    };
    let restart = move |_| {
        uploaded.set(None);
        running.set(None);
        failure.set(None);
    };
    view! {
        <main class="page import">
            <BackLink href="/settings".into() label=t(Key::Settings) />
            <header class="page-head"><h1>{t(Key::Import)}</h1></header>
            <p class="muted">{t(Key::ImportLead)}</p>
            <Show when=move || running.get().is_none()>
                <section class="panel" aria-labelledby="import-file-h">
                    <h2 id="import-file-h">{t(Key::ImportFileStep)}</h2>
                    <div class="field">
                        <label for="import-kind">{t(Key::ImportWhat)}</label>
                        <select id="import-kind" disabled=move || uploaded.get().is_some()
                            on:change=move |ev| {
                                if let Some(kind) = Table::from_name(&event_target_value(&ev)) {
                                    table.set(kind);
                                }
                            }>
                            {KINDS.iter().map(|k| view! {
                                <option value=k.name() selected=move || table.get() == *k>{t(kind_label(*k))}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for=FILE_INPUT>{t(Key::ImportFile)}</label>
                        <input type="file" id=FILE_INPUT accept=".csv,.txt,.tsv,text/csv,text/plain"
                            disabled=move || sending.get()
                            on:change=move |_| send() />
                        <p class="hint">{t(Key::ImportFileHint)}</p>
                    </div>
                    <Show when=move || sending.get()>
                        <p class="loading" aria-live="polite">{t(Key::ImportReading)}</p>
                    </Show>
                    {move || failure.get().map(|error| view! { <UploadError error /> })}
                </section>
                {move || uploaded.get().map(|upload| view! { <Mapping upload running /> })}
            </Show>
            // Its status changes feed the one drawn.
            {move || shown.get().map(|_| view! {
                <Progress status=running.get_untracked() running />
                <button type="button" class="button" on:click=restart>{t(Key::ImportAnother)}</button>
            })}
            <section class="panel" aria-labelledby="import-recent-h">
                <h2 id="import-recent-h">{t(Key::ImportRecent)}</h2>
                {loaded(history, move |items| view! { <Recent items running /> })}
            </section>
        </main>
    }
}

fn kind_label(table: Table) -> Key {
    match table {
        Table::Company => Key::Companies,
        Table::Activity => Key::Activities,
        Table::Deal => Key::Deals,
        _ => Key::Contacts,
    }
}

/// A file the server could not read says so in words about files.
#[component]
fn UploadError(error: AppError) -> impl IntoView {
    let unreadable = matches!(&error, AppError::Validation(e)
        if e.get(crate::error::FORM) == Some(crate::error::Problem::Malformed));
    if unreadable {
        view! { <p class="error-note" role="alert">{t(Key::ImportUnreadable)}</p> }.into_any()
    } else {
        view! { <ErrorNote error /> }.into_any()
    }
}

#[component]
fn Mapping(upload: Upload, running: RwSignal<Option<Status>>) -> impl IntoView {
    let locale = use_locale();
    let table = upload.table;
    let columns = RwSignal::new(upload.suggested.clone());
    let match_on = RwSignal::new(MatchOn::Email);
    let on_match = RwSignal::new(OnMatch::Skip);
    let checked = RwSignal::new(None::<Checked>);
    let failure = RwSignal::new(None::<AppError>);
    let id = StoredValue::new(upload.id.clone());
    let plan = move || Plan {
        columns: columns.get_untracked(),
        match_on: match_on.get_untracked(),
        on_match: on_match.get_untracked(),
    };
    let dry = Action::new(move |plan: &Plan| check(id.get_value(), plan.clone()));
    let go = Action::new(move |plan: &Plan| start(id.get_value(), plan.clone()));
    Effect::new(move |_| match dry.value().get() {
        Some(Ok(result)) => {
            failure.set(None);
            checked.set(Some(result));
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    Effect::new(move |_| match go.value().get() {
        Some(Ok(status)) => running.set(Some(status)),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    // A changed mapping makes the last check stale.
    let stale = move || checked.set(None);
    let fields = super::fields(table);
    let delimiter = if upload.delimiter == "tab" {
        locale.text(Key::ImportTab).to_owned()
    } else {
        upload.delimiter.clone()
    };
    let read_as = crate::fill!(
        locale,
        Key::ImportReadAs,
        encoding = &upload.encoding,
        delimiter = &delimiter
    );
    let sample = |i: usize| {
        upload
            .sample
            .iter()
            .map(|row| row.get(i).cloned().unwrap_or_default())
            .find(|cell| !cell.is_empty())
            .unwrap_or_default()
    };
    let rows = upload
        .headings
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            let example = sample(i);
            let select_id = format!("import-col-{i}");
            let options = fields
                .iter()
                .map(|f| {
                    let name = f.name;
                    view! {
                        <option value=name selected=move || columns.with(|c| c.get(i).cloned().flatten().as_deref() == Some(name))>
                            {crate::text::capitalised(locale.text(f.label))}{second(name, locale)}
                        </option>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row"><label for=select_id.clone() dir="auto">{heading.clone()}</label></th>
                    <td dir="auto" class="muted">{example}</td>
                    <td>
                        <select id=select_id on:change=move |ev| {
                            let value = event_target_value(&ev);
                            columns.update(|c| if let Some(slot) = c.get_mut(i) {
                                *slot = (!value.is_empty()).then_some(value);
                            });
                            stale();
                        }>
                            <option value="" selected=move || columns.with(|c| c.get(i).cloned().flatten().is_none())>{t(Key::ImportSkipColumn)}</option>
                            {options}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let file_name = upload.file_name.clone();
    view! {
        <section class="panel" aria-labelledby="import-map-h">
            <h2 id="import-map-h">{t(Key::ImportColumns)}</h2>
            <p><strong dir="auto">{file_name}</strong></p>
            <p class="muted">{locale.count(Key::ImportRows, upload.rows as i64)}{locale.text(Key::ListSeparator)}{read_as}</p>
            <div class="table-scroll">
                <table class="data mapping">
                    <thead><tr>
                        <th scope="col">{t(Key::ImportColumn)}</th>
                        <th scope="col">{t(Key::ImportExample)}</th>
                        <th scope="col">{t(Key::ImportField)}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            // Activities are never matched: two calls with one subject are two calls. A deal is
            // always matched by its title at its company.
            {(table == Table::Deal).then(|| view! {
                <p class="hint">{t(Key::ImportDealsMatched)}</p>
            })}
            {super::matched_on_choice(table).then(|| view! {
            <div class="field">
                <label for="import-match-on">{t(Key::ImportMatchOn)}</label>
                <select id="import-match-on" on:change=move |ev| {
                    match_on.set(match event_target_value(&ev).as_str() {
                        "phone" => MatchOn::Phone,
                        "name" => MatchOn::Name,
                        _ => MatchOn::Email,
                    });
                    stale();
                }>
                    <option value="email">{crate::text::capitalised(t(Key::FieldEmail))}</option>
                    <option value="phone">{crate::text::capitalised(t(Key::FieldPhone))}</option>
                    <option value="name">{crate::text::capitalised(t(Key::FieldName))}</option>
                </select>
            </div>
            })}
            {super::matches(table).then(|| view! {
            <div class="field">
                <label for="import-on-match">{t(Key::ImportOnMatch)}</label>
                <select id="import-on-match" on:change=move |ev| {
                    on_match.set(if event_target_value(&ev) == "update" { OnMatch::Update } else { OnMatch::Skip });
                    stale();
                }>
                    <option value="skip">{t(Key::ImportMatchSkip)}</option>
                    <option value="update">{t(Key::ImportMatchUpdate)}</option>
                </select>
            </div>
            })}
            {move || failure.get().map(|error| view! { <PlanError error table /> })}
            <div class="form-actions">
                <button type="button" class="button" disabled=move || dry.pending().get()
                    on:click=move |_| { dry.dispatch(plan()); }>{t(Key::ImportCheck)}</button>
                <button type="button" class="button primary" disabled=move || go.pending().get()
                    on:click=move |_| { go.dispatch(plan()); }>{t(Key::Import)}</button>
            </div>
            <Show when=move || dry.pending().get()>
                <p class="loading" aria-live="polite">{t(Key::ImportChecking)}</p>
            </Show>
        </section>
        {move || checked.get().map(|result| view! { <CheckResult result table /> })}
    }
}

/// "Phone" and "Phone (2nd)": a kind's second phone or e-mail field.
fn second(field: &str, locale: Locale) -> String {
    if field.ends_with('2') {
        format!(" ({})", locale.text(Key::ImportSecond))
    } else {
        String::new()
    }
}

/// A mapping the server refused: which field is missing or chosen twice.
#[component]
fn PlanError(error: AppError, table: Table) -> impl IntoView {
    let locale = use_locale();
    let text = match &error {
        AppError::Validation(errors) => errors.0.first().and_then(|(field, problem)| {
            let label = crate::text::capitalised(locale.text(super::label(table, field)));
            match problem {
                crate::error::Problem::Required => {
                    Some(crate::fill!(locale, Key::ImportNeedField, field = &label))
                }
                crate::error::Problem::Duplicate => {
                    Some(crate::fill!(locale, Key::ImportFieldTwice, field = &label))
                }
                _ => None,
            }
        }),
        _ => None,
    };
    match text {
        Some(text) => view! { <p class="error-note" role="alert">{text}</p> }.into_any(),
        None => view! { <ErrorNote error /> }.into_any(),
    }
}

#[component]
fn Counts(tally: Tally, table: Table, #[prop(into)] heading: String) -> impl IntoView {
    let locale = use_locale();
    let n = |v: u64| locale.number(i64::try_from(v).unwrap_or(i64::MAX));
    view! {
        <h3>{heading}</h3>
        <dl class="tally">
            <div><dt>{t(Key::ImportCreated)}</dt><dd>{n(tally.created)}</dd></div>
            <div><dt>{t(Key::ImportUpdated)}</dt><dd>{n(tally.updated)}</dd></div>
            <div><dt>{t(Key::ImportSkipped)}</dt><dd>{n(tally.skipped)}</dd></div>
            <div><dt>{t(Key::ImportRefused)}</dt><dd>{n(tally.refused)}</dd></div>
            {(tally.companies_created > 0).then(|| view! {
                <div><dt>{t(if table == Table::Deal { Key::ImportCompaniesMadeDeals } else { Key::ImportCompaniesMade })}</dt><dd>{n(tally.companies_created)}</dd></div>
            })}
        </dl>
    }
}

#[component]
fn CheckResult(result: Checked, table: Table) -> impl IntoView {
    let locale = use_locale();
    let reasons = (!result.reasons.is_empty()).then(|| {
        let items = result
            .reasons
            .iter()
            .map(|(field, problem, n)| {
                let why = super::problem_text(locale, table, field, *problem);
                // Each reason is a sentence: the count follows it in brackets, not after a comma.
                let rows = format!("({})", locale.count(Key::ImportRows, *n as i64));
                view! { <li>{why}" "<span class="muted">{rows}</span></li> }
            })
            .collect_view();
        view! { <h3>{t(Key::ImportReasons)}</h3><ul class="reasons">{items}</ul> }
    });
    let preview = result
        .preview
        .into_iter()
        .map(|row| view! { <PreviewRow row table /> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="import-check-h" aria-live="polite">
            <h2 id="import-check-h">{t(Key::ImportCheck)}</h2>
            <Counts tally=result.tally table heading=t(Key::ImportWillDo) />
            {reasons}
            <h3>{t(Key::ImportPreview)}</h3>
            <div class="table-scroll">
                <table class="data preview">
                    <thead><tr>
                        <th scope="col">{t(Key::ImportLine)}</th>
                        <th scope="col">{t(Key::ImportRow)}</th>
                        <th scope="col">{t(Key::ImportOutcome)}</th>
                    </tr></thead>
                    <tbody>{preview}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn PreviewRow(row: RowReport, table: Table) -> impl IntoView {
    let locale = use_locale();
    let (class, what) = match &row.outcome {
        Outcome::Create => ("ok", locale.text(Key::ImportWillCreate).to_owned()),
        Outcome::Update(name) => (
            "ok",
            crate::fill!(locale, Key::ImportWillUpdate, name = name),
        ),
        Outcome::Skip(Skipped::Existing(name)) => {
            ("skip", crate::fill!(locale, Key::ImportSameAs, name = name))
        }
        Outcome::Skip(Skipped::Line(line)) => (
            "skip",
            crate::fill!(
                locale,
                Key::ImportSameLine,
                line = &locale.number(*line as i64)
            ),
        ),
        Outcome::Refuse(problems) => (
            "refused",
            problems
                .iter()
                .map(|(f, p)| super::problem_text(locale, table, f, *p))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    // Each cell isolated: a Persian cell among English ones (or the reverse) would otherwise
    // carry its neighbours and separators into its own direction.
    let separator = locale.text(Key::ListSeparator);
    let cells = row
        .cells
        .into_iter()
        .filter(|c| !c.is_empty())
        .enumerate()
        .map(|(i, cell)| view! { {(i > 0).then_some(separator)}<bdi>{cell}</bdi> })
        .collect_view();
    view! {
        <tr class=class>
            <td>{locale.number(row.line as i64)}</td>
            <td>{cells}</td>
            <td>{what}</td>
        </tr>
    }
}

/// A run as it goes: a progress bar fed by the server's event stream, then what it did,
/// the refused rows to download and **Undo**.
#[component]
fn Progress(status: Option<Status>, running: RwSignal<Option<Status>>) -> impl IntoView {
    let Some(status) = status else {
        return ().into_any();
    };
    let locale = use_locale();
    #[cfg(feature = "hydrate")]
    if !status.finished() {
        let id = status.id.clone();
        Effect::new(move |_| follow(id.clone(), running));
    }
    let undo_action = Action::new(move |id: &String| undo(id.clone()));
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match undo_action.value().get() {
        Some(Ok(status)) => running.set(Some(status)),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let initial = StoredValue::new(status);
    let current = move || running.get().unwrap_or_else(|| initial.get_value());
    view! {
        <section class="panel" aria-labelledby="import-run-h">
            <h2 id="import-run-h" dir="auto">{move || current().file_name}</h2>
            <progress max=move || current().rows.max(1) value=move || current().done_rows
                aria-label=t(Key::ImportProgress)></progress>
            <p aria-live="polite">{move || {
                let s = current();
                crate::fill!(locale, Key::ImportProgressText,
                    done = &locale.number(s.done_rows as i64), total = &locale.number(s.rows as i64))
            }}</p>
            <p role="status" class=move || if current().state == State::Failed { "error-note" } else { "" }>
                {move || t(state_text(current().state))}
            </p>
            {move || {
                let s = current();
                let heading = t(Key::ImportDid);
                let kept = (s.state == State::Undone && s.kept > 0)
                    .then(|| view! { <p>{locale.count(Key::ImportKept, s.kept as i64)}</p> });
                let refused = (s.finished() && s.tally.refused > 0).then(|| {
                    let href = format!("/import/{}/refused.csv", s.id);
                    view! { <a class="button" href=href download="refused-rows.csv" rel="external">{t(Key::ImportRefusedFile)}</a> }
                });
                let undo_button = s.can_undo.then(|| {
                    let id = s.id.clone();
                    view! {
                        <button type="button" class="button danger" disabled=move || undo_action.pending().get()
                            on:click=move |_| { undo_action.dispatch(id.clone()); }>{t(Key::ImportUndo)}</button>
                    }
                });
                view! {
                    <Counts tally=s.tally table=s.table heading />
                    {kept}
                    <div class="form-actions">{refused}{undo_button}</div>
                }
            }}
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
        </section>
    }
    .into_any()
}

/// The state as a list names it.
fn state_label(state: State) -> Key {
    match state {
        State::Uploaded | State::Running => Key::ImportStateRunning,
        State::Done => Key::ImportStateDone,
        State::Failed => Key::ImportStateFailed,
        State::Undoing => Key::ImportStateUndoing,
        State::Undone => Key::ImportStateUndone,
    }
}

fn state_text(state: State) -> Key {
    match state {
        State::Uploaded | State::Running => Key::ImportRunning,
        State::Done => Key::ImportDone,
        State::Failed => Key::ImportFailed,
        State::Undoing => Key::ImportUndoing,
        State::Undone => Key::ImportUndone,
    }
}

/// Follows import `id` into `running` until it has finished; when the stream breaks off
/// (the network, a server restart), asks again a little later.
#[cfg(feature = "hydrate")]
fn follow(id: String, running: RwSignal<Option<Status>>) {
    let stop = std::rc::Rc::new(std::cell::RefCell::new(None::<Box<dyn FnOnce()>>));
    let again = {
        let id = id.clone();
        move || {
            let id = id.clone();
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(2_000).await;
                if let Ok(status) = super::load_status(id.clone()).await {
                    let finished = status.finished();
                    running.set(Some(status));
                    if !finished {
                        follow(id, running);
                    }
                }
            });
        }
    };
    let holder = stop.clone();
    let watching = super::browser::watch(&id, move |status| match status {
        Some(status) => {
            if status.finished()
                && let Some(stop) = holder.borrow_mut().take()
            {
                stop();
            }
            running.set(Some(status));
        }
        None => again(),
    });
    *stop.borrow_mut() = Some(Box::new(watching));
    let stop = send_wrapper::SendWrapper::new(stop);
    on_cleanup(move || {
        if let Some(stop) = stop.borrow_mut().take() {
            stop();
        }
    });
}

#[component]
fn Recent(items: Vec<Status>, running: RwSignal<Option<Status>>) -> impl IntoView {
    let locale = use_locale();
    if items.is_empty() {
        return view! { <p class="empty">{t(Key::ImportNone)}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|s| {
            let when = locale.moment(&s.at, crate::calendar::device_now());
            let open = s.clone();
            view! {
                <li class="card">
                    <div>
                        <h3 dir="auto">{s.file_name.clone()}</h3>
                        <p class="muted">{t(kind_label(s.table))}{locale.text(Key::ListSeparator)}{s.by_name.clone()}{locale.text(Key::ListSeparator)}{when}</p>
                        <p>{t(state_label(s.state))}{locale.text(Key::ListSeparator)}
                            {crate::fill!(locale, Key::ImportSummary,
                                created = &locale.number(s.tally.created as i64),
                                updated = &locale.number(s.tally.updated as i64),
                                refused = &locale.number(s.tally.refused as i64))}</p>
                    </div>
                    <div class="actions">
                        <button type="button" class="button" on:click=move |_| running.set(Some(open.clone()))>{t(Key::Open)}</button>
                    </div>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="cards">{rows}</ul> }.into_any()
}
