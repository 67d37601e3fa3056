//! Field rules shared by the browser (instant feedback) and the server (the authority).

use crate::calendar::IsoDate;
use crate::error::{FieldErrors, Problem};

/// Trims and returns `None` for blank input, so optional fields are stored as absent.
pub fn clean(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

pub fn required(errors: &mut FieldErrors, field: &str, value: &str, max: u32) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, Problem::Required);
    } else {
        max_len(errors, field, trimmed, max);
    }
    trimmed.to_owned()
}

pub fn optional(errors: &mut FieldErrors, field: &str, value: &str, max: u32) -> Option<String> {
    let cleaned = clean(value);
    if let Some(v) = &cleaned {
        max_len(errors, field, v, max);
    }
    cleaned
}

fn max_len(errors: &mut FieldErrors, field: &str, value: &str, max: u32) {
    if value.chars().count() > max as usize {
        errors.add(field, Problem::TooLong { max });
    }
}

pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.contains('.')
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';')
        && !domain.contains('@')
        && !domain.contains("..")
}

pub fn email(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let cleaned = clean(value)?.to_lowercase();
    if cleaned.len() > 254 || !is_email(&cleaned) {
        errors.add(field, Problem::InvalidEmail);
    }
    Some(cleaned)
}

/// Phone numbers as people type them: digits, spaces, `+ - ( ) .`, with 5 to 20 digits.
/// Persian and Arabic-Indic digits are made ASCII first (see [`phone`]).
pub fn is_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let allowed = value
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -().".contains(c) || (c == '+' && i == 0));
    allowed && (5..=20).contains(&digits)
}

/// Stored with ASCII digits, whatever the keyboard typed, so dialling and matching work.
pub fn phone(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let cleaned = clean(&crate::text::ascii_digits(value))?;
    if !is_phone(&cleaned) {
        errors.add(field, Problem::InvalidPhone);
    }
    Some(cleaned)
}

pub fn website(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let cleaned = clean(value)?;
    let host = cleaned
        .strip_prefix("https://")
        .or_else(|| cleaned.strip_prefix("http://"))
        .unwrap_or(&cleaned);
    let host_part = host.split('/').next().unwrap_or_default();
    let ok = host_part.contains('.')
        && !host_part.starts_with('.')
        && !host_part.ends_with('.')
        && host_part
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':')
        && cleaned.len() <= 200;
    if !ok {
        errors.add(field, Problem::InvalidUrl);
    }
    Some(cleaned)
}

/// An ISO calendar date, `YYYY-MM-DD`, as `<input type="date">` sends it.
pub fn is_date(value: &str) -> bool {
    crate::calendar::parse_iso(value).is_some()
}

pub fn date(errors: &mut FieldErrors, field: &str, value: &str) -> Option<IsoDate> {
    let cleaned = clean(value)?;
    let date = IsoDate::parse(&cleaned);
    if date.is_none() {
        errors.add(field, Problem::InvalidDate);
    }
    date
}

/// A wall-clock time, `HH:MM`, as `<input type="time">` sends it.
pub fn time_of_day(errors: &mut FieldErrors, field: &str, value: &str) -> Option<String> {
    let cleaned = clean(&crate::text::ascii_digits(value))?;
    let ok = cleaned.len() == 5
        && cleaned.as_bytes()[2] == b':'
        && matches!(
            (cleaned[..2].parse::<u8>(), cleaned[3..].parse::<u8>()),
            (Ok(h), Ok(m)) if h < 24 && m < 60
        );
    if !ok {
        errors.add(field, Problem::InvalidTime);
    }
    Some(cleaned)
}

/// A link to another record, as a form sends it: empty for none, else the record's id.
/// Whether the record exists (and may be seen) is the server's check.
pub fn link(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    problem: Problem,
) -> Option<crate::ids::Id> {
    let cleaned = clean(value)?;
    if !crate::ids::is_valid_id(&cleaned) {
        errors.add(field, problem);
    }
    Some(crate::ids::Id::from(cleaned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for good in ["a@b.co", "first.last+tag@sub.example.com"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b..c", "a@b@c.de",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for good in ["+98 912 345 6789", "(021) 8888-1234", "030.1234.5678"] {
            assert!(is_phone(good), "{good}");
        }
        for bad in [
            "123",
            "call me",
            "12+345678",
            "+1 234 567 890 123 456 789 012",
        ] {
            assert!(!is_phone(bad), "{bad}");
        }
    }

    #[test]
    fn phones_in_persian_digits_are_stored_in_ascii() {
        let mut errors = FieldErrors::default();
        assert_eq!(
            phone(&mut errors, "p", "۰۹۱۲ ۳۴۵ ٦٧٨٩").as_deref(),
            Some("0912 345 6789")
        );
        assert_eq!(
            time_of_day(&mut errors, "t", "۰۹:۳۰").as_deref(),
            Some("09:30")
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn dates_and_times() {
        assert!(is_date("2026-02-28"));
        assert!(!is_date("2026-02-30"));
        assert!(!is_date("28/02/2026"));
        let mut errors = FieldErrors::default();
        assert_eq!(
            time_of_day(&mut errors, "t", "09:30").as_deref(),
            Some("09:30")
        );
        assert!(errors.is_empty());
        time_of_day(&mut errors, "t", "24:00");
        assert_eq!(errors.get("t"), Some(Problem::InvalidTime));
    }

    #[test]
    fn required_and_lengths() {
        let mut errors = FieldErrors::default();
        assert_eq!(required(&mut errors, "name", "  Acme  ", 10), "Acme");
        assert!(errors.is_empty());
        required(&mut errors, "blank", "   ", 10);
        optional(&mut errors, "long", "abcdefghijk", 10);
        assert_eq!(errors.get("blank"), Some(Problem::Required));
        assert_eq!(errors.get("long"), Some(Problem::TooLong { max: 10 }));
    }

    #[test]
    fn websites() {
        let mut errors = FieldErrors::default();
        website(&mut errors, "w", "https://example.com/about");
        website(&mut errors, "w2", "example.ir");
        assert!(errors.is_empty());
        website(&mut errors, "w3", "not a url");
        assert_eq!(errors.get("w3"), Some(Problem::InvalidUrl));
    }
}
