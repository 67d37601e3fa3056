use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::contacts::row::ContactRow;
use crate::contacts::{ContactFormData, ContactInput, load_contact_form};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{Key, t};
use crate::ui::fields::{SelectField, TextField};
use crate::ui::parts::{BackLink, ErrorNote, loaded};

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
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<AppError>);
    let save = Action::new(move |input: &ContactInput| {
        crate::sync::save::<ContactRow>(before.clone(), input.clone(), input.id.clone())
    });
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(id)) => navigate(&format!("/contacts/{id}"), Default::default()),
        Some(Err(error)) => {
            errors.set(error.field_errors().cloned().unwrap_or_default());
            crate::ui::fields::focus_first_invalid();
            failure.set(Some(error));
        }
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
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
        match input.validate() {
            Ok(_) => {
                errors.set(FieldErrors::default());
                save.dispatch(input);
            }
            Err(error) => {
                errors.set(error.field_errors().cloned().unwrap_or_default());
                crate::ui::fields::focus_first_invalid();
                failure.set(Some(error));
            }
        }
    };
    let companies: Vec<(String, String)> = data
        .companies
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
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
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=cancel>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
