//! Text as Persian speakers type it. Phones offer Persian digits (۱۲۳), Arabic keyboards
//! Arabic-Indic ones (١٢٣) and Arabic forms of letters (ي ك); people use the zero-width
//! non-joiner inconsistently. These helpers make such input parse and match as intended.
//!
//! `fold` makes the search keys the server stores with every company and contact name
//! (`name_lc`) and the keys a query or a device compares with them.

/// Persian (U+06F0…) and Arabic-Indic (U+0660…) digits as ASCII; other characters as they are.
pub fn ascii_digit(c: char) -> char {
    match c {
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        // Arabic decimal and thousands separators, as Persian keyboards type them.
        '\u{066B}' => '.',
        '\u{066C}' => ',',
        other => other,
    }
}

/// What a person typed, with every digit in ASCII, so "۱۲٬۵۰۰" parses like "12,500".
pub fn ascii_digits(input: &str) -> String {
    input.chars().map(ascii_digit).collect()
}

/// ASCII digits shown as Persian ones (and `.`/`,` in numbers as the Persian separators are
/// the caller's choice: this changes digits only).
pub fn persian_digits(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0x06F0 + (c as u32 - '0' as u32)).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Marks that change how a word looks but not which word it is: Arabic diacritics (harakat,
/// tanwin, shadda, sukun, superscript alef), the tatweel stretch, and zero-width joiners,
/// non-joiners and direction marks.
fn ignorable(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200B}'..='\u{200F}')
}

/// The search key of a text: lower case, Arabic yeh and kaf as the Persian letters, marks
/// dropped, digits in ASCII. Two spellings a Persian reader sees as the same word get one key.
pub fn fold(input: &str) -> String {
    input
        .chars()
        .filter(|c| !ignorable(*c))
        .map(|c| match ascii_digit(c) {
            '\u{064A}' | '\u{0649}' => '\u{06CC}',
            '\u{0643}' => '\u{06A9}',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A phone number as digits only, an Iranian number in its national form: `+98 912 …`,
/// `0098 912 …` and `0912 …` are one number, typed in any script. `None` for text with
/// fewer than 4 digits or with letters (not a phone number).
pub fn phone_key(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(input.len());
    for c in input.chars().map(ascii_digit) {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '+' | '-' | '(' | ')' | '.' | '/' | '\u{00A0}' => {}
            _ => return None,
        }
    }
    if digits.len() < 4 {
        return None;
    }
    let national = if let Some(rest) = digits.strip_prefix("0098") {
        format!("0{rest}")
    } else if let (Some(rest), true) = (
        digits.strip_prefix("98"),
        input.trim_start().starts_with('+') || digits.len() == 12,
    ) {
        format!("0{rest}")
    } else {
        digits
    };
    Some(national)
}

/// Every character `fold` changes, for the test that a stored search key is the app's.
pub const FOLDED_SAMPLES: &str = "AbC ي ى ك \u{064B}\u{064C}\u{064D}\u{064E}\u{064F}\u{0650}\u{0651}\u{0652}\u{0653}\u{0654}\u{0655}\u{0656}\u{0657}\u{0658}\u{0659}\u{065A}\u{065B}\u{065C}\u{065D}\u{065E}\u{065F}\u{0670}\u{0640}\u{200B}\u{200C}\u{200D}\u{200E}\u{200F} ۰۱۲۳۴۵۶۷۸۹ ٠١٢٣٤٥٦٧٨٩ ٫٬ می‌خواهم";

/// Field names are lower case for use inside sentences; a heading or a table row starts
/// with a capital ("job title" → "Job title"; a script without case is unchanged).
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `value` percent-encoded for a URL's query string (all but unreserved characters).
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The `dir` to show `text` in: its own (`auto`) when it has letters, else left to right.
/// Digits alone (a phone number, "12, 15") have no direction of their own: in a Persian line
/// they would read from the right, "3287 7981 21 98+".
pub fn direction(text: &str) -> &'static str {
    if text.chars().any(char::is_alphabetic) {
        "auto"
    } else {
        "ltr"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_start_with_a_capital_where_the_script_has_one() {
        assert_eq!(capitalised("job title"), "Job title");
        assert_eq!(capitalised("تلفن"), "تلفن");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn digits_in_any_script_become_ascii() {
        assert_eq!(ascii_digits("۱۲۳۴۵۶۷۸۹۰"), "1234567890");
        assert_eq!(ascii_digits("١٢٣٤٥٦٧٨٩٠"), "1234567890");
        assert_eq!(ascii_digits("۱۲٬۵۰۰٫۵"), "12,500.5");
        assert_eq!(ascii_digits("+98 912 ۳۴۵ ٦٧٨٩"), "+98 912 345 6789");
        assert_eq!(ascii_digits("Acme ۲"), "Acme 2");
    }

    #[test]
    fn ascii_digits_shown_as_persian() {
        assert_eq!(persian_digits("1403/01/01"), "۱۴۰۳/۰۱/۰۱");
        assert_eq!(persian_digits("ab 9"), "ab ۹");
        assert_eq!(ascii_digits(&persian_digits("0123456789")), "0123456789");
    }

    #[test]
    fn phone_numbers_in_any_form_and_script_have_one_key() {
        let key = Some("09123456789".to_owned());
        assert_eq!(phone_key("۰۹۱۲۳۴۵۶۷۸۹"), key);
        assert_eq!(phone_key("+98 912 345 6789"), key);
        assert_eq!(phone_key("+989123456789"), key);
        assert_eq!(phone_key("0098 912-345-6789"), key);
        assert_eq!(phone_key("989123456789"), key);
        assert_eq!(phone_key("(0912) 345 ٦٧٨٩"), key);
        assert_eq!(
            phone_key("+44 20 7946 0958"),
            Some("442079460958".to_owned())
        );
        assert_eq!(
            phone_key("9812"),
            Some("9812".to_owned()),
            "a short number is not read as +98"
        );
        assert_eq!(phone_key("Room 12"), None);
        assert_eq!(phone_key("12"), None);
    }

    #[test]
    fn persian_spellings_fold_to_one_key() {
        // Arabic yeh and kaf, as Arabic keyboards type them.
        assert_eq!(fold("كيان"), fold("کیان"));
        assert_eq!(fold("علي"), "علی");
        assert_eq!(fold("مصطفى"), "مصطفی");
        // The zero-width non-joiner, present or not.
        assert_eq!(fold("می‌خواهم"), fold("میخواهم"));
        // Diacritics and the tatweel.
        assert_eq!(fold("مُحَمَّد"), "محمد");
        assert_eq!(fold("تهـــران"), "تهران");
        // Digits in any script, and case.
        assert_eq!(fold("Shop ۱۲"), "shop 12");
        assert_eq!(fold("Shop ١٢"), fold("SHOP 12"));
        // Letters that are different words stay apart.
        assert_ne!(fold("کار"), fold("کاز"));
    }
}
