use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::companies::CompanyRow;
use crate::companies::{CompanyInput, CompanyPage, load_company};
use crate::i18n::{Key, t};
use crate::ui::fields::{TextArea, TextField};
use crate::ui::parts::{BackLink, ErrorNote, loaded};
use crate::ui::record_form::RecordForm;

#[component]
pub fn CompanyFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id"));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(id) => load_company(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <main class="page narrow">
            {loaded(data, |page| view! { <CompanyForm page /> })}
        </main>
    }
}

#[component]
fn CompanyForm(page: Option<CompanyPage>) -> impl IntoView {
    let is_new = page.is_none();
    let initial = page.as_ref().map_or_else(
        || CompanyInput {
            id: crate::ids::new_id(),
            ..Default::default()
        },
        |p| CompanyInput::from_company(&p.company),
    );
    let (id, rev) = (initial.id.clone(), initial.rev);
    let before = (!is_new).then(|| initial.clone());
    let name = RwSignal::new(initial.name);
    let industry = RwSignal::new(initial.industry);
    let phone = RwSignal::new(initial.phone);
    let email = RwSignal::new(initial.email);
    let website = RwSignal::new(initial.website);
    let address = RwSignal::new(initial.address);
    let dup_id = id.clone();
    let probe = Signal::derive(move || crate::duplicates::Probe {
        name: name.get(),
        phones: vec![phone.get()],
        emails: vec![email.get()],
        website: website.get(),
    });
    let form = RecordForm::<CompanyRow>::new(before, |id| format!("/companies/{id}"));
    let (errors, failure) = (form.errors, form.failure);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CompanyInput {
            id: id.clone(),
            rev,
            name: name.get(),
            industry: industry.get(),
            phone: phone.get(),
            email: email.get(),
            website: website.get(),
            address: address.get(),
        };
        let checked = input.validate().map(drop);
        form.submit(id.clone(), input, checked);
    };
    let back = page.as_ref().map_or_else(
        || "/companies".to_owned(),
        |p| format!("/companies/{}", p.company.id),
    );
    let cancel = back.clone();
    view! {
        <BackLink href=back label=t(Key::Back) />
        <h1>{if is_new { t(Key::NewCompany) } else { t(Key::EditCompany) }}</h1>
        <form class="form" method="post" on:submit=submit novalidate>
            <TextField label=Key::Name name="name" value=name errors required=true autocomplete="organization" dir_auto=true />
            <TextField label=Key::Industry name="industry" value=industry errors dir_auto=true />
            <TextField label=Key::Phone name="phone" value=phone errors kind="tel" inputmode="tel" autocomplete="tel" />
            <TextField label=Key::Email name="email" value=email errors kind="email" inputmode="email" autocomplete="email" />
            <TextField label=Key::Website name="website" value=website errors kind="url" inputmode="url" autocomplete="url" />
            <TextArea label=Key::Address name="address" value=address errors />
            {move || failure.get().map(|error| view! { <ErrorNote error /> })}
            <crate::duplicates::views::LikelyDuplicates table=crate::kinds::Table::Company probe except=dup_id />
            <div class="form-actions">
                <button class="button primary" type="submit" disabled=move || form.pending()>
                    {move || if form.pending() { t(Key::Saving) } else { t(Key::Save) }}
                </button>
                <a class="button" href=cancel>{t(Key::Cancel)}</a>
            </div>
        </form>
    }
}
