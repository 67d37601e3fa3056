//! The deals table screen: a table on tablets and desktops, a compact list on phones; its
//! query is the URL's.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use std::collections::BTreeSet;

use super::actions::{ActionBar, Reload, Selection};
use super::{Column, PAGE_ROWS, TablePage, TableQuery};
use crate::deals::views::rows::StalledMark;
use crate::export::Format;
use crate::export::views::ExportMenu;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::loaded;

pub fn heading(column: Column) -> Key {
    match column {
        Column::Title => Key::Title,
        Column::Company => Key::Company,
        Column::Owner => Key::Owner,
        Column::Stage => Key::Stage,
        Column::Value => Key::Value,
        Column::ExpectedClose => Key::ExpectedClose,
        Column::Probability => Key::Probability,
        Column::Source => Key::Source,
        Column::LastActivity => Key::LastActivity,
        Column::Created => Key::Created,
    }
}

#[component]
pub fn DealsTablePage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| TableQuery::from_params(|k| p.get(k))));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let reload = RwSignal::new(0_u32);
    provide_context(Selection(selected));
    provide_context(Reload(reload));
    // Another filter or page shows other rows: what was ticked is no longer in view.
    Effect::new(move |_| {
        query.track();
        selected.set(BTreeSet::new());
    });
    let data = Resource::new(move || (query.get(), reload.get()), |(q, _)| super::load(q));
    view! {
        <main class="page wide deals-table">
            <div class="page-head">
                <h1>{t(Key::DealsTitle)}</h1>
            </div>
            <div class="table-tools">
                <Search query />
                <StalledFilter query />
                <ColumnsMenu query />
                <SavedViews query />
                <ExportMenu
                    href=move |format: Format| {
                        format!("/deals/export.{}?{}", format.extension(), TableQuery { page: 0, ..query.get() }.to_query())
                    }
                    hint=Key::ExportHint
                />
            </div>
            <ActionBar />
            {loaded(data, |page| view! { <Table page /> })}
        </main>
    }
}

/// Which columns the table shows; the choice is part of the URL, so a saved view keeps it.
#[component]
fn ColumnsMenu(query: Memo<TableQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let boxes = Column::ALL
        .into_iter()
        .filter(|c| *c != Column::Title)
        .map(|column| {
            let navigate = navigate.clone();
            view! {
                <label class="check">
                    <input
                        type="checkbox"
                        prop:checked=move || query.with(|q| q.shown().contains(&column))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let current = query.get_untracked();
                            let mut columns: Vec<Column> = current
                                .shown()
                                .into_iter()
                                .filter(|c| *c != column || on)
                                .collect();
                            if on && !columns.contains(&column) {
                                columns.push(column);
                            }
                            // All of them is the default: the URL stays short.
                            let columns = if columns.len() == Column::ALL.len() { Vec::new() } else { columns };
                            let columns = Column::ALL.into_iter().filter(|c| columns.contains(c)).collect();
                            navigate(&TableQuery { columns, ..current }.href(), Default::default());
                        }
                    />
                    <span>{t(heading(column))}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <details class="menu wide-only">
            <summary class="button">{t(Key::Columns)}</summary>
            <fieldset class="menu-body">
                <legend class="visually-hidden">{t(Key::ChooseColumns)}</legend>
                {boxes}
            </fieldset>
        </details>
    }
}

/// The user's saved views: open one, save the table as it is, delete one.
#[component]
fn SavedViews(query: Memo<TableQuery>) -> impl IntoView {
    use super::saved::{delete_view, save_view, saved_views};
    let locale = use_locale();
    let version = RwSignal::new(0_u32);
    let views = LocalResource::new(move || {
        version.track();
        saved_views()
    });
    let name = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<crate::error::AppError>);
    let save = Action::new(move |name: &String| save_view(name.clone(), query.get_untracked()));
    let delete = Action::new(|id: &String| delete_view(id.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(())) => {
            name.set(String::new());
            failure.set(None);
            version.update(|n| *n += 1);
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            version.update(|n| *n += 1);
        }
    });
    let list = move || {
        let views = views.get().and_then(Result::ok).unwrap_or_default();
        if views.is_empty() {
            return view! { <p class="muted">{t(Key::NoSavedViews)}</p> }.into_any();
        }
        views
            .into_iter()
            .map(|v| {
                let label = crate::fill!(locale, Key::DeleteView, name = &v.name);
                let id = v.id.to_string();
                view! {
                    <li>
                        <A href=v.href() attr:class="row-link">{v.name.clone()}</A>
                        <button type="button" class="button small quiet" aria-label=label
                            on:click=move |_| { delete.dispatch(id.clone()); }>"×"</button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <details class="menu">
            <summary class="button">{t(Key::SavedViews)}</summary>
            <div class="menu-body">
                <ul class="saved-views">{list}</ul>
                <form class="saved-view-form" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch(name.get());
                }>
                    <label for="view-name">{t(Key::ViewName)}</label>
                    <input id="view-name" class="filter" dir="auto" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                    <button class="button" type="submit" disabled=move || save.pending().get()>{t(Key::SaveView)}</button>
                    {move || failure.get().map(|error| view! { <crate::ui::parts::ErrorNote error /> })}
                </form>
            </div>
        </details>
    }
}

/// Only stalled deals, or all.
#[component]
fn StalledFilter(query: Memo<TableQuery>) -> impl IntoView {
    let navigate = use_navigate();
    view! {
        <label class="check">
            <input
                type="checkbox"
                prop:checked=move || query.get().stalled
                on:change=move |ev| {
                    let next = TableQuery { stalled: event_target_checked(&ev), page: 0, ..query.get_untracked() };
                    navigate(&next.href(), Default::default());
                }
            />
            <span>{t(Key::StalledOnly)}</span>
        </label>
    }
}

/// Search within the table's deals; the rest of the query stays.
#[component]
fn Search(query: Memo<TableQuery>) -> impl IntoView {
    let navigate = use_navigate();
    let text = RwSignal::new(query.get_untracked().text);
    view! {
        <form role="search" on:submit=move |ev| {
            ev.prevent_default();
            let next = TableQuery { text: text.get_untracked(), page: 0, ..query.get_untracked() };
            navigate(&next.href(), Default::default());
        }>
            <label for="f-deal-search" class="visually-hidden">{t(Key::Search)}</label>
            <input
                id="f-deal-search"
                class="filter"
                type="search"
                name="q"
                placeholder=t(Key::Search)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
        </form>
    }
}

#[component]
fn Table(page: TablePage) -> impl IntoView {
    let locale = use_locale();
    let query = page.query.clone();
    let shown = page.query.shown();
    // A click on the sorted column turns its order round; on another, sorts by it.
    let sort_link = move |column: Column| {
        TableQuery {
            sort: column,
            reversed: query.sort == column && !query.reversed,
            page: 0,
            ..query.clone()
        }
        .href()
    };
    let Selection(selected) = expect_context::<Selection>();
    let ids: Vec<String> = page.rows.iter().map(|r| r.id.to_string()).collect();
    let all_ids = ids.clone();
    let all_ticked =
        move || !all_ids.is_empty() && selected.with(|s| all_ids.iter().all(|id| s.contains(id)));
    let tick_all = move |on: bool| {
        selected.update(|s| {
            for id in &ids {
                if on {
                    s.insert(id.clone());
                } else {
                    s.remove(id);
                }
            }
        })
    };
    let select_head = view! {
        <th scope="col" class="tick">
            <input
                type="checkbox"
                aria-label=t(Key::SelectPage)
                prop:checked=all_ticked
                on:change=move |ev| tick_all(event_target_checked(&ev))
            />
        </th>
    };
    let heads = shown
        .iter()
        .copied()
        .map(|c| {
            let sorted = match (page.query.sort == c, page.query.descending()) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            };
            let href = sort_link(c);
            let label = t(heading(c));
            view! {
                <th scope="col" aria-sort=sorted>
                    <A href=href attr:class="sort-link">{label}</A>
                </th>
            }
        })
        .collect_view();
    let cell = move |row: &super::TableRow, column: Column| -> String {
        let date = |d: &Option<String>| d.as_deref().map(|d| locale.date(d)).unwrap_or_default();
        match column {
            Column::Title => row.title.clone(),
            Column::Company => row.company_name.clone().unwrap_or_default(),
            Column::Owner => row.owner_name.clone(),
            Column::Stage => locale.stage_name(&row.stage_name),
            Column::Value => locale.amount(row.value, row.currency),
            Column::ExpectedClose => date(&row.expected_close),
            Column::Probability => locale.percent(row.probability),
            Column::Source => row
                .source
                .as_deref()
                .map(|s| crate::deals::source::name(locale, s))
                .unwrap_or_default(),
            Column::LastActivity => date(&row.last_activity),
            Column::Created => date(&Some(row.created_at.chars().take(10).collect())),
        }
    };
    let rows = page
        .rows
        .iter()
        .map(|row| {
            let cells = shown
                .iter()
                .copied()
                .skip(1)
                .map(|c| view! { <td class:amount=c == Column::Value>{cell(row, c)}</td> })
                .collect_view();
            let href = format!("/deals/{}", row.id);
            let title = row.title.clone();
            let id = row.id.to_string();
            let ticked = {
                let id = id.clone();
                Memo::new(move |_| selected.with(|s| s.contains(&id)))
            };
            let label = crate::fill!(locale, Key::SelectDeal, title = &row.title);
            let mark = row
                .stalled
                .then(|| view! { <StalledMark touched_at=row.touched_at.clone() /> });
            view! {
                <tr class:ticked=ticked>
                    <td class="tick">
                        <input
                            type="checkbox"
                            aria-label=label
                            prop:checked=ticked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    if on { s.insert(id.clone()); } else { s.remove(&id); }
                                });
                            }
                        />
                    </td>
                    <th scope="row"><A href=href attr:dir="auto">{title}</A>" "{mark}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let cards = page
        .rows
        .iter()
        .map(|row| {
            let href = format!("/deals/{}", row.id);
            let title = row.title.clone();
            let sub = [locale.stage_name(&row.stage_name), row.owner_name.clone()]
                .join(locale.text(Key::ListSeparator));
            let amount = locale.amount(row.value, row.currency);
            let mark = row
                .stalled
                .then(|| view! { <StalledMark touched_at=row.touched_at.clone() /> });
            view! {
                <li>
                    <A href=href attr:class="row-link">
                        <span class="row-title" dir="auto">{title}" "{mark}</span>
                        <span class="row-sub muted">{sub}</span>
                        <span class="row-sub amount">{amount}</span>
                    </A>
                </li>
            }
        })
        .collect_view();
    let pages = (page.total + i64::from(PAGE_ROWS) - 1) / i64::from(PAGE_ROWS);
    let at = i64::from(page.query.page);
    let step = |to: u32| {
        TableQuery {
            page: to,
            ..page.query.clone()
        }
        .href()
    };
    let previous = (at > 0).then(|| step(page.query.page - 1));
    let next = (at + 1 < pages).then(|| step(page.query.page + 1));
    let as_of = page.as_of_ms.map(|ms| {
        view! {
            <p class="panel offline-note" role="status">
                {crate::dashboard::views::offline_note(locale, ms, (Key::TableAsOf, Key::TableFromDevice))}
            </p>
        }
    });
    view! {
        {as_of}
        <p class="muted table-count" role="status">{locale.count(Key::DealsCount, page.total)}</p>
        <ul class="rows phone-only">{cards}</ul>
        <div class="table-scroll wide-only">
            <table class="data deals">
                <caption class="visually-hidden">{t(Key::DealsTitle)}</caption>
                <thead><tr>{select_head}{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label=t(Key::Pages)>
                {previous.map(|href| view! { <A href=href attr:class="button">{t(Key::PreviousPage)}</A> })}
                <span class="muted">{locale.format(Key::PageOf, &[("n", &locale.number(at + 1)), ("of", &locale.number(pages))])}</span>
                {next.map(|href| view! { <A href=href attr:class="button">{t(Key::NextPage)}</A> })}
            </nav>
        })}
    }
}
