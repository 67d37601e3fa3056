use leptos::prelude::*;
use leptos_router::components::A;

use crate::activities::load_today;
use crate::activities::views::timeline::ActivityRow;
use crate::auth::Actor;
use crate::deals::views::rows::StalledRows;
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;
use crate::ui::parts::{ErrorNote, Loading, settled};

#[component]
pub fn TodayPage() -> impl IntoView {
    let locale = use_locale();
    let actor = use_context::<Actor>();
    let greeting = actor.map(|a| {
        crate::fill!(
            locale,
            Key::TodayGreeting,
            name = a.name.split(' ').next().unwrap_or(&a.name)
        )
    });
    let data = Resource::new(crate::sync::version, |_| load_today());
    view! {
        <main class="page">
            <header class="page-head">
                <div>
                    <h1>{t(Key::Today)}</h1>
                    <p class="muted">{greeting}</p>
                </div>
                <A href="/activities/new" attr:class="button primary">
                    {Icon::Plus.view()}
                    <span>{t(Key::NewActivity)}</span>
                </A>
            </header>
            <Suspense fallback=Loading>
                {settled(data, move |answer| {
                    match answer {
                        Ok(d) => {
                            let nothing = d.overdue.is_empty() && d.due_today.is_empty();
                            let overdue = (!d.overdue.is_empty()).then(|| {
                                let rows = d.overdue.into_iter().map(|item| view! { <ActivityRow item /> }).collect_view();
                                view! {
                                    <section class="panel urgent" aria-labelledby="overdue-h">
                                        <h2 id="overdue-h">{t(Key::Overdue)}</h2>
                                        <ul class="timeline">{rows}</ul>
                                    </section>
                                }
                            });
                            let due = d.due_today.into_iter().map(|item| view! { <ActivityRow item /> }).collect_view();
                            let closing = d
                                .closing
                                .into_iter()
                                .map(|deal| {
                                    let close = deal.expected_close.as_deref().unwrap_or_default().to_owned();
                                    let when = locale.relative_day(&close, &d.today).unwrap_or_else(|| locale.date(&close));
                                    view! {
                                        <li><A href=format!("/deals/{}", deal.id) attr:class="row-link">
                                            <span class="row-title" dir="auto">{deal.title}</span>
                                            <span class="row-sub">
                                                {locale.amount(deal.value, deal.currency)} {locale.text(Key::ListSeparator)}
                                                <time datetime=close.clone() title=locale.date(&close)>{when}</time>
                                            </span>
                                        </A></li>
                                    }
                                })
                                .collect_view();
                            let stalled = (!d.stalled.is_empty()).then(|| {
                                let more = (d.stalled_count > d.stalled.len() as i64).then(|| {
                                    let text = locale.count(Key::AllStalled, d.stalled_count);
                                    view! { <A href="/deals?stalled=1" attr:class="more-link">{text}</A> }
                                });
                                view! {
                                    <section class="panel" aria-labelledby="stalled-h">
                                        <h2 id="stalled-h">{t(Key::Stalled)}</h2>
                                        <p class="muted">{t(Key::StalledLead)}</p>
                                        <StalledRows deals=d.stalled />
                                        {more}
                                    </section>
                                }
                            });
                            let cases = (!d.cases.is_empty()).then(|| {
                                let (cases, zone) = (d.cases, d.case_zone);
                                view! {
                                    <section class="panel" aria-labelledby="cases-h">
                                        <h2 id="cases-h">{t(Key::CasesDueToday)}</h2>
                                        <crate::cases::views::CaseRows cases zone />
                                    </section>
                                }
                            });
                            view! {
                                {overdue}
                                {cases}
                                <section class="panel" aria-labelledby="due-h">
                                    <h2 id="due-h">{t(Key::DueToday)}</h2>
                                    {nothing.then(|| view! { <p class="muted">{t(Key::NothingDue)}</p> })}
                                    <ul class="timeline">{due}</ul>
                                </section>
                                <section class="panel" aria-labelledby="closing-h">
                                    <h2 id="closing-h">{t(Key::ClosingSoon)}</h2>
                                    <ul class="rows">{closing}</ul>
                                </section>
                                {stalled}
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorNote error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
