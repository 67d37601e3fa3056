//! What the user sees of sync: the status control in the navigation, the Sync issues page,
//! and the "Update available" prompt.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{Issue, Outcome, Status, Table};
use crate::error::AppError;
use crate::i18n::{Key, Locale, t, use_locale};
use crate::kinds::field_label;

/// The words the status control shows; tests and people rely on "Synced", "Offline" and
/// "N pending".
pub fn status_text(locale: Locale, status: &Status) -> String {
    let mut parts = Vec::new();
    match status.reachable {
        Some(false) => parts.push(locale.text(Key::SyncOffline).to_owned()),
        // A device that has never finished a sync is not "Synced", even if the server answers
        // (it does before sign-in, and in the moment between sign-in and the first download).
        Some(true) if status.pending == 0 && !status.syncing && status.last_synced_ms.is_some() => {
            parts.push(locale.text(Key::SyncSynced).to_owned())
        }
        Some(true) if status.pending == 0 => {
            parts.push(locale.text(Key::SyncConnecting).to_owned())
        }
        None if status.pending == 0 => parts.push(locale.text(Key::SyncConnecting).to_owned()),
        _ => {}
    }
    if status.pending > 0 {
        parts.push(locale.count(Key::SyncPending, status.pending as i64));
    }
    if status.issues > 0 {
        parts.push(locale.count(Key::SyncToCheck, status.issues as i64));
    }
    parts.join(locale.text(Key::ListSeparator))
}

/// "14:05" on the device's clock.
fn clock_time(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}

fn last_synced(locale: Locale, status: &Status) -> String {
    match status.last_synced_ms {
        Some(ms) => crate::fill!(
            locale,
            Key::SyncLastSynced,
            time = &locale.time(&clock_time(ms))
        ),
        None => locale.text(Key::SyncNever).to_owned(),
    }
}

#[component]
pub fn SyncStatus() -> impl IntoView {
    let locale = use_locale();
    let status = Memo::new(move |_| super::status());
    let state = move || {
        let s = status.get();
        if s.reachable == Some(false) {
            "offline"
        } else if s.issues > 0 {
            "issues"
        } else if s.pending > 0 || s.reachable.is_none() {
            "pending"
        } else {
            "synced"
        }
    };
    view! {
        <A
            href="/sync"
            attr:class="sync-status"
            attr:data-state=state
            attr:aria-label=move || format!("{}: {}", locale.text(Key::NavSync), status_text(locale, &status.get()))
        >
            <span class="sync-dot" aria-hidden="true"></span>
            <span class="sync-text">
                <span role="status" aria-live="polite">{move || status_text(locale, &status.get())}</span>
                <small class="sync-when">{move || last_synced(locale, &status.get())}</small>
            </span>
        </A>
    }
}

/// Shown when a new version has been installed in the background: reloading switches the
/// whole app at once, never half of it.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let ready = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        ready.set(super::client::update_ready());
        let on_update = Closure::<dyn FnMut()>::new(move || ready.set(true));
        if let Some(window) = web_sys::window() {
            let _ = window.add_event_listener_with_callback(
                "hamrah-update",
                on_update.as_ref().unchecked_ref(),
            );
        }
        on_update.forget();
    }
    let reload = move |_| {
        #[cfg(feature = "hydrate")]
        super::client::apply_update();
    };
    view! {
        <Show when=move || ready.get()>
            <div class="update-banner" role="alert">
                <span>{t(Key::UpdateAvailable)}</span>
                <button class="button primary" type="button" on:click=reload>{t(Key::UpdateReload)}</button>
            </div>
        </Show>
    }
}

fn reason(locale: Locale, table: Table, error: &AppError) -> String {
    let text = match error.field_errors() {
        Some(errors) if !errors.is_empty() => errors
            .0
            .iter()
            .map(|(field, problem)| {
                format!(
                    "{}: {}",
                    locale.text(field_label(table, field)),
                    locale.problem(*problem)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => locale.text(error.message_key()).to_owned(),
    };
    crate::fill!(locale, Key::SyncRejected, reason = &text)
}

fn shown(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One row per field: its name, this device's value and the server's.
fn conflict_rows(locale: Locale, table: Table, fields: &[super::FieldConflict]) -> impl IntoView {
    fields
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{crate::text::capitalised(locale.text(field_label(table, &c.field)))}</th>
                    <td><bdi>{shown(&c.mine)}</bdi></td>
                    <td><bdi>{shown(&c.theirs)}</bdi></td>
                </tr>
            }
        })
        .collect_view()
}

#[component]
fn IssueItem(issue: Issue) -> impl IntoView {
    let locale = use_locale();
    let m = &issue.pending.mutation;
    let field = m.table.name_field();
    let name = m
        .fields
        .get(field)
        .or_else(|| m.base.as_ref()?.get(field))
        .map(shown)
        .unwrap_or_default();
    let heading = format!("{} · {}", locale.text(m.table.label()), name);
    let id = issue.pending.id;
    let settle = Action::new(move |retry: &bool| super::settle(id, *retry));
    // A deleted record has no form to open until it is restored.
    let deleted = matches!(
        &issue.outcome,
        Outcome::DeletedChanged { .. }
            | Outcome::Rejected {
                error: AppError::Deleted
            }
    );
    let edit = (!deleted).then(|| {
        let href = m.table.edit_href(&m.id);
        view! { <A href=href attr:class="button">{t(Key::SyncEdit)}</A> }
    });
    let (detail, primary, secondary) = match &issue.outcome {
        Outcome::Rejected {
            error: AppError::Deleted,
        } => (
            view! { <p>{t(Key::ErrDeleted)}</p> }.into_any(),
            Key::Restore,
            Key::SyncDiscard,
        ),
        Outcome::DeletedChanged { fields } => {
            let rows = conflict_rows(locale, m.table, fields);
            let table = view! {
                <p>{t(Key::SyncDeletedChanged)}</p>
                <table class="conflict">
                    <thead><tr><td></td><th scope="col">{t(Key::SyncYours)}</th><th scope="col">{t(Key::SyncTheirs)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            };
            (table.into_any(), Key::Restore, Key::SyncKeepDeleted)
        }
        Outcome::Rejected { error } => (
            view! { <p>{reason(locale, m.table, error)}</p> }.into_any(),
            Key::SyncRetry,
            Key::SyncDiscard,
        ),
        Outcome::Conflict { fields, superseded } => {
            let rows = conflict_rows(locale, m.table, fields);
            let later = (!superseded.is_empty()).then(|| {
                let names = superseded
                    .iter()
                    .map(|f| locale.text(field_label(m.table, f)))
                    .collect::<Vec<_>>()
                    .join(", ");
                view! { <p>{crate::fill!(locale, Key::SyncSuperseded, fields = &names)}</p> }
            });
            let table = view! {
                {later}
                <p>{t(Key::SyncConflict)}</p>
                <table class="conflict">
                    <thead><tr><td></td><th scope="col">{t(Key::SyncYours)}</th><th scope="col">{t(Key::SyncTheirs)}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            };
            (table.into_any(), Key::SyncKeepMine, Key::SyncTakeTheirs)
        }
        Outcome::Applied { superseded } => {
            let fields = superseded
                .iter()
                .map(|f| locale.text(field_label(m.table, f)))
                .collect::<Vec<_>>()
                .join(", ");
            (
                view! { <p>{crate::fill!(locale, Key::SyncSuperseded, fields = &fields)}</p> }
                    .into_any(),
                Key::SyncApplyMine,
                Key::SyncDismiss,
            )
        }
    };
    view! {
        <li class="card issue">
            <h2>{heading}</h2>
            {detail}
            <div class="form-actions">
                <button class="button primary" type="button" on:click=move |_| { settle.dispatch(true); }>{t(primary)}</button>
                <button class="button" type="button" on:click=move |_| { settle.dispatch(false); }>{t(secondary)}</button>
                {edit}
            </div>
        </li>
    }
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let locale = use_locale();
    let status = Memo::new(move |_| super::status());
    let issues = Memo::new(move |_| {
        super::version();
        super::issues()
    });
    let sync_now = move |_| super::sync_now();
    view! {
        <main class="page narrow">
            <header class="page-head">
                <h1>{t(Key::SyncIssuesTitle)}</h1>
                <button class="button" type="button" on:click=sync_now>{t(Key::SyncNow)}</button>
            </header>
            <p class="muted">{move || format!("{} · {}", status_text(locale, &status.get()), last_synced(locale, &status.get()))}</p>
            <p class="muted">{t(Key::SyncIssuesLead)}</p>
            {move || {
                let pending = status.get().pending;
                (pending > 0).then(|| view! { <p>{format!("{}: {}", locale.text(Key::SyncPendingList), locale.number(pending as i64))}</p> })
            }}
            {move || {
                super::version();
                super::unreadable()
                    .into_iter()
                    .map(|(key, _)| {
                        let discard = Action::new(move |_: &()| super::discard_unreadable(key));
                        view! {
                            <div class="card issue">
                                <p>{t(Key::SyncUnreadable)}</p>
                                <div class="form-actions">
                                    <button class="button" type="button" on:click=move |_| { discard.dispatch(()); }>{t(Key::SyncDiscard)}</button>
                                </div>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            {move || {
                let list = issues.get();
                if list.is_empty() {
                    view! { <p class="empty">{t(Key::SyncNoIssues)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="issues">
                            {list.into_iter().map(|issue| view! { <IssueItem issue /> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_says_synced_only_after_a_sync_finished() {
        let answered = Status {
            loaded: true,
            reachable: Some(true),
            ..Status::default()
        };
        assert_eq!(status_text(Locale::En, &answered), "Syncing…");
        let synced = Status {
            last_synced_ms: Some(1.0),
            ..answered.clone()
        };
        assert_eq!(status_text(Locale::En, &synced), "Synced");
        let offline = Status {
            reachable: Some(false),
            pending: 2,
            ..synced
        };
        assert_eq!(status_text(Locale::En, &offline), "Offline · 2 pending");
        assert_eq!(status_text(Locale::Fa, &offline), "آفلاین، ۲ در انتظار");
    }
}
