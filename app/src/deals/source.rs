//! Where a deal came from: one of the organisation's own list of sources. The list starts
//! with six codes that every language names in its own words; entries an admin adds are
//! stored and shown as typed.

use crate::error::{FieldErrors, Problem};
use crate::i18n::{Key, Locale};

/// The list a new organisation starts with, as stored.
pub const DEFAULTS: [&str; 6] = [
    "referral",
    "website",
    "exhibition",
    "cold_call",
    "social_media",
    "other",
];

/// Longest source name, and most entries a list may have.
pub const MAX_LEN: usize = 60;
pub const MAX_ENTRIES: usize = 40;

/// The form field, and the settings field, problems are reported on.
pub const FIELD: &str = "source";
pub const LIST_FIELD: &str = "deal_sources";

fn key(code: &str) -> Option<Key> {
    Some(match code {
        "referral" => Key::SourceReferral,
        "website" => Key::SourceWebsite,
        "exhibition" => Key::SourceExhibition,
        "cold_call" => Key::SourceColdCall,
        "social_media" => Key::SourceSocialMedia,
        "other" => Key::SourceOther,
        _ => return None,
    })
}

/// A stored source as `locale` shows it.
pub fn name(locale: Locale, source: &str) -> String {
    key(source).map_or_else(|| source.to_owned(), |k| locale.text(k).to_owned())
}

/// A name as an admin typed it, back to what is stored: the name of a default (in either
/// language, any case) is its code.
pub fn code(typed: &str) -> String {
    let folded = crate::text::fold(typed);
    DEFAULTS
        .iter()
        .find(|code| {
            [Locale::En, Locale::Fa]
                .iter()
                .any(|l| crate::text::fold(&name(*l, code)) == folded)
                || **code == typed
        })
        .map_or_else(|| typed.to_owned(), |code| (*code).to_owned())
}

/// The organisation's list as submitted: trimmed, blank lines dropped, defaults' names
/// stored as their codes; refused if empty, too long, or with an entry twice.
pub fn clean_list(typed: &[String], errors: &mut FieldErrors) -> Vec<String> {
    let list: Vec<String> = typed
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(code)
        .collect();
    if list.is_empty() {
        errors.add(LIST_FIELD, Problem::Required);
    } else if list.len() > MAX_ENTRIES {
        errors.add(
            LIST_FIELD,
            Problem::OutOfRange {
                min: 1,
                max: MAX_ENTRIES as i64,
            },
        );
    } else if list.iter().any(|s| s.chars().count() > MAX_LEN) {
        errors.add(
            LIST_FIELD,
            Problem::TooLong {
                max: MAX_LEN as u32,
            },
        );
    } else {
        let mut folded: Vec<String> = list.iter().map(|s| crate::text::fold(s)).collect();
        folded.sort();
        folded.dedup();
        if folded.len() != list.len() {
            errors.add(LIST_FIELD, Problem::Duplicate);
        }
    }
    list
}

/// A deal's source as its form sent it: empty, one of `list`, or the one it has already
/// (`kept`), which stays valid after an admin removes it from the list.
pub fn check(
    typed: &str,
    list: &[String],
    kept: Option<&str>,
    errors: &mut FieldErrors,
) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if list.iter().any(|s| s == typed) || kept == Some(typed) {
        Some(typed.to_owned())
    } else {
        errors.add(FIELD, Problem::UnknownSource);
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults_are_named_in_each_language_and_typed_names_become_codes() {
        assert_eq!(name(Locale::En, "cold_call"), "Cold call");
        assert_eq!(name(Locale::Fa, "cold_call"), "تماس سرد");
        assert_eq!(name(Locale::Fa, "Trade fair 2027"), "Trade fair 2027");
        assert_eq!(code("cold CALL"), "cold_call");
        assert_eq!(code("وب‌سایت"), "website");
        assert_eq!(code("Partner"), "Partner");
    }

    #[test]
    fn a_list_is_trimmed_and_refused_when_empty_or_repeated() {
        let mut errors = FieldErrors::default();
        let list = clean_list(&strings(&[" Referral ", "", "Partner"]), &mut errors);
        assert!(errors.is_empty());
        assert_eq!(list, ["referral", "Partner"]);

        let mut errors = FieldErrors::default();
        clean_list(&strings(&["  ", ""]), &mut errors);
        assert_eq!(errors.get(LIST_FIELD), Some(Problem::Required));

        let mut errors = FieldErrors::default();
        clean_list(&strings(&["Website", "website"]), &mut errors);
        assert_eq!(errors.get(LIST_FIELD), Some(Problem::Duplicate));

        let mut errors = FieldErrors::default();
        clean_list(&["x".repeat(61)], &mut errors);
        assert_eq!(errors.get(LIST_FIELD), Some(Problem::TooLong { max: 60 }));
    }

    #[test]
    fn a_deal_takes_a_listed_source_or_keeps_its_own() {
        let list = strings(&["referral", "website"]);
        let mut errors = FieldErrors::default();
        assert_eq!(
            check("website", &list, None, &mut errors),
            Some("website".into())
        );
        assert_eq!(check(" ", &list, None, &mut errors), None);
        assert_eq!(
            check("fax", &list, Some("fax"), &mut errors),
            Some("fax".into())
        );
        assert!(errors.is_empty());
        assert_eq!(check("fax", &list, None, &mut errors), None);
        assert_eq!(errors.get(FIELD), Some(Problem::UnknownSource));
    }
}
