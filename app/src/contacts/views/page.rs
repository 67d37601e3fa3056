use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::activities::views::Timeline;
use crate::cases::views::{CustomerCases, SurveyLinkPanel};
use crate::contacts::{ContactPage as Data, load_contact};
use crate::deals::views::DealRows;
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;
use crate::ui::parts::{ActionLink, BackLink, HistorySection, loaded_or, tel_href};

#[component]
pub fn ContactPage() -> impl IntoView {
    crate::cases::views::SurveyMaker::provide();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(
        move || (id(), crate::sync::version()),
        |(id, _)| load_contact(id),
    );
    view! {
        <main class="page">
            <BackLink href="/contacts".into() label=t(Key::Contacts) />
            {loaded_or(data, |page| view! { <ContactView page /> }, move |error| {
                view! { <crate::merge::moved::Gone table=crate::kinds::Table::Contact id=id() error /> }.into_any()
            })}
        </main>
    }
}

#[component]
fn ContactView(page: Data) -> impl IntoView {
    let locale = use_locale();
    let history_id = page.contact.id.to_string();
    let c = page.contact;
    let edit = page.can_edit.then(|| view! { <A href=format!("/contacts/{}/edit", c.id) attr:class="button">{t(Key::Edit)}</A> });
    let remove = crate::trash::views::delete_button(
        page.can_edit,
        crate::kinds::Table::Contact,
        &c.id,
        &c.name,
        "/contacts",
    );
    let phones = c
        .phones
        .iter()
        .map(|p| {
            let label = crate::fill!(locale, Key::Call, number = p);
            view! { <ActionLink href=tel_href(p) icon=Icon::Phone label text=p.clone() /> }
        })
        .collect_view();
    let emails = c
        .emails
        .iter()
        .map(|e| {
            let label = crate::fill!(locale, Key::SendEmail, address = e);
            view! { <ActionLink href=format!("mailto:{e}") icon=Icon::Mail label text=e.clone() /> }
        })
        .collect_view();
    let company = c
        .company
        .clone()
        .zip(c.company_name.clone())
        .map(|(id, name)| view! { <A href=format!("/companies/{id}")>{name}</A> });
    let deals = page.deals;
    let (can_survey, survey_id) = (page.can_edit, c.id.to_string());
    view! {
        <header class="page-head">
            <div>
                <h1 dir="auto">{c.name.clone()}</h1>
                <p class="muted">{c.title.clone().unwrap_or_default()} " " {company}</p>
            </div>
            <div class="actions">{edit}{remove}</div>
        </header>
        <div class="action-links">{phones}{emails}</div>
        <section class="panel">
            <h2>{t(Key::Deals)}</h2>
            <DealRows deals />
        </section>
        {can_survey.then(|| view! {
            <section class="panel">
                <h2>{t(Key::Satisfaction)}</h2>
                <SurveyLinkPanel id=survey_id.clone() kind=crate::cases::survey::SurveyKind::Nps />
            </section>
        })}
        <CustomerCases table=crate::kinds::Table::Contact id=c.id.to_string() company=c.company.as_deref().unwrap_or_default().to_owned() />
        <crate::cases::views::CustomerSatisfaction table=crate::kinds::Table::Contact id=c.id.to_string() />
        <section class="panel">
            <header class="panel-head">
                <h2>{t(Key::Timeline)}</h2>
                <A href=format!("/activities/new?contact={}", c.id) attr:class="button small">{Icon::Plus.view()}<span>{t(Key::NewActivity)}</span></A>
            </header>
            <Timeline items=page.activities />
        </section>
        <section class="panel">
            <h2>{t(Key::History)}</h2>
            <HistorySection table=crate::kinds::Table::Contact id=history_id />
        </section>
    }
}
