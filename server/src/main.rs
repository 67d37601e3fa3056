use leptos::config::get_configuration;
use server::config::{Config, HELP};
use server::seed::{DEMO_PASSWORD, DEMO_USERS};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{HELP}");
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let config = Config::from_env();
    let mut leptos = get_configuration(None)?.leptos_options;
    // cargo-leptos names built assets by content hash and records the names in hash.txt
    // beside the binary; started directly (not by cargo-leptos), find that file ourselves.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        let exe_dir = std::env::current_exe()?.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        leptos.hash_files = exe_dir.join(leptos.hash_file.as_ref()).exists();
    }
    let addr = leptos.site_addr;
    let state = server::prepare(&config).await?;
    let app = server::http::router(state, leptos);

    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("Hamrah is running at http://{addr}  (database: {})", config.db_url);
    if config.demo {
        let emails: Vec<&str> = DEMO_USERS.iter().map(|u| u.0).collect();
        println!("Demo sign-ins: {}; password: {DEMO_PASSWORD}", emails.join(", "));
    }
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
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
