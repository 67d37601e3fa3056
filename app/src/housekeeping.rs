//! What expires is deleted: sessions past their end, forgiven sign-in failures, change
//! log entries and push answers older than the sync horizon, and the Trash's old entries. Every server process runs it
//! (from its change watcher); the deletes are idempotent, so two at once do no harm.

use std::time::Duration;

use crate::db::{self, Bind, Db, Write};
use crate::error::AppResult;

/// How often the clean-up runs.
pub const EVERY: Duration = Duration::from_secs(3600);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub pruned_through: i64,
}

/// Deletes what has expired. Log entries go up to the newest one older than the horizon;
/// `pruned_through` remembers that number, and a device whose cursor is older downloads
/// afresh (it would miss the deleted changes otherwise).
pub async fn run_once(db: &Db, horizon_days: i64) -> AppResult<Cleaned> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let window = crate::auth::WINDOW_SECS;
    let expired = Write::new(
        "DELETE session WHERE expires_at < time::now() OR idle_until < time::now();
         DELETE login_throttle WHERE blocked_until <= $now AND last_fail < $now - $window;
         DELETE sync_outcome WHERE at < time::now() - duration::from_secs($horizon);",
    )
    .bind(("now", now))
    .bind(("window", window))
    .bind(("horizon", horizon_days * 86_400));
    db::write(db, &expired).await?;
    let prune = Write::new(
        "BEGIN TRANSACTION;
         LET $cut = (SELECT VALUE seq FROM sync_log WHERE at < time::now() - duration::from_secs($horizon) ORDER BY seq DESC LIMIT 1)[0];
         IF $cut != NONE {
             DELETE sync_log WHERE seq <= $cut;
             UPDATE sync_counter:main SET pruned_through = math::max([pruned_through, $cut]);
         };
         COMMIT TRANSACTION;",
    )
    .bind(("horizon", horizon_days * 86_400));
    db::write(db, &prune).await?;
    crate::trash::ssr::purge(db).await?;
    crate::import::ssr::purge(db).await?;
    let state = crate::sync::ssr::log_state(db).await?;
    Ok(Cleaned {
        pruned_through: state.pruned_through,
    })
}
