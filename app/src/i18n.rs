//! Every word the user reads goes through here. Messages are an enum, so a language that lacks
//! one fails to compile instead of showing a raw key. Numbers, dates and amounts are
//! formatted here too (`format.rs`), because which digits and calendar to use is part of
//! the language.

pub mod en;
mod fa;
mod format;

pub use format::WEEKDAYS;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::Problem;

pub use en::Key;

/// CLDR plural categories Hamrah's languages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    One,
    Other,
}

/// Checked when the crate compiles: every message fills the same blanks in both languages,
/// and a "one" form the same as its message. A translation that drops or misspells a
/// `{placeholder}` is a build error, not a blank on someone's screen.
const _: () = {
    let mut i = 0;
    while i < Key::ALL.len() {
        let key = Key::ALL[i];
        assert!(
            same_placeholders(en::text(key), fa::text(key)),
            "a Persian message fills other blanks than its English one (see the test for which)"
        );
        if let Some(one) = en::one(key) {
            assert!(
                same_placeholders(en::text(key), one),
                "an English one-form fills other blanks"
            );
        }
        if let Some(one) = fa::one(key) {
            assert!(
                same_placeholders(fa::text(key), one),
                "a Persian one-form fills other blanks"
            );
        }
        i += 1;
    }
};

/// A message in `locale` with its `{placeholders}` filled: `fill!(locale, Key::Call, number =
/// phone)`. The names given must be exactly the message's placeholders, which is checked when
/// the crate compiles (the Persian text is held to the same placeholders above), so a misspelt
/// or forgotten argument is a build error, not a `{blank}` on someone's screen.
#[macro_export]
macro_rules! fill {
    ($locale:expr, $key:expr $(, $name:ident = $value:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::i18n::fills_exactly($crate::i18n::en::text($key), &[$(stringify!($name)),*]),
            "the names given are not the message's placeholders"
        );
        $locale.format($key, &[$((stringify!($name), ::core::convert::AsRef::<str>::as_ref(&$value))),*])
    }};
}

/// Whether `names` are exactly the `{placeholders}` of `text`.
pub const fn fills_exactly(text: &str, names: &[&str]) -> bool {
    let t = text.as_bytes();
    // Every placeholder is named…
    let mut at = 0;
    while let Some((start, end)) = next_placeholder(t, at) {
        let mut named = false;
        let mut n = 0;
        while n < names.len() {
            named = named || same_bytes(names[n].as_bytes(), t, start + 1, end - 1);
            n += 1;
        }
        if !named {
            return false;
        }
        at = end;
    }
    // …and every name is a placeholder.
    let mut n = 0;
    while n < names.len() {
        let mut found = false;
        let mut at = 0;
        while let Some((start, end)) = next_placeholder(t, at) {
            found = found || same_bytes(names[n].as_bytes(), t, start + 1, end - 1);
            at = end;
        }
        if !found {
            return false;
        }
        n += 1;
    }
    !unclosed(t)
}

/// The next `{name}` in `t` from `at`, as the range of its bytes, braces included.
const fn next_placeholder(t: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut i = at;
    while i < t.len() {
        if t[i] == b'{' {
            let mut end = i + 1;
            while end < t.len() && t[end] != b'}' {
                end += 1;
            }
            return if end == t.len() {
                None
            } else {
                Some((i, end + 1))
            };
        }
        i += 1;
    }
    None
}

/// Whether `t` opens a placeholder it never closes.
const fn unclosed(t: &[u8]) -> bool {
    let mut at = 0;
    while let Some((_, end)) = next_placeholder(t, at) {
        at = end;
    }
    let mut i = at;
    while i < t.len() {
        if t[i] == b'{' {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `t[from..to]` is `a`.
const fn same_bytes(a: &[u8], t: &[u8], from: usize, to: usize) -> bool {
    if a.len() != to - from {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != t[from + k] {
            return false;
        }
        k += 1;
    }
    true
}

/// Whether every `{name}` in `a` is in `b` and every one in `b` is in `a`.
const fn same_placeholders(a: &str, b: &str) -> bool {
    placeholders_within(a.as_bytes(), b.as_bytes())
        && placeholders_within(b.as_bytes(), a.as_bytes())
}

/// Whether every `{name}` of `a` occurs in `b`.
const fn placeholders_within(a: &[u8], b: &[u8]) -> bool {
    let mut at = 0;
    while let Some((start, end)) = next_placeholder(a, at) {
        if !occurs(b, a, start, end) {
            return false;
        }
        at = end;
    }
    !unclosed(a)
}

/// Whether `needle[from..to]` occurs in `hay`.
const fn occurs(hay: &[u8], needle: &[u8], from: usize, to: usize) -> bool {
    let len = to - from;
    let mut start = 0;
    while start + len <= hay.len() {
        let mut k = 0;
        while k < len && hay[start + k] == needle[from + k] {
            k += 1;
        }
        if k == len {
            return true;
        }
        start += 1;
    }
    false
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Fa,
}

/// The cookie that remembers a device's language for pages shown before sign-in; once
/// signed in, the user's saved choice decides.
pub const LANGUAGE_COOKIE: &str = "hamrah_lang";

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fa];

    pub fn lang(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fa => "fa",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Locale::En => "ltr",
            Locale::Fa => "rtl",
        }
    }

    /// `text` (a name put into a sentence) kept in its own direction: in a right-to-left
    /// sentence an English name would otherwise pull the words around it out of order.
    /// Left-to-right sentences keep names as they are, so their text reads plainly.
    pub fn isolate(self, text: &str) -> String {
        match self {
            Locale::En => text.to_owned(),
            Locale::Fa => format!("\u{2068}{text}\u{2069}"),
        }
    }

    /// The language's own name, as a language menu shows it.
    pub fn name(self) -> &'static str {
        self.text(match self {
            Locale::En => Key::LanguageEnglish,
            Locale::Fa => Key::LanguagePersian,
        })
    }

    /// `fa`, `fa-IR`, `en-GB`…: the language part decides.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Locale::ALL.into_iter().find(|l| l.lang() == primary)
    }

    /// The first language in an `Accept-Language` header that Hamrah speaks, by preference.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut offers: Vec<(f32, Locale)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let locale = Locale::from_tag(pieces.next()?)?;
                let quality = pieces
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, locale))
            })
            .collect();
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|(_, locale)| *locale)
    }

    pub fn text(self, key: Key) -> &'static str {
        match self {
            Locale::En => en::text(key),
            Locale::Fa => fa::text(key),
        }
    }

    /// The CLDR plural category of a whole number: English "one" is exactly 1; Persian "one"
    /// is 0 and 1 (`i = 0 or n = 1`).
    pub fn plural(self, n: i64) -> Plural {
        match (self, n) {
            (Locale::En, 1) | (Locale::Fa, 0 | 1) => Plural::One,
            _ => Plural::Other,
        }
    }

    /// A counted message, worded for `n` and with `{count}` written in this language's digits.
    pub fn count(self, key: Key, n: i64) -> String {
        let one = match self {
            Locale::En => en::one(key),
            Locale::Fa => fa::one(key),
        };
        let text = match (self.plural(n), one) {
            (Plural::One, Some(one)) => one,
            _ => self.text(key),
        };
        text.replace("{count}", &self.number(n))
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
            Problem::TooLong { max } => {
                crate::fill!(self, Key::ProblemTooLong, max = &max.to_string())
            }
            Problem::InvalidEmail => self.text(Key::ProblemInvalidEmail).into(),
            Problem::InvalidPhone => self.text(Key::ProblemInvalidPhone).into(),
            Problem::InvalidUrl => self.text(Key::ProblemInvalidUrl).into(),
            Problem::InvalidDate => self.text(Key::ProblemInvalidDate).into(),
            Problem::InvalidTime => self.text(Key::ProblemInvalidTime).into(),
            Problem::InvalidNumber => self.text(Key::ProblemInvalidNumber).into(),
            Problem::Negative => self.text(Key::ProblemNegative).into(),
            Problem::OutOfRange { min, max } => crate::fill!(
                self,
                Key::ProblemOutOfRange,
                min = &min.to_string(),
                max = &max.to_string()
            ),
            Problem::UnknownStage => self.text(Key::ProblemUnknownStage).into(),
            Problem::UnknownCompany => self.text(Key::ProblemUnknownCompany).into(),
            Problem::UnknownContact => self.text(Key::ProblemUnknownContact).into(),
            Problem::UnknownDeal => self.text(Key::ProblemUnknownDeal).into(),
            Problem::UnknownSource => self.text(Key::ProblemUnknownSource).into(),
            Problem::Duplicate => self.text(Key::ProblemDuplicate).into(),
            Problem::LostReasonRequired => self.text(Key::ProblemLostReasonRequired).into(),
            Problem::WrongCredentials => self.text(Key::ProblemWrongCredentials).into(),
            Problem::Malformed => self.text(Key::ProblemMalformed).into(),
            Problem::StagesIncomplete => self.text(Key::ProblemStagesIncomplete).into(),
            Problem::StageInUse => self.text(Key::ProblemStageInUse).into(),
            Problem::ChangeNumberReused => self.text(Key::ProblemChangeNumberReused).into(),
            Problem::TooShort { min } => crate::fill!(
                self,
                Key::ProblemTooShort,
                min = &self.number(i64::from(min))
            ),
            Problem::CommonPassword => self.text(Key::ProblemCommonPassword).into(),
            Problem::WrongPassword => self.text(Key::ProblemWrongPassword).into(),
            Problem::EndBeforeStart => self.text(Key::ProblemEndBeforeStart).into(),
            Problem::StatusNotAllowed => self.text(Key::ProblemStatusNotAllowed).into(),
            Problem::PhoneOrEmail => self.text(Key::ProblemPhoneOrEmail).into(),
            Problem::SentTooFast => self.text(Key::ProblemSentTooFast).into(),
            Problem::FormExpired => self.text(Key::ProblemFormExpired).into(),
            Problem::TooManySent => self.text(Key::ProblemTooManySent).into(),
            Problem::NotSentTryAgain => self.text(Key::ProblemNotSent).into(),
            Problem::SurveyAfterResolve => self.text(Key::ProblemSurveyAfterResolve).into(),
            Problem::ChooseAScore => self.text(Key::ProblemChooseAScore).into(),
            Problem::InvalidHours => self.text(Key::ProblemInvalidHours).into(),
            Problem::NoWorkingTime => self.text(Key::ProblemNoWorkingTime).into(),
            Problem::ResolutionBeforeResponse => {
                self.text(Key::ProblemResolutionBeforeResponse).into()
            }
            Problem::UnknownTimeZone => self.text(Key::ProblemUnknownZone).into(),
            Problem::InvalidRate => self.text(Key::ProblemRate).into(),
            Problem::NotAssignable => self.text(Key::ProblemNotAssignable).into(),
            Problem::DateInFuture => self.text(Key::ProblemDateInFuture).into(),
            Problem::EmailTaken => self.text(Key::ProblemEmailTaken).into(),
            Problem::LinkInvalid => self.text(Key::ProblemLinkInvalid).into(),
            Problem::LastAdmin => self.text(Key::ProblemLastAdmin).into(),
            Problem::TeamTaken => self.text(Key::ProblemTeamTaken).into(),
            Problem::NotYours => self.text(Key::ProblemNotYours).into(),
            Problem::TooMany { max } => crate::fill!(
                self,
                Key::ProblemTooMany,
                max = &self.number(i64::from(max))
            ),
        }
    }
}

/// The locale of the current view, provided at the top of the app (and again when the user
/// switches language, which redraws the app).
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The app's language, changeable while it runs. Signed in, the user's saved language
/// decides, unless they just chose another on this device (Settings, sign-in page).
#[derive(Clone, Copy)]
pub struct LanguageSetting {
    locale: RwSignal<Locale>,
    chosen: RwSignal<bool>,
}

impl LanguageSetting {
    /// A page the server rendered already speaks the saved language (the server read it from
    /// the database), and that beats a device copy that may not have pulled a new choice yet.
    /// Only the offline shell takes the language from the device's copy.
    pub fn new(initial: Locale) -> Self {
        LanguageSetting {
            locale: RwSignal::new(initial),
            chosen: RwSignal::new(!offline_shell()),
        }
    }

    pub fn get(self) -> Locale {
        self.locale.get()
    }

    pub fn choose(self, locale: Locale) {
        self.chosen.set(true);
        self.locale.set(locale);
    }

    /// The signed-in user's saved language, as the device's copy has it. Until that copy
    /// has pulled a new choice it holds the old one, so a choice made here, or a page the
    /// server rendered, wins over it.
    pub fn adopt(self, saved: Locale) {
        if !self.chosen.get_untracked() && self.locale.get_untracked() != saved {
            self.locale.set(saved);
        }
    }

    /// After signing in or out, the next user's own choice counts again.
    pub fn reset_choice(self) {
        self.chosen.set(false);
    }
}

fn offline_shell() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
            .is_some_and(|b| b.has_attribute("data-shell"))
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// Keeps the document and the device in step with the language: `<html lang dir>`, the
/// manifest, and a cookie and local note so the next page (even the offline shell) starts
/// in it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/i18n/document.js")]
extern "C" {
    #[wasm_bindgen(js_name = applyLanguage)]
    fn apply_language(lang: &str, dir: &str, manifest: &str);
}

/// Keeps the document and the device in step with the language (see `document.js`).
pub fn apply_to_document(locale: Locale) {
    #[cfg(feature = "hydrate")]
    apply_language(locale.lang(), locale.dir(), manifest(locale));
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
}

/// Each language has its own manifest, so an installed app is named in it.
pub fn manifest(locale: Locale) -> &'static str {
    match locale {
        Locale::En => "/manifest.webmanifest",
        Locale::Fa => "/manifest.fa.webmanifest",
    }
}

/// The language a page starts in. On the server the request decides (see the server's
/// `language` middleware); in the browser, the `<html lang>` the server (or, offline, the
/// shell's script) wrote, so hydration starts from exactly what was rendered.
pub fn initial_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Locale>().copied())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|lang| Locale::from_tag(&lang))
            .unwrap_or_default()
    }
}

/// Shorthand for views: `t(Key::Save)`.
pub fn t(key: Key) -> &'static str {
    use_locale().text(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}'))
            .map(|(name, _)| name)
            .collect();
        names.sort_unstable();
        names
    }

    fn without_placeholders(text: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in text.chars() {
            match c {
                '{' => inside = true,
                '}' => inside = false,
                c if !inside => out.push(c),
                _ => {}
            }
        }
        out
    }

    fn is_arabic_script(c: char) -> bool {
        matches!(c, '\u{0600}'..='\u{06FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
    }

    #[test]
    fn every_key_has_text_in_both_languages_with_the_same_placeholders() {
        for key in Key::ALL {
            let en = Locale::En.text(*key);
            let fa = Locale::Fa.text(*key);
            assert!(!en.trim().is_empty(), "{key:?} has no English text");
            assert!(!fa.trim().is_empty(), "{key:?} has no Persian text");
            assert_eq!(en.matches('{').count(), en.matches('}').count(), "{key:?}");
            assert_eq!(
                placeholders(en),
                placeholders(fa),
                "{key:?}: the translations fill different blanks"
            );
        }
    }

    /// No English left on a Persian screen and no Persian on an English one. Language names
    /// are written in their own language, examples of e-mail and web addresses are Latin, and
    /// so are a file format's and an encoding's names as Persian spreadsheet users know them
    /// (CSV, UTF-8, Windows-1256).
    #[test]
    fn each_language_is_written_in_its_own_script() {
        let latin_allowed = [
            Key::LanguageEnglish,
            Key::ProblemInvalidEmail,
            Key::ProblemInvalidUrl,
            Key::ExportCsv,
            Key::ImportLead,
            Key::ImportFile,
            Key::ImportFileHint,
            Key::ImportUnreadable,
        ];
        for key in Key::ALL {
            let fa = without_placeholders(Locale::Fa.text(*key));
            if !latin_allowed.contains(key) {
                assert!(
                    !fa.chars().any(|c| c.is_ascii_alphabetic()),
                    "{key:?}: Latin letters in Persian: {fa}"
                );
            }
            let en = without_placeholders(Locale::En.text(*key));
            if *key != Key::LanguagePersian {
                assert!(
                    !en.chars().any(is_arabic_script),
                    "{key:?}: Persian in English: {en}"
                );
            }
        }
        assert!(
            Locale::Fa
                .text(Key::ProblemInvalidEmail)
                .chars()
                .any(is_arabic_script)
        );
    }

    #[test]
    fn languages_from_tags_and_browser_preferences() {
        assert_eq!(Locale::from_tag("fa-IR"), Some(Locale::Fa));
        assert_eq!(Locale::from_tag("EN_gb"), Some(Locale::En));
        assert_eq!(Locale::from_tag("de"), None);
        assert_eq!(
            Locale::from_accept_language("fa-IR,fa;q=0.9,en-US;q=0.8"),
            Some(Locale::Fa)
        );
        assert_eq!(
            Locale::from_accept_language("de-DE,en;q=0.5,fa;q=0.7"),
            Some(Locale::Fa)
        );
        assert_eq!(Locale::from_accept_language("de-DE, fr;q=0.5"), None);
        assert_eq!(Locale::from_accept_language("fa;q=0, en"), Some(Locale::En));
        assert_eq!((Locale::Fa.lang(), Locale::Fa.dir()), ("fa", "rtl"));
    }

    #[test]
    fn counts_take_each_languages_plural_form() {
        assert_eq!(Locale::En.count(Key::DealsInStage, 1), "1 deal");
        assert_eq!(Locale::En.count(Key::DealsInStage, 0), "0 deals");
        assert_eq!(Locale::En.count(Key::DealsInStage, 2), "2 deals");
        assert_eq!(Locale::En.count(Key::DaysAgo, 1), "1 day ago");
        assert_eq!(Locale::Fa.count(Key::DealsInStage, 1), "۱ معامله");
        assert_eq!(Locale::Fa.count(Key::DealsInStage, 12), "۱۲ معامله");
        assert_eq!(
            (
                Locale::Fa.plural(0),
                Locale::Fa.plural(1),
                Locale::Fa.plural(2)
            ),
            (Plural::One, Plural::One, Plural::Other)
        );
        assert_eq!(
            (
                Locale::En.plural(0),
                Locale::En.plural(1),
                Locale::En.plural(2)
            ),
            (Plural::Other, Plural::One, Plural::Other)
        );
        assert!(same_placeholders("{count} a {x}", "{x} b {count}"));
        assert!(!same_placeholders("{count} a", "{cuont} a"));
        assert!(!same_placeholders("{count}", "no blank"));
        assert!(fills_exactly("Move {deal} to {stage}", &["stage", "deal"]));
        assert!(!fills_exactly("Move {deal} to {stage}", &["deal"]));
        assert!(!fills_exactly("Move {deal}", &["deal", "stage"]));
        assert!(!fills_exactly("Move {deal}", &["dea"]));
    }

    #[test]
    fn format_fills_named_placeholders() {
        assert_eq!(
            crate::fill!(Locale::En, Key::ProblemTooLong, max = "80"),
            "Use at most 80 characters."
        );
    }
}
