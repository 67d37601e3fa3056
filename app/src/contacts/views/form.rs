use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::contacts::ContactRow;
use crate::contacts::{ContactFormData, ContactInput, load_contact_form};
use crate::i18n::{Key, t};
use crate::ui::fields::{SelectField, TextField};
use crate::ui::parts::{BackLink, ErrorNote, loaded};
use crate::ui::record_form::RecordForm;

#[component]
pub fn ContactFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id"));
    let data = Resource::new(id, load_contact_form);
    view! {
        <main class="page narrow">
            {loaded(data, |data| view! { <ContactForm data /> })}
        </main>
    }
}

#[component]
fn ContactForm(data: ContactFormData) -> impl IntoView {
    let query = use_query_map();
    let is_new = data.contact.is_none();
    let initial = data.contact.as_ref().map_or_else(
        || ContactInput {
            id: crate::ids::new_id(),
            company: query
                .with_untracked(|q| q.get("company"))
                .unwrap_or_default(),
            ..Default::default()
        },
        ContactInput::from_contact,
    );
    let (id, rev) = (initial.id.clone(), initial.rev);
    let before = (!is_new).then(|| initial.clone());
    let name = RwSignal::new(initial.name);
    let title = RwSignal::new(initial.title);
    let company = RwSignal::new(initial.company);
    let phone = RwSignal::new(initial.phone);
    let phone2 = RwSignal::new(initial.phone2);
    let email = RwSignal::new(initial.email);
    let email2 = RwSignal::new(initial.email2);
    let form = RecordForm::<ContactRow>::new(before, |id| format!("/contacts/{id}"));
    let dup_id = id.clone();
    let probe = Signal::derive(move || crate::duplicates::Probe {
        name: name.get(),
        phones: vec![phone.get(), phone2.get()],
        emails: vec![email.get(), email2.get()],
        website: String::new(),
    });
    let (errors, failure) = (form.errors, form.failure);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ContactInput {
            id: id.clone(),
            rev,
            name: name.get(),
            title: title.get(),
            company: company.get(),
            phone: phone.get(),
            phone2: phone2.get(),
            email: email.get(),
            email2: email2.get(),
        };
        let checked = input.validate().map(drop);
        form.submit(id.clone(), input, checked);
    };
    let companies = crate::deals::Choice::options(&data.companies);
    let back = data
        .contact
        .as_ref()
        .map_or_else(|| "/contacts".to_owned(), |c| format!("/contacts/{}", c.id));
    let cancel = back.clone();
    view! {
        <BackLink href=back label=t(Key::Back) />
        <h1>{if is_new { t(Key::NewContact) } else { t(Key::EditContact) }}</h1>
        <form class="form" method="post" on:submit=submit novalidate>
            <TextField label=Key::Name name="name" value=name errors required=true autocomplete="name" dir_auto=true />
            <TextField label=Key::JobTitle name="title" value=title errors autocomplete="organization-title" dir_auto=true />
            <SelectField label=Key::Company name="company" value=company errors options=companies empty=Key::ChooseNone />
            <TextField label=Key::Phone name="phone" value=phone errors kind="tel" inputmode="tel" autocomplete="tel" />
            <TextField label=Key::SecondPhone name="phone2" value=phone2 errors kind="tel" inputmode="tel" />
            <TextField label=Key::Email name="email" value=email errors kind="email" inputmode="email" autocomplete="email" />
            <TextField label=Key::SecondEmail name="email2" value=email2 errors kind="email" inputmode="email" />
            <crate::duplicates::views::LikelyDuplicates table=crate::kinds::Table::Contact probe except=dup_id />
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || form.pending()>
                    {move || if form.pending() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=cancel>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
