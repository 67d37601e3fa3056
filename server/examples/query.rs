//! Times SurrealQL against a database, for finding slow reads (`.ci/bench` investigations).
//! Not part of the product.
//!
//! Usage: HAMRAH_DB=surrealkv://… cargo run --release --example query -- 'SELECT …' [runs]
//! `$me`, `$team` and `$pipeline` are bound to the first load rep, its team and the pipeline.

use std::time::Instant;

use server::config::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let sql = args.next().unwrap_or_default();
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let db = server::storage::connect(&Config::from_env()?).await?;
    let mut ids = db
        .query(
            "SELECT VALUE id FROM ONLY user WHERE email = 'load0@example.com' LIMIT 1;
             SELECT VALUE team FROM ONLY user WHERE email = 'load0@example.com' LIMIT 1;
             SELECT VALUE id FROM ONLY pipeline LIMIT 1;",
        )
        .await?
        .check()?;
    let me: Option<surrealdb::types::RecordId> = ids.take(0)?;
    let team: Option<surrealdb::types::RecordId> = ids.take(1)?;
    let pipeline: Option<surrealdb::types::RecordId> = ids.take(2)?;
    for run in 0..runs {
        let started = Instant::now();
        let mut response = db
            .query(&sql)
            .bind(("me", me.clone()))
            .bind(("team", team.clone()))
            .bind(("pipeline", pipeline.clone()))
            .await?;
        let elapsed = started.elapsed();
        let n = response.num_statements();
        for i in 0..n {
            let value: surrealdb::types::Value = response.take(i)?;
            let text = format!("{value:?}");
            if run == 0 {
                println!("[{i}] {}", &text[..text.len().min(1500)]);
            }
        }
        println!("run {run}: {:.1} ms", elapsed.as_secs_f64() * 1000.0);
    }
    Ok(())
}
