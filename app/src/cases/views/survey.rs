//! The customer's survey page (public, no script needed) and the panel a case's or
//! contact's owner makes the link with.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::intake::LanguageLinks;
use crate::cases::survey::{
    SurveyKind, SurveyLink, SurveyState, case_survey_link, nps_survey_link, question,
    survey_for_token,
};
use crate::error::{AppError, Problem};
use crate::i18n::{Key, t, use_locale};
use crate::ui::parts::ErrorNote;

/// The scale as radio buttons, each a 44 px target, labelled at both ends.
#[component]
fn Scale(kind: SurveyKind) -> impl IntoView {
    let locale = use_locale();
    let most = *kind.scale().end();
    let (low, high) = match kind {
        SurveyKind::Csat => (Key::CsatLow, Key::CsatHigh),
        SurveyKind::Nps => (Key::NpsLow, Key::NpsHigh),
    };
    let options = kind
        .scale()
        .map(|score| {
            let label = crate::fill!(
                locale,
                Key::ScoreOf,
                score = &locale.number(score),
                most = &locale.number(most)
            );
            view! {
                <label class="score" aria-label=label>
                    <input type="radio" name="score" value=score.to_string() required=true />
                    <span>{locale.number(score)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="scale" data-kind=kind.code()>
            <legend>{t(question(kind))}</legend>
            <div class="scores">{options}</div>
            <div class="scale-ends muted"><span>{t(low)}</span><span>{t(high)}</span></div>
        </fieldset>
    }
}

#[component]
pub fn SurveyPage() -> impl IntoView {
    let params = use_params_map();
    let token = params
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default();
    let query = use_query_map();
    let problem = query.with_untracked(|q| q.get("problem"));
    let key = token.clone();
    let state = Resource::new(move || key.clone(), survey_for_token);
    let lang = use_locale().lang();
    let path = format!("/survey/{token}");
    view! {
        <main class="page narrow public">
            <LanguageLinks path=path.clone() />
            <h1>{t(Key::SurveyTitle)}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let (path, problem) = (path.clone(), problem.clone());
                    Suspend::new(async move {
                        match state.await {
                            Ok(SurveyState::Open { kind, subject, reference }) => {
                                let about = subject.map(|s| {
                                    let s = match reference { Some(r) => format!("{s} ({r})"), None => s };
                                    view! { <p class="muted">{crate::fill!(use_locale(), Key::SurveyAbout, subject = &s)}</p> }
                                });
                                let problem = problem.map(|p| {
                                    let key = if p == "score" { Key::ProblemChooseAScore } else { Key::ProblemNotSent };
                                    view! { <p class="error-note" role="alert">{t(key)}</p> }
                                });
                                view! {
                                    {about}
                                    {problem}
                                    <form class="form" method="post" action=path>
                                        <input type="hidden" name="lang" value=lang />
                                        <Scale kind />
                                        <div class="field">
                                            <label for="f-comment">{t(Key::SurveyComment)}</label>
                                            <textarea id="f-comment" name="comment" rows="4" dir="auto" maxlength=crate::cases::survey::COMMENT_MAX></textarea>
                                        </div>
                                        <div class="form-actions">
                                            <button class="button primary" type="submit">{t(Key::Send)}</button>
                                        </div>
                                    </form>
                                }
                                .into_any()
                            }
                            Ok(SurveyState::Answered) => view! { <p class="notice" role="status">{t(Key::SurveyAnswered)}</p> }.into_any(),
                            Ok(SurveyState::Expired) => view! { <p class="notice" role="status">{t(Key::SurveyExpired)}</p> }.into_any(),
                            Ok(SurveyState::Unknown) => view! { <p class="notice" role="status">{t(Key::SurveyUnknown)}</p> }.into_any(),
                            Err(error) => view! { <ErrorNote error /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </main>
    }
}

#[component]
pub fn SurveyThanksPage() -> impl IntoView {
    view! {
        <main class="page narrow public">
            <h1>{t(Key::SurveyTitle)}</h1>
            <p class="notice" role="status">{t(Key::SurveyThanks)}</p>
        </main>
    }
}

/// The action that makes survey links, owned by a page's outer component: the record's
/// view is drawn again as sync brings news of it, and a link made just before must survive
/// that.
#[derive(Clone, Copy)]
pub struct SurveyMaker(Action<(String, SurveyKind), Result<SurveyLink, AppError>>);

impl SurveyMaker {
    /// Made (and put in context) by the page that shows a [`SurveyLinkPanel`].
    pub fn provide() {
        let action = Action::new(|(id, kind): &(String, SurveyKind)| {
            let (id, kind) = (id.clone(), *kind);
            async move {
                match kind {
                    SurveyKind::Csat => case_survey_link(id).await,
                    SurveyKind::Nps => nps_survey_link(id).await,
                }
            }
        });
        provide_context(SurveyMaker(action));
    }
}

/// Makes a survey link (for a resolved case, or NPS for a contact) and offers ways to send
/// it. Needs the server: the link is made there.
#[component]
pub fn SurveyLinkPanel(
    /// The case (CSAT) or the contact (NPS) the link is for.
    id: String,
    kind: SurveyKind,
) -> impl IntoView {
    let make = match use_context::<SurveyMaker>() {
        Some(SurveyMaker(action)) => action,
        None => {
            SurveyMaker::provide();
            expect_context::<SurveyMaker>().0
        }
    };
    let button = match kind {
        SurveyKind::Csat => Key::MakeSurveyLink,
        SurveyKind::Nps => Key::AskNps,
    };
    let shown = move || {
        make.value().get().map(|answer: Result<SurveyLink, AppError>| match answer {
            Ok(link) => {
                let locale = use_locale();
                let message = locale.text(Key::SurveyMessage);
                let mail = link.mailto(locale.text(Key::SurveyTitle), message);
                let sms = link.sms(message);
                view! {
                    <div class="survey-link">
                        <p class="muted">{t(Key::SurveyLinkLead)}</p>
                        <label class="field">
                            <span>{t(Key::SurveyLinkLabel)}</span>
                            <input type="text" readonly=true value=link.url.clone() dir="ltr" data-testid="survey-link"
                                on:focus=|ev| { event_target::<web_sys::HtmlInputElement>(&ev).select() } />
                        </label>
                        <div class="actions">
                            <CopyButton text=link.url.clone() />
                            {mail.map(|href| view! { <a class="button" href=href>{t(Key::SendByEmail)}</a> })}
                            {sms.map(|href| view! { <a class="button" href=href>{t(Key::SendBySms)}</a> })}
                        </div>
                    </div>
                }
                .into_any()
            }
            Err(AppError::Validation(errors)) if errors.get(crate::error::FORM) == Some(Problem::SurveyAfterResolve) => {
                view! { <p class="error-note" role="alert">{t(Key::ProblemSurveyAfterResolve)}</p> }.into_any()
            }
            Err(error) => view! { <ErrorNote error /> }.into_any(),
        })
    };
    view! {
        <div class="survey-panel">
            <button type="button" class="button" disabled=move || make.pending().get()
                on:click=move |_| { make.dispatch((id.clone(), kind)); }>
                {t(button)}
            </button>
            {shown}
        </div>
    }
}

/// Copies `text` to the clipboard, and says so.
#[component]
fn CopyButton(text: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let copy = move |_| {
        // Not awaited: the field beside the button holds the link anyway.
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
        copied.set(true);
    };
    view! {
        <button type="button" class="button primary" on:click=copy>
            {move || if copied.get() { t(Key::Copied) } else { t(Key::Copy) }}
        </button>
    }
}

/// A customer's answers over time, on their page (needs the network: surveys stay on the
/// server).
#[component]
pub fn CustomerSatisfaction(table: crate::kinds::Table, id: String) -> impl IntoView {
    // Loaded in the browser after the page, as its history is.
    let key = StoredValue::new(id);
    let answers = RwSignal::new(Vec::<crate::cases::survey::Answer>::new());
    Effect::new(move |_| {
        let id = key.get_value();
        leptos::task::spawn_local(async move {
            // Offline (surveys stay on the server) the section is simply not shown.
            answers.set(
                crate::cases::survey::answers_of(table, id)
                    .await
                    .unwrap_or_default(),
            );
        });
    });
    let locale = use_locale();
    move || {
        let answers = answers.get();
        (!answers.is_empty()).then(|| {
            let rows = answers
                .into_iter()
                .map(|a| {
                    let most = *a.kind.scale().end();
                    let label = match a.kind {
                        SurveyKind::Csat => Key::Csat,
                        SurveyKind::Nps => Key::Nps,
                    };
                    let score = crate::fill!(
                        locale,
                        Key::ScoreOf,
                        score = &locale.number(a.score),
                        most = &locale.number(most)
                    );
                    let low = a.kind.is_low(a.score);
                    view! {
                        <li class="bar-row" data-low=low.to_string()>
                            <span>{t(label)} " " <strong>{score}</strong></span>
                            <span class="muted">{locale.date(&a.day)}</span>
                        </li>
                        {a.comment.map(|c| view! { <li class="survey-comment muted" dir="auto">{c}</li> })}
                    }
                })
                .collect_view();
            view! {
                <section class="panel">
                    <h2>{t(Key::Satisfaction)}</h2>
                    <ul class="bars">{rows}</ul>
                </section>
            }
        })
    }
}
