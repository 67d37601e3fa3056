use leptos::prelude::*;

use crate::companies::load_companies;
use crate::i18n::Key;
use crate::ui::record_list::{ListRow, RecordList};

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let load = |query: String| async move {
        let rows = load_companies(query).await?;
        Ok(rows
            .into_iter()
            .map(|c| ListRow {
                href: format!("/companies/{}", c.id),
                title: c.name,
                details: vec![c.industry, c.phone],
            })
            .collect())
    };
    view! {
        <RecordList
            heading=Key::Companies
            new_href="/companies/new"
            new_label=Key::NewCompany
            filter_label=Key::FilterCompanies
            export=("companies", Key::ExportCompaniesHint)
            load
        />
    }
}
