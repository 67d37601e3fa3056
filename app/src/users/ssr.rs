//! Users and teams on the server: every permission is checked here, whatever the screen
//! shows, and each check runs in the transaction of the write it guards. Compiled only with
//! `ssr`.

use serde::Deserialize;

use super::{Directory, LINK_HOURS, Person, PersonInput, SignInLink, TeamInput, may_run};
use crate::auth::Role;
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::history::ssr::LOG_CHANGE;
use crate::records::bind_actor;
use crate::server::Cx;

const PERSON: &str = "id, name, email, role, team, team.name AS team_name, active,
    invited ?? false AS invited,
    time::max((SELECT VALUE seen_at FROM session WHERE user = $parent.id)) AS last_active,
    count((SELECT id FROM deal WHERE owner = $parent.id AND stage IN $open)) AS open_deals";

fn open_stages(pipeline: &crate::pipeline::Pipeline) -> Vec<surrealdb::types::RecordId> {
    pipeline
        .stages
        .iter()
        .filter(|s| s.outcome == crate::pipeline::Outcome::Open)
        .map(|s| rid("stage", &s.id))
        .collect()
}

fn runs_people(cx: &Cx) -> AppResult<()> {
    match cx.actor.role {
        Role::Admin | Role::Manager => Ok(()),
        Role::Rep => Err(AppError::Forbidden),
    }
}

pub async fn directory(cx: &Cx) -> AppResult<Directory> {
    runs_people(cx)?;
    let (people, teams) = match cx.actor.role {
        Role::Admin => ("true", "true"),
        _ => ("($team != NONE AND team = $team) OR id = $me", "id = $team"),
    };
    let sql = format!(
        "SELECT {PERSON} FROM user WHERE {people} ORDER BY name;
         SELECT id, name, manager, manager.name AS manager_name,
            count((SELECT id FROM user WHERE team = $parent.id AND active = true)) AS members
            FROM team WHERE {teams} ORDER BY name;"
    );
    let pipeline = cx.pipeline().await?;
    let query = bind_actor(cx.db.query(sql), &cx.actor).bind(("open", open_stages(&pipeline)));
    let mut response = db::run(query).await?;
    Ok(Directory {
        people: db::take_all(&mut response, 0)?,
        teams: db::take_all(&mut response, 1)?,
        admin: cx.actor.role == Role::Admin,
    })
}

/// Someone the actor may run, or why not: a person outside their reach is not found.
async fn person(cx: &Cx, id: &str) -> AppResult<Person> {
    let id = crate::records::parse_id(id)?;
    let pipeline = cx.pipeline().await?;
    let sql = format!("SELECT {PERSON} FROM ONLY $user");
    let query = cx
        .db
        .query(sql)
        .bind(("user", rid("user", id)))
        .bind(("open", open_stages(&pipeline)));
    let mut response = db::run(query).await?;
    let found: Person = db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)?;
    if may_run(&cx.actor, &found) {
        Ok(found)
    } else if cx.actor.role == Role::Rep {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

/// A random token for a link, and the key its row is stored under: only a hash is kept, so
/// a copy of the database opens no account.
fn new_link() -> (String, String) {
    let token = crate::auth::ssr::new_token();
    let key = crate::auth::ssr::session_key(&token);
    (token, key)
}

fn link_of(token: &str) -> SignInLink {
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(LINK_HOURS);
    SignInLink {
        path: format!("/welcome/{token}"),
        expires_at: expires
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
    }
}

const CREATE_LINK: &str = "CREATE $link CONTENT { user: $user, purpose: $purpose,
    expires_at: time::now() + duration::from_hours($hours), created_by: $me };";

pub async fn invite(cx: &Cx, input: &PersonInput) -> AppResult<SignInLink> {
    runs_people(cx)?;
    let valid = input.validate(&cx.actor)?;
    let id = crate::ids::new_id();
    let (token, key) = new_link();
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         IF count((SELECT id FROM user WHERE email = $email)) > 0 {{ THROW $email_taken }};
         IF $new_team != NONE AND !record::exists($new_team) {{ THROW $not_assignable }};
         CREATE $user CONTENT {{ name: $name, email: $email, role: $role, team: $new_team,
             locale: $locale, password_hash: '', invited: true, active: true }};
         {CREATE_LINK}
         COMMIT TRANSACTION;"
    ))
    .bind(("user", rid("user", &id)))
    .bind(("link", rid("user_link", &key)))
    .bind(("purpose", "welcome"))
    .bind(("hours", LINK_HOURS))
    .bind(("me", rid("user", &cx.actor.id)))
    .bind(("name", valid.name))
    .bind(("email", valid.email))
    .bind(("role", valid.role.code()))
    .bind(("new_team", db::opt_rid("team", valid.team.as_deref())))
    .bind(("locale", cx.actor.locale.lang()))
    .bind(("email_taken", db::EMAIL_TAKEN_MARK))
    .bind(("not_assignable", db::NOT_ASSIGNABLE_MARK));
    db::write(&cx.db, &write).await?;
    Ok(link_of(&token))
}

/// Who must stay: the last active admin can neither go nor stop being an admin.
const KEEP_AN_ADMIN: &str = "IF $was_admin AND count((SELECT id FROM user
    WHERE role = 'admin' AND active = true AND id != $user)) = 0 { THROW $last_admin };";

pub async fn save(cx: &Cx, input: &PersonInput) -> AppResult<()> {
    runs_people(cx)?;
    let current = person(cx, input.id.as_deref().unwrap_or_default()).await?;
    let valid = input.validate(&cx.actor)?;
    let demoted = current.role == Role::Admin && valid.role != Role::Admin;
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         IF count((SELECT id FROM user WHERE email = $email AND id != $user)) > 0 {{ THROW $email_taken }};
         IF $new_team != NONE AND !record::exists($new_team) {{ THROW $not_assignable }};
         {KEEP_AN_ADMIN}
         UPDATE $user SET name = $name, email = $email, role = $role, team = $new_team;
         COMMIT TRANSACTION;"
    ))
    .bind(("user", rid("user", &current.id)))
    .bind(("was_admin", demoted))
    .bind(("name", valid.name))
    .bind(("email", valid.email))
    .bind(("role", valid.role.code()))
    .bind(("new_team", db::opt_rid("team", valid.team.as_deref())))
    .bind(("email_taken", db::EMAIL_TAKEN_MARK))
    .bind(("not_assignable", db::NOT_ASSIGNABLE_MARK))
    .bind(("last_admin", db::LAST_ADMIN_MARK));
    db::write(&cx.db, &write).await?;
    Ok(())
}

pub async fn set_active(cx: &Cx, id: &str, active: bool) -> AppResult<()> {
    runs_people(cx)?;
    let person = person(cx, id).await?;
    if person.id == cx.actor.id {
        return Err(AppError::Forbidden);
    }
    // A deactivated user's sessions stay, refused: the next request of each of their devices
    // hears the account is closed and wipes its copy. Coming back, they sign in afresh.
    let change = if active {
        "UPDATE $user SET active = true; DELETE session WHERE user = $user;"
    } else {
        "UPDATE $user SET active = false; DELETE user_link WHERE user = $user;"
    };
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         {keep}
         {change}
         COMMIT TRANSACTION;",
        keep = if active { "" } else { KEEP_AN_ADMIN },
    ))
    .bind(("user", rid("user", &person.id)))
    .bind(("was_admin", person.role == Role::Admin))
    .bind(("last_admin", db::LAST_ADMIN_MARK));
    db::write(&cx.db, &write).await?;
    Ok(())
}

pub async fn reset_link(cx: &Cx, id: &str) -> AppResult<SignInLink> {
    if cx.actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let person = person(cx, id).await?;
    if !person.active {
        return Err(AppError::form(Problem::NotAssignable));
    }
    let (token, key) = new_link();
    // A new link replaces any earlier one still lying in someone's inbox.
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         DELETE user_link WHERE user = $user;
         {CREATE_LINK}
         COMMIT TRANSACTION;"
    ))
    .bind(("user", rid("user", &person.id)))
    .bind(("link", rid("user_link", &key)))
    .bind(("purpose", "reset"))
    .bind(("hours", LINK_HOURS))
    .bind(("me", rid("user", &cx.actor.id)));
    db::write(&cx.db, &write).await?;
    Ok(link_of(&token))
}

#[derive(Deserialize)]
struct Receiver {
    id: crate::ids::Id,
    name: String,
    #[serde(default)]
    team: Option<crate::ids::Id>,
}

/// What a person leaves behind changes hands: open deals, companies, contacts and
/// activities not done. Won and lost deals and done activities stay theirs, as history.
const LEFT_BEHIND: &str = "LET $records = array::flatten([
    (SELECT VALUE id FROM deal WHERE owner = $from AND stage IN $open),
    (SELECT VALUE id FROM company WHERE owner = $from),
    (SELECT VALUE id FROM contact WHERE owner = $from),
    (SELECT VALUE id FROM activity WHERE owner = $from AND done = false)]);";

pub async fn hand_on(cx: &Cx, from: &str, to: &str) -> AppResult<usize> {
    runs_people(cx)?;
    let giver = person(cx, from).await?;
    let refuse = || {
        let mut errors = FieldErrors::default();
        errors.add("owner", Problem::NotAssignable);
        AppError::Validation(errors)
    };
    if !crate::ids::is_valid_id(to) || to == giver.id.as_str() {
        return Err(refuse());
    }
    let mut response = db::run(
        cx.db
            .query("SELECT id, name, team FROM ONLY $user WHERE active = true")
            .bind(("user", rid("user", to))),
    )
    .await?;
    let receiver: Receiver = db::take_one(&mut response, 0)?.ok_or_else(refuse)?;
    if !cx
        .actor
        .may_assign_to(receiver.team.as_deref(), &receiver.id)
    {
        return Err(refuse());
    }
    let pipeline = cx.pipeline().await?;
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         IF count((SELECT id FROM ONLY $to WHERE active = true)) = 0 {{ THROW $not_assignable }};
         {LEFT_BEHIND}
         FOR $changed IN $records {{
             LET $scope_before = (SELECT owner, team FROM ONLY $changed);
             UPDATE $changed SET owner = $to, team = $to_team, rev += 1,
                 updated_at = time::now(), updated_by = $by;
             CREATE change CONTENT {{ subject: $changed, by: $by, field: 'owner', old: $from_name, new: $to_name }};
             {LOG_CHANGE}
         }};
         RETURN array::len($records);
         COMMIT TRANSACTION;"
    ))
    .bind(("from", rid("user", &giver.id)))
    .bind(("from_name", giver.name))
    .bind(("to", rid("user", &receiver.id)))
    .bind(("to_team", db::opt_rid("team", receiver.team.as_deref())))
    .bind(("to_name", receiver.name))
    .bind(("by", rid("user", &cx.actor.id)))
    .bind(("open", open_stages(&pipeline)))
    .bind(("not_assignable", db::NOT_ASSIGNABLE_MARK));
    let mut response = db::write(&cx.db, &write).await?;
    let last = response.num_statements().saturating_sub(2);
    let moved: Option<i64> = response.take(last).map_err(crate::server::internal)?;
    Ok(moved.unwrap_or(0).max(0) as usize)
}

pub async fn save_team(cx: &Cx, input: &TeamInput) -> AppResult<()> {
    if cx.actor.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let name = crate::validate::required(&mut errors, "name", &input.name, 60);
    let manager = crate::validate::clean(&input.manager);
    if manager
        .as_deref()
        .is_some_and(|m| !crate::ids::is_valid_id(m))
    {
        errors.add("manager", Problem::NotAssignable);
    }
    let id = match input.id.as_deref() {
        Some(id) if crate::ids::is_valid_id(id) => id.to_owned(),
        Some(_) => return Err(AppError::NotFound),
        None => crate::ids::new_id(),
    };
    errors.into_result()?;
    if input.id.is_some() {
        let query = cx
            .db
            .query("RETURN record::exists($team)")
            .bind(("team", rid("team", &id)));
        let exists: Option<bool> = db::run(query)
            .await?
            .take(0)
            .map_err(crate::server::internal)?;
        if exists != Some(true) {
            return Err(AppError::NotFound);
        }
    }
    let write = Write::new(
        "BEGIN TRANSACTION;
         IF count((SELECT id FROM team WHERE string::lowercase(name) = string::lowercase($name) AND id != $team)) > 0
             { THROW $team_taken };
         IF $manager != NONE AND count((SELECT id FROM ONLY $manager WHERE active = true AND role = 'manager')) = 0
             { THROW $not_assignable };
         UPSERT $team MERGE { name: $name, manager: $manager };
         -- A team's manager works in it.
         IF $manager != NONE { UPDATE $manager SET team = $team };
         COMMIT TRANSACTION;",
    )
    .bind(("team", rid("team", &id)))
    .bind(("name", name))
    .bind(("manager", db::opt_rid("user", manager.as_deref())))
    .bind(("team_taken", db::TEAM_TAKEN_MARK))
    .bind(("not_assignable", db::NOT_ASSIGNABLE_MARK));
    match db::write(&cx.db, &write).await {
        // The manager field's mark says "owner"; on this form the field is the manager.
        Err(AppError::Validation(e)) if e.get("owner").is_some() => {
            let mut errors = FieldErrors::default();
            errors.add("manager", Problem::NotAssignable);
            Err(AppError::Validation(errors))
        }
        other => other.map(|_| ()),
    }
}
