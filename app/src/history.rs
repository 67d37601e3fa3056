//! Who changed which field of a record, when, from what to what.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The history row for creation uses this field name.
pub const CREATED: &str = "created";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub at: String,
    pub by_name: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One field's before and after, as shown to people (names, not ids).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Compares two snapshots of the same fields, in order, and keeps what differs.
pub fn diff(
    before: &[(&'static str, Option<String>)],
    after: &[(&'static str, Option<String>)],
) -> Vec<FieldChange> {
    before
        .iter()
        .zip(after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange {
            field,
            old: old.clone(),
            new: new.clone(),
        })
        .collect()
}

/// How a stored amount is written into history: machine-readable, so each reader sees it
/// in their own language ("1250000 USD" reads "$12,500" or "۱۲٬۵۰۰ دلار").
pub fn amount_value(minor: i64, currency: crate::money::Currency) -> String {
    format!("{minor} {}", currency.code())
}

/// A value from history as the reader's language shows it. Values are stored as text;
/// amounts, dates, stages and percentages are recognised and formatted, anything else
/// (names, notes, and amounts recorded before this format) is shown as written.
pub fn shown_value(locale: crate::i18n::Locale, field: &str, value: &str) -> String {
    let amount = || {
        let (minor, code) = value.split_once(' ')?;
        Some(locale.amount(
            minor.parse().ok()?,
            crate::money::Currency::from_code(code)?,
        ))
    };
    match field {
        "value" => amount(),
        "stage" => Some(locale.stage_name(value)),
        "expected_close" | "due" => crate::calendar::parse_iso(value).map(|_| locale.date(value)),
        "probability" => value.parse().ok().map(|p| locale.percent(p)),
        "source" => Some(crate::deals::source::name(locale, value)),
        _ => None,
    }
    .unwrap_or_else(|| value.to_owned())
}

/// A record's history. It is not kept on devices, so it needs the server.
#[server(endpoint = "history/list", input = Json)]
pub async fn history_of(table: crate::kinds::Table, id: String) -> Result<Vec<Change>, AppError> {
    crate::server::respond(async move {
        let cx = crate::server::cx().await?;
        let id = crate::records::parse_id(&id)?;
        let record = crate::db::rid(table.name(), id);
        crate::records::readable(&cx.db, &cx.actor, record.clone()).await?;
        ssr::list(&cx.db, record).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_only_changed_fields() {
        let before = [
            ("title", Some("A".to_owned())),
            ("value", Some("$1".to_owned())),
            ("next_step", None),
        ];
        let after = [
            ("title", Some("A".to_owned())),
            ("value", Some("$2".to_owned())),
            ("next_step", Some("Call".into())),
        ];
        let changes = diff(&before, &after);
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "value",
                    old: Some("$1".into()),
                    new: Some("$2".into())
                },
                FieldChange {
                    field: "next_step",
                    old: None,
                    new: Some("Call".into())
                },
            ]
        );
        assert!(diff(&before, &before).is_empty());
    }

    #[test]
    fn history_values_read_in_the_readers_language() {
        use crate::i18n::Locale;
        let value = amount_value(1_500_000_000, crate::money::Currency::IRT);
        assert_eq!(
            shown_value(Locale::Fa, "value", &value),
            "۱٬۵۰۰٬۰۰۰٬۰۰۰ تومان"
        );
        assert_eq!(
            shown_value(Locale::En, "value", &value),
            "1,500,000,000 tomans"
        );
        assert_eq!(shown_value(Locale::Fa, "value", "$12,500"), "$12,500");
        assert_eq!(
            shown_value(Locale::Fa, "expected_close", "2024-03-20"),
            "۱ فروردین ۱۴۰۳"
        );
        assert_eq!(shown_value(Locale::Fa, "stage", "Won"), "برنده");
        assert_eq!(shown_value(Locale::Fa, "title", "Model 3"), "Model 3");
    }
}
