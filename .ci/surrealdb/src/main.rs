//! `surreal start …`, as the official binary, built from the `surrealdb-server` crate.
use std::process::ExitCode;

use surrealdb_server::core::CommunityComposer;

fn main() -> ExitCode {
    surrealdb_server::init(CommunityComposer())
}
