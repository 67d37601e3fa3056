//! The demo's Trash: a few records as a delete leaves them, so a newcomer finds Settings →
//! Trash with something to restore. Written directly, like the rest of the demo (which no
//! device has seen yet, so there is no change to log for sync).

use app::db::Db;
use app::kinds::Table;

/// (who deleted, what kind, which of theirs: the query's first id).
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
             AND count((SELECT VALUE id FROM deal WHERE contact = $parent.id)) = 0
             AND count((SELECT VALUE id FROM activity WHERE contact = $parent.id)) = 0
             AND count((SELECT VALUE id FROM case WHERE contact = $parent.id)) = 0 ORDER BY name LIMIT 1",
    ),
];

/// Moves the record to the Trash as `trash::ssr::delete` would (a day ago), with its history.
const MOVE: &str = "BEGIN TRANSACTION;
    LET $record = type::record($tb, $id);
    LET $data = (SELECT * FROM ONLY $record);
    CREATE type::record('trash', $entry) CONTENT {
        tb: $tb, record: $record, name: $name, data: $data, entries: [], unlinked: [],
        owner: $data.owner, team: $data.team, by: $by, at: time::now() - 1d
    };
    DELETE $record;
    CREATE change CONTENT { subject: $record, by: $by, field: $deleted, old: NONE, new: NONE, at: time::now() - 1d };
    COMMIT TRANSACTION;";

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
        let by = app::db::rid("user", &user);
        let mut response = db.query(*query).bind(("user", by.clone())).await?.check()?;
        let Some(id) = response.take::<Option<String>>(0)? else {
            continue;
        };
        let mut response = db
            .query(format!(
                "SELECT VALUE {} FROM ONLY type::record($tb, $id)",
                table.name_field()
            ))
            .bind(("tb", table.name()))
            .bind(("id", id.clone()))
            .await?
            .check()?;
        let name = response.take::<Option<String>>(0)?.unwrap_or_default();
        db.query(MOVE)
            .bind(("tb", table.name()))
            .bind(("id", id.clone()))
            .bind(("entry", app::trash::entry_key(*table, &id)))
            .bind(("name", name))
            .bind(("by", by))
            .bind(("deleted", app::history::DELETED))
            .await?
            .check()?;
    }
    Ok(())
}
