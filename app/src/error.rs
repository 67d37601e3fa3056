//! The one error type that crosses server functions. It carries no internal detail: the
//! server logs that and sends `Internal` alone.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::i18n::Key;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthorized,
    /// The session's user was deactivated: the device drops its copy.
    #[error("account deactivated")]
    AccountClosed,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// The record is in the Trash: it can be restored.
    #[error("deleted")]
    Deleted,
    #[error("invalid input")]
    Validation(FieldErrors),
    /// The record changed since the editor loaded it.
    #[error("changed by someone else")]
    Conflict,
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error")]
    Internal,
    /// The request never got an answer (client side only): the network or the server is down.
    #[error("network error")]
    Network,
    /// The record is outside what this device keeps, and the server cannot be reached to
    /// show it (client side only).
    #[error("not on this device")]
    NotOnDevice,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::AccountClosed => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Deleted => 410,
            AppError::Validation(_) => 422,
            AppError::Conflict => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Internal | AppError::Network | AppError::NotOnDevice => 500,
        }
    }

    /// A single form-level validation message (not tied to one field).
    pub fn form(problem: Problem) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(FORM, problem);
        AppError::Validation(errors)
    }

    pub fn message_key(&self) -> Key {
        match self {
            AppError::Unauthorized => Key::ErrUnauthorized,
            AppError::AccountClosed => Key::ErrAccountClosed,
            AppError::Forbidden => Key::ErrForbidden,
            AppError::NotFound => Key::ErrNotFound,
            AppError::Deleted => Key::ErrDeleted,
            AppError::Validation(_) => Key::ErrValidation,
            AppError::Conflict => Key::ErrConflict,
            AppError::RateLimited { .. } => Key::ErrRateLimited,
            AppError::Internal => Key::ErrInternal,
            AppError::Network => Key::ErrNetwork,
            AppError::NotOnDevice => Key::ErrNotOnDevice,
        }
    }

    pub fn field_errors(&self) -> Option<&FieldErrors> {
        match self {
            AppError::Validation(errors) => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            // Malformed arguments can only come from a client that is not ours.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::form(Problem::Malformed)
            }
            _ => AppError::Internal,
        }
    }
}

/// The field name used for problems that concern the whole form.
pub const FORM: &str = "form";

/// What is wrong with one field. The UI turns it into words in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    InvalidEmail,
    InvalidPhone,
    InvalidUrl,
    InvalidDate,
    InvalidTime,
    InvalidNumber,
    Negative,
    OutOfRange {
        min: i64,
        max: i64,
    },
    UnknownStage,
    UnknownCompany,
    UnknownContact,
    UnknownDeal,
    /// A deal source that is not on the organisation's list.
    UnknownSource,
    /// The same entry twice in a list that must not repeat.
    Duplicate,
    LostReasonRequired,
    WrongCredentials,
    Malformed,
    /// A pipeline needs at least one open, one won and one lost stage.
    StagesIncomplete,
    /// A stage that still holds deals cannot be removed.
    StageInUse,
    /// A device sent another change under a number it had already used.
    ChangeNumberReused,
    TooShort {
        min: u32,
    },
    /// One of the passwords people use most, which guessing tries first.
    CommonPassword,
    WrongPassword,
    /// A range whose last day comes before its first.
    EndBeforeStart,
    /// A case moved to a status its flow does not allow from where it is.
    StatusNotAllowed,
    /// Neither a phone number nor an e-mail address.
    PhoneOrEmail,
    /// A public form sent sooner after it was shown than a person fills it in.
    SentTooFast,
    /// A public form shown too long ago, or whose token is not ours.
    FormExpired,
    /// One address sent as many public complaints as an hour allows.
    TooManySent,
    /// Saving failed for a reason of ours; the sender may try again.
    NotSentTryAgain,
    /// A satisfaction survey asked for before the case is resolved.
    SurveyAfterResolve,
    /// A survey answer without a score on its scale.
    ChooseAScore,
    /// Working hours not written as "08:00-12:00, 13:00-17:00", or overlapping.
    InvalidHours,
    /// A working week without any working time.
    NoWorkingTime,
    /// A resolution promised sooner than the first response.
    ResolutionBeforeResponse,
    /// A time zone the server does not know.
    UnknownTimeZone,
    /// An exchange rate that is not a positive number.
    InvalidRate,
    /// Someone the actor may not give records to (another team's, or inactive).
    NotAssignable,
    /// An e-mail address another user already signs in with.
    EmailTaken,
    /// A sign-in link that was used already, has expired or never existed.
    LinkInvalid,
    /// The organisation would be left without an active admin.
    LastAdmin,
    /// A team name used already.
    TeamTaken,
    /// A list that is full.
    TooMany {
        max: u32,
    },
    /// A record the actor may see but not change.
    NotYours,
    /// A date that has not come yet where only a past one makes sense (when a deal was won).
    DateInFuture,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, Problem)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.push((field.to_owned(), problem));
    }

    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, p)| *p)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was added, so validation reads as `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self))
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
