//! Likely duplicates: the same person or company entered twice, however it was typed. Names
//! are compared folded (Arabic and Persian letters, marks and digits as one), a company's
//! without its legal form («شرکت», «سهامی خاص», Ltd, GmbH…), phone numbers by their key
//! (`0912…` and `+98 912…` are one number) and e-mail addresses case-folded. The same rules
//! run on the device while a record is being typed, offline too.

use serde::{Deserialize, Serialize};

use crate::i18n::Key;
use crate::sync::replica::Replica;

pub mod page;
pub mod scan;
pub mod views;

/// Why two records look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reason {
    SameEmail,
    SamePhone,
    SameWebsite,
    SameName,
    SimilarName,
}

impl Reason {
    /// How much it says, out of 100.
    pub fn weight(self) -> u32 {
        match self {
            Reason::SameEmail => 90,
            Reason::SamePhone => 80,
            Reason::SameWebsite => 70,
            Reason::SameName => 60,
            Reason::SimilarName => 35,
        }
    }

    /// `reasons` as one line in `locale`.
    pub fn listed(locale: crate::i18n::Locale, reasons: &[Reason]) -> String {
        reasons
            .iter()
            .map(|r| locale.text(r.label()))
            .collect::<Vec<_>>()
            .join(locale.text(Key::ListSeparator))
    }

    pub fn label(self) -> Key {
        match self {
            Reason::SameEmail => Key::DupSameEmail,
            Reason::SamePhone => Key::DupSamePhone,
            Reason::SameWebsite => Key::DupSameWebsite,
            Reason::SameName => Key::DupSameName,
            Reason::SimilarName => Key::DupSimilarName,
        }
    }
}

/// What a record is matched by.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Probe {
    pub name: String,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub website: String,
}

/// An existing record that looks like the one being entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    /// A second line: a contact's company, a company's address.
    pub detail: Option<String>,
    /// Its (first) phone number.
    #[serde(default)]
    pub phone: Option<String>,
    pub reasons: Vec<Reason>,
    pub score: u32,
}

/// Legal forms, folded, longest first: a company is the same company with or without them.
const LEGAL_FORMS: &[&str] = &[
    "با مسئولیت محدود",
    "مسئولیت محدود",
    "سهامی خاص",
    "سهامی عام",
    "شرکت",
    "سهامی",
    "تعاونی",
    "limited",
    "ltd",
    "llc",
    "inc",
    "incorporated",
    "corporation",
    "corp",
    "company",
    "co",
    "gmbh",
    "ag",
    "sa",
    "plc",
    "bv",
];

/// Words of a folded text, without punctuation.
fn words(folded: &str) -> Vec<String> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A person's name as duplicates compare it.
pub fn person_key(name: &str) -> String {
    words(&crate::text::fold(name)).join(" ")
}

/// A company's name as duplicates compare it: folded, without its legal form.
pub fn company_key(name: &str) -> String {
    let mut text = format!(" {} ", words(&crate::text::fold(name)).join(" "));
    for form in LEGAL_FORMS {
        let padded = format!(" {form} ");
        while text.contains(&padded) {
            text = text.replacen(&padded, " ", 1);
        }
    }
    let key = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A name that is only a legal form keeps it: "Co" is not every company.
    if key.is_empty() {
        person_key(name)
    } else {
        key
    }
}

/// A website or e-mail address's domain, without `www.`.
fn domain(text: &str) -> Option<String> {
    let text = text.trim().to_lowercase();
    let host = text
        .rsplit_once('@')
        .map(|(_, d)| d.to_owned())
        .unwrap_or_else(|| {
            let rest = text.split("://").last().unwrap_or_default();
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned()
        });
    let host = host.trim_start_matches("www.").to_owned();
    host.contains('.').then_some(host)
}

fn same_phone(a: &str, b: &str) -> bool {
    match (crate::text::phone_key(a), crate::text::phone_key(b)) {
        (Some(a), Some(b)) if a.len() >= 7 && b.len() >= 7 => {
            a == b || (a.len() >= 10 && b.len() >= 10 && a[a.len() - 10..] == b[b.len() - 10..])
        }
        _ => false,
    }
}

/// Whether every word of the shorter name is a word of the longer (two words at least):
/// "Ali Rezaei" and "Ali Reza Rezaei".
fn similar(a: &str, b: &str) -> bool {
    let (a, b) = (
        a.split(' ').collect::<Vec<_>>(),
        b.split(' ').collect::<Vec<_>>(),
    );
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short.len() >= 2 && short.iter().all(|w| long.contains(w))
}

/// The reasons `probe` and an existing record (`name`, `phones`, `emails`, `website`) look
/// like one, keyed by `key` (a person's or a company's).
fn reasons(
    probe: &Probe,
    key: fn(&str) -> String,
    name: &str,
    phones: &[&str],
    emails: &[&str],
    website: Option<&str>,
) -> Vec<Reason> {
    let mut found = Vec::new();
    let email = |e: &str| e.trim().to_lowercase();
    if probe
        .emails
        .iter()
        .any(|p| !p.trim().is_empty() && emails.iter().any(|e| email(e) == email(p)))
    {
        found.push(Reason::SameEmail);
    }
    if probe
        .phones
        .iter()
        .any(|p| phones.iter().any(|e| same_phone(p, e)))
    {
        found.push(Reason::SamePhone);
    }
    if let (Some(mine), Some(theirs)) = (domain(&probe.website), website.and_then(domain))
        && mine == theirs
    {
        found.push(Reason::SameWebsite);
    }
    let (mine, theirs) = (key(&probe.name), key(name));
    if !mine.is_empty() && mine == theirs {
        found.push(Reason::SameName);
    } else if similar(&mine, &theirs) {
        found.push(Reason::SimilarName);
    }
    found
}

fn ranked(mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    found.truncate(5);
    found
}

fn candidate(
    id: &str,
    name: &str,
    (detail, phone): (Option<String>, Option<String>),
    reasons: Vec<Reason>,
) -> Option<Candidate> {
    let best = reasons.iter().map(|r| r.weight()).max()?;
    // Each further reason adds to the best one's weight, never past 100.
    let extra: u32 = reasons.iter().map(|r| r.weight() / 5).sum::<u32>() - best / 5;
    Some(Candidate {
        id: id.to_owned(),
        name: name.to_owned(),
        detail,
        phone,
        score: (best + extra).min(100),
        reasons,
    })
}

/// Contacts on the device that look like `probe` (other than record `except`).
pub fn likely_contacts(replica: &Replica, probe: &Probe, except: &str) -> Vec<Candidate> {
    let found = replica
        .contacts
        .values()
        .filter(|c| c.id.as_ref() != except)
        .filter_map(|c| {
            let phones: Vec<&str> = c.phones.iter().map(String::as_str).collect();
            let emails: Vec<&str> = c.emails.iter().map(String::as_str).collect();
            let why = reasons(probe, person_key, &c.name, &phones, &emails, None);
            let company = c
                .company
                .as_ref()
                .and_then(|id| replica.companies.get(id))
                .map(|co| co.name.clone());
            candidate(&c.id, &c.name, (company, c.phones.first().cloned()), why)
        })
        .collect();
    ranked(found)
}

/// Companies on the device that look like `probe` (other than record `except`).
pub fn likely_companies(replica: &Replica, probe: &Probe, except: &str) -> Vec<Candidate> {
    let found = replica
        .companies
        .values()
        .filter(|c| c.id.as_ref() != except)
        .filter_map(|c| {
            let phones: Vec<&str> = c.phone.iter().map(String::as_str).collect();
            let emails: Vec<&str> = c.email.iter().map(String::as_str).collect();
            let why = reasons(
                probe,
                company_key,
                &c.name,
                &phones,
                &emails,
                c.website.as_deref(),
            );
            candidate(&c.id, &c.name, (c.address.clone(), c.phone.clone()), why)
        })
        .collect();
    ranked(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legal_forms_do_not_make_another_company() {
        assert_eq!(company_key("Pars Tile Ltd."), company_key("pars tile"));
        assert_eq!(company_key("Pars Tile GmbH"), "pars tile");
        assert_eq!(company_key("Acme, Inc."), "acme");
        assert_eq!(
            company_key("شرکت کاشی پارس (سهامی خاص)"),
            company_key("کاشی پارس")
        );
        assert_eq!(company_key("كاشي پارس با مسئولیت محدود"), "کاشی پارس");
        assert_eq!(company_key("شرکت تعاونی مهرگان"), "مهرگان");
        // Only whole words go: "Costa" keeps its "co".
        assert_eq!(company_key("Costa Coffee Co"), "costa coffee");
        assert_eq!(company_key("Co"), "co");
    }

    #[test]
    fn a_person_typed_in_another_script_and_form_is_the_same_person() {
        let probe = Probe {
            name: "علی رضایی".into(),
            phones: vec!["۰۹۱۲۳۴۵۶۷۸۹".into()],
            ..Probe::default()
        };
        let why = reasons(
            &probe,
            person_key,
            "علي رضايي",
            &["+989123456789"],
            &[],
            None,
        );
        assert_eq!(why, [Reason::SamePhone, Reason::SameName]);
        let found = candidate("x", "علي رضايي", (None, None), why).expect("a candidate");
        assert_eq!(found.score, 92);
    }

    #[test]
    fn reasons_are_found_and_weighed() {
        let probe = Probe {
            name: "Sara Karimi".into(),
            emails: vec![" Sara@Example.ORG ".into()],
            phones: vec!["0912 111 2222".into()],
            website: "https://www.parstile.ir/about".into(),
        };
        assert_eq!(
            reasons(
                &probe,
                person_key,
                "Sara Ahmadi",
                &[],
                &["sara@example.org"],
                None
            ),
            [Reason::SameEmail]
        );
        assert_eq!(
            reasons(
                &probe,
                person_key,
                "Sara Karimi Rad",
                &["+98 912 111 2222"],
                &[],
                None
            ),
            [Reason::SamePhone, Reason::SimilarName]
        );
        assert_eq!(
            reasons(&probe, company_key, "Other", &[], &[], Some("parstile.ir")),
            [Reason::SameWebsite]
        );
        assert!(
            reasons(
                &probe,
                person_key,
                "Reza Karimi",
                &["0912 111 3333"],
                &[],
                None
            )
            .is_empty()
        );
        // A short number is not a phone to match on.
        let short = Probe {
            phones: vec!["110".into()],
            ..Probe::default()
        };
        assert!(reasons(&short, person_key, "Police", &["110"], &[], None).is_empty());
        assert!(candidate("x", "n", (None, None), Vec::new()).is_none());
    }
}
