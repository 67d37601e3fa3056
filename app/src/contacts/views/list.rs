use leptos::prelude::*;

use crate::contacts::load_contacts;
use crate::i18n::Key;
use crate::ui::record_list::{ListRow, RecordList};

#[component]
pub fn ContactsPage() -> impl IntoView {
    let load = |query: String| async move {
        let rows = load_contacts(query).await?;
        Ok(rows
            .into_iter()
            .map(|c| ListRow {
                href: format!("/contacts/{}", c.id),
                title: c.name,
                details: vec![c.title, c.company_name],
            })
            .collect())
    };
    view! {
        <RecordList
            heading=Key::Contacts
            new_href="/contacts/new"
            new_label=Key::NewContact
            filter_label=Key::FilterContacts
            export=("contacts", Key::ExportContactsHint)
            load
        />
    }
}
