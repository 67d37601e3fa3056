//! A record's stored value written whole, as a bulk write (an import's chunk, a merge)
//! makes it: the kind's own fields as its rules left them, its links as record ids, and
//! the history lines the change shows. Names come from the kind's declaration.

use serde_json::Value;

use crate::error::AppResult;
use crate::history::{FieldChange, Shown};
use crate::money::Currency;
use crate::server::internal;
use crate::sync::replica::{Synced, fields_of};

/// What every kind's row holds besides its own fields.
const STAMP: &[&str] = &[
    "id",
    "rev",
    "owner",
    "team",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
];

/// A row's own fields as stored (`plain`) and its links by id (`links`).
pub fn stored<R: Synced>(row: &R) -> AppResult<(Value, Value)> {
    let mut all = match serde_json::to_value(row).map_err(internal)? {
        Value::Object(map) => map,
        _ => return Err(internal("a row is not an object")),
    };
    for key in STAMP {
        all.remove(*key);
    }
    let mut links = serde_json::Map::new();
    for link in R::LINKS {
        if let Some(value) = all.remove(link.field) {
            links.insert(link.field.to_owned(), value);
        }
    }
    Ok((Value::Object(all), Value::Object(links)))
}

/// `field: <record or NONE>` for each link `R` declares, over `$r.links` (names come from
/// the declaration, never from input).
pub fn link_content<R: Synced>() -> String {
    R::LINKS
        .iter()
        .map(|l| {
            format!(
                ", {f}: IF $r.links.{f} THEN type::record('{to}', $r.links.{f}) END",
                f = l.field,
                to = l.to.name()
            )
        })
        .collect()
}

/// A money line (an amount with its currency, declared [`Shown::Amount`]) as history keeps
/// it: minor units and the code ([`crate::history::amount_value`]), as a form's save writes it.
fn amount<R: Synced>(fields: &crate::sync::Fields, of: &[&str]) -> Option<String> {
    let [amount, currency] = of else {
        return None;
    };
    let declared = R::FIELDS.iter().find(|f| f.name == *amount)?;
    if declared.shown != Shown::Amount {
        return None;
    }
    let currency = Currency::from_code(fields.get(*currency)?.as_str()?)?;
    let minor = crate::money::parse_amount(fields.get(*amount)?.as_str()?, currency).ok()?;
    Some(crate::history::amount_value(minor, currency))
}

/// History entries of an update: each history line the kind declares whose value changed.
pub fn field_changes<R: Synced>(
    before: &R,
    after: &R,
    names: &impl Fn(&str, &Value) -> Option<String>,
) -> Vec<FieldChange> {
    let (old, new) = (fields_of(&before.input()), fields_of(&after.input()));
    let mut lines: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for field in R::FIELDS {
        let Some(line) = field.history else { continue };
        match lines.iter_mut().find(|(l, _)| *l == line) {
            Some((_, fields)) => fields.push(field.name),
            None => lines.push((line, vec![field.name])),
        }
    }
    let shown = |fields: &crate::sync::Fields, of: &[&str]| {
        if let Some(amount) = amount::<R>(fields, of) {
            return Some(amount);
        }
        let parts: Vec<String> = of
            .iter()
            .filter_map(|f| names(f, fields.get(*f)?))
            .filter(|v| !v.is_empty())
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    };
    lines
        .into_iter()
        .filter_map(|(line, of)| {
            let (o, n) = (shown(&old, &of), shown(&new, &of));
            (o != n).then_some(FieldChange {
                field: line,
                old: o,
                new: n,
            })
        })
        .collect()
}
