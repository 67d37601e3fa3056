//! The browser's part of an import: sending the file untouched and following the run.

use wasm_bindgen::prelude::*;

use super::{Status, Upload};
use crate::error::AppError;

#[wasm_bindgen(module = "/src/import/upload.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn upload_file(input_id: &str, kind: &str) -> Result<JsValue, JsValue>;
    fn follow(id: &str, on_status: &Closure<dyn FnMut(String)>) -> js_sys::Function;
}

/// Sends the file chosen in input `input_id` to be imported as `kind`.
pub async fn upload(input_id: &str, kind: &str) -> Result<Upload, AppError> {
    match upload_file(input_id, kind).await {
        Ok(text) => text
            .as_string()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or(AppError::Internal),
        Err(thrown) => {
            let thrown = thrown.as_string().unwrap_or_default();
            let (status, body) = thrown.split_once('\n').unwrap_or(("0", ""));
            Err(match status {
                "0" => AppError::Network,
                // The body limit answers before the handler can say it in our words.
                "413" => AppError::form(crate::error::Problem::TooLong {
                    max: super::MAX_FILE as u32,
                }),
                _ => serde_json::from_str(body).unwrap_or(AppError::Internal),
            })
        }
    }
}

/// Follows import `id`: `on_status` gets each status, `None` when the stream broke off.
/// Answers what stops following.
pub fn watch<F: FnMut(Option<Status>) + 'static>(
    id: &str,
    mut on_status: F,
) -> impl FnOnce() + use<F> {
    let closure = Closure::<dyn FnMut(String)>::new(move |text: String| {
        on_status(serde_json::from_str(&text).ok());
    });
    let stop = follow(id, &closure);
    move || {
        let _ = stop.call0(&JsValue::NULL);
        drop(closure);
    }
}
