//! A record as the device stores it and sync moves it: its id and revision, the fields its
//! kind declares, and who owns it and last changed it. One shape for every kind; what a kind
//! adds is its [`Declaration`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Held, Table};
use crate::error::AppError;
use crate::ids::Id;
use crate::sync::horizon::Horizon;
use crate::sync::replica::{Context, Field, Link, Stamp, Synced};

/// A record kind's own fields and rules, declared once in its module. The device's row,
/// the form's change, merging, history labels and the push dispatch all follow from it.
pub trait Declaration:
    std::fmt::Debug + Clone + Default + PartialEq + Send + Sync + Serialize + DeserializeOwned + 'static
{
    /// The form's values, as typed.
    type Input: Clone + Send + Sync + Serialize + DeserializeOwned + Default;
    const TABLE: Table;
    /// The form's fields, each once: every field a change may carry is here.
    const FIELDS: &'static [Field];
    /// The fields that link to another record: a delete unlinks them, a restore links them
    /// back, a merge moves them.
    const LINKS: &'static [Link] = &[];
    /// The field that names a record of this kind (in the Trash, in sync issues).
    const NAME: &'static str = "name";

    /// The form as it opens on these fields.
    fn input(&self, id: &str, rev: Option<i64>) -> Self::Input;

    /// What search finds a record by besides its form's fields (a case's reference).
    fn also_searched(&self) -> Option<&str> {
        None
    }

    /// Days a device keeps a record of this kind after its last change, unless it is
    /// [`Declaration::current`]; `None` keeps every record the user may read. See
    /// [`crate::sync::horizon`].
    const KEPT_DAYS: Option<i64> = None;
    /// [`Declaration::current`] in SurrealQL over a stored record, with `$open_stages` bound.
    const CURRENT: &'static str = "true";

    /// Whether a device keeps this record however long ago it changed.
    fn current(&self, horizon: &Horizon) -> bool {
        let _ = horizon;
        true
    }

    /// A form's values checked by the kind's rules, as the device can check them; `current`
    /// is what the record holds now (the defaults for a new one).
    fn checked(input: &Self::Input, current: &Self, cx: &Context) -> Result<Self, AppError>;

    /// Saves a change on the server: the same rules, and those only the server can check
    /// (permissions, links), history and the sync log.
    #[cfg(feature = "ssr")]
    fn save(
        cx: crate::server::Cx,
        input: Self::Input,
    ) -> impl Future<Output = crate::error::AppResult<String>> + Send;
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row<F> {
    pub id: Id,
    pub rev: i64,
    #[serde(flatten)]
    pub fields: F,
    #[serde(flatten)]
    pub stamp: Stamp,
}

impl<F> std::ops::Deref for Row<F> {
    type Target = F;
    fn deref(&self) -> &F {
        &self.fields
    }
}

impl<F: Declaration> Synced for Row<F>
where
    Row<F>: Held,
{
    type Input = F::Input;
    const TABLE: Table = F::TABLE;
    const FIELDS: &'static [Field] = F::FIELDS;
    const LINKS: &'static [Link] = F::LINKS;
    const NAME: &'static str = F::NAME;

    fn id(&self) -> &str {
        &self.id
    }

    fn rev(&self) -> i64 {
        self.rev
    }

    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn stamp_mut(&mut self) -> &mut Stamp {
        &mut self.stamp
    }

    fn input(&self) -> F::Input {
        self.fields.input(&self.id, Some(self.rev))
    }

    fn also_searched(&self) -> Option<&str> {
        self.fields.also_searched()
    }

    fn blank(id: &str, stamp: Stamp) -> Self {
        Row {
            id: id.into(),
            rev: 0,
            fields: F::default(),
            stamp,
        }
    }

    #[cfg(feature = "ssr")]
    fn save(
        cx: crate::server::Cx,
        input: F::Input,
    ) -> impl Future<Output = crate::error::AppResult<String>> + Send {
        F::save(cx, input)
    }

    fn kept(&self, horizon: &Horizon) -> bool {
        match F::KEPT_DAYS {
            None => true,
            Some(days) => {
                self.fields.current(horizon) || horizon.recent(&self.stamp.updated_at, days)
            }
        }
    }

    fn kept_sql() -> String {
        match F::KEPT_DAYS {
            None => "true".into(),
            Some(_) => format!("(({}) OR updated_at >= <datetime>$since)", F::CURRENT),
        }
    }

    fn kept_days() -> Option<i64> {
        F::KEPT_DAYS
    }

    fn set(&mut self, input: &F::Input, cx: &Context) -> Result<(), AppError> {
        self.fields = F::checked(input, &self.fields, cx)?;
        Ok(())
    }
}
