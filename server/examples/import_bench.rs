//! Import at scale: a CSV of 50,000 contacts (with 2,000 companies named by them, some rows
//! repeated and some refused) uploaded, checked, imported and undone by the demo admin,
//! against the database `HAMRAH_DB` names (a fresh `surrealkv://` directory in `.ci/bench`);
//! between them, 10,000 deals at those companies, on stages named in either language, are
//! imported and undone. Prints a table of the times and the process's peak memory.

use std::time::{Duration, Instant};

use app::import::{MatchOn, OnMatch, Plan, State};
use app::kinds::Table;
use server::config::Config;

const ROWS: usize = 50_000;
const DEALS: usize = 10_000;

fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn file() -> Vec<u8> {
    let mut text = String::from("Full Name,Mobile,E-mail,Company,Job Title\n");
    for n in 0..ROWS {
        // One row in 100 repeats an earlier e-mail, one in 250 has a bad one.
        let mail = if n % 100 == 99 {
            format!("person{}@example.com", n - 1)
        } else if n % 250 == 7 {
            "not an address".to_owned()
        } else {
            format!("person{n}@example.com")
        };
        text.push_str(&format!(
            "Person {n},0912{n:07},{mail},Company {} Ltd,Buyer\n",
            n % 2_000
        ));
    }
    text.into_bytes()
}

/// Deals at the imported companies: stages by name in English or Persian, amounts in tomans,
/// Jalali dates.
fn deals_file() -> Vec<u8> {
    let stages = ["Lead", "Qualified", "پیشنهاد", "Negotiation", "Won"];
    let mut text = String::from("Deal,Company,Value,Currency,Stage,Expected close\n");
    for n in 0..DEALS {
        text.push_str(&format!(
            "Deal {n},Company {} Ltd,{},تومان,{},1405/{}/{}\n",
            n % 2_000,
            (n % 90 + 1) * 1_000_000,
            stages[n % stages.len()],
            n % 12 + 1,
            n % 28 + 1,
        ));
    }
    text.into_bytes()
}

async fn until(cx: &app::server::Cx, id: &str, state: State) -> anyhow::Result<()> {
    loop {
        let status = app::import::ssr::status(cx, id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if status.state == state {
            return Ok(());
        }
        anyhow::ensure!(status.state != State::Failed, "the import failed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config {
        demo: true,
        ..Config::from_env()?
    };
    let state = server::prepare(&config).await?;
    let err = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let mut response = state
        .db
        .query("SELECT VALUE record::id(id) FROM user WHERE email = 'admin@example.com'")
        .await?;
    let admin: Option<String> = response.take(0)?;
    let admin = admin.ok_or_else(|| anyhow::anyhow!("no demo admin"))?;
    let actor = app::auth::ssr::actor_by_id(&state.db, &admin)
        .await
        .map_err(err)?
        .ok_or_else(|| anyhow::anyhow!("no demo admin"))?;
    let cx = app::server::Cx::acting_as(state.db.clone(), actor);
    let bytes = file();
    let before = peak_mib();

    let started = Instant::now();
    let upload = app::import::ssr::store(&cx, Table::Contact, "bench.csv", &bytes)
        .await
        .map_err(err)?;
    let uploaded = started.elapsed();
    let plan = Plan {
        columns: upload.suggested.clone(),
        match_on: MatchOn::Email,
        on_match: OnMatch::Skip,
    };
    let started = Instant::now();
    let checked = app::import::ssr::check(&cx, &upload.id, plan.clone())
        .await
        .map_err(err)?;
    let check = started.elapsed();
    let started = Instant::now();
    app::import::ssr::start(&cx, state.changes.clone(), &upload.id, plan)
        .await
        .map_err(err)?;
    until(&cx, &upload.id, State::Done).await?;
    let run = started.elapsed();
    let done = app::import::ssr::status(&cx, &upload.id)
        .await
        .map_err(err)?;
    anyhow::ensure!(
        done.tally == checked.tally,
        "the dry run and the import differ"
    );
    // The Duplicates page's scan, on the server, over everything imported.
    let started = Instant::now();
    let groups = app::duplicates::page::server_groups(&cx)
        .await
        .map_err(err)?;
    let scan = started.elapsed();
    // A merge of the two imported companies with the most contacts, and its undo.
    let mut response = state
        .db
        .query(
            "SELECT record::id(company) AS id, n FROM (SELECT company, count() AS n FROM contact
             WHERE company != NONE GROUP BY company) ORDER BY n DESC LIMIT 2",
        )
        .await?;
    #[derive(serde::Deserialize)]
    struct Busy {
        id: String,
        n: i64,
    }
    let busy: Vec<serde_json::Value> = response.take(0)?;
    let busy: Vec<Busy> = serde_json::from_value(serde_json::Value::Array(busy))?;
    let (Some(keep), Some(other)) = (busy.first(), busy.get(1)) else {
        anyhow::bail!("the import made no two companies with contacts");
    };
    let preview = app::merge::ssr::preview(&cx, Table::Company, &keep.id, &other.id)
        .await
        .map_err(err)?;
    let request = app::merge::MergeRequest {
        table: Table::Company,
        keep: keep.id.clone(),
        other: other.id.clone(),
        revs: [preview.sides[0].rev, preview.sides[1].rev],
        take: Vec::new(),
        both: Vec::new(),
    };
    let started = Instant::now();
    app::merge::ssr::merge(&cx, &request).await.map_err(err)?;
    let merged = started.elapsed();
    let started = Instant::now();
    app::merge::ssr::undo(&cx, Table::Company, &other.id)
        .await
        .map_err(err)?;
    let unmerged = started.elapsed();

    // Deals at the imported companies, imported and undone.
    let deals = deals_file();
    let started = Instant::now();
    let upload_deals = app::import::ssr::store(&cx, Table::Deal, "deals.csv", &deals)
        .await
        .map_err(err)?;
    let deal_plan = Plan {
        columns: upload_deals.suggested.clone(),
        ..Plan::default()
    };
    app::import::ssr::start(&cx, state.changes.clone(), &upload_deals.id, deal_plan)
        .await
        .map_err(err)?;
    until(&cx, &upload_deals.id, State::Done).await?;
    let deals_run = started.elapsed();
    let deals_done = app::import::ssr::status(&cx, &upload_deals.id)
        .await
        .map_err(err)?;
    let started = Instant::now();
    app::import::ssr::undo(&cx, state.changes.clone(), &upload_deals.id)
        .await
        .map_err(err)?;
    until(&cx, &upload_deals.id, State::Undone).await?;
    let deals_undo = started.elapsed();

    let started = Instant::now();
    app::import::ssr::undo(&cx, state.changes.clone(), &upload.id)
        .await
        .map_err(err)?;
    until(&cx, &upload.id, State::Undone).await?;
    let undo = started.elapsed();

    let t = done.tally;
    println!(
        "\n| import of {ROWS} contacts ({} KiB CSV) | result |\n|---|---|",
        bytes.len() / 1024
    );
    println!(
        "| rows | {} created, {} skipped, {} refused, {} companies made |",
        t.created, t.skipped, t.refused, t.companies_created
    );
    println!(
        "| upload (read, decode, store) | {:.1} s |",
        uploaded.as_secs_f64()
    );
    println!("| Check (dry run) | {:.1} s |", check.as_secs_f64());
    println!("| Import | {:.1} s |", run.as_secs_f64());
    println!(
        "| Duplicates scan, on the server ({} groups) | {:.2} s |",
        groups.len(),
        scan.as_secs_f64()
    );
    println!(
        "| Merge of two companies ({} contacts move) | {:.0} ms |",
        other.n,
        merged.as_secs_f64() * 1000.0
    );
    println!("| Undo merge | {:.0} ms |", unmerged.as_secs_f64() * 1000.0);
    println!(
        "| {DEALS} deals at those companies: upload and Import ({} created, {} refused) | {:.1} s |",
        deals_done.tally.created,
        deals_done.tally.refused,
        deals_run.as_secs_f64()
    );
    println!(
        "| Undo (the deals, and their stage entries) | {:.1} s |",
        deals_undo.as_secs_f64()
    );
    println!("| Undo (the import) | {:.1} s |", undo.as_secs_f64());
    println!(
        "| peak memory (process, before → after) | {before:.0} → {:.0} MiB |",
        peak_mib()
    );
    Ok(())
}
