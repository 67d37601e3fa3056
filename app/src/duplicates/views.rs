//! Shown while a company or contact is typed: the records on the device it may duplicate,
//! each a link to open instead.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{Candidate, Probe, likely_companies, likely_contacts};
use crate::i18n::{Key, t, use_locale};
use crate::kinds::Table;

async fn look(table: Table, probe: Probe, except: String) -> Vec<Candidate> {
    crate::sync::offline(move |replica| {
        Ok(match table {
            Table::Company => likely_companies(replica, &probe, &except),
            _ => likely_contacts(replica, &probe, &except),
        })
    })
    .await
    .unwrap_or_default()
}

#[component]
pub fn LikelyDuplicates(
    /// Companies or contacts.
    table: Table,
    /// What is typed now.
    #[prop(into)]
    probe: Signal<Probe>,
    /// The record being edited, which is no duplicate of itself.
    except: String,
) -> impl IntoView {
    let locale = use_locale();
    let found = RwSignal::new(Vec::<Candidate>::new());
    let except = StoredValue::new(except);
    // Each look has a number: an answer to an older one is dropped.
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        let probe = probe.get();
        crate::sync::version();
        let n = asked.get_value() + 1;
        asked.set_value(n);
        leptos::task::spawn_local(async move {
            let candidates = look(table, probe, except.get_value()).await;
            if asked.get_value() == n {
                found.set(candidates);
            }
        });
    });
    move || {
        let list = found.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|c| {
                    let why = super::Reason::listed(locale, &c.reasons);
                    view! {
                        <li>
                            <A href=table.href(&c.id) attr:class="row-link">
                                <span class="row-title" dir="auto">{c.name}</span>
                                <span class="row-sub muted">
                                    <bdi>{c.detail.unwrap_or_default()}</bdi>
                                    " "
                                    <bdi dir="ltr">{c.phone.unwrap_or_default()}</bdi>
                                </span>
                                <span class="dup-why">{why}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <aside class="panel duplicates" role="status" aria-labelledby="dup-h">
                    <h2 id="dup-h">{t(Key::DupTitle)}</h2>
                    <p class="muted">{t(Key::DupLead)}</p>
                    <ul class="rows">{items}</ul>
                </aside>
            }
        })
    }
}
