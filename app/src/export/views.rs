//! **Export** on a list or table: a menu with the file kinds, each a plain download link to
//! the server (made there, from every row the reader may see, not only those on the device).

use leptos::prelude::*;

use super::Format;
use crate::i18n::{Key, t};

/// `href` answers the export's address for a file kind, with the list's filters in it.
#[component]
pub fn ExportMenu<H>(
    href: H,
    /// What the file holds, for the hint.
    hint: Key,
) -> impl IntoView
where
    H: Fn(Format) -> String + Copy + Send + Sync + 'static,
{
    let links = Format::ALL
        .into_iter()
        .map(|format| {
            let label = match format {
                Format::Csv => Key::ExportCsv,
                Format::Xlsx => Key::ExportExcel,
            };
            view! {
                <a class="button" rel="external" download="" href=move || href(format)>
                    {t(label)}
                </a>
            }
        })
        .collect_view();
    view! {
        <details class="menu export-menu">
            <summary class="button" title=t(hint)>{t(Key::Export)}</summary>
            <div class="menu-body" role="group" aria-label=t(Key::Export)>
                <p class="muted">{t(hint)}</p>
                {links}
            </div>
        </details>
    }
}
