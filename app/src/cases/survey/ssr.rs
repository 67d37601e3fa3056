//! Survey links made, looked up and answered. Only the SHA-256 of a token is stored, so the
//! database never holds a working link; answering is one conditional write, so a link works
//! once however often it is posted at the same moment.

use axum::extract::{FromRequest, Path, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{SurveyKind, SurveyLink, SurveyState};
use crate::cases::Status;
use crate::db::{self, Bind, Db, Write};
use crate::error::{AppError, AppResult, Problem};
use crate::kinds::Table;
use crate::records::{self, parse_id};
use crate::server::{AppState, Cx};

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_token() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The address customers open: this server as the request reached it.
async fn link_for(token: &str) -> AppResult<String> {
    let headers = crate::server::request_headers().await?;
    let secure = crate::server::state()?.secure_cookies;
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if secure { "https" } else { "http" };
    Ok(format!("{scheme}://{host}/survey/{token}"))
}

#[derive(Deserialize)]
struct Reach {
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    phones: Vec<String>,
}

/// Makes a survey of `kind` about `case` and/or `contact`, owned as `owner_of` is; an earlier
/// unanswered one for the same case is withdrawn.
async fn create(
    cx: &Cx,
    kind: SurveyKind,
    case: Option<&str>,
    contact: Option<&str>,
    owner_of: surrealdb::types::RecordId,
) -> AppResult<SurveyLink> {
    let token = new_token();
    let write = Write::new(
        "BEGIN TRANSACTION;
         LET $scope = (SELECT owner, team, company FROM ONLY $owner_of);
         IF $case != NONE { DELETE survey WHERE case = $case AND answered_at = NONE; };
         CREATE survey CONTENT { kind: $kind, case: $case, contact: $contact,
             company: $scope.company, owner: $scope.owner, team: $scope.team,
             token_hash: $hash, expires_at: time::now() + duration::from_days($days) };
         COMMIT TRANSACTION;",
    )
    .bind(("kind", kind.code()))
    .bind(("case", Table::Case.opt_rid(case)))
    .bind(("contact", Table::Contact.opt_rid(contact)))
    .bind(("owner_of", owner_of))
    .bind(("hash", hash(&token)))
    .bind(("days", super::VALID_DAYS));
    db::write(&cx.db, &write).await?;
    let reach = match contact {
        Some(id)
            if records::readable(&cx.db, &cx.actor, Table::Contact.rid(id))
                .await
                .is_ok() =>
        {
            let sql = "SELECT emails, phones FROM ONLY $id";
            let mut response =
                db::run(cx.db.query(sql).bind(("id", Table::Contact.rid(id)))).await?;
            db::take_one::<Reach>(&mut response, 0)?
        }
        _ => None,
    };
    Ok(SurveyLink {
        url: link_for(&token).await?,
        email: reach.as_ref().and_then(|r| r.emails.first().cloned()),
        phone: reach.as_ref().and_then(|r| r.phones.first().cloned()),
    })
}

/// A CSAT link for a resolved (or closed) case, for whoever may change the case.
pub async fn for_case(cx: &Cx, id: &str) -> AppResult<SurveyLink> {
    let id = parse_id(id)?;
    records::writable(&cx.db, &cx.actor, Table::Case.rid(id)).await?;
    #[derive(Deserialize)]
    struct Row {
        status: Status,
        #[serde(default)]
        contact: Option<crate::ids::Id>,
    }
    let sql = "SELECT status, contact FROM ONLY $id";
    let mut response = db::run(cx.db.query(sql).bind(("id", Table::Case.rid(id)))).await?;
    let row: Row = db::take_one(&mut response, 0)?.ok_or(AppError::NotFound)?;
    if !row.status.is_done() {
        return Err(AppError::form(Problem::SurveyAfterResolve));
    }
    create(
        cx,
        SurveyKind::Csat,
        Some(id),
        row.contact.as_deref(),
        Table::Case.rid(id),
    )
    .await
}

/// An NPS link for a contact, for whoever may change the contact.
pub async fn for_contact(cx: &Cx, id: &str) -> AppResult<SurveyLink> {
    let id = parse_id(id)?;
    records::writable(&cx.db, &cx.actor, Table::Contact.rid(id)).await?;
    create(cx, SurveyKind::Nps, None, Some(id), Table::Contact.rid(id)).await
}

/// A company's or contact's answers, newest first, for whoever may read the customer.
pub async fn answers(cx: &Cx, table: Table, id: &str) -> AppResult<Vec<super::Answer>> {
    let id = parse_id(id)?;
    records::readable(&cx.db, &cx.actor, table.rid(id)).await?;
    let link = match table {
        Table::Company => "company",
        _ => "contact",
    };
    let sql = format!(
        "SELECT kind, score, comment, time::format(answered_at, '%Y-%m-%d') AS day FROM survey
           WHERE {link} = $customer AND answered_at != NONE ORDER BY answered_at DESC LIMIT 20;"
    );
    let mut response = db::run(cx.db.query(sql).bind(("customer", table.rid(id)))).await?;
    db::take_all(&mut response, 0)
}

#[derive(Deserialize)]
struct SurveyRow {
    kind: SurveyKind,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    answered: bool,
    #[serde(default)]
    expired: bool,
}

async fn find(db: &Db, token: &str) -> AppResult<Option<SurveyRow>> {
    // A token is 48 hex digits; anything else is not looked up.
    if token.len() != 48 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let sql = "SELECT kind, case.subject AS subject, case.reference AS reference,
        answered_at != NONE AS answered, expires_at <= time::now() AS expired
        FROM survey WHERE token_hash = $hash LIMIT 1";
    let mut response = db::run(db.query(sql).bind(("hash", hash(token)))).await?;
    Ok(db::take_all::<SurveyRow>(&mut response, 0)?
        .into_iter()
        .next())
}

pub async fn state(db: &Db, token: &str) -> AppResult<SurveyState> {
    Ok(match find(db, token).await? {
        None => SurveyState::Unknown,
        Some(row) if row.answered => SurveyState::Answered,
        Some(row) if row.expired => SurveyState::Expired,
        Some(row) => SurveyState::Open {
            kind: row.kind,
            subject: row.subject,
            reference: row.reference,
        },
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub score: String,
    pub comment: String,
    pub lang: String,
}

#[derive(Deserialize)]
struct Answered {
    kind: SurveyKind,
    score: i64,
    #[serde(default)]
    comment: Option<String>,
    owner: crate::ids::Id,
    #[serde(default)]
    case: Option<crate::ids::Id>,
    #[serde(default)]
    contact: Option<crate::ids::Id>,
    #[serde(default)]
    company: Option<crate::ids::Id>,
    #[serde(default)]
    subject: Option<String>,
    #[serde(default)]
    contact_name: Option<String>,
}

/// Records an answer if the survey is open; answers what was recorded (`None`: nothing, the
/// link was used, expired or unknown).
pub async fn answer(
    db: &Db,
    token: &str,
    score: i64,
    comment: Option<String>,
) -> AppResult<Option<()>> {
    let Some(row) = find(db, token).await? else {
        return Ok(None);
    };
    if !row.kind.scale().contains(&score) {
        return Err(AppError::form(Problem::ChooseAScore));
    }
    // One conditional write: of two answers posted at once, one finds it already answered.
    let write = Write::new(
        "UPDATE survey SET answered_at = time::now(), score = $score, comment = $comment
         WHERE token_hash = $hash AND answered_at = NONE AND expires_at > time::now()
         RETURN kind, score, comment, owner, case, contact, company, case.subject AS subject,
            contact.name AS contact_name;",
    )
    .bind(("hash", hash(token)))
    .bind(("score", score))
    .bind(("comment", comment));
    let mut response = db::write(db, &write).await?;
    let Some(answered) = db::take_all::<Answered>(&mut response, 0)?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    if answered.kind.is_low(answered.score) {
        // The answer is kept whatever happens here; a task that cannot be made is logged.
        if let Err(error) = follow_up(db, &answered).await {
            tracing::error!(
                ?error,
                "survey: the follow-up task of a low score was not made"
            );
        }
    }
    Ok(Some(()))
}

/// A task for the owner, due today: call the customer who gave a low score.
async fn follow_up(db: &Db, answered: &Answered) -> AppResult<()> {
    let actor = crate::auth::ssr::actor_by_id(db, &answered.owner)
        .await?
        .ok_or_else(|| crate::server::internal("survey owner missing or inactive"))?;
    let locale = actor.locale;
    let cx = Cx::acting_as(db.clone(), actor);
    let who = answered
        .contact_name
        .clone()
        .unwrap_or_else(|| locale.text(crate::i18n::Key::Customer).to_owned());
    let subject = crate::fill!(
        locale,
        crate::i18n::Key::FollowUpSubject,
        name = &who,
        score = &locale.number(answered.score)
    );
    let about = answered.subject.clone().unwrap_or_default();
    let body = [about, answered.comment.clone().unwrap_or_default()]
        .into_iter()
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let today = crate::dashboard::ssr::zone::Zone::of_organisation(db)
        .await?
        .today();
    let input = crate::activities::ActivityInput {
        id: crate::ids::new_id(),
        rev: None,
        kind: "task".into(),
        subject: subject.chars().take(160).collect(),
        body,
        due_date: crate::calendar::iso(today),
        due_time: String::new(),
        done: false,
        deal: String::new(),
        contact: answered
            .contact
            .clone()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        company: answered
            .company
            .clone()
            .map(|c| c.to_string())
            .unwrap_or_default(),
    };
    let _ = &answered.case;
    crate::activities::ssr::save(&cx, input).await.map(drop)
}

/// `POST /survey/<token>`: the answer, posted by a browser with or without JavaScript.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let form = axum::Form::<AnswerForm>::from_request(request, &())
        .await
        .map(|axum::Form(f)| f)
        .unwrap_or_default();
    let lang = crate::cases::intake::ssr::lang_of(&form.lang);
    let again = |problem: &str| {
        Redirect::to(&format!("/survey/{token}?lang={lang}&problem={problem}")).into_response()
    };
    let Ok(score) = crate::text::ascii_digits(form.score.trim()).parse::<i64>() else {
        return again("score");
    };
    let comment = crate::validate::clean(&form.comment).map(|c| {
        c.chars()
            .take(super::COMMENT_MAX as usize)
            .collect::<String>()
    });
    match answer(&state.db, &token, score, comment).await {
        Ok(Some(())) => Redirect::to(&format!("/survey/thanks?lang={lang}")).into_response(),
        // Used, expired or unknown: the page says which.
        Ok(None) => Redirect::to(&format!("/survey/{token}?lang={lang}")).into_response(),
        Err(AppError::Validation(_)) => again("score"),
        Err(_) => again("failed"),
    }
}
