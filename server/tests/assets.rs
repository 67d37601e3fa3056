//! Built files: sent as the compressed copy the build wrote beside them when the request
//! accepts it, cached for a year when their name carries a hash, and never mixed up by a
//! cache between (the answer varies by what the request accepts).

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use support::app_with_site;

#[tokio::test]
async fn a_built_file_is_sent_as_its_compressed_copy_and_cached_by_encoding() {
    let site = tempfile::tempdir().expect("a temporary site");
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let name = "hamrah.a1b2c3d4e5f6.wasm";
    std::fs::write(pkg.join(name), b"\0asm plain").expect("file");
    std::fs::write(pkg.join(format!("{name}.br")), b"brotli copy").expect("br copy");
    std::fs::write(pkg.join(format!("{name}.gz")), b"gzip copy").expect("gz copy");
    let app = app_with_site(site.path().to_str().expect("a path")).await;

    for (accepts, encoding, body) in [
        ("br, gzip", Some("br"), "brotli copy"),
        ("gzip", Some("gzip"), "gzip copy"),
        ("identity", None, "\0asm plain"),
    ] {
        let reply = app
            .send(
                Request::get(format!("/pkg/{name}"))
                    .header(header::ACCEPT_ENCODING, accepts)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{accepts}");
        let header_of = |name| {
            reply
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(
            header_of(header::CONTENT_ENCODING).as_deref(),
            encoding,
            "{accepts}"
        );
        assert_eq!(reply.body, serde_json::json!(body), "{accepts}");
        assert_eq!(
            header_of(header::CONTENT_TYPE).as_deref(),
            Some("application/wasm")
        );
        assert_eq!(
            header_of(header::CACHE_CONTROL).as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert!(
            header_of(header::VARY)
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{accepts}: {:?}",
            header_of(header::VARY)
        );
    }
}
