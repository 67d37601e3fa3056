//! What a form shows when a save is refused: each problem next to its field, the rest in a
//! note under the form, and focus on the first field to fix. One place for every form, so
//! they all answer the same way.

use leptos::prelude::*;

use crate::error::{AppError, FieldErrors};

#[derive(Clone, Copy)]
pub struct Problems {
    /// Problems by field, shown next to each.
    pub errors: RwSignal<FieldErrors>,
    /// What went wrong, for the note under the form.
    pub failure: RwSignal<Option<AppError>>,
}

impl Default for Problems {
    fn default() -> Self {
        Problems {
            errors: RwSignal::new(FieldErrors::default()),
            failure: RwSignal::new(None),
        }
    }
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn show(self, error: AppError) {
        self.errors
            .set(error.field_errors().cloned().unwrap_or_default());
        crate::ui::fields::focus_first_invalid();
        self.failure.set(Some(error));
    }

    /// Before a new attempt: nothing shown.
    pub fn clear(self) {
        self.errors.set(FieldErrors::default());
        self.failure.set(None);
    }

    /// Shows the problems of each answer `action` gets; `done` gets each success, once the
    /// problems of an earlier attempt are cleared.
    pub fn follow<I, O>(self, action: Action<I, Result<O, AppError>>, done: impl Fn(O) + 'static)
    where
        I: Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
    {
        Effect::new(move |_| match action.value().get() {
            Some(Ok(value)) => {
                self.clear();
                done(value);
            }
            Some(Err(error)) => self.show(error),
            None => {}
        });
    }
}
