//! One-time links on the server. Compiled only with `ssr`.

use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use serde::Deserialize;

use super::Welcome;
use crate::auth::Actor;
use crate::db::{self, Bind, Write, rid};
use crate::error::{AppError, AppResult, FieldErrors, Problem};
use crate::server::{internal, state};

/// A link row is found by the hash of its token; anything not shaped like one of our tokens
/// is not looked up at all.
fn key_of(token: &str) -> AppResult<String> {
    if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(crate::auth::ssr::session_key(token))
    } else {
        Err(AppError::form(Problem::LinkInvalid))
    }
}

/// A link that may still be used: unused, unexpired, its user active.
const USABLE: &str = "used_at = NONE AND expires_at > time::now() AND user.active = true";

#[derive(Deserialize)]
struct Row {
    name: String,
    email: String,
    purpose: String,
}

pub async fn check(token: &str) -> AppResult<Welcome> {
    let key = key_of(token)?;
    let db = state()?.db;
    let sql = format!(
        "SELECT user.name AS name, user.email AS email, purpose FROM ONLY $link WHERE {USABLE}"
    );
    let mut response = db::run(db.query(sql).bind(("link", rid("user_link", &key)))).await?;
    let row: Row = db::take_one(&mut response, 0)?.ok_or(AppError::form(Problem::LinkInvalid))?;
    Ok(Welcome {
        name: row.name,
        email: row.email,
        first_time: row.purpose == "welcome",
    })
}

pub async fn accept(token: &str, password: &str) -> AppResult<Actor> {
    let key = key_of(token)?;
    let state = state()?;
    let reply = use_context::<ResponseOptions>();
    let mut errors = FieldErrors::default();
    crate::auth::ssr::check_new_password(password, &mut errors);
    errors.into_result()?;
    let new = password.to_owned();
    let hash = crate::auth::ssr::bounded(move || crate::auth::ssr::hash_password(&new)).await??;
    // The link is checked and used up in the transaction that sets the password: two tabs
    // racing with the same link cannot both succeed.
    let write = Write::new(format!(
        "BEGIN TRANSACTION;
         LET $found = (SELECT user FROM ONLY $link WHERE {USABLE});
         IF $found = NONE {{ THROW $link_invalid }};
         UPDATE $link SET used_at = time::now();
         UPDATE $found.user SET password_hash = $hash, invited = false;
         DELETE session WHERE user = $found.user;
         RETURN record::id($found.user);
         COMMIT TRANSACTION;"
    ))
    .bind(("link", rid("user_link", &key)))
    .bind(("hash", hash))
    .bind(("link_invalid", db::LINK_INVALID_MARK));
    let mut response = db::write(&state.db, &write).await?;
    let last = response.num_statements().saturating_sub(2);
    let user: Option<String> = response.take(last).map_err(internal)?;
    let user = user.ok_or_else(|| internal("a used link named no user"))?;
    crate::auth::ssr::start_session(&state, reply.as_ref(), &user).await
}
