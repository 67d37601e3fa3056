//! The Trash: a deleted record is kept, with what linked to it, for [`KEPT_DAYS`] days, and
//! can be restored with its links; then it is purged. Deletes are made on the device and
//! pushed like edits (`sync::Op::Delete`), so they work offline; the Trash itself is read
//! and restored from on the server.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::kinds::Table;

#[cfg(feature = "ssr")]
pub mod ssr;
pub mod views;

/// Days a deleted record waits in the Trash before it is purged.
pub const KEPT_DAYS: i64 = 30;

/// One thing in the Trash, as its page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrashItem {
    pub table: Table,
    /// The deleted record's id.
    pub id: String,
    pub name: String,
    pub at: String,
    pub by_name: String,
    /// Records deleted along with it (a company's contacts and deals), restored with it.
    pub with: i64,
    /// Whether this user may restore it.
    pub can_restore: bool,
    /// The name of the record it was merged into, if a merge put it here: restoring it
    /// undoes the merge.
    #[serde(default)]
    pub merged_into: Option<String>,
}

/// The Trash's id of record `id` of `table`: a record is in the Trash at most once.
pub fn entry_key(table: Table, id: &str) -> String {
    format!("{}_{id}", table.name())
}

#[server(endpoint = "trash/list", input = Json)]
pub async fn load_trash() -> Result<Vec<TrashItem>, AppError> {
    crate::server::respond(async move { ssr::list(&crate::server::cx().await?).await }).await
}

/// Puts a deleted record back, with what was deleted along with it and the links the delete
/// cleared.
#[server(endpoint = "trash/restore", input = Json)]
pub async fn restore(table: Table, id: String) -> Result<(), AppError> {
    crate::server::respond(async move {
        let changes = crate::server::state()?.changes;
        ssr::restore(&crate::server::cx().await?, table, &id).await?;
        changes.poke();
        Ok(())
    })
    .await
}

/// Deletes a record the device does not keep (an old activity, a closed deal past the
/// device's horizon, opened from the server): the same delete a push applies, asked of the
/// server directly, so it needs the network.
#[server(endpoint = "trash/delete", input = Json)]
pub async fn delete_on_server(table: Table, id: String, with_linked: bool) -> Result<(), AppError> {
    crate::server::respond(async move {
        let state = crate::server::state()?;
        let cx = crate::server::cx().await?;
        let mutation = crate::sync::Mutation {
            table,
            id: id.into(),
            base: None,
            fields: Default::default(),
            clock: crate::sync::clock::Hlc::zero("server").tick(crate::sync::ssr::now_ms()),
            op: if with_linked {
                crate::sync::Op::DeleteWithLinked
            } else {
                crate::sync::Op::Delete
            },
        };
        let (outcome, _) = ssr::delete(&cx, &mutation, None).await?;
        match outcome {
            crate::sync::Outcome::Rejected { error } => Err(error),
            _ => {
                state.changes.poke();
                Ok(())
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use crate::auth::{Actor, Role};
    use crate::companies::{CompanyInput, CompanyRow};
    use crate::contacts::{ContactInput, ContactRow};
    use crate::error::AppError;
    use crate::i18n::Locale;
    use crate::sync::clock::Hlc;
    use crate::sync::replica::{Replica, create, delete};
    use crate::sync::{Reference, RowKey, Table};

    const NOW: &str = "2026-12-03T10:00:00Z";
    const COMPANY: &str = "00000000-0000-4000-8000-00000000000c";
    const MINE: &str = "00000000-0000-4000-8000-000000000001";
    const THEIRS: &str = "00000000-0000-4000-8000-000000000002";

    fn clock() -> Hlc {
        Hlc {
            ms: 1,
            counter: 0,
            node: "test".into(),
        }
    }

    /// Rep `a`'s device holding a company with a contact of theirs and one of a teammate's.
    fn device() -> Replica {
        let me = Actor {
            id: "a".into(),
            name: "A".into(),
            email: "a@example.com".into(),
            role: Role::Rep,
            team: Some("north".into()),
            team_name: Some("North".into()),
            locale: Locale::En,
        };
        let mut replica = Replica {
            reference: Some(Reference {
                me,
                pipeline: crate::pipeline::sample("stage"),
                users: Vec::new(),
                default_currency: crate::money::Currency::USD,
                deal_sources: Vec::new(),
                service: Default::default(),
                server_ms: 0,
            }),
            ..Replica::default()
        };
        let company = CompanyInput {
            name: "Pars Tile".into(),
            ..CompanyInput::default()
        };
        replica
            .replay(&create::<CompanyRow>(&company, COMPANY, clock()), NOW)
            .expect("company");
        for id in [MINE, THEIRS] {
            let contact = ContactInput {
                name: format!("Contact {id}"),
                company: COMPANY.into(),
                ..ContactInput::default()
            };
            replica
                .replay(&create::<ContactRow>(&contact, id, clock()), NOW)
                .expect("contact");
        }
        if let Some(theirs) = replica.contacts.get_mut(THEIRS) {
            theirs.stamp.owner = "b".into();
        }
        replica
    }

    fn key(table: Table, id: &str) -> RowKey {
        RowKey {
            table,
            id: id.into(),
        }
    }

    #[test]
    fn a_delete_on_the_device_takes_what_the_server_will_and_no_more() {
        let held = device();
        let company = held.companies.get(COMPANY).expect("company").clone();
        assert_eq!(held.linked_to(&key(Table::Company, COMPANY)).len(), 2);

        let mut kept = held.clone();
        kept.replay(&delete(&company, false, clock()), NOW)
            .expect("deleted");
        assert!(kept.companies.is_empty());
        assert_eq!(kept.contacts.len(), 2, "its contacts are kept");

        let mut with = held.clone();
        with.replay(&delete(&company, true, clock()), NOW)
            .expect("deleted");
        assert_eq!(
            with.contacts
                .keys()
                .map(|k| k.to_string())
                .collect::<Vec<_>>(),
            [THEIRS],
            "only what I may change goes with it"
        );

        let theirs = held.contacts.get(THEIRS).expect("contact").clone();
        let mut refused = held.clone();
        assert_eq!(
            refused.replay(&delete(&theirs, false, clock()), NOW),
            Err(AppError::Forbidden)
        );
        assert_eq!(refused, held, "a refused delete changes nothing");
        let mut gone = kept;
        assert_eq!(
            gone.replay(&delete(&company, false, clock()), NOW),
            Err(AppError::NotFound)
        );
    }
}
