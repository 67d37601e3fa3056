//! Taking a complaint from the public form: the spam guard (a field people never see, and a
//! signed time the form was shown), a limit per address, the sender matched to a contact,
//! and the case saved as any other — numbered, logged, history, sync — in the name of the
//! contact's owner, or the organisation's first admin for someone new.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{Complaint, ComplaintForm, Reach};
use crate::auth::Actor;
use crate::cases::{CaseInput, CaseKind, Channel, Priority, Status};
use crate::db::{self, Bind, Db, Write};
use crate::error::{AppError, AppResult, FORM, FieldErrors, Problem};
use crate::server::{AppState, Cx};

/// The organisation's key for form tokens, made the first time one is asked for.
pub async fn form_key(db: &Db) -> AppResult<String> {
    let write = Write::new(
        "UPDATE organisation:main SET form_key = form_key ?? rand::string(48) RETURN VALUE form_key;",
    );
    let mut response = db::write(db, &write).await?;
    let keys: Vec<String> = db::take_all(&mut response, 0)?;
    keys.into_iter()
        .next()
        .ok_or_else(|| crate::server::internal("organisation record missing"))
}

/// The token of a form shown at `shown` (Unix seconds), under `key`.
pub fn signed_token(key: &str, shown: i64) -> String {
    format!("{shown}.{}", sign(key, shown))
}

fn sign(key: &str, shown: i64) -> String {
    let digest = Sha256::digest(format!("{key}:complaint:{shown}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A token saying the form was shown now.
pub async fn token(db: &Db) -> AppResult<String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Ok(format!("{now}.{}", sign(&form_key(db).await?, now)))
}

/// Whether `token` is one this server made, and the form was shown long enough ago to have
/// been filled in by a person, and not so long ago that it may be a replay.
fn check_token(key: &str, token: &str, now: i64) -> Result<(), Problem> {
    let (shown, signature) = token.split_once('.').ok_or(Problem::FormExpired)?;
    let shown: i64 = shown.parse().map_err(|_| Problem::FormExpired)?;
    if sign(key, shown) != signature || now - shown > super::OLDEST_SECS || shown > now + 60 {
        return Err(Problem::FormExpired);
    }
    if now - shown < super::FASTEST_SECS {
        return Err(Problem::SentTooFast);
    }
    Ok(())
}

/// Counts a complaint from `address`; refused past [`super::PER_HOUR`] within an hour. One
/// transaction, so complaints sent at once cannot all pass one check.
async fn count_sent(db: &Db, address: &str, now: i64) -> AppResult<()> {
    let write = Write::new(
        "BEGIN TRANSACTION;
         LET $row = (SELECT fails, last_fail FROM ONLY $key);
         LET $fresh = $row = NONE OR $row.last_fail <= $now - 3600;
         IF !$fresh AND $row.fails >= $most { THROW $limited };
         IF $fresh {
             UPSERT $key SET fails = 1, last_fail = $now, blocked_until = 0;
         } ELSE {
             UPDATE $key SET fails += 1;
         };
         COMMIT TRANSACTION;",
    )
    .bind((
        "key",
        db::rid("login_throttle", &format!("complaint:{address}")),
    ))
    .bind(("now", now))
    .bind(("most", super::PER_HOUR))
    .bind(("limited", db::TOO_MANY_SENT_MARK));
    db::write(db, &write).await.map(drop)
}

#[derive(Deserialize)]
struct ContactRow {
    id: crate::ids::Id,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    company: Option<crate::ids::Id>,
    owner: crate::ids::Id,
}

/// The contact the sender is, by e-mail (case-folded) or phone (in any script or form);
/// the earliest made if several match.
async fn matching_contact(db: &Db, reach: &Reach) -> AppResult<Option<ContactRow>> {
    let sql =
        "SELECT id, phones, emails, company, owner, created_at FROM contact ORDER BY created_at;";
    let mut response = db::run(db.query(sql)).await?;
    let contacts: Vec<ContactRow> = db::take_all(&mut response, 0)?;
    Ok(contacts.into_iter().find(|c| match reach {
        Reach::Email(email) => c.emails.iter().any(|e| e.eq_ignore_ascii_case(email)),
        Reach::Phone(phone) => {
            let key = super::phone_key(phone);
            c.phones.iter().any(|p| super::phone_key(p) == key)
        }
    }))
}

/// Who a complaint from someone new is given to: the organisation's first active admin.
async fn intake_owner(db: &Db) -> AppResult<crate::ids::Id> {
    let sql = "SELECT VALUE id FROM user WHERE role = 'admin' AND active = true ORDER BY created_at LIMIT 1;";
    let mut response = db::run(db.query(sql)).await?;
    let ids: Vec<crate::ids::Id> = db::take_all(&mut response, 0)?;
    ids.into_iter()
        .next()
        .ok_or_else(|| crate::server::internal("no active admin to take complaints"))
}

/// Saves a valid complaint as a new case; answers its reference.
pub async fn take(db: &Db, complaint: &Complaint) -> AppResult<String> {
    let contact = matching_contact(db, &complaint.reach).await?;
    let owner = match &contact {
        Some(c) => c.owner.clone(),
        None => intake_owner(db).await?,
    };
    let actor: Actor = crate::auth::ssr::actor_by_id(db, &owner)
        .await?
        .ok_or_else(|| crate::server::internal("complaint owner missing"))?;
    let cx = Cx::acting_as(db.clone(), actor);
    let (subject, description) = super::case_text(complaint);
    let id = crate::ids::new_id();
    let input = CaseInput {
        id: id.clone(),
        rev: None,
        kind: CaseKind::Complaint.code().into(),
        subject,
        description,
        company: contact
            .as_ref()
            .and_then(|c| c.company.as_deref())
            .unwrap_or_default()
            .into(),
        contact: contact
            .as_ref()
            .map(|c| c.id.to_string())
            .unwrap_or_default(),
        channel: Channel::WebForm.code().into(),
        priority: Priority::Normal.code().into(),
        status: Status::New.code().into(),
        ..Default::default()
    };
    crate::cases::ssr::save(&cx, input).await?;
    let sql = "RETURN (SELECT VALUE reference FROM ONLY $id);";
    let mut response = db::run(
        db.query(sql)
            .bind(("id", crate::kinds::Table::Case.rid(&id))),
    )
    .await?;
    let reference: Option<String> = response.take(0).map_err(crate::server::internal)?;
    reference.ok_or_else(|| crate::server::internal("a new case without a reference"))
}

/// `POST /complaint`: the form, posted by a browser with or without JavaScript. Answers with
/// a redirect: to the thank-you page with the reference, or back to the form with what was
/// typed and what is wrong.
pub async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let forwarded: Vec<String> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    let form = match axum::Form::<ComplaintForm>::from_request(request, &()).await {
        Ok(axum::Form(form)) => form,
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add(FORM, Problem::Malformed);
            return back(&ComplaintForm::default(), &errors);
        }
    };
    let address = match peer {
        Some(ip) => {
            let forwarded: Vec<&str> = forwarded.iter().map(String::as_str).collect();
            crate::auth::proxy::client_address(ip, &forwarded, &state.policy.trusted_proxies)
                .to_string()
        }
        None => "unknown".to_owned(),
    };
    match answer(&state.db, &form, &address).await {
        Ok(Some(reference)) => sent(&form.lang, Some(&reference)),
        // Caught by the spam guard: thanked, nothing recorded, nothing learnt.
        Ok(None) => sent(&form.lang, None),
        Err(AppError::Validation(errors)) => back(&form, &errors),
        Err(_) => {
            let mut errors = FieldErrors::default();
            errors.add(FORM, Problem::NotSentTryAgain);
            back(&form, &errors)
        }
    }
}

async fn answer(db: &Db, form: &ComplaintForm, address: &str) -> AppResult<Option<String>> {
    if !form.website.trim().is_empty() {
        tracing::info!("complaint form: honeypot filled from {address}; not recorded");
        return Ok(None);
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut errors = match form.validate() {
        Ok(_) => FieldErrors::default(),
        Err(errors) => errors,
    };
    if let Err(problem) = check_token(&form_key(db).await?, &form.token, now) {
        errors.add(FORM, problem);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    count_sent(db, address, now).await?;
    let complaint = form.validate().map_err(AppError::Validation)?;
    take(db, &complaint).await.map(Some)
}

/// The language a public form was sent in, for the page answering it (English if unknown).
pub fn lang_of(lang: &str) -> &'static str {
    crate::i18n::Locale::from_tag(lang).map_or("en", |l| l.lang())
}

fn sent(lang: &str, reference: Option<&str>) -> Response {
    let mut to = format!("/complaint/sent?lang={}", lang_of(lang));
    if let Some(reference) = reference {
        to.push_str(&format!(
            "&reference={}",
            crate::text::url_encode(reference)
        ));
    }
    Redirect::to(&to).into_response()
}

fn back(form: &ComplaintForm, errors: &FieldErrors) -> Response {
    Redirect::to(&format!("/complaint?{}", form.retry_query(errors))).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_signed_and_timed() {
        let key = "k";
        let shown = 1_000_000;
        let token = format!("{shown}.{}", sign(key, shown));
        assert_eq!(check_token(key, &token, shown + 10), Ok(()));
        assert_eq!(
            check_token(key, &token, shown + 1),
            Err(Problem::SentTooFast)
        );
        assert_eq!(
            check_token(key, &token, shown + super::super::OLDEST_SECS + 1),
            Err(Problem::FormExpired)
        );
        assert_eq!(
            check_token("other", &token, shown + 10),
            Err(Problem::FormExpired)
        );
        let forged = format!("{}.{}", shown - 100, sign(key, shown));
        assert_eq!(
            check_token(key, &forged, shown + 10),
            Err(Problem::FormExpired)
        );
        assert_eq!(check_token(key, "", shown), Err(Problem::FormExpired));
    }
}
