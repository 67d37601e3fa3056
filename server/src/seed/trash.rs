//! The demo's Trash: a few records deleted the way a user deletes them, so a newcomer finds
//! Settings → Trash with something to restore.

use anyhow::Context;
use app::db::Db;
use app::kinds::Table;

/// (who deletes, what kind, which of theirs: the query's first id).
const DELETED: &[(&str, Table, &str)] = &[
    (
        "rep@example.com",
        Table::Activity,
        "SELECT VALUE record::id(id) FROM activity WHERE owner = $user AND done = true ORDER BY created_at LIMIT 1",
    ),
    (
        "negar@example.com",
        Table::Contact,
        "SELECT VALUE record::id(id) FROM contact WHERE owner = $user
             AND count((SELECT VALUE id FROM deal WHERE contact = $parent.id)) = 0 ORDER BY name LIMIT 1",
    ),
];

pub async fn add(db: &Db) -> anyhow::Result<()> {
    for (email, table, query) in DELETED {
        let mut response = db
            .query("SELECT VALUE record::id(id) FROM user WHERE email = $email")
            .bind(("email", *email))
            .await?
            .check()?;
        let Some(user) = response.take::<Option<String>>(0)? else {
            continue;
        };
        let mut response = db
            .query(*query)
            .bind(("user", app::db::rid("user", &user)))
            .await?
            .check()?;
        let Some(id) = response.take::<Option<String>>(0)? else {
            continue;
        };
        let actor = app::auth::ssr::actor_by_id(db, &user)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .context("an active demo user")?;
        let cx = app::server::Cx::acting_as(db.clone(), actor);
        app::trash::ssr::delete_now(&cx, *table, &id)
            .await
            .map_err(|e| anyhow::anyhow!("demo trash: {e}"))?;
    }
    Ok(())
}
