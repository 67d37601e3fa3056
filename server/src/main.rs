use leptos::config::get_configuration;
use server::config::{Config, HELP};
use server::seed::{DEMO_PASSWORD, DEMO_USERS};

/// The database allocates and frees a value per field read and written; glibc's allocator
/// spent a third of the server's time on it (BENCHMARKS.md, issue 11).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    server::logging::init();
    let config = Config::from_env()?;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {}
        ["backup", file] => {
            let db = server::storage::connect(&config).await?;
            server::backup::backup(&db, std::path::Path::new(file)).await?;
            println!("Backed up {} to {file}", config.db_url);
            return Ok(());
        }
        ["restore", file] => {
            let db = server::storage::open(&config).await?;
            let remote =
                !(config.db_url.starts_with("mem://") || config.db_url.starts_with("surrealkv://"));
            server::backup::restore(&db, std::path::Path::new(file), remote).await?;
            println!(
                "Restored {file} into {}; every device will download afresh.",
                config.db_url
            );
            return Ok(());
        }
        other => anyhow::bail!("unknown command {other:?}; see hamrah --help"),
    }
    let mut leptos = get_configuration(None)?.leptos_options;
    // cargo-leptos names built assets by content hash and records the names in hash.txt
    // beside the binary; started directly (not by cargo-leptos), find that file ourselves.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        let exe_dir = std::env::current_exe()?
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_default();
        leptos.hash_files = exe_dir.join(leptos.hash_file.as_ref()).exists();
    }
    let addr = leptos.site_addr;
    let state = server::prepare(&config).await?;
    let app = server::http::router(state, leptos);
    if let Some(metrics) = config.metrics_addr {
        let listener = tokio::net::TcpListener::bind(metrics).await?;
        println!("Metrics at http://{metrics}/metrics");
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, server::metrics::router()).await {
                tracing::error!("metrics listener stopped: {error}");
            }
        });
    }

    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "Hamrah is running at http://{addr}  (database: {})",
        config.db_url
    );
    if config.demo {
        let emails: Vec<&str> = DEMO_USERS.iter().map(|u| u.0).collect();
        println!(
            "Demo sign-ins: {}; password: {DEMO_PASSWORD}",
            emails.join(", ")
        );
    }
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    println!("Hamrah stopped.");
    Ok(())
}

/// Finishes in-flight requests on SIGINT (Ctrl-C) or SIGTERM (service managers, containers).
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
