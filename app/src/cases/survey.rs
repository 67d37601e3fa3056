//! Satisfaction, measured the ISO 10004 way: a customer whose case was resolved is asked how
//! satisfied they are (CSAT, 1–5), and any contact can be asked how likely they are to
//! recommend the business (NPS, 0–10). The link is the customer's alone (a token only its
//! hash of is stored), works once, for 30 days, without an account or script. A low score
//! opens a follow-up task for whoever owns the case or contact: the loop is closed, not just
//! counted.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::Key;

/// Days a survey link works.
pub const VALID_DAYS: i64 = 30;
/// Longest comment, in characters.
pub const COMMENT_MAX: u32 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    /// "How satisfied are you with how we handled …?" 1 to 5.
    Csat,
    /// "How likely are you to recommend us to a friend or colleague?" 0 to 10.
    Nps,
}

impl SurveyKind {
    pub fn code(self) -> &'static str {
        match self {
            SurveyKind::Csat => "csat",
            SurveyKind::Nps => "nps",
        }
    }

    pub fn scale(self) -> std::ops::RangeInclusive<i64> {
        match self {
            SurveyKind::Csat => 1..=5,
            SurveyKind::Nps => 0..=10,
        }
    }

    /// A score that needs someone to call the customer back: dissatisfied (1–2) or a
    /// detractor (0–6).
    pub fn is_low(self, score: i64) -> bool {
        match self {
            SurveyKind::Csat => score <= 2,
            SurveyKind::Nps => score <= 6,
        }
    }
}

/// What the public survey page shows for a token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SurveyState {
    Open {
        kind: SurveyKind,
        /// The case's subject, for a CSAT survey.
        subject: Option<String>,
        reference: Option<String>,
    },
    Answered,
    Expired,
    /// Not a token of ours (mistyped, forged).
    Unknown,
}

/// A fresh link to send a customer, with ready-made ways to send it from a phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyLink {
    pub url: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

impl SurveyLink {
    /// `mailto:` with the question and link filled in.
    pub fn mailto(&self, subject: &str, body: &str) -> Option<String> {
        self.email.as_ref().map(|to| {
            format!(
                "mailto:{to}?subject={}&body={}",
                crate::text::url_encode(subject),
                crate::text::url_encode(&format!("{body}\n{}", self.url))
            )
        })
    }

    /// `sms:` with the message filled in (the `?&body=` form iOS and Android both read).
    pub fn sms(&self, body: &str) -> Option<String> {
        self.phone.as_ref().map(|to| {
            let number: String = crate::text::ascii_digits(to)
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '+')
                .collect();
            format!(
                "sms:{number}?&body={}",
                crate::text::url_encode(&format!("{body} {}", self.url))
            )
        })
    }
}

/// CSAT as a percentage: the share of answers that are 4 or 5. `None` without answers.
pub fn csat_percent(scores: &[i64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let satisfied = scores.iter().filter(|s| **s >= 4).count();
    Some(satisfied as f64 * 100.0 / scores.len() as f64)
}

/// NPS: the percentage of promoters (9–10) minus that of detractors (0–6), −100 to 100.
pub fn nps(scores: &[i64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let promoters = scores.iter().filter(|s| **s >= 9).count() as f64;
    let detractors = scores.iter().filter(|s| **s <= 6).count() as f64;
    Some((promoters - detractors) * 100.0 / scores.len() as f64)
}

pub fn question(kind: SurveyKind) -> Key {
    match kind {
        SurveyKind::Csat => Key::CsatQuestion,
        SurveyKind::Nps => Key::NpsQuestion,
    }
}

/// An answer, as a customer's page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub kind: SurveyKind,
    pub score: i64,
    /// The day it was answered (ISO).
    pub day: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A company's or contact's answers, newest first: their satisfaction over time. Surveys
/// stay on the server, so this needs the network.
#[server(endpoint = "surveys/customer", input = Json)]
pub async fn answers_of(table: crate::kinds::Table, id: String) -> Result<Vec<Answer>, AppError> {
    crate::server::respond(
        async move { ssr::answers(&crate::server::cx().await?, table, &id).await },
    )
    .await
}

#[server(endpoint = "surveys/case", input = Json)]
pub async fn case_survey_link(case: String) -> Result<SurveyLink, AppError> {
    crate::server::respond(async move { ssr::for_case(&crate::server::cx().await?, &case).await })
        .await
}

#[server(endpoint = "surveys/nps", input = Json)]
pub async fn nps_survey_link(contact: String) -> Result<SurveyLink, AppError> {
    crate::server::respond(
        async move { ssr::for_contact(&crate::server::cx().await?, &contact).await },
    )
    .await
}

#[server(endpoint = "surveys/state", input = Json)]
pub async fn survey_for_token(token: String) -> Result<SurveyState, AppError> {
    crate::server::respond(async move {
        let state = crate::server::state()?;
        ssr::state(&state.db, &token).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_counts_the_satisfied_and_nps_subtracts_detractors_from_promoters() {
        assert_eq!(csat_percent(&[]), None);
        assert_eq!(csat_percent(&[5, 4, 3, 1]), Some(50.0));
        assert_eq!(nps(&[]), None);
        // 3 promoters, 2 passives, 5 detractors of 10: 30 − 50.
        assert_eq!(nps(&[10, 9, 9, 8, 7, 6, 5, 3, 0, 1]), Some(-20.0));
        assert_eq!(nps(&[10, 10]), Some(100.0));
        assert_eq!(nps(&[0]), Some(-100.0));
    }

    #[test]
    fn low_scores_are_the_unhappy_ones() {
        assert!(SurveyKind::Csat.is_low(2) && !SurveyKind::Csat.is_low(3));
        assert!(SurveyKind::Nps.is_low(6) && !SurveyKind::Nps.is_low(7));
        assert!(SurveyKind::Csat.scale().contains(&1) && !SurveyKind::Csat.scale().contains(&0));
        assert!(SurveyKind::Nps.scale().contains(&0) && SurveyKind::Nps.scale().contains(&10));
    }

    #[test]
    fn links_can_be_sent_from_a_phone() {
        let link = SurveyLink {
            url: "https://crm.example/survey/abc".into(),
            email: Some("ali@example.com".into()),
            phone: Some("۰۹۱۲ ۳۴۵ ۶۷۸۹".into()),
        };
        assert_eq!(
            link.sms("How did we do?").as_deref(),
            Some(
                "sms:09123456789?&body=How%20did%20we%20do%3F%20https%3A%2F%2Fcrm.example%2Fsurvey%2Fabc"
            )
        );
        assert!(link.mailto("Survey", "Tell us").is_some_and(|m| {
            m.starts_with("mailto:ali@example.com?subject=Survey&body=Tell%20us%0A")
        }));
        let none = SurveyLink {
            email: None,
            phone: None,
            ..link
        };
        assert_eq!(none.sms("x"), None);
    }
}
