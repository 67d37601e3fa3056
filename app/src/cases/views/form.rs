use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::cases::{CaseFormData, CaseInput, CaseKind, CaseRow, Channel, Priority, Status};
use crate::cases::{load_case_form, views::clock::options};
use crate::i18n::{Key, t};
use crate::kinds::row::Declaration;
use crate::ui::fields::{SelectField, TextArea, TextField};
use crate::ui::parts::{BackLink, ErrorNote, loaded};
use crate::ui::record_form::RecordForm;

#[component]
pub fn CaseFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id"));
    let data = Resource::new(id, load_case_form);
    view! {
        <main class="page narrow">
            {loaded(data, |data| view! { <CaseForm data /> })}
        </main>
    }
}

#[component]
fn CaseForm(data: CaseFormData) -> impl IntoView {
    let query = use_query_map();
    let from_query = |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let is_new = data.case.is_none();
    let initial = data.case.as_ref().map_or_else(
        || CaseInput {
            id: crate::ids::new_id(),
            kind: CaseKind::Request.code().to_owned(),
            channel: Channel::Visit.code().to_owned(),
            priority: Priority::Normal.code().to_owned(),
            status: Status::New.code().to_owned(),
            company: from_query("company"),
            contact: from_query("contact"),
            deal: from_query("deal"),
            ..Default::default()
        },
        |c| c.fields.input(&c.id, Some(c.rev)),
    );
    let current = data.case.as_ref().map(|c| c.status);
    let (id, rev) = (initial.id.clone(), initial.rev);
    let before = (!is_new).then(|| initial.clone());
    let kind = RwSignal::new(initial.kind);
    let subject = RwSignal::new(initial.subject);
    let description = RwSignal::new(initial.description);
    let company = RwSignal::new(initial.company);
    let contact = RwSignal::new(initial.contact);
    let deal = RwSignal::new(initial.deal);
    let channel = RwSignal::new(initial.channel);
    let category = RwSignal::new(initial.category);
    let priority = RwSignal::new(initial.priority);
    let status = RwSignal::new(initial.status);
    let assessment = RwSignal::new(initial.assessment);
    let root_cause = RwSignal::new(initial.root_cause);
    let corrective_action = RwSignal::new(initial.corrective_action);
    let decision = RwSignal::new(initial.decision);
    let back = data.case.as_ref().map_or_else(
        || {
            let (company, contact) = (from_query("company"), from_query("contact"));
            if !contact.is_empty() {
                format!("/contacts/{contact}")
            } else if !company.is_empty() {
                format!("/companies/{company}")
            } else {
                "/cases".to_owned()
            }
        },
        |c| format!("/cases/{}", c.id),
    );
    let form = RecordForm::<CaseRow>::new(before, |id| format!("/cases/{id}"));
    let (errors, failure) = (form.errors, form.failure);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CaseInput {
            id: id.clone(),
            rev,
            kind: kind.get(),
            subject: subject.get(),
            description: description.get(),
            company: company.get(),
            contact: contact.get(),
            deal: deal.get(),
            channel: channel.get(),
            category: category.get(),
            priority: priority.get(),
            status: status.get(),
            assessment: assessment.get(),
            root_cause: root_cause.get(),
            corrective_action: corrective_action.get(),
            decision: decision.get(),
        };
        let checked = input.validate(current).map(drop);
        form.submit(id.clone(), input, checked);
    };
    let statuses: Vec<Status> = match current {
        None => Status::ALL.to_vec(),
        Some(now) => std::iter::once(now)
            .chain(now.next().iter().copied())
            .collect(),
    };
    let statuses = statuses
        .into_iter()
        .map(|s| (s.code().to_owned(), t(s.label()).to_owned()))
        .collect();
    let mut categories: Vec<(String, String)> = data
        .categories
        .iter()
        .map(|c| (c.clone(), c.clone()))
        .collect();
    // A category removed from the list stays on the cases that have it.
    if let Some(kept) = data.case.as_ref().and_then(|c| c.category.clone())
        && !data.categories.contains(&kept)
    {
        categories.push((kept.clone(), kept));
    }
    let choices = crate::deals::Choice::options;
    let complaint = move || kind.get() == CaseKind::Complaint.code();
    view! {
        <BackLink href=back.clone() label=t(Key::Back) />
        <h1>{if is_new { t(Key::NewCase) } else { t(Key::EditCase) }}</h1>
        <form class="form" method="post" on:submit=submit novalidate>
            <SelectField label=Key::CaseKindLabel name="kind" value=kind errors options=options(CaseKind::ALL, |k| (k.code(), k.label())) required=true />
            <TextField label=Key::Subject name="subject" value=subject errors required=true dir_auto=true />
            <TextArea label=Key::Description name="description" value=description errors />
            <SelectField label=Key::Company name="company" value=company errors options=choices(&data.companies) empty=Key::ChooseNone />
            <SelectField label=Key::Contact name="contact" value=contact errors options=choices(&data.contacts) empty=Key::ChooseNone />
            <div class="field-row">
                <SelectField label=Key::Priority name="priority" value=priority errors options=options(Priority::ALL, |p| (p.code(), p.label())) required=true />
                <SelectField label=Key::Status name="status" value=status errors options=statuses required=true />
            </div>
            <div class="field-row">
                <SelectField label=Key::Channel name="channel" value=channel errors options=options(Channel::ALL, |c| (c.code(), c.label())) required=true />
                <SelectField label=Key::Category name="category" value=category errors options=categories empty=Key::NoCategory />
            </div>
            <SelectField label=Key::Deal name="deal" value=deal errors options=choices(&data.deals) empty=Key::NoDeal />
            <Show when=complaint>
                <fieldset class="fieldset">
                    <legend>{t(Key::ComplaintRecord)}</legend>
                    <TextArea label=Key::Assessment name="assessment" value=assessment errors />
                    <TextArea label=Key::RootCause name="root_cause" value=root_cause errors />
                    <TextArea label=Key::CorrectiveAction name="corrective_action" value=corrective_action errors />
                    <TextArea label=Key::Decision name="decision" value=decision errors />
                </fieldset>
            </Show>
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || form.pending()>
                    {move || if form.pending() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=back.clone()>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
