//! What someone typed into a server-rendered form before the app started. Hydration sets
//! each field to its signal's value, which would wipe that text (the page is drawn, and
//! usable as a page, well before the wasm arrives on a slow network), so it is read just
//! before hydration and handed to the field's signal once the field is live.

#[cfg(feature = "hydrate")]
thread_local! {
    static TYPED: std::cell::RefCell<std::collections::HashMap<String, String>> =
        Default::default();
}

/// Reads every text field whose value differs from what the server rendered. Called right
/// before hydration.
#[cfg(feature = "hydrate")]
pub fn remember() {
    use wasm_bindgen::JsCast;
    let Some(fields) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("input[id], textarea[id]").ok())
    else {
        return;
    };
    for i in 0..fields.length() {
        let Some(node) = fields.item(i) else { continue };
        let typed = if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            (input.value() != input.default_value()).then(|| (input.id(), input.value()))
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            (Ok(area.value()) != area.default_value()).then(|| (area.id(), area.value()))
        } else {
            None
        };
        if let Some((id, value)) = typed {
            TYPED.with(|t| t.borrow_mut().insert(id, value));
        }
    }
}

/// Gives the field with element id `id` what was typed into it before hydration, if its
/// signal is still empty.
pub fn adopt(id: String, value: leptos::prelude::RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        Effect::new(move |_| {
            if let Some(text) = TYPED.with(|t| t.borrow_mut().remove(&id))
                && value.get_untracked().is_empty()
            {
                value.set(text);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (id, value);
}
