//! Labelled form controls that show their own validation message, so every form reports
//! problems next to the field the same way.

use leptos::prelude::*;

use crate::error::FieldErrors;
use crate::i18n::{Key, t, use_locale};

/// Moves focus to the first field marked invalid, once the view has re-rendered, so the
/// user (and a screen reader) lands on what needs fixing.
pub fn focus_first_invalid() {
    request_animation_frame(|| {
        use wasm_bindgen::JsCast;
        let field = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid='true']").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
}

fn problem_text(
    errors: RwSignal<FieldErrors>,
    name: &'static str,
) -> impl Fn() -> Option<String> + Copy {
    let locale = use_locale();
    move || errors.with(|e| e.get(name)).map(|p| locale.problem(p))
}

#[component]
pub(crate) fn FieldShell(
    label: Key,
    name: &'static str,
    errors: RwSignal<FieldErrors>,
    #[prop(optional)] required: bool,
    children: Children,
) -> impl IntoView {
    let message = problem_text(errors, name);
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <div class="label-row">
                <label for=format!("f-{name}")>{t(label)}</label>
                {required.then(|| view! { <span class="required" aria-hidden="true">"*"</span> })}
            </div>
            {children()}
            <p class="field-error" id=format!("{name}-error") aria-live="polite">
                {message}
            </p>
        </div>
    }
}

#[component]
pub fn TextField(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] dir_auto: bool,
) -> impl IntoView {
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    super::typed::adopt(format!("f-{name}"), value);
    view! {
        <FieldShell label name errors required>
            <input
                id=format!("f-{name}")
                name=name
                type=kind
                inputmode=inputmode
                autocomplete=autocomplete.unwrap_or("off")
                dir=dir_auto.then_some("auto")
                aria-invalid=invalid
                aria-describedby=format!("{name}-error")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </FieldShell>
    }
}

#[component]
pub fn TextArea(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    super::typed::adopt(format!("f-{name}"), value);
    view! {
        <FieldShell label name errors>
            <textarea
                id=format!("f-{name}")
                name=name
                rows="4"
                dir="auto"
                aria-invalid=invalid
                aria-describedby=format!("{name}-error")
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </FieldShell>
    }
}

/// A native `<select>`, so phones show their own picker.
#[component]
pub fn SelectField(
    label: Key,
    name: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    options: Vec<(String, String)>,
    /// The label of an empty first choice, for optional links.
    #[prop(optional)]
    empty: Option<Key>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let invalid = move || errors.with(|e| e.get(name).is_some()).to_string();
    let options = options
        .into_iter()
        .map(|(id, text)| {
            let selected_id = id.clone();
            view! { <option value=id selected=move || value.get() == selected_id>{text}</option> }
        })
        .collect_view();
    // The value again once the options are in the page: set while the select was still
    // empty (as it is made), the browser falls back to the first option.
    let select = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        let current = value.get();
        if let Some(select) = select.get() {
            select.set_value(&current);
        }
    });
    view! {
        <FieldShell label name errors required>
            <select
                node_ref=select
                id=format!("f-{name}")
                name=name
                aria-invalid=invalid
                aria-describedby=format!("{name}-error")
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {empty.map(|key| view! { <option value="" selected=move || value.get().is_empty()>{t(key)}</option> })}
                {options}
            </select>
        </FieldShell>
    }
}

#[component]
pub fn CheckboxField(label: Key, name: &'static str, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="field checkbox">
            <input
                id=format!("f-{name}")
                name=name
                type="checkbox"
                prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev))
            />
            <label for=format!("f-{name}")>{t(label)}</label>
        </div>
    }
}
