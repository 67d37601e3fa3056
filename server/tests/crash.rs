//! Durability: the real `hamrah` binary on an on-disk database is killed with SIGKILL in
//! the middle of a stream of pushes from several devices, started again on the same
//! directory, and the devices retry what was not answered. Every change answered before the
//! crash, and every one retried after it, is applied exactly once: no lost field, no
//! duplicate history row.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Changes each device makes after creating its deal.
const EDITS: usize = 25;
const DEVICES: [&str; 4] = [
    "rep@example.com",
    "rep@example.com",
    "manager@example.com",
    "admin@example.com",
];

struct Server {
    child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn start(dir: &std::path::Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_hamrah"))
        .env(
            "HAMRAH_DB",
            format!("surrealkv://{}", dir.join("db").display()),
        )
        .env("HAMRAH_DEMO", "1")
        .env("HAMRAH_LOG", "text")
        .env("RUST_LOG", "error")
        .env("LEPTOS_OUTPUT_NAME", "hamrah")
        .env("LEPTOS_SITE_ROOT", dir.join("site"))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("hamrah starts");
    Server { child }
}

/// One HTTP/1.1 request on a fresh connection; `None` when the server is not there.
async fn post(
    port: u16,
    path: &str,
    cookie: Option<&str>,
    body: &Value,
) -> Option<(u16, Value, Option<String>)> {
    let body = body.to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
    let cookie = cookie
        .map(|c| format!("Cookie: hamrah_session={c}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/json\r\nAccept: application/json\r\n{cookie}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n")?;
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let session = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, v)| {
            v.trim()
                .strip_prefix("hamrah_session=")
                .map(|v| v.split(';').next().unwrap_or("").to_owned())
        });
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    Some((
        status,
        serde_json::from_str(&body).unwrap_or(Value::Null),
        session,
    ))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

async fn until_up(port: u16) {
    for _ in 0..600 {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)).await {
            let _ = stream
                .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await;
            let mut raw = Vec::new();
            let _ = stream.read_to_end(&mut raw).await;
            if raw.starts_with(b"HTTP/1.1 200") {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not become ready");
}

fn clock(ms: i64, counter: usize, node: usize) -> String {
    app::sync::clock::Hlc {
        ms,
        counter: counter as u32,
        node: format!("dev{node}"),
    }
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_change_survives_a_kill_9_exactly_once() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mut server = start(dir.path(), port);
    until_up(port).await;

    let mut sessions = Vec::new();
    for email in DEVICES {
        let (status, _, session) = post(
            port,
            "/api/auth/sign_in",
            None,
            &json!({ "form": { "email": email, "password": "hamrah-demo" } }),
        )
        .await
        .expect("sign in");
        assert_eq!(status, 200);
        sessions.push(session.expect("session"));
    }
    let (_, board, _) = post(port, "/api/deals/board", Some(&sessions[0]), &json!({}))
        .await
        .expect("board");
    let lead = board["pipeline"]["stages"][0]["id"]
        .as_str()
        .expect("stage")
        .to_owned();
    let start_ms = app::sync::ssr::now_ms();

    // Each device's deal, created and answered before the stream starts.
    let mut deals = Vec::new();
    let clients: Vec<String> = DEVICES.iter().map(|_| app::ids::new_id()).collect();
    for (d, session) in sessions.iter().enumerate() {
        let id = app::ids::new_id();
        let fields = json!({ "title": format!("Crash test {d}"), "value": "100", "currency": "USD", "stage": lead,
            "company": "", "contact": "", "expected_close": "", "next_step": "v0", "lost_reason": "" });
        let push = json!({ "request": { "client": clients[d], "mutations": [{ "id": 1, "mutation": { "table": "deal", "id": id, "base": null, "fields": fields, "clock": clock(start_ms, 0, d) } }] } });
        let (status, answers, _) = post(port, "/api/sync/push", Some(session), &push)
            .await
            .expect("create");
        assert_eq!(
            (status, answers[0]["outcome"]["status"].as_str()),
            (200, Some("applied"))
        );
        deals.push(id);
    }

    // The stream: each device sets next_step v1, v2, … one change per push, and goes on
    // retrying whatever got no answer. The server is killed once 40 changes were answered.
    let answered = Arc::new(AtomicUsize::new(0));
    let port_now = Arc::new(std::sync::atomic::AtomicU16::new(port));
    let mut devices = Vec::new();
    for d in 0..DEVICES.len() {
        let (session, client, deal) = (sessions[d].clone(), clients[d].clone(), deals[d].clone());
        let (answered, port_now) = (answered.clone(), port_now.clone());
        devices.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for k in 1..=EDITS {
                let change = json!({ "id": k as i64 + 1, "mutation": { "table": "deal", "id": deal,
                    "base": { "next_step": format!("v{}", k - 1) }, "fields": { "next_step": format!("v{k}") },
                    "clock": clock(start_ms, k, d) } });
                let push = json!({ "request": { "client": client, "mutations": [change] } });
                loop {
                    match post(port_now.load(Ordering::SeqCst), "/api/sync/push", Some(&session), &push).await {
                        Some((200, answers, _)) => {
                            assert_eq!(answers[0]["outcome"]["status"], "applied", "{answers}");
                            acknowledged.push(k);
                            answered.fetch_add(1, Ordering::SeqCst);
                            break;
                        }
                        // Killed mid-request or not up yet: the device tries again later.
                        _ => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            }
            acknowledged
        }));
    }
    while answered.load(Ordering::SeqCst) < 40 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    let before_crash = answered.load(Ordering::SeqCst);
    // The embedded engine's lock goes with the process; start again on the same directory.
    let port2 = free_port();
    let mut again = start(dir.path(), port2);
    until_up(port2).await;
    port_now.store(port2, Ordering::SeqCst);
    for device in devices {
        assert_eq!(device.await.expect("device").len(), EDITS);
    }
    assert!(
        before_crash >= 40 && before_crash < DEVICES.len() * EDITS,
        "the kill came mid-stream ({before_crash})"
    );

    for (d, deal) in deals.iter().enumerate() {
        let (_, page, _) = post(
            port2,
            "/api/deals/get",
            Some(&sessions[3]),
            &json!({ "id": deal }),
        )
        .await
        .expect("deal");
        assert_eq!(
            page["deal"]["next_step"],
            format!("v{EDITS}"),
            "device {d}: the last change holds"
        );
        let (_, history, _) = post(
            port2,
            "/api/history/list",
            Some(&sessions[3]),
            &json!({ "table": "deal", "id": deal }),
        )
        .await
        .expect("history");
        let steps: Vec<&str> = history
            .as_array()
            .expect("history")
            .iter()
            .filter(|c| c["field"] == "next_step")
            .filter_map(|c| c["new"].as_str())
            .collect();
        let mut sorted = steps.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            steps.len(),
            EDITS,
            "device {d}: one history row per change, none twice: {steps:?}"
        );
        assert_eq!(sorted.len(), EDITS);
    }
    again.child.kill().ok();
    again.child.wait().ok();
}
