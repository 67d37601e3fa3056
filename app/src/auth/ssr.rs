use std::net::SocketAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::Argon2;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Actor, Role, SignInForm, Throttle, ThrottleVerdict};
use crate::db::{self, Db, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::i18n::Locale;
use crate::server::{SESSION_COOKIE, internal, state};

const SESSION_DAYS: i64 = 30;

pub fn hash_password(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Sessions are stored under a hash of the cookie's token, so a copy of the database opens
/// no sessions.
fn session_key(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
struct ActorRow {
    #[serde(deserialize_with = "crate::ids::de::id")]
    id: String,
    name: String,
    email: String,
    role: Role,
    #[serde(default, deserialize_with = "crate::ids::de::opt_id")]
    team: Option<String>,
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

pub async fn actor_for_token(db: &Db, token: &str) -> AppResult<Option<Actor>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let mut response = db::run(
        db.query(
            "SELECT user AS id, user.name AS name, user.email AS email, user.role AS role, user.team AS team,
                    user.team.name AS team_name, user.locale AS locale
             FROM $sid WHERE expires_at > time::now() AND user.active = true",
        )
        .bind(("sid", rid("session", &session_key(token)))),
    )
    .await?;
    let rows: Vec<ActorRow> = db::take_all(&mut response, 0)?;
    Ok(rows.into_iter().next().map(Actor::from))
}

fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn client_address() -> String {
    match leptos_axum::extract::<ConnectInfo<SocketAddr>>().await {
        Ok(ConnectInfo(addr)) => addr.ip().to_string(),
        Err(_) => "unknown".into(),
    }
}

async fn throttles(db: &Db, keys: &[String]) -> AppResult<Vec<Throttle>> {
    let ids: Vec<_> = keys.iter().map(|k| rid("login_throttle", k)).collect();
    let mut response = db::run(db.query("SELECT fails, last_fail, blocked_until FROM $ids").bind(("ids", ids))).await?;
    db::take_all(&mut response, 0)
}

async fn record_failure(db: &Db, keys: &[String], now: i64) -> AppResult<()> {
    for key in keys {
        let current = throttles(db, std::slice::from_ref(key)).await?.into_iter().next().unwrap_or_default();
        let next = current.after_failure(now);
        db::run(
            db.query("UPSERT $id CONTENT $state")
                .bind(("id", rid("login_throttle", key)))
                .bind(("state", db::vars(&next)?)),
        )
        .await?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct Credentials {
    #[serde(deserialize_with = "crate::ids::de::id")]
    id: String,
    password_hash: String,
}

/// A valid hash of nothing useful: verifying against it when the account does not exist
/// takes as long as a real check, so timing does not reveal which e-mails have accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0LgVNc5wHhUnEqLvOOmO1mX7hKJ8j6Ww1l9p6u7Zz0U";

pub async fn sign_in(form: SignInForm) -> AppResult<Actor> {
    let state = state()?;
    let reply = use_context::<ResponseOptions>();
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

    let now = now_secs();
    let keys = [format!("account:{email}"), format!("address:{}", client_address().await)];
    let wait = throttles(&db, &keys)
        .await?
        .iter()
        .filter_map(|t| match t.verdict(now) {
            ThrottleVerdict::Wait { secs } => Some(secs),
            ThrottleVerdict::Allow => None,
        })
        .max();
    if let Some(secs) = wait {
        return Err(AppError::RateLimited { retry_after_secs: secs });
    }

    let mut response = db::run(
        db.query("SELECT id, password_hash FROM user WHERE email = $email AND active = true LIMIT 1")
            .bind(("email", email.clone())),
    )
    .await?;
    let user: Option<Credentials> = db::take_all(&mut response, 0)?.into_iter().next();
    let password = form.password.clone();
    let hash = user.as_ref().map_or(DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    // Argon2 is deliberately slow; keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.map_err(internal)?;
    let Some(user) = user.filter(|_| ok) else {
        record_failure(&db, &keys, now).await?;
        return Err(AppError::form(Problem::WrongCredentials));
    };

    db::run(db.query("DELETE $id").bind(("id", rid("login_throttle", &keys[0])))).await?;
    let token = new_token();
    db::run(
        db.query(&format!("CREATE $sid CONTENT {{ user: $user, expires_at: time::now() + {SESSION_DAYS}d }}"))
            .bind(("sid", rid("session", &session_key(&token))))
            .bind(("user", rid("user", &user.id))),
    )
    .await?;
    set_session_cookie(reply.as_ref(), state.secure_cookies, &token, SESSION_DAYS * 24 * 3600)?;
    actor_for_token(&db, &token).await?.ok_or_else(|| internal("session vanished right after sign-in"))
}

fn set_session_cookie(response: Option<&ResponseOptions>, secure: bool, token: &str, max_age: i64) -> AppResult<()> {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    let value = HeaderValue::from_str(&cookie).map_err(internal)?;
    if let Some(options) = response {
        options.append_header(header::SET_COOKIE, value);
    }
    Ok(())
}

pub async fn sign_out() -> AppResult<()> {
    let state = state()?;
    let reply = use_context::<ResponseOptions>();
    let db = state.db.clone();
    let headers = crate::server::request_headers().await?;
    if let Some(token) = crate::server::cookie(&headers, SESSION_COOKIE) {
        db::run(db.query("DELETE $sid").bind(("sid", rid("session", &session_key(token))))).await?;
    }
    set_session_cookie(reply.as_ref(), state.secure_cookies, "", 0)
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
