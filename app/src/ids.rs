//! Record ids are UUIDv7 strings: a device can mint one offline and it stays the record's id
//! forever, and they sort by creation time.

use uuid::Uuid;

pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// Accepts only the canonical hyphenated form, so an id from a URL can be bound safely
/// and compared as text.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 36 && Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_ids_are_valid_unique_and_time_ordered() {
        let a = new_id();
        let b = new_id();
        assert!(is_valid_id(&a) && is_valid_id(&b));
        assert_ne!(a, b);
        assert!(a < b, "v7 ids sort by creation");
    }

    #[test]
    fn rejects_non_canonical_ids() {
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("deal:1"));
        assert!(!is_valid_id("0190C5E4-8B5A-7000-8000-000000000000"));
        assert!(!is_valid_id("0190c5e48b5a70008000000000000000"));
        assert!(is_valid_id("0190c5e4-8b5a-7000-8000-000000000000"));
    }
}

/// The key of a record id as the database prints it (`deal:⟨0190…⟩`, ``deal:`0190…` ``), or a
/// plain key as the browser sends it back.
pub fn key_of(raw: &str) -> &str {
    let key = raw.split_once(':').map_or(raw, |(_, key)| key);
    key.trim_start_matches(['⟨', '`'])
        .trim_end_matches(['⟩', '`'])
}

/// serde helpers for id fields read from the database.
pub mod de {
    use serde::{Deserialize, Deserializer};

    pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(super::key_of(&raw).to_owned())
    }

    pub fn opt_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let raw = Option::<String>::deserialize(d)?;
        Ok(raw.map(|r| super::key_of(&r).to_owned()))
    }
}

#[cfg(test)]
mod key_tests {
    use super::key_of;

    #[test]
    fn keys_from_every_printed_form() {
        let id = "0190c5e4-8b5a-7000-8000-000000000000";
        assert_eq!(key_of(&format!("deal:⟨{id}⟩")), id);
        assert_eq!(key_of(&format!("deal:`{id}`")), id);
        assert_eq!(key_of("team:north"), "north");
        assert_eq!(key_of(id), id);
    }
}
