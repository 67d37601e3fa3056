use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::activities::ActivityRow;
use crate::activities::{ActivityFormData, ActivityInput, ActivityKind, load_activity_form};
use crate::i18n::{Key, t};
use crate::kinds::row::Declaration;
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
    let is_new = data.activity.is_none();
    let initial = data.activity.as_ref().map_or_else(
        || ActivityInput {
            id: crate::ids::new_id(),
            kind: ActivityKind::Call.code().to_owned(),
            deal: from_query("deal"),
            contact: from_query("contact"),
            company: from_query("company"),
            ..Default::default()
        },
        |a| a.fields.input(&a.id, Some(a.rev)),
    );
    let (id, rev) = (initial.id.clone(), initial.rev);
    let before = (!is_new).then(|| initial.clone());
    // Where it is listed: after its delete, the page of what it was about (else Today).
    let home = [
        ("deals", &initial.deal),
        ("contacts", &initial.contact),
        ("companies", &initial.company),
    ]
    .into_iter()
    .find(|(_, id)| !id.is_empty())
    .map_or_else(|| "/".to_owned(), |(path, id)| format!("/{path}/{id}"));
    // An activity has no page of its own: it is deleted from its form.
    let remove = (!is_new).then(|| {
        view! {
            <div class="actions form-delete">
                <crate::trash::views::DeleteButton
                    table=crate::kinds::Table::Activity
                    id=id.clone()
                    name=initial.subject.clone()
                    after=home.clone()
                />
            </div>
        }
    });
    let kind = RwSignal::new(initial.kind);
    let subject = RwSignal::new(initial.subject);
    let body = RwSignal::new(initial.body);
    let due_date = RwSignal::new(initial.due_date);
    let due_time = RwSignal::new(initial.due_time);
    let done = RwSignal::new(initial.done);
    let deal = RwSignal::new(initial.deal);
    let contact = RwSignal::new(initial.contact);
    let company = RwSignal::new(initial.company);
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
    let choices = crate::deals::Choice::options;
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
        {remove}
    }
}
