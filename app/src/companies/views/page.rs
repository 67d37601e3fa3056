use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::activities::views::Timeline;
use crate::cases::views::CustomerCases;
use crate::companies::{CompanyPage as Data, load_company};
use crate::deals::views::DealRows;
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;
use crate::ui::parts::{ActionLink, BackLink, HistorySection, loaded_or, map_href, tel_href};

#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(
        move || (id(), crate::sync::version()),
        |(id, _)| load_company(id),
    );
    view! {
        <main class="page">
            <BackLink href="/companies".into() label=t(Key::Companies) />
            {loaded_or(data, |page| view! { <CompanyView page /> }, move |error| {
                view! { <crate::merge::moved::Gone table=crate::kinds::Table::Company id=id() error /> }.into_any()
            })}
        </main>
    }
}

#[component]
fn CompanyView(page: Data) -> impl IntoView {
    let locale = use_locale();
    let history_id = page.company.id.to_string();
    let c = page.company;
    let edit = page.can_edit.then(|| view! { <A href=format!("/companies/{}/edit", c.id) attr:class="button">{t(Key::Edit)}</A> });
    let remove = crate::trash::views::delete_button(
        page.can_edit,
        crate::kinds::Table::Company,
        &c.id,
        &c.name,
        "/companies",
    );
    let phone = c.phone.clone().map(|p| {
        let label = crate::fill!(locale, Key::Call, number = &p);
        view! { <ActionLink href=tel_href(&p) icon=Icon::Phone label text=p /> }
    });
    let email = c.email.clone().map(|e| {
        let label = crate::fill!(locale, Key::SendEmail, address = &e);
        view! { <ActionLink href=format!("mailto:{e}") icon=Icon::Mail label text=e /> }
    });
    let address = c.address.clone().map(|a| {
        view! { <ActionLink href=map_href(&a) icon=Icon::Map label=locale.text(Key::OpenMap).to_owned() text=a /> }
    });
    let website = c.website.clone().map(|w| {
        let href = if w.starts_with("http") { w.clone() } else { format!("https://{w}") };
        view! { <a class="action-link" href=href rel="noopener noreferrer" target="_blank"><bdi>{w}</bdi></a> }
    });
    let contacts = page
        .contacts
        .into_iter()
        .map(|p| {
            view! {
                <li><A href=format!("/contacts/{}", p.id) attr:class="row-link">
                    <span class="row-title" dir="auto">{p.name}</span>
                    <span class="row-sub muted">{p.title.unwrap_or_default()}</span>
                </A></li>
            }
        })
        .collect_view();
    let deals = page.deals;
    view! {
        <header class="page-head">
            <div>
                <h1 dir="auto">{c.name.clone()}</h1>
                <p class="muted">{c.industry.clone().unwrap_or_default()}</p>
            </div>
            <div class="actions">{edit}{remove}</div>
        </header>
        <div class="action-links">{phone}{email}{website}{address}</div>
        <div class="split">
            <section class="panel">
                <header class="panel-head">
                    <h2>{t(Key::Contacts)}</h2>
                    <A href=format!("/contacts/new?company={}", c.id) attr:class="button small">{Icon::Plus.view()}<span>{t(Key::NewContact)}</span></A>
                </header>
                <ul class="rows">{contacts}</ul>
            </section>
            <section class="panel">
                <h2>{t(Key::Deals)}</h2>
                <DealRows deals />
            </section>
        </div>
        <CustomerCases table=crate::kinds::Table::Company id=c.id.to_string() />
        <crate::cases::views::CustomerSatisfaction table=crate::kinds::Table::Company id=c.id.to_string() />
        <section class="panel">
            <header class="panel-head">
                <h2>{t(Key::Timeline)}</h2>
                <A href=format!("/activities/new?company={}", c.id) attr:class="button small">{Icon::Plus.view()}<span>{t(Key::NewActivity)}</span></A>
            </header>
            <Timeline items=page.activities />
        </section>
        <section class="panel">
            <h2>{t(Key::History)}</h2>
            <HistorySection table=crate::kinds::Table::Company id=history_id />
        </section>
    }
}
