//! Configuration comes from the environment; `hamrah --help` lists it.

pub const HELP: &str = "\
hamrah: the Hamrah CRM server

USAGE: hamrah [--help]

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
  HAMRAH_SECURE_COOKIES=1  mark the session cookie Secure (set when served over HTTPS)
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
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "yes"))
}

impl Config {
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Config {
            db_url: var("HAMRAH_DB").unwrap_or_else(|| "surrealkv://data/hamrah".into()),
            db_user: var("HAMRAH_DB_USER"),
            db_pass: var("HAMRAH_DB_PASS"),
            demo: flag("HAMRAH_DEMO"),
            admin: var("HAMRAH_ADMIN_EMAIL").zip(var("HAMRAH_ADMIN_PASSWORD")),
            secure_cookies: flag("HAMRAH_SECURE_COOKIES"),
        }
    }
}
