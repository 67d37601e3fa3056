use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::clock::{deadline, detail};
use super::{SlaBadge, SurveyLinkPanel};
use crate::cases::sla::Clock;
use crate::cases::survey::SurveyKind;
use crate::cases::{CaseKind, CasePage as Data, CaseRow, Status, load_case};
use crate::dashboard::offsets::Offsets;
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::{BackLink, ErrorNote, HistorySection, loaded};

#[component]
pub fn CasePage() -> impl IntoView {
    super::SurveyMaker::provide();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(
        move || (id(), crate::sync::version()),
        |(id, _)| load_case(id),
    );
    view! {
        <main class="page">
            <BackLink href="/cases".into() label=t(Key::Cases) />
            {loaded(data, |page| view! { <CaseView page /> })}
        </main>
    }
}

/// The button that moves a case to `status`.
fn action(status: Status) -> Key {
    match status {
        Status::Acknowledged => Key::ActAcknowledged,
        Status::InProgress => Key::ActInProgress,
        Status::Waiting => Key::ActWaiting,
        Status::Resolved => Key::ActResolved,
        Status::Closed => Key::ActClosed,
        Status::Reopened => Key::ActReopened,
        Status::New => Key::StatusNew,
    }
}

#[component]
fn ClockFacts(label: Key, clock: Clock, zone: Offsets) -> impl IntoView {
    let locale = use_locale();
    let when = clock
        .done_at
        .map(|at| deadline(locale, &zone, at))
        .unwrap_or_else(|| detail(locale, &zone, &clock));
    view! {
        <div class="clock-fact" data-sla=clock.state.code()>
            <dt>{t(label)}</dt>
            <dd><SlaBadge state=clock.state /> " " <span class="muted" data-testid="clock-detail">{when}</span></dd>
        </div>
    }
}

#[component]
fn CaseView(page: Data) -> impl IntoView {
    let history_id = page.case.id.to_string();
    let case = page.case;
    let none = || t(Key::None_).to_owned();
    let link = |href: String, name: Option<String>| match name {
        Some(name) => view! { <A href=href><bdi>{name}</bdi></A> }.into_any(),
        None => none().into_any(),
    };
    let company = link(
        format!("/companies/{}", case.company.as_deref().unwrap_or_default()),
        case.company_name.clone(),
    );
    let contact = link(
        format!("/contacts/{}", case.contact.as_deref().unwrap_or_default()),
        case.contact_name.clone(),
    );
    let deal = link(
        format!("/deals/{}", case.deal.as_deref().unwrap_or_default()),
        case.deal_title.clone(),
    );
    let edit = page.can_edit.then(|| {
        view! { <A href=format!("/cases/{}/edit", case.id) attr:class="button">{t(Key::Edit)}</A> }
    });
    let remove = crate::trash::views::delete_button(
        page.can_edit,
        crate::kinds::Table::Case,
        &case.id,
        &case.subject,
        "/cases",
    );
    let failure = RwSignal::new(None::<AppError>);
    let mover = Action::new(|(id, status): &(String, Status)| {
        let code = status.code().to_owned();
        crate::sync::change::<CaseRow>(id.clone(), move |input| input.status = code)
    });
    Effect::new(move |_| {
        if let Some(result) = mover.value().get() {
            failure.set(result.err());
        }
    });
    let moves = page.can_edit.then(|| {
        let id = case.id.to_string();
        let buttons = case
            .status
            .next()
            .iter()
            .map(|next| {
                let (id, next) = (id.clone(), *next);
                let primary = matches!(next, Status::Acknowledged | Status::Resolved);
                view! {
                    <button
                        type="button"
                        class=if primary { "button primary" } else { "button" }
                        disabled=move || mover.pending().get()
                        on:click=move |_| { mover.dispatch((id.clone(), next)); }
                    >
                        {t(action(next))}
                    </button>
                }
            })
            .collect_view();
        view! {
            <section class="case-moves" aria-label=t(Key::MoveCase)>
                {buttons}
                {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            </section>
        }
    });
    let reference = case
        .reference
        .clone()
        .unwrap_or_else(|| t(Key::ReferencePending).to_owned());
    let text = |value: &Option<String>| value.clone().unwrap_or_else(none);
    let complaint = (case.kind == CaseKind::Complaint).then(|| {
        view! {
            <section class="panel">
                <h2>{t(Key::ComplaintRecord)}</h2>
                <p class="muted">{t(Key::ComplaintRecordLead)}</p>
                <dl class="facts stacked">
                    <div><dt>{t(Key::Assessment)}</dt><dd dir="auto">{text(&case.assessment)}</dd></div>
                    <div><dt>{t(Key::RootCause)}</dt><dd dir="auto">{text(&case.root_cause)}</dd></div>
                    <div><dt>{t(Key::CorrectiveAction)}</dt><dd dir="auto">{text(&case.corrective_action)}</dd></div>
                    <div><dt>{t(Key::Decision)}</dt><dd dir="auto">{text(&case.decision)}</dd></div>
                </dl>
            </section>
        }
    });
    let survey = (page.can_edit && case.status.is_done()).then(|| {
        view! {
            <section class="panel">
                <h2>{t(Key::Satisfaction)}</h2>
                <SurveyLinkPanel id=case.id.to_string() kind=SurveyKind::Csat />
            </section>
        }
    });
    let zone = page.zone;
    view! {
        <header class="page-head">
            <div>
                <p class="muted"><bdi data-testid="case-reference">{reference}</bdi> {t(Key::ListSeparator)} {t(case.kind.label())}</p>
                <h1 dir="auto">{case.subject.clone()}</h1>
                <p class="stage-badge" data-testid="case-status">
                    <span class="visually-hidden">{t(Key::Status)} ": "</span>
                    {t(case.status.label())}
                </p>
            </div>
            <div class="actions">{edit}{remove}</div>
        </header>
        {moves}
        {survey}
        <dl class="facts clocks">
            <ClockFacts label=Key::FirstResponse clock=page.clocks.response zone=zone.clone() />
            <ClockFacts label=Key::Resolution clock=page.clocks.resolution zone />
        </dl>
        <dl class="facts">
            <div><dt>{t(Key::Priority)}</dt><dd>{t(case.priority.label())}</dd></div>
            <div><dt>{t(Key::Channel)}</dt><dd>{t(case.channel.label())}</dd></div>
            <div><dt>{t(Key::Category)}</dt><dd dir="auto">{text(&case.category)}</dd></div>
            <div><dt>{t(Key::Company)}</dt><dd>{company}</dd></div>
            <div><dt>{t(Key::Contact)}</dt><dd>{contact}</dd></div>
            <div><dt>{t(Key::Deal)}</dt><dd>{deal}</dd></div>
            <div><dt>{t(Key::Assignee)}</dt><dd>{case.owner_name.clone()}</dd></div>
        </dl>
        {case.description.clone().map(|d| view! {
            <section class="panel">
                <h2>{t(Key::Description)}</h2>
                <p class="prose" dir="auto">{d}</p>
            </section>
        })}
        {complaint}
        <section class="panel">
            <h2>{t(Key::History)}</h2>
            <HistorySection table=crate::kinds::Table::Case id=history_id />
        </section>
    }
}
