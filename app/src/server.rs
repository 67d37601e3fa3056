//! Server-only glue shared by every server function: state, the signed-in actor, and turning
//! errors into HTTP statuses. Compiled only with `ssr`.

use std::future::Future;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult};

pub const SESSION_COOKIE: &str = "hamrah_session";

/// What every request can reach. Provided as context to server functions and as axum state.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Set when served over HTTPS, so the session cookie gets `Secure`.
    pub secure_cookies: bool,
    /// The database's sync sequence number as this process last saw it; wakes event streams.
    pub changes: crate::sync::ssr::Changes,
    pub policy: Policy,
}

/// Rules an installation may tune, read from the environment at start-up.
#[derive(Debug, Clone)]
pub struct Policy {
    /// A session unused this long ends.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, however much it is used.
    pub session_lifetime_secs: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<crate::auth::proxy::Cidr>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            session_idle_secs: 14 * 24 * 3600,
            session_lifetime_secs: 90 * 24 * 3600,
            trusted_proxies: Vec::new(),
        }
    }
}

pub fn state() -> AppResult<AppState> {
    use_context::<AppState>().ok_or_else(|| internal("AppState missing from context"))
}

/// Logs what went wrong inside and hands the client only `Internal`.
pub fn internal(detail: impl std::fmt::Display) -> AppError {
    tracing::error!("internal error: {detail}");
    AppError::Internal
}

/// Runs a server function body, giving its error the HTTP status it deserves.
pub async fn respond<T>(body: impl Future<Output = AppResult<T>>) -> AppResult<T> {
    // Read context before the first await: while rendering on the server, a resource's future
    // is no longer inside its reactive owner once it has been suspended.
    let options = use_context::<ResponseOptions>();
    let result = body.await;
    if let Err(error) = &result
        && let Some(options) = options
    {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        options.set_status(status);
        if let AppError::RateLimited { retry_after_secs } = error
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            options.insert_header(header::RETRY_AFTER, value);
        }
    }
    result
}

pub async fn request_headers() -> AppResult<HeaderMap> {
    leptos_axum::extract::<HeaderMap>().await.map_err(internal)
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The signed-in actor of this request, or `Unauthorized`.
pub async fn actor() -> AppResult<Actor> {
    Ok(cx().await?.actor)
}

/// Everything a data server function needs: the database, who is asking, and their clock.
/// Built once, first thing, because request context is only reachable before the first
/// real suspension of a server-rendered resource.
#[derive(Clone)]
pub struct Cx {
    pub db: Db,
    pub actor: Actor,
    /// The browser's offset from UTC, from the `hamrah_tz` cookie the page sets.
    pub utc_offset: time::UtcOffset,
    /// Set while applying a synced edit: the record's per-field clocks after it, written in
    /// the same transaction as the edit.
    pub clocks: Option<std::collections::BTreeMap<String, crate::sync::clock::Hlc>>,
    /// Set while applying a pushed change: its answer, stored in the same transaction.
    pub receipt: Option<crate::sync::ssr::Receipt>,
    /// What one request reads at most once, however many changes it applies.
    pub memo: std::sync::Arc<Memo>,
}

/// Organisation settings a request reads once: a push of 200 deals used to read the pipeline
/// and the deal sources for each deal, 1.2 ms of the 4.5 ms a deal took. A write that depends
/// on them still checks inside its transaction (a deal's stage must exist), so a setting
/// changed during the request is caught there.
#[derive(Default)]
pub struct Memo {
    pipeline: tokio::sync::OnceCell<crate::pipeline::Pipeline>,
    deal_sources: tokio::sync::OnceCell<Vec<String>>,
}

pub async fn cx() -> AppResult<Cx> {
    cx_from(state()?, &request_headers().await?).await
}

/// [`cx`] for a plain axum handler, which has the state and the headers in hand.
pub async fn cx_from(state: AppState, headers: &HeaderMap) -> AppResult<Cx> {
    let utc_offset = cookie(headers, "hamrah_tz")
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|minutes| (-14 * 60..=14 * 60).contains(minutes))
        .and_then(|minutes| time::UtcOffset::from_whole_seconds(minutes * 60).ok())
        .unwrap_or(time::UtcOffset::UTC);
    let token = cookie(headers, SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
    let actor = crate::auth::ssr::actor_for_token(&state, token)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(Cx {
        db: state.db,
        actor,
        utc_offset,
        clocks: None,
        receipt: None,
        memo: Default::default(),
    })
}

impl Cx {
    /// Work done in `actor`'s name without a request of theirs (a complaint from the public
    /// form given to them, the follow-up of a survey answer).
    pub fn acting_as(db: Db, actor: Actor) -> Cx {
        Cx {
            db,
            actor,
            utc_offset: time::UtcOffset::UTC,
            clocks: None,
            receipt: None,
            memo: Default::default(),
        }
    }

    /// The default pipeline, read once per request.
    pub async fn pipeline(&self) -> AppResult<crate::pipeline::Pipeline> {
        self.memo
            .pipeline
            .get_or_try_init(|| crate::pipeline::ssr::default_pipeline(&self.db))
            .await
            .cloned()
    }

    /// The organisation's list of deal sources, read once per request.
    pub async fn deal_sources(&self) -> AppResult<Vec<String>> {
        self.memo
            .deal_sources
            .get_or_try_init(|| async {
                let query = self.db.query(crate::settings::ssr::DEAL_SOURCES);
                let mut response = crate::db::run(query).await?;
                crate::settings::ssr::take_deal_sources(&mut response, 0)
            })
            .await
            .cloned()
    }

    /// `$clocks` and `$receipt` for [`crate::history::ssr::transaction`]; NONE outside sync.
    pub fn sync_vars(&self) -> crate::error::AppResult<serde_json::Value> {
        crate::db::vars(&serde_json::json!({ "clocks": self.clocks, "receipt": self.receipt }))
    }

    /// "Today" and "overdue" are about the rep's wall clock, not the server's.
    pub fn local_now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc().to_offset(self.utc_offset)
    }
}
