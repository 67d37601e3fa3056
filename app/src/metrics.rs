//! Prometheus metrics of this process: counters, gauges and latency histograms, written in
//! the text exposition format. Each process keeps its own; Prometheus scrapes each one.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Every metric, with its type and help text.
const METRICS: &[(&str, &str, &str)] = &[
    (
        "hamrah_http_requests_total",
        "counter",
        "HTTP requests answered, by route and status.",
    ),
    (
        "hamrah_http_request_duration_seconds",
        "histogram",
        "Time to answer an HTTP request, by route.",
    ),
    (
        "hamrah_sync_changes_total",
        "counter",
        "Pushed changes answered, by outcome.",
    ),
    (
        "hamrah_sync_notify_delay_seconds",
        "histogram",
        "From a change's commit to this process noticing it and poking its event streams.",
    ),
    (
        "hamrah_sync_sequence",
        "gauge",
        "The change log's last number as this process last saw it.",
    ),
    (
        "hamrah_event_streams",
        "gauge",
        "Open event streams (devices waiting for pokes).",
    ),
    (
        "hamrah_sign_in_failures_total",
        "counter",
        "Sign-in attempts refused, by reason.",
    ),
    (
        "hamrah_password_checks_total",
        "counter",
        "Argon2 password verifications run.",
    ),
    (
        "hamrah_write_retries_total",
        "counter",
        "Write transactions run again after losing a race with another writer.",
    ),
];

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Registry {
    counters: BTreeMap<(&'static str, String), u64>,
    gauges: BTreeMap<&'static str, i64>,
    histograms: BTreeMap<(&'static str, String), Histogram>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    // A panic elsewhere while holding the lock leaves plain numbers behind: keep counting.
    let mut guard = REGISTRY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(guard.get_or_insert_with(Registry::default))
}

fn label_text(labels: &[(&str, &str)]) -> String {
    labels
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}=\"{}\"",
                v.replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', " ")
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn count(name: &'static str, labels: &[(&str, &str)]) {
    let labels = label_text(labels);
    with(|r| *r.counters.entry((name, labels)).or_default() += 1);
}

pub fn gauge_add(name: &'static str, delta: i64) {
    with(|r| *r.gauges.entry(name).or_default() += delta);
}

pub fn gauge_set(name: &'static str, value: i64) {
    with(|r| r.gauges.insert(name, value));
}

pub fn observe(name: &'static str, labels: &[(&str, &str)], seconds: f64) {
    let labels = label_text(labels);
    with(|r| {
        let histogram = r.histograms.entry((name, labels)).or_default();
        for (bucket, count) in BUCKETS.iter().zip(histogram.counts.iter_mut()) {
            if seconds <= *bucket {
                *count += 1;
            }
        }
        histogram.sum += seconds;
        histogram.count += 1;
    });
}

/// Everything, in Prometheus' text format.
pub fn render() -> String {
    with(|r| {
        let mut out = String::new();
        for (name, kind, help) in METRICS {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            match *kind {
                "counter" => {
                    for ((_, labels), value) in r
                        .counters
                        .range((*name, String::new())..)
                        .take_while(|((n, _), _)| n == name)
                    {
                        let _ = writeln!(out, "{name}{} {value}", braces(labels));
                    }
                }
                "gauge" => {
                    let _ = writeln!(out, "{name} {}", r.gauges.get(name).copied().unwrap_or(0));
                }
                _ => {
                    for ((_, labels), h) in r
                        .histograms
                        .range((*name, String::new())..)
                        .take_while(|((n, _), _)| n == name)
                    {
                        let sep = if labels.is_empty() { "" } else { "," };
                        for (bucket, count) in BUCKETS.iter().zip(h.counts) {
                            let _ = writeln!(
                                out,
                                "{name}_bucket{{{labels}{sep}le=\"{bucket}\"}} {count}"
                            );
                        }
                        let _ =
                            writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", h.count);
                        let _ = writeln!(out, "{name}_sum{} {}", braces(labels), h.sum);
                        let _ = writeln!(out, "{name}_count{} {}", braces(labels), h.count);
                    }
                }
            }
        }
        out
    })
}

fn braces(labels: &str) -> String {
    if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_histograms_render_in_the_text_format() {
        count(
            "hamrah_sign_in_failures_total",
            &[("reason", "wrong \"password\"")],
        );
        observe(
            "hamrah_http_request_duration_seconds",
            &[("route", "/test")],
            0.003,
        );
        let text = render();
        assert!(text.contains("# TYPE hamrah_http_requests_total counter"));
        assert!(text.contains("hamrah_sign_in_failures_total{reason=\"wrong \\\"password\\\"\"}"));
        assert!(text.contains(
            "hamrah_http_request_duration_seconds_bucket{route=\"/test\",le=\"0.0025\"} 0"
        ));
        assert!(text.contains(
            "hamrah_http_request_duration_seconds_bucket{route=\"/test\",le=\"0.005\"} 1"
        ));
        assert!(text.contains("hamrah_http_request_duration_seconds_count{route=\"/test\"} 1"));
    }
}
