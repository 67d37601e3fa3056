//! What search reads of the device's copy: each record's name, the fields its kind declares
//! [`crate::sync::replica::Field::searched`], and the names of the records it links to (a
//! deal is found by its company's name), folded once and kept until the copy changes.

use std::collections::HashMap;

use super::{Found, Hit, Text, score, terms};
use crate::kinds::{Table, Visit};
use crate::sync::replica::{Replica, Synced, fields_of};

/// One record as search reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub table: Table,
    pub id: String,
    pub title: String,
    pub detail: Option<String>,
    pub texts: Vec<Text>,
}

fn text_of(fields: &crate::sync::Fields, name: &str) -> Option<String> {
    match fields.get(name) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A record's own texts, and the records it links to (resolved once every name is known).
struct Raw {
    entry: Entry,
    links: Vec<(Table, String)>,
}

fn raw_of<R: Synced>(replica: &Replica, out: &mut Vec<Raw>) {
    for row in R::rows(replica).values() {
        let fields = fields_of(&row.input());
        let title = text_of(&fields, R::NAME).unwrap_or_default();
        let mut texts = vec![Text::new(&title, true)];
        let mut detail = None;
        if let Some(extra) = row.also_searched() {
            texts.push(Text::new(extra, true));
            detail = Some(extra.to_owned());
        }
        for field in R::FIELDS.iter().filter(|f| f.searched) {
            if let Some(value) = text_of(&fields, field.name) {
                if let Some(key) = crate::text::phone_key(&value) {
                    texts.push(Text {
                        folded: key,
                        names: false,
                    });
                }
                texts.push(Text::new(&value, false));
            }
        }
        let links = R::LINKS
            .iter()
            .filter_map(|l| Some((l.to, text_of(&fields, l.field)?)))
            .collect();
        out.push(Raw {
            entry: Entry {
                table: R::TABLE,
                id: row.id().to_owned(),
                title,
                detail,
                texts,
            },
            links,
        });
    }
}

/// Every record on the device, as search reads them.
pub fn entries(replica: &Replica) -> Vec<Entry> {
    struct Collect<'a>(&'a Replica, &'a mut Vec<Raw>);
    impl Visit for Collect<'_> {
        type Out = ();
        fn visit<R: Synced>(self) {
            raw_of::<R>(self.0, self.1);
        }
    }
    let mut raw = Vec::with_capacity(replica.len());
    for table in Table::ALL {
        table.visit(Collect(replica, &mut raw));
    }
    let names: HashMap<(Table, String), String> = raw
        .iter()
        .map(|r| ((r.entry.table, r.entry.id.clone()), r.entry.title.clone()))
        .collect();
    raw.into_iter()
        .map(|Raw { mut entry, links }| {
            for key in links {
                if let Some(name) = names.get(&key) {
                    entry.texts.push(Text::new(name, false));
                    entry.detail.get_or_insert_with(|| name.clone());
                }
            }
            entry
        })
        .collect()
}

/// The entries that match `query`, ranked and grouped.
pub fn find(entries: &[Entry], query: &str) -> Found {
    let terms = terms(query);
    let hits = entries
        .iter()
        .filter_map(|e| {
            Some(Hit {
                table: e.table,
                id: e.id.clone(),
                title: e.title.clone(),
                detail: e.detail.clone(),
                score: score(&e.texts, &terms)?,
            })
        })
        .collect();
    Found::from_hits(hits)
}
