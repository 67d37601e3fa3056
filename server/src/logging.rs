//! Logs: JSON lines by default (one object per event, with the request id of the request
//! it belongs to), or plain text with `HAMRAH_LOG=text`.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let text = std::env::var("HAMRAH_LOG").is_ok_and(|v| v == "text");
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if text {
        builder.init();
    } else {
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    }
}
