//! Create and edit a deal. The same rules run here for instant feedback and on the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::deals::DealRow;
use crate::deals::{DealFormData, DealInput, load_deal_form};
use crate::i18n::{Key, t, use_locale};
use crate::kinds::row::Declaration;
use crate::money::Currency;
use crate::pipeline::Outcome;
use crate::ui::date_field::DateField;
use crate::ui::fields::{SelectField, TextField};
use crate::ui::parts::{BackLink, ErrorNote, loaded};
use crate::ui::record_form::RecordForm;

#[component]
pub fn DealFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id"));
    let data = Resource::new(id, load_deal_form);
    view! {
        <main class="page narrow">
            {loaded(data, |data| view! { <DealForm data /> })}
        </main>
    }
}

#[component]
fn DealForm(data: DealFormData) -> impl IntoView {
    let existing = data.deal.clone();
    let is_new = existing.is_none();
    let initial = existing.as_ref().map_or_else(
        || DealInput {
            id: crate::ids::new_id(),
            currency: data.default_currency.code().to_owned(),
            stage: data
                .pipeline
                .stages
                .first()
                .map(|s| s.id.to_string())
                .unwrap_or_default(),
            ..Default::default()
        },
        |d| d.fields.input(&d.id, Some(d.rev)),
    );
    let (id, rev) = (initial.id.clone(), initial.rev);
    let kept_source = existing.as_ref().and_then(|d| d.source.clone());
    let title = RwSignal::new(initial.title);
    let value = RwSignal::new(initial.value);
    let currency = RwSignal::new(initial.currency);
    let stage = RwSignal::new(initial.stage);
    let company = RwSignal::new(initial.company);
    let contact = RwSignal::new(initial.contact);
    let expected_close = RwSignal::new(initial.expected_close);
    let next_step = RwSignal::new(initial.next_step);
    let lost_reason = RwSignal::new(initial.lost_reason);
    let source = RwSignal::new(initial.source);

    let pipeline = StoredValue::new(data.pipeline.clone());
    let source_list = StoredValue::new(data.sources.clone());
    let kept = StoredValue::new(kept_source.clone());
    let is_lost = move || {
        pipeline.with_value(|p| {
            p.stage(&stage.get())
                .is_some_and(|s| s.outcome == Outcome::Lost)
        })
    };
    let input = move || DealInput {
        id: id.clone(),
        rev,
        title: title.get(),
        value: value.get(),
        currency: currency.get(),
        stage: stage.get(),
        company: company.get(),
        contact: contact.get(),
        expected_close: expected_close.get(),
        next_step: next_step.get(),
        lost_reason: lost_reason.get(),
        source: source.get(),
    };
    let before = (!is_new).then(|| untrack(input.clone()));
    let form = RecordForm::<DealRow>::new(before, |id| format!("/deals/{id}"));
    let (errors, failure) = (form.errors, form.failure);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = input();
        let checked = pipeline.with_value(|pipeline| {
            source_list.with_value(|sources| {
                kept.with_value(|kept| {
                    input.validate(&crate::deals::DealRules {
                        pipeline,
                        sources,
                        kept_source: kept.as_deref(),
                    })
                })
            })
        });
        form.submit(input.id.clone(), input, checked.map(drop));
    };

    let locale = use_locale();
    let stages: Vec<(String, String)> = data
        .pipeline
        .stages
        .iter()
        .map(|s| (s.id.to_string(), locale.stage_name(&s.name)))
        .collect();
    let currencies: Vec<(String, String)> = Currency::ALL
        .iter()
        .map(|c| (c.code().to_owned(), locale.currency_name(*c)))
        .collect();
    let companies = crate::deals::Choice::options(&data.companies);
    let contacts = crate::deals::Choice::options(&data.contacts);
    // A source removed from the list since this deal took it is still offered, as it is.
    let mut sources: Vec<(String, String)> = data
        .sources
        .iter()
        .map(|s| (s.clone(), crate::deals::source::name(locale, s)))
        .collect();
    if let Some(kept) = kept_source.filter(|k| !data.sources.contains(k)) {
        sources.push((kept.clone(), crate::deals::source::name(locale, &kept)));
    }
    let back = existing
        .as_ref()
        .map_or_else(|| "/pipeline".to_owned(), |d| format!("/deals/{}", d.id));
    let cancel_href = back.clone();
    let heading = if is_new {
        t(Key::NewDeal)
    } else {
        t(Key::EditDeal)
    };
    view! {
        <BackLink href=back label=t(Key::Back) />
        <h1>{heading}</h1>
        <form class="form" method="post" on:submit=submit novalidate>
            <TextField label=Key::Title name="title" value=title errors required=true dir_auto=true />
            <div class="field-row">
                <TextField label=Key::Value name="value" value=value errors inputmode="decimal" />
                <SelectField label=Key::Currency name="currency" value=currency errors options=currencies required=true />
            </div>
            <SelectField label=Key::Stage name="stage" value=stage errors options=stages required=true />
            <Show when=is_lost>
                <TextField label=Key::LostReason name="lost_reason" value=lost_reason errors required=true />
            </Show>
            <SelectField label=Key::Company name="company" value=company errors options=companies empty=Key::ChooseNone />
            <SelectField label=Key::Contact name="contact" value=contact errors options=contacts empty=Key::ChooseNone />
            <DateField label=Key::ExpectedClose name="expected_close" value=expected_close errors />
            <SelectField label=Key::Source name="source" value=source errors options=sources empty=Key::ChooseNone />
            <TextField label=Key::NextStep name="next_step" value=next_step errors dir_auto=true />
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || form.pending()>
                    {move || if form.pending() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=cancel_href>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
