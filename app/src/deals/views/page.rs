use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::activities::views::Timeline;
use crate::deals::{DealPage as Data, load_deal};
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;
use crate::ui::parts::{BackLink, HistorySection, loaded};

#[component]
pub fn DealPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(
        move || (id(), crate::sync::version()),
        |(id, _)| load_deal(id),
    );
    view! {
        <main class="page">
            <BackLink href="/pipeline".into() label=t(Key::Pipeline) />
            {loaded(data, |page| view! { <DealView page /> })}
        </main>
    }
}

#[component]
fn DealView(page: Data) -> impl IntoView {
    let locale = use_locale();
    let history_id = page.deal.id.to_string();
    let deal = page.deal;
    let edit = page.can_edit.then(|| {
        view! { <A href=format!("/deals/{}/edit", deal.id) attr:class="button">{t(Key::Edit)}</A> }
    });
    let remove = crate::trash::views::delete_button(
        page.can_edit,
        crate::kinds::Table::Deal,
        &deal.id,
        &deal.title,
        "/pipeline",
    );
    let none = || t(Key::None_).to_owned();
    let company = match deal.company.clone().zip(deal.company_name.clone()) {
        Some((id, name)) => view! { <A href=format!("/companies/{id}")>{name}</A> }.into_any(),
        None => none().into_any(),
    };
    let contact = match deal.contact.clone().zip(deal.contact_name.clone()) {
        Some((id, name)) => view! { <A href=format!("/contacts/{id}")>{name}</A> }.into_any(),
        None => none().into_any(),
    };
    let log = format!("/activities/new?deal={}", deal.id);
    view! {
        <header class="page-head">
            <div>
                <h1 dir="auto">{deal.title.clone()}</h1>
                <p class="stage-badge" data-testid="deal-stage">
                    <span class="visually-hidden">{t(Key::Stage)} ": "</span>
                    {locale.stage_name(&deal.stage_name)}
                </p>
            </div>
            <div class="actions">{edit}{remove}</div>
        </header>
        <dl class="facts">
            <div><dt>{t(Key::Value)}</dt><dd class="amount">{locale.amount(deal.value, deal.currency)}</dd></div>
            <div><dt>{t(Key::Probability)}</dt><dd>{locale.percent(deal.probability)}</dd></div>
            <div><dt>{t(Key::Company)}</dt><dd>{company}</dd></div>
            <div><dt>{t(Key::Contact)}</dt><dd>{contact}</dd></div>
            <div><dt>{t(Key::ExpectedClose)}</dt><dd data-testid="expected-close">{deal.expected_close.as_deref().map_or_else(none, |d| locale.date(d))}</dd></div>
            <div><dt>{t(Key::NextStep)}</dt><dd>{deal.next_step.clone().unwrap_or_else(none)}</dd></div>
            <div><dt>{t(Key::Source)}</dt><dd>{deal.source.as_deref().map_or_else(none, |s| crate::deals::source::name(locale, s))}</dd></div>
            {deal.lost_reason.clone().map(|r| view! { <div><dt>{t(Key::LostReason)}</dt><dd>{r}</dd></div> })}
            <div><dt>{t(Key::Owner)}</dt><dd>{deal.owner_name.clone()}</dd></div>
        </dl>
        <section class="panel">
            <header class="panel-head">
                <h2>{t(Key::Timeline)}</h2>
                <A href=log attr:class="button small">{Icon::Plus.view()}<span>{t(Key::NewActivity)}</span></A>
            </header>
            <Timeline items=page.activities />
        </section>
        <section class="panel">
            <h2>{t(Key::History)}</h2>
            <HistorySection table=crate::kinds::Table::Deal id=history_id />
        </section>
    }
}
