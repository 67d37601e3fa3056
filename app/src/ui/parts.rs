//! Small pieces of page furniture.

use leptos::prelude::*;

use crate::kinds::Table;
use leptos_router::components::A;

use crate::error::{AppError, FORM};
use crate::history::{self, Change};
use crate::i18n::{Key, t, use_locale};
use crate::ui::icons::Icon;

/// The message for a failed request; validation errors show next to their fields instead.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let locale = use_locale();
    let text = match &error {
        AppError::RateLimited { retry_after_secs } => crate::fill!(
            locale,
            Key::ErrRateLimited,
            seconds = &locale.number(i64::try_from(*retry_after_secs).unwrap_or(i64::MAX)),
        ),
        AppError::Validation(errors) => match errors.get(FORM) {
            Some(problem) => locale.problem(problem),
            None => locale.text(Key::ErrValidation).to_owned(),
        },
        other => locale.text(other.message_key()).to_owned(),
    };
    view! { <p class="error-note" role="alert">{text}</p> }
}

/// A page's data from the server: "Loading…" until it arrives, then `render`'s view, or the
/// error in words. Every page loads this way, so they all fail the same, readable way.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    loaded_or(data, render, |error| {
        view! { <ErrorNote error /> }.into_any()
    })
}

/// [`loaded`], with the page's own view of an error (a record page: where a merged record went).
pub fn loaded_or<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
    failed: impl Fn(AppError) -> AnyView + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=Loading>
            {settled(data, move |answer| match answer {
                Ok(value) => render(value).into_any(),
                Err(error) => failed(error),
            })}
        </Transition>
    }
}

/// Draws a resource's answer: waits for the first one (so server rendering and hydration
/// have it), then redraws only when an answer differs from the one drawn. Pages load again
/// whenever the device's copy changes, and most answers are the same (the device's copy
/// taking over from the server's answer, a sync that changed nothing on this page); drawing
/// those again would replace the page's elements, a flash and a late largest paint.
pub fn settled<T, F>(data: Resource<Result<T, AppError>>, draw: F) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(Result<T, AppError>) -> AnyView + Clone + Send + Sync + 'static,
{
    let shown = Memo::new(move |_| data.get());
    move || {
        let draw = draw.clone();
        Suspend::new(async move {
            drop(FirstAnswer(data.into_future()).await);
            move || shown.get().map(draw.clone())
        })
    }
}

/// Waits for a resource without subscribing the waiting view to its later answers (the
/// suspense around it still waits for the first).
struct FirstAnswer<F>(F);

impl<F: Future + Unpin> Future for FirstAnswer<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let inner = &mut self.0;
        untrack(|| std::pin::Pin::new(inner).poll(cx))
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">{t(Key::Loading)}</p> }
}

#[component]
pub fn BackLink(href: String, #[prop(into)] label: String) -> impl IntoView {
    view! {
        <A href=href attr:class="back-link">
            {Icon::Back.view()}
            <span>{label}</span>
        </A>
    }
}

#[component]
pub fn HistoryList(table: Table, changes: Vec<Change>) -> impl IntoView {
    let locale = use_locale();
    if changes.is_empty() {
        return view! { <p class="muted">{t(Key::HistoryEmpty)}</p> }.into_any();
    }
    let rows = changes
        .into_iter()
        .map(|c| {
            // Drawn only in the browser (see `HistorySection`), so "now" is the device's.
            let when = locale.moment(&c.at, crate::calendar::device_now());
            let marks = [
                history::CREATED,
                history::DELETED,
                history::RESTORED,
                history::IMPORT_UNDONE,
                history::MERGED,
                history::MERGED_INTO,
                history::MERGE_UNDONE,
            ];
            let other = locale.isolate(c.new.as_deref().or(c.old.as_deref()).unwrap_or_default());
            let what = if c.field == history::CREATED {
                crate::fill!(locale, Key::HistoryCreated, who = &c.by_name)
            } else if c.field == history::DELETED {
                crate::fill!(locale, Key::HistoryDeleted, who = &c.by_name)
            } else if c.field == history::RESTORED {
                crate::fill!(locale, Key::HistoryRestored, who = &c.by_name)
            } else if c.field == history::IMPORT_UNDONE {
                crate::fill!(locale, Key::HistoryImportUndone, who = &c.by_name)
            } else if c.field == history::MERGED {
                crate::fill!(locale, Key::HistoryMerged, who = &c.by_name, name = &other)
            } else if c.field == history::MERGED_INTO {
                crate::fill!(locale, Key::HistoryMergedInto, who = &c.by_name, name = &other)
            } else if c.field == history::MERGE_UNDONE {
                crate::fill!(locale, Key::HistoryMergeUndone, who = &c.by_name, name = &other)
            } else {
                crate::fill!(locale, Key::HistoryChanged, who = &c.by_name, field = locale.text(crate::kinds::field_label(table, &c.field)))
            };
            let detail = (!marks.contains(&c.field.as_str())).then(|| {
                let none = locale.text(Key::None_);
                let shown = crate::kinds::field_shown(table, &c.field);
                // Each value isolated in its own direction (two phone numbers stay in their
                // order in a Persian line), and the arrow pointing the way the line reads.
                let value = |v: Option<&str>| {
                    let text = v.map_or_else(|| none.to_owned(), |v| history::shown_value(locale, shown, v));
                    let dir = crate::text::direction(&text);
                    view! { <bdi dir=dir>{text}</bdi> }
                };
                view! {
                    <span class="history-values">
                        <del>{value(c.old.as_deref())}</del>
                        {locale.text(Key::HistoryArrow)}
                        <ins>{value(c.new.as_deref())}</ins>
                    </span>
                }
            });
            let of = c.of.clone().map(|name| view! { <span class="muted"><bdi>{name}</bdi>{locale.text(Key::ListSeparator)}</span> });
            view! {
                <li>
                    <time datetime=c.at.clone()>{when}</time>
                    <span>{of}{what}</span>
                    {detail}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="history">{rows}</ol> }.into_any()
}

/// A record's history, fetched from the server (devices do not keep it); offline it says so.
/// Loaded only in the browser, after the page, so the page itself never waits for it.
#[component]
pub fn HistorySection(table: Table, id: String) -> impl IntoView {
    let id = StoredValue::new(id);
    let state = RwSignal::new(None::<Result<Vec<Change>, AppError>>);
    Effect::new(move |_| {
        crate::sync::version();
        let id = id.get_value();
        leptos::task::spawn_local(async move {
            state.set(Some(history::history_of(table, id).await));
        });
    });
    move || match state.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(changes)) => view! { <HistoryList table changes /> }.into_any(),
        Some(Err(AppError::Network)) => {
            view! { <p class="muted">{t(Key::HistoryOffline)}</p> }.into_any()
        }
        // Made on this device and not synced yet: the server has no history for it.
        Some(Err(AppError::NotFound)) => {
            view! { <HistoryList table changes=Vec::new() /> }.into_any()
        }
        Some(Err(error)) => view! { <ErrorNote error /> }.into_any(),
    }
}

/// A link that dials, mails or maps: the phone's own apps do the rest.
#[component]
pub fn ActionLink(href: String, icon: Icon, label: String, text: String) -> impl IntoView {
    view! {
        <a class="action-link" href=href aria-label=label>
            {icon.view()}
            <bdi>{text}</bdi>
        </a>
    }
}

pub fn tel_href(phone: &str) -> String {
    let dialable: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{dialable}")
}

pub fn map_href(address: &str) -> String {
    let encoded: String = address
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect();
    format!("https://www.openstreetmap.org/search?query={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_for_phone_apps() {
        assert_eq!(tel_href("+98 (912) 345-6789"), "tel:+989123456789");
        assert_eq!(
            map_href("Vali Asr St, Tehran"),
            "https://www.openstreetmap.org/search?query=Vali+Asr+St%2C+Tehran"
        );
    }
}
