//! The page a one-time link opens (`/welcome/<token>`): an invited colleague, or someone an
//! admin made a reset link for, chooses a password and is signed in. The link works once,
//! for [`super::LINK_HOURS`] hours; its token is never stored, only its hash.

pub mod views;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::error::AppError;

/// Who the link is for, so they know they opened the right one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Welcome {
    pub name: String,
    pub email: String,
    /// An invitation (`true`) or a password reset.
    pub first_time: bool,
}

#[server(endpoint = "welcome/check", input = Json)]
pub async fn check_link(token: String) -> Result<Welcome, AppError> {
    crate::server::respond(async move { ssr::check(&token).await }).await
}

/// Sets the password the link's owner chose, uses the link up and signs them in.
#[server(endpoint = "welcome/accept", input = Json)]
pub async fn accept_link(token: String, password: String) -> Result<Actor, AppError> {
    crate::server::respond(async move { ssr::accept(&token, &password).await }).await
}
