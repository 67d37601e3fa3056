//! Running the team: the people who sign in and the teams they work in. Admins run
//! everyone; a manager runs the reps of their own team. Nobody needs a restart to add a
//! colleague: **Invite** makes the account and a one-time link that lets them choose a
//! password; **Deactivate** signs them out everywhere at once.

pub mod views;
pub mod welcome;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::auth::{Actor, Role};
use crate::error::{AppError, FieldErrors, Problem};
use crate::ids::Id;

/// Hours a sign-in link (an invitation or a password reset) stays valid.
pub const LINK_HOURS: i64 = 72;

/// A person as the Users screen lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub team: Option<Id>,
    #[serde(default)]
    pub team_name: Option<String>,
    pub active: bool,
    /// Invited, and has not chosen a password yet.
    #[serde(default)]
    pub invited: bool,
    /// When they last used Hamrah (RFC 3339).
    #[serde(default)]
    pub last_active: Option<String>,
    /// Open deals they own, which a deactivation leaves to be handed on.
    #[serde(default)]
    pub open_deals: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Team {
    pub id: Id,
    pub name: String,
    #[serde(default)]
    pub manager: Option<Id>,
    #[serde(default)]
    pub manager_name: Option<String>,
    #[serde(default)]
    pub members: i64,
}

/// Everyone the signed-in user may run, and the teams they may put people in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Directory {
    pub people: Vec<Person>,
    pub teams: Vec<Team>,
    /// An admin: may run every team, set any role, and make password-reset links.
    pub admin: bool,
}

/// The Invite or edit form as typed. A new person has no `id`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub id: Option<String>,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: String,
}

/// A person input that passed every rule needing no database.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidPerson {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team: Option<Id>,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Rep, Role::Manager, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Rep => "rep",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl PersonInput {
    /// The form's rules, and who `actor` may make: a manager only reps of their own team.
    pub fn validate(&self, actor: &Actor) -> Result<ValidPerson, AppError> {
        let mut errors = FieldErrors::default();
        let name = crate::validate::required(&mut errors, "name", &self.name, 80);
        let email = self.email.trim().to_lowercase();
        if email.is_empty() {
            errors.add("email", Problem::Required);
        } else if !crate::validate::is_email(&email) || email.chars().count() > 120 {
            errors.add("email", Problem::InvalidEmail);
        }
        let role = Role::from_code(self.role.trim());
        if role.is_none() {
            errors.add("role", Problem::Required);
        }
        let team = crate::validate::clean(&self.team);
        if team.as_deref().is_some_and(|t| !crate::ids::is_valid_id(t)) {
            errors.add("team", Problem::Malformed);
        }
        if actor.role == Role::Manager {
            if role.is_some_and(|r| r != Role::Rep) {
                errors.add("role", Problem::NotAssignable);
            }
            if team.is_none() || team.as_deref() != actor.team.as_deref() {
                errors.add("team", Problem::NotAssignable);
            }
        }
        errors.into_result()?;
        Ok(ValidPerson {
            name,
            email,
            role: role.ok_or(AppError::Internal)?,
            team: team.map(|t| Id::from(t.as_str())),
        })
    }
}

/// Whether `actor` may run `person` at all (edit, deactivate, hand on their records): an
/// admin anyone but themself for deactivation (checked apart), a manager the reps of
/// their own team.
pub fn may_run(actor: &Actor, person: &Person) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Manager => {
            person.role == Role::Rep
                && actor.team.is_some()
                && person.team.as_deref() == actor.team.as_deref()
        }
        Role::Rep => false,
    }
}

/// A one-time sign-in link, to be copied and sent (e-mail sending comes later).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignInLink {
    /// `/welcome/<token>`: the page makes the address whole.
    pub path: String,
    pub expires_at: String,
}

/// The Teams form: a new team has no `id`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamInput {
    pub id: Option<String>,
    pub name: String,
    pub manager: String,
}

#[server(endpoint = "users/list", input = Json)]
pub async fn load_directory() -> Result<Directory, AppError> {
    crate::server::respond(async { ssr::directory(&crate::server::cx().await?).await }).await
}

/// Makes the account and answers its first sign-in link.
#[server(endpoint = "users/invite", input = Json)]
pub async fn invite(person: PersonInput) -> Result<SignInLink, AppError> {
    crate::server::respond(async move { ssr::invite(&crate::server::cx().await?, &person).await })
        .await
}

#[server(endpoint = "users/save", input = Json)]
pub async fn save_person(person: PersonInput) -> Result<(), AppError> {
    crate::server::respond(async move { ssr::save(&crate::server::cx().await?, &person).await })
        .await
}

/// Deactivates (`active: false`) or reactivates someone.
#[server(endpoint = "users/active", input = Json)]
pub async fn set_active(id: String, active: bool) -> Result<(), AppError> {
    crate::server::respond(async move {
        ssr::set_active(&crate::server::cx().await?, &id, active).await
    })
    .await
}

/// A one-time link that lets someone choose a new password (admins only).
#[server(endpoint = "users/reset_link", input = Json)]
pub async fn reset_link(id: String) -> Result<SignInLink, AppError> {
    crate::server::respond(async move { ssr::reset_link(&crate::server::cx().await?, &id).await })
        .await
}

/// Gives every open deal, company, contact and open activity of `from` to `to`; answers how
/// many records changed hands.
#[server(endpoint = "users/hand_on", input = Json)]
pub async fn hand_on(from: String, to: String) -> Result<usize, AppError> {
    crate::server::respond(
        async move { ssr::hand_on(&crate::server::cx().await?, &from, &to).await },
    )
    .await
}

#[server(endpoint = "teams/save", input = Json)]
pub async fn save_team(team: TeamInput) -> Result<(), AppError> {
    crate::server::respond(async move { ssr::save_team(&crate::server::cx().await?, &team).await })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, team: Option<&str>) -> Actor {
        Actor {
            id: "me".into(),
            name: "Me".into(),
            email: "me@example.com".into(),
            role,
            team: team.map(Id::from),
            team_name: None,
            locale: Default::default(),
        }
    }

    fn input(role: &str, team: &str) -> PersonInput {
        PersonInput {
            id: None,
            name: " Lale Rad ".into(),
            email: " Lale@Example.com ".into(),
            role: role.into(),
            team: team.into(),
        }
    }

    #[test]
    fn a_manager_invites_reps_of_their_own_team_only() {
        let (north, south) = (crate::ids::new_id(), crate::ids::new_id());
        let manager = actor(Role::Manager, Some(&north));
        let valid = input("rep", &north).validate(&manager).expect("valid");
        assert_eq!(valid.name, "Lale Rad");
        assert_eq!(valid.email, "lale@example.com");
        let Err(AppError::Validation(errors)) = input("admin", &south).validate(&manager) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("role"), Some(Problem::NotAssignable));
        assert_eq!(errors.get("team"), Some(Problem::NotAssignable));
        assert!(
            input("admin", "")
                .validate(&actor(Role::Admin, None))
                .is_ok()
        );
    }

    #[test]
    fn bad_fields_are_all_reported() {
        let bad = PersonInput {
            name: " ".into(),
            email: "nobody".into(),
            role: "boss".into(),
            team: "x' OR 1".into(),
            ..PersonInput::default()
        };
        let Err(AppError::Validation(errors)) = bad.validate(&actor(Role::Admin, None)) else {
            panic!("must fail")
        };
        assert_eq!(errors.get("name"), Some(Problem::Required));
        assert_eq!(errors.get("email"), Some(Problem::InvalidEmail));
        assert_eq!(errors.get("role"), Some(Problem::Required));
        assert_eq!(errors.get("team"), Some(Problem::Malformed));
    }

    #[test]
    fn who_runs_whom() {
        let person = |role, team: Option<&str>| Person {
            id: "p".into(),
            name: "P".into(),
            email: "p@example.com".into(),
            role,
            team: team.map(Id::from),
            team_name: None,
            active: true,
            invited: false,
            last_active: None,
            open_deals: 0,
        };
        let manager = actor(Role::Manager, Some("north"));
        assert!(may_run(&manager, &person(Role::Rep, Some("north"))));
        assert!(!may_run(&manager, &person(Role::Rep, Some("south"))));
        assert!(!may_run(&manager, &person(Role::Admin, Some("north"))));
        assert!(!may_run(
            &actor(Role::Rep, Some("north")),
            &person(Role::Rep, Some("north"))
        ));
        assert!(may_run(
            &actor(Role::Admin, None),
            &person(Role::Manager, None)
        ));
    }
}
