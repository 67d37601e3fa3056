use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use super::{Actor, MIN_PASSWORD, PasswordChange, Role, SignInForm, Throttle, ThrottleVerdict};
use crate::db::{self, Bind, Db, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Locale;
use crate::server::{AppState, SESSION_COOKIE, internal, state};

/// How long a sign-in waits for a free hashing slot before it is told to come back.
const HASH_QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Argon2 takes ~19 MiB and a core's worth of time per check: run as many at once as there
/// are cores, so a flood of sign-ins queues instead of exhausting memory.
fn hashing() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from)))
}

/// Runs an argon2 job on the blocking pool once a slot is free; `RateLimited` when the queue
/// does not move within [`HASH_QUEUE_WAIT`].
pub async fn bounded<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let slot = tokio::time::timeout(HASH_QUEUE_WAIT, hashing().acquire())
        .await
        .map_err(|_| AppError::RateLimited {
            retry_after_secs: 2,
        })?
        .map_err(internal)?;
    let result = tokio::task::spawn_blocking(job).await.map_err(internal);
    drop(slot);
    result
}

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    crate::metrics::count("hamrah_password_checks_total", &[]);
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Sessions are stored under a hash of the cookie's token, so a copy of the database opens
/// no sessions.
pub fn session_key(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
struct ActorRow {
    id: crate::ids::Id,
    name: String,
    email: String,
    role: Role,
    #[serde(default)]
    team: Option<crate::ids::Id>,
    #[serde(default)]
    team_name: Option<String>,
    #[serde(default)]
    locale: Option<Locale>,
}

impl From<ActorRow> for Actor {
    fn from(r: ActorRow) -> Self {
        Actor {
            id: r.id,
            name: r.name,
            email: r.email,
            role: r.role,
            team: r.team,
            team_name: r.team_name,
            locale: r.locale.unwrap_or_default(),
        }
    }
}

/// The actor a user id is, if that user exists and is active: for work done in their name
/// without a session of theirs (a complaint from the public form given to them).
pub async fn actor_by_id(db: &Db, id: &str) -> AppResult<Option<Actor>> {
    let sql = "SELECT id, name, email, role, team, team.name AS team_name, locale FROM $user
        WHERE active = true";
    let mut response = db::run(db.query(sql).bind(("user", rid("user", id)))).await?;
    let rows: Vec<ActorRow> = db::take_all(&mut response, 0)?;
    Ok(rows.into_iter().next().map(Actor::from))
}

/// The actor of a session token, if the session is alive: not past its absolute end, not
/// unused for longer than the idle time, its user still active. Use moves the idle end
/// forward (at most once a minute, to spare the database a write per request).
/// A session id as we make them (64 hex digits); anything else is not looked up at all.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The WHERE clause of a session that may still be used: within both lifetimes, user active.
const LIVE: &str = "expires_at > time::now() AND idle_until > time::now() AND user.active = true";
/// [`LIVE`] but for the user's being active, which [`actor_for_token`] tells apart.
const UNEXPIRED: &str = "expires_at > time::now() AND idle_until > time::now()";

pub async fn actor_for_token(state: &AppState, token: &str) -> AppResult<Option<Actor>> {
    if !well_formed(token) {
        return Ok(None);
    }
    let sid = rid("session", &session_key(token));
    let mut response = db::run(
        state
            .db
            .query(format!(
                "SELECT user AS id, user.name AS name, user.email AS email, user.role AS role, user.team AS team,
                        user.team.name AS team_name, user.locale AS locale, seen_at < time::now() - 1m AS stale,
                        user.active AS active
                 FROM $sid WHERE {UNEXPIRED}"
            ))
            .bind(("sid", sid.clone())),
    )
    .await?;
    #[derive(Deserialize)]
    struct Row {
        #[serde(flatten)]
        actor: ActorRow,
        #[serde(default)]
        stale: bool,
        #[serde(default)]
        active: bool,
    }
    let Some(row) = db::take_all::<Row>(&mut response, 0)?.into_iter().next() else {
        return Ok(None);
    };
    if !row.active {
        // Deactivated: every request of theirs is refused, and says why, so that their
        // devices drop what they hold.
        return Err(AppError::AccountClosed);
    }
    if row.stale {
        let touch = Write::new("UPDATE $sid SET seen_at = time::now(), idle_until = time::now() + duration::from_secs($idle)")
            .bind(("sid", sid))
            .bind(("idle", state.policy.session_idle_secs));
        db::write(&state.db, &touch).await?;
    }
    Ok(Some(Actor::from(row.actor)))
}

/// Whether a session still holds, without counting this as use (event streams ask often).
pub async fn session_alive(state: &AppState, token: &str) -> AppResult<bool> {
    if !well_formed(token) {
        return Ok(false);
    }
    let mut response = db::run(
        state
            .db
            .query(format!("RETURN count(SELECT id FROM $sid WHERE {LIVE})"))
            .bind(("sid", rid("session", &session_key(token)))),
    )
    .await?;
    let alive: Option<i64> = response.take(0).map_err(internal)?;
    Ok(alive.unwrap_or(0) > 0)
}

fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The address the sign-in came from, as a trusted proxy reports it (see `proxy`).
async fn client_address(state: &AppState, headers: &HeaderMap) -> String {
    let Ok(ConnectInfo(peer)) = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    super::proxy::client_address(peer.ip(), &forwarded, &state.policy.trusted_proxies).to_string()
}

#[derive(Deserialize)]
struct ThrottleRow {
    #[serde(flatten)]
    state: Throttle,
    #[serde(default)]
    version: i64,
}

/// Throttle updates of this process take turns; other processes are caught by the version
/// check, and then the update starts again from what they wrote.
static THROTTLES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Changes the throttle rows of `keys` together, compare-and-set on their versions. `step`
/// sees the current states and returns the new ones, or an answer that writes nothing.
async fn update_throttles<T>(
    db: &Db,
    keys: &[String],
    step: impl Fn(&[Throttle]) -> Result<Vec<Throttle>, T>,
) -> AppResult<Result<(), T>> {
    let _turn = THROTTLES.lock().await;
    for _ in 0..20 {
        let ids: Vec<_> = keys.iter().map(|k| rid("login_throttle", k)).collect();
        let mut response = db::run(
            db.query("RETURN $ids.map(|$id| (SELECT fails, last_fail, blocked_until, version FROM ONLY $id))")
                .bind(("ids", ids.clone())),
        )
        .await?;
        let rows: Vec<Option<ThrottleRow>> = response
            .take::<Vec<Option<serde_json::Value>>>(0)
            .map_err(internal)?
            .into_iter()
            .map(|row| row.map(serde_json::from_value).transpose())
            .collect::<Result<_, _>>()
            .map_err(internal)?;
        let current: Vec<Throttle> = rows
            .iter()
            .map(|r| r.as_ref().map(|r| r.state).unwrap_or_default())
            .collect();
        let next = match step(&current) {
            Ok(next) => next,
            Err(answer) => return Ok(Err(answer)),
        };
        let versions: Vec<i64> = rows
            .iter()
            .map(|r| r.as_ref().map_or(0, |r| r.version))
            .collect();
        let states: Vec<serde_json::Value> = next
            .iter()
            .zip(&versions)
            .map(|(t, v)| serde_json::json!({ "fails": t.fails, "last_fail": t.last_fail, "blocked_until": t.blocked_until, "version": v + 1 }))
            .collect();
        let write = Write::new(
            "BEGIN TRANSACTION;
             FOR $i IN 0..array::len($ids) {
                 IF ((SELECT VALUE version FROM ONLY $ids[$i]) ?? 0) != $versions[$i] { THROW $conflict };
                 UPSERT $ids[$i] CONTENT $states[$i];
             };
             COMMIT TRANSACTION;",
        )
        .bind(("ids", ids))
        .bind(("versions", versions))
        .bind(("states", states))
        .bind(("conflict", db::CONFLICT_MARK));
        match db::write(db, &write).await {
            Ok(_) => return Ok(Ok(())),
            Err(AppError::Conflict) => continue,
            Err(other) => return Err(other),
        }
    }
    Err(AppError::Conflict)
}

/// Counts an attempt against `keys` before its password is checked, or says how long to
/// wait. Counting first means attempts made at once cannot all slip through one check.
async fn reserve_attempt(db: &Db, keys: &[String], now: i64) -> AppResult<()> {
    let verdict = update_throttles(db, keys, |current| {
        let wait = current
            .iter()
            .filter_map(|t| match t.verdict(now) {
                ThrottleVerdict::Wait { secs } => Some(secs),
                ThrottleVerdict::Allow => None,
            })
            .max();
        match wait {
            Some(secs) => Err(secs),
            None => Ok(current.iter().map(|t| t.after_failure(now)).collect()),
        }
    })
    .await?;
    verdict.map_err(|secs| {
        crate::metrics::count("hamrah_sign_in_failures_total", &[("reason", "throttled")]);
        AppError::RateLimited {
            retry_after_secs: secs,
        }
    })
}

/// A successful attempt: the account starts afresh; the address gets its count back.
async fn attempt_succeeded(db: &Db, account: &str, address: &str) -> AppResult<()> {
    db::write(
        db,
        &Write::new("DELETE $id").bind(("id", rid("login_throttle", account))),
    )
    .await?;
    let keys = [address.to_owned()];
    let refunded = update_throttles::<()>(db, &keys, |current| {
        Ok(current.iter().map(|t| t.refund()).collect())
    });
    refunded.await?.ok();
    Ok(())
}

#[derive(Deserialize)]
struct Credentials {
    id: crate::ids::Id,
    password_hash: String,
}

/// A valid hash of nothing useful: verifying against it when the account does not exist
/// takes as long as a real check, so timing does not reveal which e-mails have accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0LgVNc5wHhUnEqLvOOmO1mX7hKJ8j6Ww1l9p6u7Zz0U";

pub async fn sign_in(form: SignInForm) -> AppResult<Actor> {
    let state = state()?;
    let reply = use_context::<ResponseOptions>();
    let headers = crate::server::request_headers().await?;
    let address = client_address(&state, &headers).await;
    let db = state.db.clone();
    let email = form.email.trim().to_lowercase();
    let mut errors = FieldErrors::default();
    if email.is_empty() {
        errors.add("email", Problem::Required);
    }
    if form.password.is_empty() {
        errors.add("password", Problem::Required);
    }
    errors.into_result()?;

    let keys = [format!("account:{email}"), format!("address:{address}")];
    reserve_attempt(&db, &keys, now_secs()).await?;

    let mut response = db::run(
        db.query(
            "SELECT id, password_hash FROM user WHERE email = $email AND active = true LIMIT 1",
        )
        .bind(("email", email.clone())),
    )
    .await?;
    let user: Option<Credentials> = db::take_all(&mut response, 0)?.into_iter().next();
    let password = form.password.clone();
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let ok = bounded(move || verify_password(&password, &hash)).await?;
    let Some(user) = user.filter(|_| ok) else {
        crate::metrics::count(
            "hamrah_sign_in_failures_total",
            &[("reason", "wrong_credentials")],
        );
        return Err(AppError::form(Problem::WrongCredentials));
    };
    attempt_succeeded(&db, &keys[0], &keys[1]).await?;

    // A new session id at every sign-in; a session this browser still held ends.
    if let Some(old) = crate::server::cookie(&headers, SESSION_COOKIE) {
        db::write(
            &db,
            &Write::new("DELETE $sid").bind(("sid", rid("session", &session_key(old)))),
        )
        .await?;
    }
    start_session(&state, reply.as_ref(), &user.id).await
}

/// Opens a session for `user` and hands this browser its cookie: after a sign-in, or after
/// a one-time link has set a password.
pub async fn start_session(
    state: &AppState,
    reply: Option<&ResponseOptions>,
    user: &str,
) -> AppResult<Actor> {
    let token = new_token();
    let create = Write::new(
        "CREATE $sid CONTENT { user: $user, expires_at: time::now() + duration::from_secs($lifetime),
            idle_until: time::now() + duration::from_secs($idle) }",
    )
    .bind(("sid", rid("session", &session_key(&token))))
    .bind(("user", rid("user", user)))
    .bind(("lifetime", state.policy.session_lifetime_secs))
    .bind(("idle", state.policy.session_idle_secs));
    db::write(&state.db, &create).await?;
    set_session_cookie(
        reply,
        state.secure_cookies,
        &token,
        state.policy.session_lifetime_secs,
    )?;
    actor_for_token(state, &token)
        .await?
        .ok_or_else(|| internal("session vanished right after sign-in"))
}

fn set_session_cookie(
    response: Option<&ResponseOptions>,
    secure: bool,
    token: &str,
    max_age: i64,
) -> AppResult<()> {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    );
    let value = HeaderValue::from_str(&cookie).map_err(internal)?;
    if let Some(options) = response {
        options.append_header(header::SET_COOKIE, value);
    }
    Ok(())
}

pub async fn sign_out() -> AppResult<()> {
    let state = state()?;
    let reply = use_context::<ResponseOptions>();
    let headers = crate::server::request_headers().await?;
    if let Some(token) = crate::server::cookie(&headers, SESSION_COOKIE) {
        db::write(
            &state.db,
            &Write::new("DELETE $sid").bind(("sid", rid("session", &session_key(token)))),
        )
        .await?;
    }
    set_session_cookie(reply.as_ref(), state.secure_cookies, "", 0)
}

pub async fn sign_out_everywhere() -> AppResult<()> {
    let reply = use_context::<ResponseOptions>();
    let state = state()?;
    let cx = crate::server::cx().await?;
    db::write(
        &cx.db,
        &Write::new("DELETE session WHERE user = $me").bind(("me", rid("user", &cx.actor.id))),
    )
    .await?;
    set_session_cookie(reply.as_ref(), state.secure_cookies, "", 0)
}

/// The 10,000 passwords people use most, one a line, lowercase: the head of zxcvbn's ranked
/// list of leaked passwords (MIT, from Debian's python3-zxcvbn).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

pub fn is_common_password(password: &str) -> bool {
    static SET: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let set = SET.get_or_init(|| {
        COMMON_PASSWORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    });
    set.contains(password.to_lowercase().as_str())
}

/// Problems with a new password, reported on the field `new`.
pub fn check_new_password(password: &str, errors: &mut FieldErrors) {
    if password.is_empty() {
        errors.add("new", Problem::Required);
    } else if password.chars().count() < MIN_PASSWORD {
        errors.add(
            "new",
            Problem::TooShort {
                min: MIN_PASSWORD as u32,
            },
        );
    } else if password.chars().count() > 200 {
        errors.add("new", Problem::TooLong { max: 200 });
    } else if is_common_password(password) {
        errors.add("new", Problem::CommonPassword);
    }
}

pub async fn change_password(change: PasswordChange) -> AppResult<()> {
    let headers = crate::server::request_headers().await?;
    let cx = crate::server::cx().await?;
    let mut errors = FieldErrors::default();
    if change.current.is_empty() {
        errors.add("current", Problem::Required);
    }
    check_new_password(&change.new, &mut errors);
    errors.into_result()?;

    // Guessing the current password through this form is throttled like signing in.
    let account = format!("account:{}", cx.actor.email);
    reserve_attempt(&cx.db, std::slice::from_ref(&account), now_secs()).await?;
    let mut response = db::run(
        cx.db
            .query("SELECT VALUE password_hash FROM ONLY $me")
            .bind(("me", rid("user", &cx.actor.id))),
    )
    .await?;
    let hash: Option<String> = response.take(0).map_err(internal)?;
    let hash = hash.ok_or(AppError::Unauthorized)?;
    let current = change.current.clone();
    if !bounded(move || verify_password(&current, &hash)).await? {
        let mut errors = FieldErrors::default();
        errors.add("current", Problem::WrongPassword);
        return Err(AppError::Validation(errors));
    }
    db::write(
        &cx.db,
        &Write::new("DELETE $id").bind(("id", rid("login_throttle", &account))),
    )
    .await?;
    let new = change.new.clone();
    let new_hash = bounded(move || hash_password(&new)).await??;
    let this = crate::server::cookie(&headers, SESSION_COOKIE)
        .map(|token| rid("session", &session_key(token)));
    // Whoever knew the old password is signed out everywhere but here.
    let write = Write::new(
        "BEGIN TRANSACTION;
         UPDATE $me SET password_hash = $hash;
         DELETE session WHERE user = $me AND id != $current_session;
         COMMIT TRANSACTION;",
    )
    .bind(("me", rid("user", &cx.actor.id)))
    .bind(("hash", new_hash))
    .bind(("current_session", this));
    db::write(&cx.db, &write).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_with_the_right_secret() {
        let hash = hash_password("hamrah-demo").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("hamrah-demo", &hash));
        assert!(!verify_password("hamrah-demO", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn unknown_accounts_cost_a_real_verification() {
        // If the stand-in hash did not parse, a missing account would answer instantly.
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("hamrah-demo", DUMMY_HASH));
    }

    #[test]
    fn session_keys_are_stable_hashes_not_tokens() {
        let token = new_token();
        assert_eq!(token.len(), 64);
        assert_eq!(session_key(&token), session_key(&token));
        assert_ne!(session_key(&token), token);
    }
}
