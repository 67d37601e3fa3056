//! Who changed which field of a record, when, from what to what.

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The history row for creation uses this field name.
pub const CREATED: &str = "created";
/// Every kind's owner: changed by reassigning, never by its form.
pub const OWNER: &str = "owner";
/// The history entry of a record's move to the Trash (no field has this name).
pub const DELETED: &str = "deleted";
/// The history entry of a record's return from the Trash.
pub const RESTORED: &str = "restored";
/// The history entry of an import's change to a record, undone.
pub const IMPORT_UNDONE: &str = "import_undone";
/// The history entry of a merge on the record that stays (`new`: the other's name).
pub const MERGED: &str = "merged";
/// The history entry of a merge on the record merged away (`new`: the survivor's name).
pub const MERGED_INTO: &str = "merged_into";
/// The history entry of a merge undone, on both records (`old`: the other's name).
pub const MERGE_UNDONE: &str = "merge_undone";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub at: String,
    pub by_name: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// For a change of a record since merged into this one: that record's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<String>,
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

/// How history shows a field's recorded values, declared with the field
/// ([`crate::sync::replica::Field::shown`]). Values are stored as text, so that each reader
/// sees them in their own language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As written: names, notes.
    Text,
    /// "1250000 USD" (see [`amount_value`]).
    Amount,
    /// A stage's name, translated when it is a default one.
    Stage,
    /// `YYYY-MM-DD`, with an optional ` HH:MM`.
    Date,
    /// A deal source's code.
    Source,
    /// An activity kind's code.
    ActivityKind,
    /// `true` or `false`.
    Done,
    /// A case's kind, channel, priority and status codes.
    CaseKind,
    CaseChannel,
    CasePriority,
    CaseStatus,
}

/// A value from history as the reader's language shows it. A value that does not read as
/// its field's kind (one recorded before a format existed) is shown as written.
pub fn shown_value(locale: crate::i18n::Locale, shown: Shown, value: &str) -> String {
    use crate::i18n::Key;
    let amount = || {
        let (minor, code) = value.split_once(' ')?;
        Some(locale.amount(
            minor.parse().ok()?,
            crate::money::Currency::from_code(code)?,
        ))
    };
    let date = || {
        let (day, time) = value.split_once(' ').unwrap_or((value, ""));
        crate::calendar::parse_iso(day)?;
        Some(match time {
            "" => locale.date(day),
            time => format!("{} {}", locale.date(day), locale.time(time)),
        })
    };
    match shown {
        Shown::Text => None,
        Shown::Amount => amount(),
        Shown::Stage => Some(locale.stage_name(value)),
        Shown::Date => date(),
        Shown::Source => Some(crate::deals::source::name(locale, value)),
        Shown::ActivityKind => crate::activities::ActivityKind::from_code(value)
            .map(|kind| locale.text(kind.label()).to_owned()),
        Shown::CaseKind => {
            crate::cases::CaseKind::from_code(value).map(|v| locale.text(v.label()).to_owned())
        }
        Shown::CaseChannel => {
            crate::cases::Channel::from_code(value).map(|v| locale.text(v.label()).to_owned())
        }
        Shown::CasePriority => {
            crate::cases::Priority::from_code(value).map(|v| locale.text(v.label()).to_owned())
        }
        Shown::CaseStatus => {
            crate::cases::Status::from_code(value).map(|v| locale.text(v.label()).to_owned())
        }
        Shown::Done => match value {
            "true" => Some(locale.text(Key::Done).to_owned()),
            "false" => Some(locale.text(Key::OutcomeOpen).to_owned()),
            _ => None,
        },
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
            shown_value(Locale::Fa, Shown::Amount, &value),
            "۱٬۵۰۰٬۰۰۰٬۰۰۰ تومان"
        );
        assert_eq!(
            shown_value(Locale::En, Shown::Amount, &value),
            "1,500,000,000 tomans"
        );
        assert_eq!(shown_value(Locale::Fa, Shown::Amount, "$12,500"), "$12,500");
        assert_eq!(
            shown_value(Locale::Fa, Shown::Date, "2024-03-20"),
            "۱ فروردین ۱۴۰۳"
        );
        assert_eq!(
            shown_value(Locale::Fa, Shown::Date, "2024-03-20 09:30"),
            format!("۱ فروردین ۱۴۰۳ {}", Locale::Fa.time("09:30"))
        );
        assert_eq!(shown_value(Locale::Fa, Shown::Stage, "Won"), "برنده");
        assert_eq!(shown_value(Locale::Fa, Shown::Text, "Model 3"), "Model 3");
        assert_eq!(
            shown_value(Locale::En, Shown::ActivityKind, "meeting"),
            "Meeting"
        );
        assert_eq!(shown_value(Locale::En, Shown::Done, "true"), "Done");
        assert_eq!(shown_value(Locale::En, Shown::Done, "maybe"), "maybe");
    }
}
