//! The **Duplicates** page (`/data/duplicates`, managers and admins): the groups of likely
//! duplicates among the companies and contacts the user may see, from the device's copy when
//! it holds everything (offline too), else from the server, by one rule ([`super::scan`]).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use leptos_router::components::A;

use super::scan::{Group, scan};
use crate::error::AppError;
use crate::i18n::{Key, t, use_locale};
use crate::kinds::Table;
use crate::ui::parts::loaded;

/// Both kinds' groups.
fn groups(replica: &crate::sync::replica::Replica) -> Vec<Group> {
    let mut all = scan(replica, Table::Company);
    all.extend(scan(replica, Table::Contact));
    all
}

fn may_scan(actor: Option<&crate::auth::Actor>) -> Result<(), AppError> {
    match actor.map(|a| a.role) {
        Some(crate::auth::Role::Admin | crate::auth::Role::Manager) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

#[server(endpoint = "duplicates/scan", input = Json)]
pub async fn load_server_duplicates() -> Result<Vec<Group>, AppError> {
    crate::server::respond(async move { server_groups(&crate::server::cx().await?).await }).await
}

/// The groups among what `cx`'s user may see, worked out on the server.
#[cfg(feature = "ssr")]
pub async fn server_groups(cx: &crate::server::Cx) -> Result<Vec<Group>, AppError> {
    may_scan(Some(&cx.actor))?;
    let mut replica = crate::sync::replica::Replica::default();
    let companies: Vec<crate::companies::CompanyRow> =
        crate::export::ssr::rows(cx, "true".into(), |q| q).await?;
    let contacts: Vec<crate::contacts::ContactRow> =
        crate::export::ssr::rows(cx, "true".into(), |q| q).await?;
    replica.companies = companies.into_iter().map(|c| (c.id.clone(), c)).collect();
    replica.contacts = contacts.into_iter().map(|c| (c.id.clone(), c)).collect();
    Ok(groups(&replica))
}

pub async fn load_duplicates() -> Result<Vec<Group>, AppError> {
    crate::sync::read(
        |replica| {
            may_scan(replica.me())?;
            Ok(groups(replica))
        },
        load_server_duplicates(),
    )
    .await
}

#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let data = Resource::new(crate::sync::version, |_| load_duplicates());
    view! {
        <main class="page narrow">
            <crate::ui::parts::BackLink href="/settings".into() label=t(Key::Settings) />
            <header class="page-head"><h1>{t(Key::Duplicates)}</h1></header>
            <p class="muted">{t(Key::DuplicatesLead)}</p>
            {loaded(data, |groups| view! { <Groups groups /> })}
        </main>
    }
}

#[component]
fn Groups(groups: Vec<Group>) -> impl IntoView {
    let locale = use_locale();
    if groups.is_empty() {
        return view! { <p class="empty">{t(Key::DuplicatesNone)}</p> }.into_any();
    }
    let section = |table: Table, heading: Key| {
        let list: Vec<Group> = groups
            .iter()
            .filter(|g| g.table == table)
            .cloned()
            .collect();
        (!list.is_empty()).then(|| {
            let count = locale.count(Key::DuplicateGroups, list.len() as i64);
            let cards = list
                .into_iter()
                .map(|g| {
                    let why = super::Reason::listed(locale, &g.reasons);
                    let score = crate::fill!(locale, Key::DuplicateScore, score = &locale.number(i64::from(g.score)));
                    let first = g.members.first().map(|m| m.id.clone());
                    let members = g
                        .members
                        .into_iter()
                        .enumerate()
                        .map(|(i, m)| {
                            let href = table.href(&m.id);
                            // Each later record merges with the group's first, a pair at a time.
                            let merge = first.as_ref().filter(|_| i > 0).map(|id| {
                                let href = format!(
                                    "/data/duplicates/merge?kind={}&a={id}&b={}",
                                    table.name(),
                                    m.id
                                );
                                view! { <A href=href attr:class="button">{t(Key::Merge)}</A> }
                            });
                            view! {
                                <li class="duplicate-member">
                                    <A href=href attr:class="row-link">
                                        <span class="row-title" dir="auto">{m.name}</span>
                                        {m.detail.map(|d| view! { <span class="muted" dir="auto">{d}</span> })}
                                    </A>
                                    {merge}
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li class="card duplicate-group">
                            <p><strong>{score}</strong>{locale.text(Key::ListSeparator)}{why}</p>
                            <ul class="rows">{members}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section aria-labelledby=format!("dup-{}", table.name())>
                    <h2 id=format!("dup-{}", table.name())>{t(heading)}" "<span class="muted">{count}</span></h2>
                    <ul class="cards">{cards}</ul>
                </section>
            }
        })
    };
    view! {
        {section(Table::Company, Key::Companies)}
        {section(Table::Contact, Key::Contacts)}
    }
    .into_any()
}
