//! The **Merge** page (`/data/duplicates/merge?kind=…&a=…&b=…`, opened from a group on the
//! Duplicates page): the two records side by side, the one that stays, the value kept for
//! each field where they differ, what moves, and, once merged, **Undo merge**.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::{MergeRequest, Preview, Undone, load_preview, merge, undo};
use crate::error::AppError;
use crate::i18n::{Key, Locale, t, use_locale};
use crate::kinds::Table;
use crate::ui::parts::{ErrorNote, loaded};

/// "3 contacts, 2 deals" in `locale`.
fn linked_text(locale: Locale, linked: &[(Table, i64)]) -> String {
    linked
        .iter()
        .map(|(table, n)| {
            let key = match table {
                Table::Company => Key::CompaniesCount,
                Table::Contact => Key::ContactsCount,
                Table::Deal => Key::DealsCount,
                Table::Activity => Key::ActivitiesCount,
                Table::Case => Key::CasesCount,
            };
            locale.count(key, *n)
        })
        .collect::<Vec<_>>()
        .join(locale.text(Key::ListSeparator))
}

#[component]
pub fn MergePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            query.with(|q| {
                (
                    q.get("kind").unwrap_or_default(),
                    q.get("a").unwrap_or_default(),
                    q.get("b").unwrap_or_default(),
                )
            })
        },
        |(kind, a, b)| async move {
            let table = Table::from_name(&kind).ok_or(AppError::NotFound)?;
            load_preview(table, a, b).await
        },
    );
    view! {
        <main class="page">
            <crate::ui::parts::BackLink href="/data/duplicates".into() label=t(Key::Duplicates) />
            <header class="page-head"><h1>{t(Key::MergeTitle)}</h1></header>
            <p class="muted">{t(Key::MergeLead)}</p>
            {loaded(data, |preview| view! { <MergeForm preview /> })}
        </main>
    }
}

/// The choice of a field that keeps both values.
const BOTH: usize = 2;

/// What the page shows once the merge is made.
#[derive(Clone, PartialEq)]
struct Made {
    keep_id: String,
    keep_name: String,
    other_id: String,
}

#[component]
fn MergeForm(preview: Preview) -> impl IntoView {
    let locale = use_locale();
    let preview = StoredValue::new(preview);
    let table = preview.with_value(|p| p.table);
    let keep = RwSignal::new(preview.with_value(Preview::suggested_keep));
    // For each field where the two differ, the side whose value stays, or [`BOTH`].
    let defaults = move |keep: usize| -> BTreeMap<String, usize> {
        preview.with_value(|p| {
            let take = p.suggested_take(keep);
            let both = p.both_possible(keep);
            p.differing()
                .into_iter()
                .map(|f| {
                    let side = if take.iter().any(|t| t == f) {
                        1 - keep
                    } else if both.contains(&f) {
                        BOTH
                    } else {
                        keep
                    };
                    (f.to_owned(), side)
                })
                .collect()
        })
    };
    let choice = RwSignal::new(defaults(keep.get_untracked()));
    let made = RwSignal::new(None::<Made>);
    let failure = RwSignal::new(None::<AppError>);
    let run = Action::new(move |request: &MergeRequest| merge(request.clone()));
    Effect::new(move |_| match run.value().get() {
        Some(Ok(())) => {
            let k = keep.get_untracked();
            preview.with_value(|p| {
                made.set(Some(Made {
                    keep_id: p.sides[k].id.clone(),
                    keep_name: p.sides[k].name.clone(),
                    other_id: p.sides[1 - k].id.clone(),
                }))
            });
            failure.set(None);
            crate::sync::sync_now();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = keep.get_untracked();
        let request = preview.with_value(|p| {
            let chosen = |wanted: usize| {
                choice.with_untracked(|c| {
                    c.iter()
                        .filter(|(_, side)| **side == wanted)
                        .map(|(f, _)| f.clone())
                        .collect::<Vec<_>>()
                })
            };
            let possible = p.both_possible(k);
            MergeRequest {
                table,
                keep: p.sides[k].id.clone(),
                other: p.sides[1 - k].id.clone(),
                revs: [p.sides[k].rev, p.sides[1 - k].rev],
                take: chosen(1 - k),
                both: chosen(BOTH)
                    .into_iter()
                    .filter(|f| possible.contains(&f.as_str()))
                    .collect(),
            }
        });
        run.dispatch(request);
    };
    let sides = move || {
        (0..2)
            .map(|i| {
                let side = preview.with_value(|p| p.sides[i].clone());
                let linked = if side.linked.is_empty() {
                    locale.text(Key::MergeLinkedNone).to_owned()
                } else {
                    linked_text(locale, &side.linked)
                };
                let owner = crate::fill!(locale, Key::MergeOwner, name = &side.owner_name);
                let id = format!("merge-keep-{i}");
                let aria = format!("{} {}", locale.text(Key::MergeKeep), side.name);
                view! {
                    <div class="card merge-side" class:chosen=move || keep.get() == i>
                        <input type="radio" name="keep" id=id.clone() value=i.to_string() aria-label=aria
                            prop:checked=move || keep.get() == i
                            on:change=move |_| { keep.set(i); choice.set(defaults(i)); } />
                        <label for=id>
                            <span class="merge-keep-label">{t(Key::MergeKeep)}</span>
                            <strong dir="auto">{side.name.clone()}</strong>
                            <span class="muted">{owner}</span>
                            <span class="muted">{linked}</span>
                        </label>
                        <A href=table.href(&side.id) attr:class="muted" attr:target="_blank">
                            {crate::fill!(locale, Key::MergeOpen, name = &side.name)}
                        </A>
                    </div>
                }
            })
            .collect_view()
    };
    let fields = move || {
        let differing = preview.with_value(Preview::differing);
        if differing.is_empty() {
            return view! { <p class="muted">{t(Key::MergeSame)}</p> }.into_any();
        }
        let rows = differing
            .into_iter()
            .map(|field| {
                let label = crate::text::capitalised(locale.text(crate::kinds::field_label(table, field)));
                let label_id = format!("merge-field-{field}");
                let labelledby = label_id.clone();
                let options = (0..2)
                    .map(|i| {
                        let shown = preview.with_value(|p| {
                            p.sides[i].shown.get(field).cloned().unwrap_or_default()
                        });
                        let shown = if shown.is_empty() {
                            locale.text(Key::None_).to_owned()
                        } else {
                            shown
                        };
                        let dir = crate::text::direction(&shown);
                        let chosen = move || choice.with(|c| c.get(field) == Some(&i));
                        view! {
                            <label class="merge-option" class:chosen=chosen>
                                <input type="radio" name=format!("field-{field}") value=i.to_string()
                                    prop:checked=chosen
                                    on:change=move |_| choice.update(|c| { c.insert(field.to_owned(), i); }) />
                                <span dir=dir>{shown}</span>
                            </label>
                        }
                    })
                    .collect_view();
                // Both values, the other's in the field's second slot, where the record that
                // stays has room for it.
                let both = move || {
                    let k = keep.get();
                    preview.with_value(|p| {
                        p.both_possible(k).contains(&field).then(|| {
                            let value = |i: usize| p.sides[i].shown.get(field).cloned().unwrap_or_default();
                            // Each value isolated, so two numbers in a Persian line keep
                            // their order and their own direction when the line wraps.
                            let (first, second) = (value(k), value(1 - k));
                            let (first_dir, second_dir) = (crate::text::direction(&first), crate::text::direction(&second));
                            let chosen = move || choice.with(|c| c.get(field) == Some(&BOTH));
                            view! {
                                <label class="merge-option" class:chosen=chosen>
                                    <input type="radio" name=format!("field-{field}") value="both"
                                        prop:checked=chosen
                                        on:change=move |_| choice.update(|c| { c.insert(field.to_owned(), BOTH); }) />
                                    <span>{t(Key::MergeBoth)}": "<bdi dir=first_dir>{first}</bdi>" · "<bdi dir=second_dir>{second}</bdi></span>
                                </label>
                            }
                        })
                    })
                };
                view! {
                    <div class="merge-field" role="radiogroup" aria-labelledby=labelledby>
                        <p id=label_id class="merge-field-label">{label}</p>
                        <div class="merge-options">{options}{both}</div>
                    </div>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="merge-values">
                <h2 id="merge-values">{t(Key::MergeValues)}</h2>
                {rows}
            </section>
        }
        .into_any()
    };
    let moves = move || {
        let k = keep.get();
        preview.with_value(|p| {
            let (kept, other) = (&p.sides[k], &p.sides[1 - k]);
            let (name, keep) = (locale.isolate(&other.name), locale.isolate(&kept.name));
            if other.linked.is_empty() {
                crate::fill!(locale, Key::MergeMovesNothing, name = name)
            } else {
                crate::fill!(
                    locale,
                    Key::MergeMoves,
                    name = name,
                    keep = keep,
                    list = &linked_text(locale, &other.linked)
                )
            }
        })
    };
    view! {
        {move || made.get().map(|made| view! { <MadeNote table made /> })}
        <Show when=move || made.with(Option::is_none)>
            <form class="merge" on:submit=submit>
                <fieldset class="merge-sides">
                    <legend>{t(Key::MergeStays)}</legend>
                    {sides}
                </fieldset>
                {fields}
                <p>{moves}</p>
                <p class="muted">{t(Key::MergeUndoHint)}</p>
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || run.pending().get()>
                        {move || if run.pending().get() { t(Key::Merging) } else { t(Key::Merge) }}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// The merge made: the survivor to open, and **Undo merge**.
#[component]
fn MadeNote(table: Table, made: Made) -> impl IntoView {
    let locale = use_locale();
    let other = made.other_id.clone();
    let back = Action::new(move |_: &()| undo(table, other.clone()));
    let undone = RwSignal::new(None::<Undone>);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match back.value().get() {
        Some(Ok(answer)) => {
            crate::sync::sync_now();
            undone.set(Some(answer));
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let name = &locale.isolate(&made.keep_name);
    let done = crate::fill!(locale, Key::MergeDone, name = name);
    let open = crate::fill!(locale, Key::MergeOpen, name = name);
    let kept = crate::fill!(locale, Key::MergeSurvivorKept, name = name);
    let href = table.href(&made.keep_id);
    view! {
        <div class="card merge-made" role="status">
            {move || match undone.get() {
                None => {
                    let (done, open, href) = (done.clone(), open.clone(), href.clone());
                    view! {
                    <p>{done}</p>
                    <div class="actions">
                        <A href=href attr:class="button">{open}</A>
                        <button type="button" class="button" disabled=move || back.pending().get()
                            on:click=move |_| { back.dispatch(()); }>
                            {t(Key::MergeUndo)}
                        </button>
                    </div>
                    }
                    .into_any()
                }
                Some(answer) => view! {
                    <p>{t(Key::MergeUndone)}</p>
                    {answer.survivor_kept.then(|| view! { <p class="muted">{kept.clone()}</p> })}
                    <A href="/data/duplicates" attr:class="button">{t(Key::Duplicates)}</A>
                }
                .into_any(),
            }}
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
        </div>
    }
}
