//! The pipeline: a kanban board with drag and drop on wide screens; on a phone one stage at
//! a time (a segmented control) with a one-tap "move to next stage" on each card.

use leptos::prelude::*;

use crate::ids::Id;
use leptos_router::components::A;

use crate::deals::DealRow;
use crate::deals::views::rows::StalledMark;
use crate::deals::{Board, BoardQuery, CARDS_AT_ONCE, Column, DealCard, StageTotal, load_board};
use crate::error::AppError;
use crate::i18n::{Key, Locale, t, use_locale};
use crate::pipeline::Pipeline;
use crate::ui::icons::Icon;
use crate::ui::parts::{ErrorNote, loaded};

#[derive(Clone)]
struct MoveRequest {
    id: Id,
    stage: Id,
}

#[component]
pub fn PipelinePage() -> impl IntoView {
    // How many cards each stage shows; "Show more" asks the device (or the server) for the
    // next page of that stage, so neither builds cards nobody scrolled to.
    let query = RwSignal::new(BoardQuery::default());
    let board = Resource::new(
        move || (crate::sync::version(), query.get()),
        |(_, query)| load_board(query),
    );
    let selected = RwSignal::new(None::<Id>);
    let mover = Action::new(|m: &MoveRequest| {
        let stage = m.stage.to_string();
        crate::sync::change::<DealRow>(m.id.to_string(), move |input| input.stage = stage)
    });
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match mover.value().get() {
        Some(Ok(_)) => {
            failure.set(None);
            board.refetch();
        }
        Some(Err(error)) => {
            failure.set(Some(error));
            board.refetch();
        }
        None => {}
    });
    view! {
        <main class="page wide">
            <header class="page-head">
                <h1>{t(Key::Pipeline)}</h1>
                <A href="/deals/new" attr:class="button primary">
                    {Icon::Plus.view()}
                    <span>{t(Key::NewDeal)}</span>
                </A>
            </header>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            {loaded(board, move |board| view! { <BoardView board selected mover query /> })}
        </main>
    }
}

#[component]
fn BoardView(
    board: Board,
    selected: RwSignal<Option<Id>>,
    mover: Action<MoveRequest, Result<(), AppError>>,
    query: RwSignal<BoardQuery>,
) -> impl IntoView {
    let locale = use_locale();
    let first_open = board
        .columns
        .first()
        .map(|c| c.stage.id.clone())
        .unwrap_or_default();
    let current = Memo::new(move |_| selected.get().unwrap_or_else(|| first_open.clone()));
    let tabs = board
        .columns
        .iter()
        .map(|column| {
            let id = column.stage.id.clone();
            let id_click = id.clone();
            let label = format!(
                "{} ({})",
                locale.stage_name(&column.stage.name),
                locale.number(column.count)
            );
            view! {
                <button
                    type="button"
                    role="tab"
                    class="stage-tab"
                    aria-selected=move || (current.get() == id).to_string()
                    on:click=move |_| selected.set(Some(id_click.clone()))
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    let pipeline = board.pipeline.clone();
    let columns = board
        .columns
        .into_iter()
        .map(|column| view! { <ColumnView column pipeline=pipeline.clone() current mover query /> })
        .collect_view();
    view! {
        <div class="stage-tabs" role="tablist" aria-label=t(Key::Stages)>{tabs}</div>
        <p class="hint desktop-only">{locale.text(Key::DragHint)}</p>
        <div class="board">{columns}</div>
    }
}

fn totals_text(locale: Locale, totals: &[StageTotal]) -> String {
    if totals.is_empty() {
        return locale.amount(0, Default::default());
    }
    totals
        .iter()
        .map(|t| locale.amount(t.total, t.currency))
        .collect::<Vec<_>>()
        .join(locale.text(Key::ListSeparator))
}

#[component]
fn ColumnView(
    column: Column,
    pipeline: Pipeline,
    current: Memo<Id>,
    mover: Action<MoveRequest, Result<(), AppError>>,
    query: RwSignal<BoardQuery>,
) -> impl IntoView {
    let locale = use_locale();
    let stage_id = column.stage.id.clone();
    let stage_for_class = stage_id.clone();
    let drop_target = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        drop_target.set(false);
        let data = ev
            .data_transfer()
            .and_then(|dt| dt.get_data("text/plain").ok())
            .unwrap_or_default();
        if crate::ids::is_valid_id(&data) {
            mover.dispatch(MoveRequest {
                id: data.into(),
                stage: stage_id.clone(),
            });
        }
    };
    let count = locale.count(Key::DealsInStage, column.count);
    let total = totals_text(locale, &column.totals);
    let heading_id = format!("stage-{}", column.stage.id);
    let labelled_by = heading_id.clone();
    let empty = column.deals.is_empty();
    // Won and lost deals stay on the board (and the device) for a year after they last
    // changed: see `crate::sync::horizon`.
    let closed = column.stage.outcome != crate::pipeline::Outcome::Open;
    // Past the most one stage is drawn with, the rest is left to search, not to scrolling.
    let rest = if column.deals.len() >= crate::deals::MOST_CARDS as usize {
        0
    } else {
        (column.count as usize).saturating_sub(column.deals.len())
    };
    let pipeline = StoredValue::new(pipeline);
    let cards = column
        .deals
        .into_iter()
        .map(|deal| view! { <Card deal pipeline=pipeline.get_value() mover /> })
        .collect_view();
    let more = (rest > 0).then(|| {
        let label = locale.count(Key::ShowMoreDeals, rest.min(CARDS_AT_ONCE as usize) as i64);
        let stage = column.stage.id.clone();
        view! {
            <button class="button show-more" type="button" on:click=move |_| query.update(|q| q.more(&stage))>
                {label}
            </button>
        }
    });
    view! {
        <section
            class="column"
            class:active=move || current.get() == stage_for_class
            class:drop-target=move || drop_target.get()
            aria-labelledby=labelled_by
            on:dragover=move |ev| {
                ev.prevent_default();
                drop_target.set(true);
            }
            on:dragleave=move |_| drop_target.set(false)
            on:drop=on_drop
        >
            <header class="column-head">
                <h2 id=heading_id>{locale.stage_name(&column.stage.name)}</h2>
                <p class="column-meta">
                    <span>{count}</span>
                    <span class="column-total">{total}</span>
                </p>
                {closed.then(|| view! { <p class="column-note">{t(Key::LastTwelveMonths)}</p> })}
            </header>
            {empty.then(|| view! { <p class="muted empty">{t(Key::NoDealsInStage)}</p> })}
            <ul class="cards">{cards}</ul>
            {more}
        </section>
    }
}

#[component]
fn Card(
    deal: DealCard,
    pipeline: Pipeline,
    mover: Action<MoveRequest, Result<(), AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let next = pipeline.next_stage(&deal.stage).cloned();
    let drag_data = deal.id.clone();
    let move_button = next.filter(|_| deal.can_edit).map(|next| {
        let request = MoveRequest {
            id: deal.id.clone(),
            stage: next.id.clone(),
        };
        let stage = locale.stage_name(&next.name);
        let label = crate::fill!(locale, Key::MoveDealTo, deal = &deal.title, stage = &stage);
        let text = crate::fill!(locale, Key::MoveToStage, stage = &stage);
        view! {
            <button
                type="button"
                class="move-next"
                aria-label=label
                disabled=move || mover.pending().get()
                on:click=move |_| { mover.dispatch(request.clone()); }
            >
                <span>{text}</span>
                {Icon::Next.view()}
            </button>
        }
    });
    view! {
        <li
            class="card"
            draggable=deal.can_edit.then_some("true")
            on:dragstart=move |ev: leptos::ev::DragEvent| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &drag_data);
                    dt.set_effect_allowed("move");
                }
            }
        >
            <A href=format!("/deals/{}", deal.id) attr:class="card-title" attr:dir="auto">{deal.title.clone()}</A>
            {deal.stalled.then(|| view! { <StalledMark touched_at=deal.touched_at.clone() /> })}
            {deal.company_name.clone().map(|c| view! { <p class="card-company" dir="auto">{c}</p> })}
            <p class="card-meta">
                <span class="card-value">{locale.amount(deal.value, deal.currency)}</span>
                {deal.expected_close.clone().map(|d| {
                    let text = locale.date(&d);
                    view! { <time datetime=d.to_string()>{text}</time> }
                })}
            </p>
            <p class="card-owner muted" dir="auto">{deal.owner_name.clone()}</p>
            {move_button}
        </li>
    }
}
