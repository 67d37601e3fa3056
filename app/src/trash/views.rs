//! The Delete button with its confirmation, and the Trash page.

use leptos::prelude::*;

use super::{TrashItem, load_trash, restore};
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::kinds::{Table, Visit};
use crate::sync::RowKey;
use crate::sync::replica::Synced;
use crate::ui::parts::{ErrorNote, loaded};

/// What a delete takes with it, as the device sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Impact {
    /// Records that link here: kept, and unlinked.
    linked: usize,
    /// A company's contacts and deals this user may delete with it.
    removable: usize,
}

async fn impact(table: Table, id: String) -> Impact {
    crate::sync::offline(move |replica| {
        let key = RowKey {
            table,
            id: id.into(),
        };
        let linked = replica.linked_to(&key);
        let removable = linked
            .iter()
            .filter(|k| matches!(k.table, Table::Contact | Table::Deal))
            .filter(|k| replica.scope_of(k).is_some_and(|s| replica.can_edit(&s)))
            .count();
        Ok(Impact {
            linked: linked.len(),
            removable,
        })
    })
    .await
    .unwrap_or_default()
}

/// Deletes through the outbox, whatever the kind.
fn delete_any(
    table: Table,
    id: String,
    with_linked: bool,
) -> std::pin::Pin<Box<dyn Future<Output = Result<(), AppError>> + Send>> {
    struct Deleting(Table, String, bool);
    impl Visit for Deleting {
        type Out = std::pin::Pin<Box<dyn Future<Output = Result<(), AppError>> + Send>>;
        fn visit<R: Synced>(self) -> Self::Out {
            let Deleting(table, id, with_linked) = self;
            Box::pin(async move {
                match crate::sync::delete::<R>(id.clone(), with_linked).await {
                    // Not kept on this device (it was opened from the server): the server
                    // deletes it, online only.
                    Err(AppError::NotOnDevice) => {
                        super::delete_on_server(table, id, with_linked).await
                    }
                    other => other,
                }
            })
        }
    }
    table.visit(Deleting(table, id, with_linked))
}

/// [`DeleteButton`] where the user may change the record, else nothing.
pub fn delete_button(
    can_edit: bool,
    table: Table,
    id: &str,
    name: &str,
    after: &str,
) -> Option<impl IntoView + use<>> {
    let (id, name, after) = (id.to_owned(), name.to_owned(), after.to_owned());
    can_edit.then(|| view! { <DeleteButton table id name after /> })
}

/// **Delete**, asking first what goes with the record; then to `after`.
#[component]
pub fn DeleteButton(table: Table, id: String, name: String, after: String) -> impl IntoView {
    let locale = use_locale();
    let open = RwSignal::new(false);
    let counted = RwSignal::new(Impact::default());
    let with_linked = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let key = StoredValue::new(id);
    let ask = move |_| {
        open.set(true);
        leptos::task::spawn_local(async move {
            counted.set(impact(table, key.get_value()).await);
        });
    };
    let remove =
        Action::new(move |with_linked: &bool| delete_any(table, key.get_value(), *with_linked));
    let navigate = leptos_router::hooks::use_navigate();
    let after = StoredValue::new(after);
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => navigate(&after.get_value(), Default::default()),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let title = crate::fill!(locale, Key::DeleteTitle, name = &name);
    let choice = move || {
        let impact = counted.get();
        (table == Table::Company && impact.removable > 0).then(|| {
            view! {
                <fieldset class="choices">
                    <legend>{t(Key::DeleteWhatElse)}</legend>
                    <label class="choice">
                        <input type="radio" name="delete-linked" checked=move || !with_linked.get()
                            on:change=move |_| with_linked.set(false) />
                        <span>{t(Key::DeleteCompanyKeep)}</span>
                    </label>
                    <label class="choice">
                        <input type="radio" name="delete-linked" checked=move || with_linked.get()
                            on:change=move |_| with_linked.set(true) />
                        <span>{locale.count(Key::DeleteCompanyAll, impact.removable as i64)}</span>
                    </label>
                </fieldset>
            }
        })
    };
    let kept = move || {
        let impact = counted.get();
        (impact.linked > 0 && !with_linked.get())
            .then(|| view! { <p>{locale.count(Key::DeleteKeepsLinked, impact.linked as i64)}</p> })
    };
    view! {
        <button type="button" class="button danger" on:click=ask aria-expanded=move || open.get().to_string()>
            {t(Key::Delete)}
        </button>
        <Show when=move || open.get()>
            <div class="confirm panel" role="alertdialog" aria-labelledby="delete-title">
                <h2 id="delete-title" dir="auto">{title.clone()}</h2>
                <p class="muted">{t(Key::DeleteLead)}</p>
                {kept}
                {choice}
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
                <div class="form-actions">
                    <button type="button" class="button danger"
                        disabled=move || remove.pending().get()
                        on:click=move |_| { remove.dispatch(with_linked.get_untracked()); }>
                        {t(Key::Delete)}
                    </button>
                    <button type="button" class="button" on:click=move |_| open.set(false)>{t(Key::Cancel)}</button>
                </div>
            </div>
        </Show>
    }
}

#[component]
pub fn TrashPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_trash());
    view! {
        <main class="page narrow">
            <crate::ui::parts::BackLink href="/settings".into() label=t(Key::Settings) />
            <header class="page-head">
                <h1>{t(Key::Trash)}</h1>
            </header>
            <p class="muted">{t(Key::TrashLead)}</p>
            {loaded(data, |items| view! { <TrashList items /> })}
        </main>
    }
}

#[component]
fn TrashList(items: Vec<TrashItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">{t(Key::TrashEmpty)}</p> }.into_any();
    }
    view! {
        <ul class="cards trash">
            {items.into_iter().map(|item| view! { <TrashEntry item /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn TrashEntry(item: TrashItem) -> impl IntoView {
    let locale = use_locale();
    let failure = RwSignal::new(None::<AppError>);
    let (table, id) = (item.table, item.id.clone());
    let put_back = Action::new(move |_: &()| restore(table, id.clone()));
    let restored = RwSignal::new(false);
    Effect::new(move |_| match put_back.value().get() {
        Some(Ok(())) => {
            // The device learns of it at its next pull: started now, not in a minute.
            crate::sync::sync_now();
            restored.set(true);
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let when = locale.moment(&item.at, crate::calendar::device_now());
    let mut by = match &item.merged_into {
        Some(name) => crate::fill!(
            locale,
            Key::TrashMergedBy,
            name = locale.isolate(name),
            who = locale.isolate(&item.by_name),
            when = &when
        ),
        None => crate::fill!(
            locale,
            Key::TrashDeletedBy,
            who = &item.by_name,
            when = &when
        ),
    };
    if item.with > 0 {
        by.push_str(locale.text(Key::ListSeparator));
        by.push_str(&locale.count(Key::TrashWith, item.with));
    }
    // Restoring a merged-away record undoes the merge: the button says so.
    let restore_label = if item.merged_into.is_some() {
        Key::MergeUndo
    } else {
        Key::Restore
    };
    let restore_aria = format!("{} {}", locale.text(restore_label), item.name);
    let href = item.table.href(&item.id);
    let can_restore = item.can_restore;
    let button = move || {
        if restored.get() {
            let href = href.clone();
            return view! {
                <p role="status" class="restored">
                    {t(Key::Restored)} " "
                    <leptos_router::components::A href=href attr:class="button">{t(Key::Open)}</leptos_router::components::A>
                </p>
            }
            .into_any();
        }
        can_restore
            .then(|| {
                view! {
                    <button type="button" class="button" disabled=move || put_back.pending().get()
                        aria-label=restore_aria.clone()
                        on:click=move |_| { put_back.dispatch(()); }>
                        {t(restore_label)}
                    </button>
                }
            })
            .into_any()
    };
    view! {
        <li class="card trash-item">
            <div>
                <p class="muted">{t(item.table.label())}</p>
                <h2 dir="auto">{item.name.clone()}</h2>
                <p class="muted">{by}</p>
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            </div>
            <div class="actions">{button}</div>
        </li>
    }
}
