//! What every record form does around its fields: it checks the rules that need no server,
//! saves through the outbox (so it works offline), then opens where the record is shown.
//! Problems go next to their fields, and focus moves to the first of them.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::error::{AppError, FieldErrors};
use crate::sync::replica::Synced;

pub struct RecordForm<R: Synced> {
    /// Problems by field, shown next to each.
    pub errors: RwSignal<FieldErrors>,
    /// What went wrong, for the note under the form.
    pub failure: RwSignal<Option<AppError>>,
    save: Action<(String, R::Input), Result<String, AppError>>,
}

impl<R: Synced> Clone for RecordForm<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Synced> Copy for RecordForm<R> {}

impl<R: Synced> RecordForm<R> {
    /// `before` is the record as the form opened it (`None` for a new one); `then` says
    /// where to go once it is saved, given its id.
    pub fn new(before: Option<R::Input>, then: impl Fn(String) -> String + 'static) -> Self {
        let errors = RwSignal::new(FieldErrors::default());
        let failure = RwSignal::new(None::<AppError>);
        let save = Action::new(move |(id, input): &(String, R::Input)| {
            crate::sync::save::<R>(before.clone(), input.clone(), id.clone())
        });
        let form = RecordForm {
            errors,
            failure,
            save,
        };
        let navigate = use_navigate();
        Effect::new(move |_| match save.value().get() {
            Some(Ok(id)) => navigate(&then(id), Default::default()),
            Some(Err(error)) => form.show(error),
            None => {}
        });
        form
    }

    /// Saves `input` (record `id`) if `checked`, the form's own rules, passed.
    pub fn submit(self, id: String, input: R::Input, checked: Result<(), AppError>) {
        self.failure.set(None);
        match checked {
            Ok(()) => {
                self.errors.set(FieldErrors::default());
                self.save.dispatch((id, input));
            }
            Err(error) => self.show(error),
        }
    }

    pub fn pending(self) -> bool {
        self.save.pending().get()
    }

    fn show(self, error: AppError) {
        let (errors, failure) = (self.errors, self.failure);
        crate::ui::problems::Problems { errors, failure }.show(error);
    }
}
