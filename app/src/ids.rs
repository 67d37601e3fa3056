//! Record ids are UUIDv7 strings: a device can mint one offline and it stays the record's id
//! forever, and they sort by creation time.

use std::fmt;

use uuid::Uuid;

pub fn new_id() -> String {
    Uuid::now_v7().to_string()
}

/// A record's key: what follows `table:` in its database id. A plain string on the wire and
/// in IndexedDB; read from the database in whichever form it prints (`deal:⟨…⟩`), so a
/// struct read from a query needs no per-field attribute. Which table it belongs to is the
/// field's business (see [`crate::kinds::Table::rid`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    /// A new record's id, minted here (on the device, offline if need be).
    pub fn new_v7() -> Id {
        Id(new_id())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Id {
    fn from(key: &str) -> Id {
        Id(key_of(key).to_owned())
    }
}

impl From<String> for Id {
    fn from(key: String) -> Id {
        if key_of(&key).len() == key.len() {
            Id(key)
        } else {
            Id::from(key.as_str())
        }
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<Id> for &str {
    fn eq(&self, other: &Id) -> bool {
        *self == other.0
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, other: &Id) -> bool {
        *self == other.0
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(Id::from)
    }
}

/// Accepts only the canonical hyphenated form, so an id from a URL can be bound safely
/// and compared as text.
pub fn is_valid_id(id: &str) -> bool {
    id.len() == 36 && Uuid::try_parse(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

/// Refuses a request naming a link that is no id (a filter's team, owner or stage): ids are
/// bound, never formatted, but a malformed one is a client's mistake worth saying so. The
/// same on the server and on a device working a page out offline.
pub fn valid_ids<'a>(
    ids: impl IntoIterator<Item = Option<&'a str>>,
) -> Result<(), crate::error::AppError> {
    if ids.into_iter().flatten().any(|id| !is_valid_id(id)) {
        return Err(crate::error::AppError::form(
            crate::error::Problem::Malformed,
        ));
    }
    Ok(())
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

#[cfg(test)]
mod key_tests {
    use super::key_of;

    #[test]
    fn an_id_reads_every_printed_form_and_writes_the_plain_key() {
        let id = "0190c5e4-8b5a-7000-8000-000000000000";
        for printed in [
            format!("deal:⟨{id}⟩"),
            format!("deal:`{id}`"),
            id.to_owned(),
        ] {
            let read: super::Id = serde_json::from_value(serde_json::json!(printed)).expect("id");
            assert_eq!(read, id);
            assert_eq!(
                serde_json::to_value(&read).ok(),
                Some(serde_json::json!(id))
            );
        }
    }

    #[test]
    fn keys_from_every_printed_form() {
        let id = "0190c5e4-8b5a-7000-8000-000000000000";
        assert_eq!(key_of(&format!("deal:⟨{id}⟩")), id);
        assert_eq!(key_of(&format!("deal:`{id}`")), id);
        assert_eq!(key_of("team:north"), "north");
        assert_eq!(key_of(id), id);
    }
}
