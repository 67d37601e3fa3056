//! Configuration comes from the environment; `hamrah --help` lists it.

pub const HELP: &str = "\
hamrah: the Hamrah CRM server

USAGE: hamrah [--help]        serve Hamrah
       hamrah backup FILE     write the whole database to FILE (SurrealQL)
       hamrah restore FILE    load FILE into an empty database; devices download afresh

Environment:
  HAMRAH_DB             SurrealDB endpoint (default surrealkv://data/hamrah).
                        mem:// keeps everything in memory (tests);
                        ws://host:8000 uses a SurrealDB server, so several Hamrah
                        processes can share one database.
  HAMRAH_DB_USER        root user for a ws:// server (with HAMRAH_DB_PASS)
  HAMRAH_DB_PASS        root password for a ws:// server
  HAMRAH_DEMO=1         seed the demo organisation when the database is empty
  HAMRAH_ADMIN_EMAIL    create this admin when the database has no users
  HAMRAH_ADMIN_PASSWORD   (with HAMRAH_ADMIN_EMAIL)
  HAMRAH_SECURE_COOKIES=1  mark the session cookie Secure and send HSTS (set when
                        served over HTTPS)
  HAMRAH_TRUSTED_PROXIES  comma-separated addresses or ranges (10.0.0.0/8) of reverse
                        proxies whose X-Forwarded-For names the client
  HAMRAH_SESSION_IDLE_DAYS  a session unused this long ends (default 14)
  HAMRAH_SESSION_DAYS   a session ends this long after sign-in (default 90)
  HAMRAH_SYNC_HORIZON_DAYS  change log and push answers kept this long; a device away
                        longer downloads afresh (default 90)
  HAMRAH_METRICS_ADDR   serve Prometheus metrics at /metrics on this address (e.g.
                        127.0.0.1:9100); not served when unset
  HAMRAH_LOG=text       human-readable logs instead of JSON lines
  LEPTOS_SITE_ADDR      listen address (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT      where the built site is (default target/site)
  RUST_LOG              log filter (default info)
";

#[derive(Debug, Clone)]
pub struct Config {
    pub db_url: String,
    pub db_user: Option<String>,
    pub db_pass: Option<String>,
    pub demo: bool,
    pub admin: Option<(String, String)>,
    pub secure_cookies: bool,
    pub policy: app::server::Policy,
    /// How long the change log and stored push answers are kept.
    pub sync_horizon_days: i64,
    pub metrics_addr: Option<std::net::SocketAddr>,
}

impl Config {
    /// What tests and a plain development run use: the demo-free defaults on `db_url`.
    pub fn new(db_url: &str) -> Self {
        Config {
            db_url: db_url.into(),
            db_user: None,
            db_pass: None,
            demo: false,
            admin: None,
            secure_cookies: false,
            policy: app::server::Policy::default(),
            sync_horizon_days: 90,
            metrics_addr: None,
        }
    }
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "yes"))
}

fn days(name: &str, default: i64) -> anyhow::Result<i64> {
    match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(text) => match text.parse::<i64>() {
            Ok(days) if (1..=3650).contains(&days) => Ok(days),
            _ => {
                anyhow::bail!("{name} must be a whole number of days from 1 to 3650, not {text:?}")
            }
        },
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let trusted_proxies =
            app::auth::proxy::Cidr::parse_list(&var("HAMRAH_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|bad| {
                    anyhow::anyhow!("HAMRAH_TRUSTED_PROXIES: {bad:?} is not an address or range")
                })?;
        Ok(Config {
            db_url: var("HAMRAH_DB").unwrap_or_else(|| "surrealkv://data/hamrah".into()),
            db_user: var("HAMRAH_DB_USER"),
            db_pass: var("HAMRAH_DB_PASS"),
            demo: flag("HAMRAH_DEMO"),
            admin: var("HAMRAH_ADMIN_EMAIL").zip(var("HAMRAH_ADMIN_PASSWORD")),
            secure_cookies: flag("HAMRAH_SECURE_COOKIES"),
            policy: app::server::Policy {
                session_idle_secs: days("HAMRAH_SESSION_IDLE_DAYS", 14)? * 86_400,
                session_lifetime_secs: days("HAMRAH_SESSION_DAYS", 90)? * 86_400,
                trusted_proxies,
            },
            sync_horizon_days: days("HAMRAH_SYNC_HORIZON_DAYS", 90)?,
            metrics_addr: var("HAMRAH_METRICS_ADDR")
                .map(|a| {
                    a.parse()
                        .map_err(|_| anyhow::anyhow!("HAMRAH_METRICS_ADDR: {a:?} is not host:port"))
                })
                .transpose()?,
        })
    }
}
