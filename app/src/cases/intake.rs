//! The public complaint form (`/complaint`): a customer with no account tells the business
//! what happened and gets a reference. It is a plain HTML form POST, so it works without
//! JavaScript; a refused form comes back with what was typed and each problem next to its
//! field, carried in the page's address (so a phone's back button and a reload show the
//! same), and the sizes are limited so that address stays short.

#[cfg(feature = "ssr")]
pub mod ssr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldErrors, Problem};
use crate::validate;

/// Longest name, contact detail and company name a customer may type, in characters.
pub const SHORT_MAX: u32 = 120;
/// Longest account of what happened: enough for a complaint, short enough to travel back in
/// a refused form's address.
pub const WHAT_MAX: u32 = 2000;
/// Complaints one address may send per hour.
pub const PER_HOUR: i64 = 5;
/// A form sent sooner than this after it was shown was not filled in by a person.
pub const FASTEST_SECS: i64 = 3;
/// A form shown longer ago than this is shown again (with what was typed) for a fresh token.
pub const OLDEST_SECS: i64 = 24 * 3600;

/// The form as posted. `website` is a field people never see (a bot fills it in); `token`
/// says when the form was shown, signed by the server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ComplaintForm {
    pub name: String,
    pub reach: String,
    pub company: String,
    pub what: String,
    pub website: String,
    pub token: String,
    pub lang: String,
}

/// What a valid form holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Complaint {
    pub name: String,
    /// A phone number or an e-mail address, as typed (trimmed).
    pub reach: Reach,
    pub company: Option<String>,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Phone(String),
    Email(String),
}

impl ComplaintForm {
    /// The form's own rules: every problem at once, by field.
    pub fn validate(&self) -> Result<Complaint, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = validate::required(&mut errors, "name", &self.name, SHORT_MAX);
        let company = validate::optional(&mut errors, "company", &self.company, SHORT_MAX);
        let what = validate::required(&mut errors, "what", &self.what, WHAT_MAX);
        let typed = crate::text::ascii_digits(self.reach.trim());
        let reach = if typed.is_empty() {
            errors.add("reach", Problem::Required);
            None
        } else if typed.chars().count() > SHORT_MAX as usize {
            errors.add("reach", Problem::TooLong { max: SHORT_MAX });
            None
        } else if typed.contains('@') {
            if validate::is_email(&typed) {
                Some(Reach::Email(typed.to_lowercase()))
            } else {
                errors.add("reach", Problem::InvalidEmail);
                None
            }
        } else if validate::is_phone(&typed) {
            Some(Reach::Phone(typed))
        } else {
            errors.add("reach", Problem::PhoneOrEmail);
            None
        };
        match (errors.is_empty(), reach) {
            (true, Some(reach)) => Ok(Complaint {
                name,
                reach,
                company,
                what,
            }),
            _ => Err(errors),
        }
    }

    /// The form's address again, with what was typed and the problems found, for a refused
    /// form to be shown again without JavaScript. The honeypot and token are left out.
    pub fn retry_query(&self, errors: &FieldErrors) -> String {
        let problems: Vec<String> = errors
            .0
            .iter()
            .filter_map(|(field, problem)| {
                Some(format!("{field}:{}", serde_json::to_string(problem).ok()?))
            })
            .collect();
        let pairs = [
            ("lang", self.lang.as_str()),
            ("name", self.name.as_str()),
            ("reach", self.reach.as_str()),
            ("company", self.company.as_str()),
            ("what", self.what.as_str()),
            ("problems", &problems.join(";")),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::text::url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// The problems a refused form came back with, as [`ComplaintForm::retry_query`] wrote them.
pub fn problems_from_query(text: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for pair in text.split(';').filter(|p| !p.is_empty()) {
        if let Some((field, problem)) = pair.split_once(':')
            && let Ok(problem) = serde_json::from_str::<Problem>(problem)
            && ["name", "reach", "company", "what", crate::error::FORM].contains(&field)
        {
            errors.add(field, problem);
        }
    }
    errors
}

/// A phone number as digits only, in one form whatever was typed: Persian or Arabic digits,
/// spaces and dashes, a leading `+`, `00`, or an Iranian mobile's trunk `0` (09xx is +98 9xx).
pub fn phone_key(phone: &str) -> String {
    let digits: String = crate::text::ascii_digits(phone)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let digits = digits.strip_prefix("00").unwrap_or(&digits).to_owned();
    if digits.len() == 11 && digits.starts_with("09") {
        format!("98{}", &digits[1..])
    } else if digits.len() == 10 && digits.starts_with('9') {
        format!("98{digits}")
    } else {
        digits
    }
}

/// The case a complaint becomes: its subject (the first line, shortened) and description
/// (what happened, then who sent it and how to reach them, for whoever answers).
pub fn case_text(complaint: &Complaint) -> (String, String) {
    let first = complaint
        .what
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut subject: String = first.trim().chars().take(80).collect();
    if first.trim().chars().count() > 80 {
        subject.push('…');
    }
    let reach = match &complaint.reach {
        Reach::Phone(p) | Reach::Email(p) => p.as_str(),
    };
    let mut from = format!("— {}, {reach}", complaint.name);
    if let Some(company) = &complaint.company {
        from.push_str(&format!(", {company}"));
    }
    (subject, format!("{}\n\n{from}", complaint.what))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ComplaintForm {
        ComplaintForm {
            name: "Ali Rezaei".into(),
            reach: "0912 345 6789".into(),
            what: "The printer arrived broken.\nThe box was crushed.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_complaint_becomes_a_subject_and_a_description() {
        let complaint = form().validate().expect("valid");
        assert_eq!(complaint.reach, Reach::Phone("0912 345 6789".into()));
        let (subject, description) = case_text(&complaint);
        assert_eq!(subject, "The printer arrived broken.");
        assert!(description.ends_with("— Ali Rezaei, 0912 345 6789"));
    }

    #[test]
    fn every_problem_is_reported_by_field() {
        let bad = ComplaintForm {
            name: "".into(),
            reach: "call me maybe".into(),
            what: "x".repeat(WHAT_MAX as usize + 1),
            ..Default::default()
        };
        let errors = bad.validate().expect_err("refused");
        assert_eq!(errors.get("name"), Some(Problem::Required));
        assert_eq!(errors.get("reach"), Some(Problem::PhoneOrEmail));
        assert_eq!(errors.get("what"), Some(Problem::TooLong { max: WHAT_MAX }));
        let email = ComplaintForm {
            reach: "ali@".into(),
            ..form()
        };
        assert_eq!(
            email.validate().expect_err("refused").get("reach"),
            Some(Problem::InvalidEmail)
        );
    }

    #[test]
    fn a_refused_form_comes_back_with_what_was_typed_and_its_problems() {
        let bad = ComplaintForm {
            name: "علی رضایی".into(),
            reach: "nope".into(),
            lang: "fa".into(),
            website: "spam".into(),
            ..form()
        };
        let errors = bad.validate().expect_err("refused");
        let query = bad.retry_query(&errors);
        assert!(query.starts_with("lang=fa&name=%D8%B9"));
        assert!(!query.contains("spam"));
        let problems = query.split("problems=").nth(1).expect("problems");
        let decoded = problems
            .replace("%3A", ":")
            .replace("%22", "\"")
            .replace("%3B", ";");
        assert_eq!(
            problems_from_query(&decoded).get("reach"),
            Some(Problem::PhoneOrEmail)
        );
        // Nothing but the form's own fields is read back.
        assert!(problems_from_query("password:\"Required\"").is_empty());
    }

    #[test]
    fn phone_numbers_match_in_any_script_and_any_iranian_form() {
        let key = phone_key("+98 912 345 6789");
        assert_eq!(key, "989123456789");
        for same in [
            "09123456789",
            "۰۹۱۲۳۴۵۶۷۸۹",
            "0098-912-345-6789",
            "912 345 6789",
            "٠٩١٢٣٤٥٦٧٨٩",
        ] {
            assert_eq!(phone_key(same), key, "{same}");
        }
        assert_ne!(phone_key("+44 20 7946 0958"), key);
    }
}
