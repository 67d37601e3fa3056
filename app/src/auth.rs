//! Who is signed in, and what their role lets them do.

pub mod views;

#[cfg(feature = "ssr")]
pub mod proxy;
#[cfg(feature = "ssr")]
pub mod ssr;
mod throttle;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::i18n::{Key, Locale};

pub use throttle::{Throttle, ThrottleVerdict, WINDOW_SECS};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Manager,
    Rep,
}

impl Role {
    pub fn label(self) -> Key {
        match self {
            Role::Admin => Key::RoleAdmin,
            Role::Manager => Key::RoleManager,
            Role::Rep => Key::RoleRep,
        }
    }
}

/// The signed-in user, as every permission check sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: crate::ids::Id,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team: Option<crate::ids::Id>,
    pub team_name: Option<String>,
    pub locale: Locale,
}

/// Who a record belongs to: its owner, and the owner's team when it was assigned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub owner: crate::ids::Id,
    pub team: Option<crate::ids::Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Write,
}

impl Actor {
    /// The one rule for records: a rep reads and writes their own and reads their team's;
    /// a manager reads and writes their team's; an admin everything.
    pub fn access(&self, scope: &Scope) -> Access {
        let own = scope.owner == self.id;
        let same_team = self.team.is_some() && scope.team == self.team;
        match self.role {
            Role::Admin => Access::Write,
            Role::Manager if own || same_team => Access::Write,
            Role::Rep if own => Access::Write,
            Role::Rep if same_team => Access::Read,
            Role::Manager | Role::Rep => Access::None,
        }
    }

    /// Reading something you may not see looks exactly like it does not exist.
    pub fn check_read(&self, scope: &Scope) -> Result<(), AppError> {
        match self.access(scope) {
            Access::None => Err(AppError::NotFound),
            Access::Read | Access::Write => Ok(()),
        }
    }

    pub fn check_write(&self, scope: &Scope) -> Result<(), AppError> {
        match self.access(scope) {
            Access::None => Err(AppError::NotFound),
            Access::Read => Err(AppError::Forbidden),
            Access::Write => Ok(()),
        }
    }

    /// Who may be made owner of a record: yourself, or (managers) someone in your team.
    pub fn may_assign_to(&self, owner_team: Option<&str>, owner_id: &str) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager => {
                owner_id == self.id || (owner_team.is_some() && owner_team == self.team.as_deref())
            }
            Role::Rep => owner_id == self.id,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignInForm {
    pub email: String,
    pub password: String,
}

#[server(endpoint = "auth/sign_in", input = Json)]
pub async fn sign_in(form: SignInForm) -> Result<Actor, AppError> {
    crate::server::respond(ssr::sign_in(form)).await
}

#[server(endpoint = "auth/sign_out", input = Json)]
pub async fn sign_out() -> Result<(), AppError> {
    crate::server::respond(ssr::sign_out()).await
}

/// Ends every session of the signed-in user, on every device, this one included.
#[server(endpoint = "auth/sign_out_everywhere", input = Json)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::server::respond(ssr::sign_out_everywhere()).await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current: String,
    pub new: String,
}

/// Shortest password accepted for a new one.
pub const MIN_PASSWORD: usize = 10;

/// Sets a new password after checking the current one; other sessions of the user end.
#[server(endpoint = "auth/change_password", input = Json)]
pub async fn change_password(change: PasswordChange) -> Result<(), AppError> {
    crate::server::respond(ssr::change_password(change)).await
}

/// The signed-in user, or `None`: never an error for a visitor who is simply signed out.
/// Who is signed in: on a device with a synced copy, from it (so the app opens offline).
pub async fn load_me() -> Result<Option<Actor>, AppError> {
    crate::sync::read(|view| Ok(view.me().cloned()), current_user()).await
}

#[server(endpoint = "auth/me", input = Json)]
pub async fn current_user() -> Result<Option<Actor>, AppError> {
    crate::server::respond(async {
        match crate::server::actor().await {
            Ok(actor) => Ok(Some(actor)),
            Err(AppError::Unauthorized) => Ok(None),
            Err(other) => Err(other),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(id: &str, role: Role, team: Option<&str>) -> Actor {
        Actor {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@example.com"),
            role,
            team: team.map(Into::into),
            team_name: None,
            locale: Locale::En,
        }
    }

    fn scope(owner: &str, team: Option<&str>) -> Scope {
        Scope {
            owner: owner.into(),
            team: team.map(Into::into),
        }
    }

    /// The whole role × ownership matrix, written out so a change to the rule shows here.
    #[test]
    fn role_by_ownership_matrix() {
        use Access::{Read, Write};
        const NO: Access = Access::None;
        let records = [
            ("own record", scope("me", Some("north"))),
            ("teammate's record", scope("mate", Some("north"))),
            ("other team's record", scope("other", Some("south"))),
            ("teamless record", scope("other", None)),
        ];
        let expected = [
            (Role::Rep, [Write, Read, NO, NO]),
            (Role::Manager, [Write, Write, NO, NO]),
            (Role::Admin, [Write, Write, Write, Write]),
        ];
        for (role, row) in expected {
            let me = actor("me", role, Some("north"));
            for ((what, record), want) in records.iter().zip(row) {
                assert_eq!(me.access(record), want, "{role:?} on {what}");
            }
        }
    }

    #[test]
    fn a_user_without_team_shares_nothing_by_teamlessness() {
        let loner = actor("me", Role::Rep, None);
        assert_eq!(loner.access(&scope("other", None)), Access::None);
        assert_eq!(loner.access(&scope("me", None)), Access::Write);
        let manager = actor("boss", Role::Manager, None);
        assert_eq!(manager.access(&scope("other", None)), Access::None);
    }

    #[test]
    fn hidden_records_are_not_found_and_read_only_ones_forbidden() {
        let rep = actor("me", Role::Rep, Some("north"));
        assert_eq!(
            rep.check_read(&scope("x", Some("south"))),
            Err(AppError::NotFound)
        );
        assert_eq!(
            rep.check_write(&scope("x", Some("south"))),
            Err(AppError::NotFound)
        );
        assert_eq!(
            rep.check_write(&scope("mate", Some("north"))),
            Err(AppError::Forbidden)
        );
        assert_eq!(rep.check_read(&scope("mate", Some("north"))), Ok(()));
    }

    #[test]
    fn assignment_rules() {
        let rep = actor("me", Role::Rep, Some("north"));
        assert!(rep.may_assign_to(Some("north"), "me"));
        assert!(!rep.may_assign_to(Some("north"), "mate"));
        let manager = actor("boss", Role::Manager, Some("north"));
        assert!(manager.may_assign_to(Some("north"), "mate"));
        assert!(!manager.may_assign_to(Some("south"), "other"));
        assert!(actor("root", Role::Admin, None).may_assign_to(Some("south"), "other"));
    }
}
