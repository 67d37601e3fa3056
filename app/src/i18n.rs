//! Every word the user reads goes through here. Messages are an enum, so a language that lacks
//! one fails to compile instead of showing a raw key.

mod en;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Problem;

pub use en::Key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
}

impl Locale {
    pub fn lang(self) -> &'static str {
        match self {
            Locale::En => "en",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Locale::En => "ltr",
        }
    }

    pub fn text(self, key: Key) -> &'static str {
        match self {
            Locale::En => en::text(key),
        }
    }

    /// A message with `{name}` placeholders filled in.
    pub fn format(self, key: Key, args: &[(&str, &str)]) -> String {
        let mut out = self.text(key).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    pub fn problem(self, problem: Problem) -> String {
        match problem {
            Problem::Required => self.text(Key::ProblemRequired).into(),
            Problem::TooLong { max } => self.format(Key::ProblemTooLong, &[("max", &max.to_string())]),
            Problem::InvalidEmail => self.text(Key::ProblemInvalidEmail).into(),
            Problem::InvalidPhone => self.text(Key::ProblemInvalidPhone).into(),
            Problem::InvalidUrl => self.text(Key::ProblemInvalidUrl).into(),
            Problem::InvalidDate => self.text(Key::ProblemInvalidDate).into(),
            Problem::InvalidTime => self.text(Key::ProblemInvalidTime).into(),
            Problem::InvalidNumber => self.text(Key::ProblemInvalidNumber).into(),
            Problem::Negative => self.text(Key::ProblemNegative).into(),
            Problem::OutOfRange { min, max } => self.format(
                Key::ProblemOutOfRange,
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            Problem::UnknownStage => self.text(Key::ProblemUnknownStage).into(),
            Problem::UnknownCompany => self.text(Key::ProblemUnknownCompany).into(),
            Problem::UnknownContact => self.text(Key::ProblemUnknownContact).into(),
            Problem::UnknownDeal => self.text(Key::ProblemUnknownDeal).into(),
            Problem::LostReasonRequired => self.text(Key::ProblemLostReasonRequired).into(),
            Problem::WrongCredentials => self.text(Key::ProblemWrongCredentials).into(),
            Problem::Malformed => self.text(Key::ProblemMalformed).into(),
            Problem::StagesIncomplete => self.text(Key::ProblemStagesIncomplete).into(),
            Problem::StageInUse => self.text(Key::ProblemStageInUse).into(),
        }
    }
}

/// The locale of the current view, provided once at the top of the app.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// Shorthand for views: `t(Key::Save)`.
pub fn t(key: Key) -> &'static str {
    use_locale().text(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_english_text_without_stray_placeholders() {
        for key in Key::ALL {
            let text = Locale::En.text(*key);
            assert!(!text.trim().is_empty(), "{key:?} has no English text");
            assert_eq!(text.matches('{').count(), text.matches('}').count(), "{key:?}");
        }
    }

    #[test]
    fn format_fills_named_placeholders() {
        assert_eq!(
            Locale::En.format(Key::ProblemTooLong, &[("max", "80")]),
            "Use at most 80 characters."
        );
    }
}
