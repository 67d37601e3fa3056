use leptos::prelude::*;
use leptos_router::components::A;

use crate::activities::{ActivityItem, ActivityKind};
use crate::i18n::{Key, t, use_locale};

/// A list of activities with a done toggle for the ones the user may change.
#[component]
pub fn Timeline(items: Vec<ActivityItem>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">{t(Key::NoActivities)}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| view! { <ActivityRow item /> })
        .collect_view();
    view! { <ul class="timeline">{rows}</ul> }.into_any()
}

#[component]
pub fn ActivityRow(item: ActivityItem) -> impl IntoView {
    let locale = use_locale();
    let done = RwSignal::new(item.done);
    let id = item.id.to_string();
    let toggle = Action::new(move |value: &bool| {
        let value = *value;
        crate::sync::change::<crate::activities::ActivityRow>(id.clone(), move |input| {
            input.done = value
        })
    });
    Effect::new(move |_| {
        if let Some(Err(_)) = toggle.value().get() {
            done.update(|d| *d = !*d);
        }
    });
    let checkbox = item.can_edit && item.kind != ActivityKind::Note;
    let subject = item.subject.clone();
    let label = move || {
        format!(
            "{}: {}",
            if done.get() {
                t(Key::MarkNotDone)
            } else {
                t(Key::MarkDone)
            },
            subject
        )
    };
    let due = item.due_date.clone().map(|d| {
        let text = match &item.due_time {
            Some(time) => format!("{} {}", locale.date(&d), locale.time(time)),
            None => locale.date(&d),
        };
        view! { <time datetime=d.to_string()>{text}</time> }
    });
    // Each name isolated, so Persian and English names keep their order in either direction.
    let context = [
        item.deal_title.clone(),
        item.contact_name.clone(),
        item.company_name.clone(),
        Some(item.owner_name.clone()),
    ]
    .into_iter()
    .flatten()
    .enumerate()
    .map(|(i, name)| view! { {(i > 0).then_some(t(Key::ListSeparator))}<bdi>{name}</bdi> })
    .collect_view();
    let edit = item.can_edit.then(|| view! { <A href=format!("/activities/{}/edit", item.id) attr:class="link-small">{t(Key::Edit)}</A> });
    view! {
        <li class="activity" class:done=move || done.get() data-kind=item.kind.code()>
            // The label around the box makes the whole 44 px square a touch target.
            {checkbox.then(|| view! {
                <label class="done-hit">
                    <input
                        type="checkbox"
                        class="done-toggle"
                        aria-label=label
                        prop:checked=move || done.get()
                        on:change=move |ev| {
                            let value = event_target_checked(&ev);
                            done.set(value);
                            toggle.dispatch(value);
                        }
                    />
                </label>
            })}
            <div class="activity-body">
                <p class="activity-title">
                    <span class="kind-badge">{t(item.kind.label())}</span>
                    <span dir="auto">{item.subject.clone()}</span>
                </p>
                {item.body.clone().map(|b| view! { <p class="activity-text" dir="auto">{b}</p> })}
                <p class="activity-meta muted">{due} " " {context}</p>
            </div>
            {edit}
        </li>
    }
}
