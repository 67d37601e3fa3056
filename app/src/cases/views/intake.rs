//! The public complaint form and its thank-you page. Rendered by the server and usable
//! before (or without) any script: the form is a plain POST to `/complaint`, the language
//! switch a plain link.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::cases::intake::{self, ComplaintForm};
use crate::error::FieldErrors;
use crate::i18n::{Key, Locale, t, use_locale};

/// A token for the form: when it was shown, signed. Made on the server as the page renders.
#[server(endpoint = "complaint/token", input = leptos::server_fn::codec::Json)]
pub async fn complaint_token() -> Result<String, crate::error::AppError> {
    crate::server::respond(async {
        let state = crate::server::state()?;
        intake::ssr::token(&state.db).await
    })
    .await
}

/// The other language, as a plain link that reloads the page in it.
#[component]
pub(super) fn LanguageLinks(#[prop(into)] path: String) -> impl IntoView {
    let current = use_locale();
    let others = Locale::ALL
        .into_iter()
        .filter(|l| *l != current)
        .map(|other| {
            // A whole page load (not the router's): the server picks the language.
            view! { <a href=format!("{path}?lang={}", other.lang()) rel="external" lang=other.lang() hreflang=other.lang()>{other.name()}</a> }
        })
        .collect_view();
    view! { <p class="language-switch">{others}</p> }
}

/// One field of the public form: label, the input with what was typed, and its problem.
#[component]
fn PublicField(
    label: Key,
    name: &'static str,
    value: String,
    errors: FieldErrors,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let locale = use_locale();
    let problem = errors.get(name).map(|p| locale.problem(p));
    let has_problem = problem.is_some();
    let invalid = has_problem.to_string();
    let id = format!("f-{name}");
    let described = format!("{name}-error");
    let control = if multiline {
        view! {
            <textarea id=id.clone() name=name rows="6" dir="auto" aria-invalid=invalid.clone()
                aria-describedby=described.clone() required=required maxlength=intake::WHAT_MAX>{value}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type="text" dir="auto" value=value aria-invalid=invalid
                aria-describedby=described.clone() required=required maxlength=intake::SHORT_MAX
                autocomplete=autocomplete.unwrap_or("off") inputmode=inputmode />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=has_problem>
            <label for=id>{t(label)} {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            {control}
            <p class="field-error" id=described role="alert">{problem}</p>
        </div>
    }
}

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let typed = ComplaintForm {
        name: get("name"),
        reach: get("reach"),
        company: get("company"),
        what: get("what"),
        ..Default::default()
    };
    let errors = intake::problems_from_query(&get("problems"));
    let form_problem = errors
        .get(crate::error::FORM)
        .map(|p| use_locale().problem(p));
    let token = Resource::new(|| (), |_| complaint_token());
    let lang = use_locale().lang();
    view! {
        <main class="page narrow public">
            <LanguageLinks path="/complaint" />
            <h1>{t(Key::ComplaintTitle)}</h1>
            <p class="muted">{t(Key::ComplaintLead)}</p>
            {form_problem.map(|text| view! { <p class="error-note" role="alert">{text}</p> })}
            <form class="form" method="post" action="/complaint">
                <input type="hidden" name="lang" value=lang />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let token = token.await.unwrap_or_default();
                        view! { <input type="hidden" name="token" value=token /> }
                    })}
                </Suspense>
                <PublicField label=Key::YourName name="name" value=typed.name errors=errors.clone() required=true autocomplete="name" />
                <PublicField label=Key::PhoneOrEmail name="reach" value=typed.reach errors=errors.clone() required=true autocomplete="tel" />
                <PublicField label=Key::WhatHappened name="what" value=typed.what errors=errors.clone() required=true multiline=true />
                <PublicField label=Key::CompanyOptional name="company" value=typed.company errors=errors.clone() autocomplete="organization" />
                // People never see this; a bot filling every field gives itself away.
                <div class="honeypot" aria-hidden="true">
                    <label for="f-website">{t(Key::HoneypotLabel)}</label>
                    <input id="f-website" name="website" type="text" tabindex="-1" autocomplete="off" />
                </div>
                <div class="form-actions">
                    <button class="button primary" type="submit">{t(Key::Send)}</button>
                </div>
            </form>
        </main>
    }
}

#[component]
pub fn ComplaintSentPage() -> impl IntoView {
    let query = use_query_map();
    let reference = query
        .with_untracked(|q| q.get("reference"))
        .filter(|r| !r.is_empty());
    let lang = use_locale().lang();
    view! {
        <main class="page narrow public">
            <LanguageLinks path="/complaint" />
            {match reference {
                Some(reference) => view! {
                    <h1>{t(Key::ComplaintSentTitle)}</h1>
                    <div class="reference-card">
                        <p class="muted">{t(Key::YourReference)}</p>
                        <p class="reference" data-testid="complaint-reference"><bdi>{reference}</bdi></p>
                    </div>
                    <p>{t(Key::ComplaintNext)}</p>
                }
                .into_any(),
                None => view! { <h1>{t(Key::ComplaintSentPlain)}</h1> }.into_any(),
            }}
            <p><a class="button" href=format!("/complaint?lang={lang}")>{t(Key::SendAnother)}</a></p>
        </main>
    }
}
