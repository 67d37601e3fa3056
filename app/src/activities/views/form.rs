use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::activities::row::ActivityRow;
use crate::activities::{ActivityFormData, ActivityInput, ActivityKind, load_activity_form};
use crate::i18n::{Key, t};
use crate::ui::date_field::DateField;
use crate::ui::fields::{CheckboxField, SelectField, TextArea, TextField};
use crate::ui::parts::{ErrorNote, loaded};
use crate::ui::record_form::RecordForm;

#[component]
pub fn ActivityFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id"));
    let data = Resource::new(id, load_activity_form);
    view! {
        <main class="page narrow">
            {loaded(data, |data| view! { <ActivityForm data /> })}
        </main>
    }
}

#[component]
fn ActivityForm(data: ActivityFormData) -> impl IntoView {
    let query = use_query_map();
    let from_query = |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let a = data.activity.as_ref();
    let is_new = a.is_none();
    let id = a.map_or_else(crate::ids::new_id, |a| a.id.clone());
    let rev = a.map(|a| a.rev);
    let kind = RwSignal::new(a.map_or(ActivityKind::Call, |a| a.kind).code().to_owned());
    let subject = RwSignal::new(a.map(|a| a.subject.clone()).unwrap_or_default());
    let body = RwSignal::new(a.and_then(|a| a.body.clone()).unwrap_or_default());
    let due_date = RwSignal::new(a.and_then(|a| a.due_date.clone()).unwrap_or_default());
    let due_time = RwSignal::new(a.and_then(|a| a.due_time.clone()).unwrap_or_default());
    let done = RwSignal::new(a.is_some_and(|a| a.done));
    let deal = RwSignal::new(a.map_or_else(
        || from_query("deal"),
        |a| a.deal.clone().unwrap_or_default(),
    ));
    let contact = RwSignal::new(a.map_or_else(
        || from_query("contact"),
        |a| a.contact.clone().unwrap_or_default(),
    ));
    let company = RwSignal::new(a.map_or_else(
        || from_query("company"),
        |a| a.company.clone().unwrap_or_default(),
    ));
    let before = (!is_new).then(|| ActivityInput {
        id: id.clone(),
        rev,
        kind: kind.get_untracked(),
        subject: subject.get_untracked(),
        body: body.get_untracked(),
        due_date: due_date.get_untracked(),
        due_time: due_time.get_untracked(),
        done: done.get_untracked(),
        deal: deal.get_untracked(),
        contact: contact.get_untracked(),
        company: company.get_untracked(),
    });
    let back = Memo::new(move |_| {
        if !deal.get().is_empty() {
            format!("/deals/{}", deal.get())
        } else if !contact.get().is_empty() {
            format!("/contacts/{}", contact.get())
        } else if !company.get().is_empty() {
            format!("/companies/{}", company.get())
        } else {
            "/".to_owned()
        }
    });
    let form = RecordForm::<ActivityRow>::new(before, move |_| back.get_untracked());
    let (errors, failure) = (form.errors, form.failure);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ActivityInput {
            id: id.clone(),
            rev,
            kind: kind.get(),
            subject: subject.get(),
            body: body.get(),
            due_date: due_date.get(),
            due_time: due_time.get(),
            done: done.get(),
            deal: deal.get(),
            contact: contact.get(),
            company: company.get(),
        };
        let checked = input.validate().map(drop);
        form.submit(id.clone(), input, checked);
    };
    let kinds: Vec<(String, String)> = ActivityKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), t(k.label()).to_owned()))
        .collect();
    let choices = |v: &Vec<crate::deals::Choice>| {
        v.iter()
            .map(|c| (c.id.clone(), c.name.clone()))
            .collect::<Vec<_>>()
    };
    view! {
        <h1>{if is_new { t(Key::NewActivity) } else { t(Key::EditActivity) }}</h1>
        <form class="form" method="post" on:submit=submit novalidate>
            <SelectField label=Key::Kind name="kind" value=kind errors options=kinds required=true />
            <TextField label=Key::Subject name="subject" value=subject errors required=true dir_auto=true />
            <TextArea label=Key::Details name="body" value=body errors />
            <div class="field-row">
                <DateField label=Key::DueDate name="due_date" value=due_date errors />
                <TextField label=Key::DueTime name="due_time" value=due_time errors kind="time" />
            </div>
            <SelectField label=Key::Deal name="deal" value=deal errors options=choices(&data.deals) empty=Key::ChooseNone />
            <SelectField label=Key::Contact name="contact" value=contact errors options=choices(&data.contacts) empty=Key::ChooseNone />
            <SelectField label=Key::Company name="company" value=company errors options=choices(&data.companies) empty=Key::ChooseNone />
            <CheckboxField label=Key::Done name="done" value=done />
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || form.pending()>
                    {move || if form.pending() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=move || back.get()>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
