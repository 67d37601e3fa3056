//! Headers every response carries: what the browser may load and run for this origin, and
//! how it may be framed, sniffed and referred to.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy of a page whose inline scripts carry `script_source` (a nonce, or hashes).
/// Scripts: our own files, those inline ones, and compiling our wasm; never other inline
/// script. Styles may be inline (the app sets `style` attributes); nothing else is allowed
/// from anywhere but this origin, and no other site may frame it.
pub fn page_policy(script_source: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {script_source} 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The CSP source that allows exactly this inline script.
pub fn script_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Responses that set no policy of their own (files, API answers, the service worker) get
/// the page policy with no inline script at all, but for a rendered page: see [`with_policy`].
pub async fn headers(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response
        .headers()
        .contains_key(header::CONTENT_SECURITY_POLICY)
    {
        response = with_policy(response).await;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), payment=(), usb=()"),
    );
    if secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    response
}

/// A rendered page's policy allows the nonce Leptos gave its inline scripts, read from the
/// page's first chunk, which always holds its head, whose first script is ours. (Setting the
/// header through `ResponseOptions` while the page rendered lost it under load: 1 in ~10
/// browser test runs with the CPU busy got a page whose scripts all were refused.) Only a
/// `<script` tag's own attribute counts; text a user typed cannot make one, since `<` is
/// escaped.
async fn with_policy(response: Response) -> Response {
    use futures_util::StreamExt;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let (mut parts, body) = response.into_parts();
    let (source, body) = if html {
        let mut stream = body.into_data_stream();
        let first = stream.next().await;
        let nonce = match &first {
            Some(Ok(chunk)) => script_nonce(chunk),
            _ => None,
        };
        let source = nonce.map(|n| format!("'nonce-{n}'")).unwrap_or_default();
        let rest = futures_util::stream::iter(first).chain(stream);
        (source, axum::body::Body::from_stream(rest))
    } else {
        (String::new(), body)
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&source)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, body)
}

/// The nonce of the first `<script nonce="…">` in `html`, if it is one Leptos could have made.
fn script_nonce(html: &[u8]) -> Option<String> {
    const TAG: &[u8] = b"<script nonce=\"";
    let start = html.windows(TAG.len()).position(|w| w == TAG)? + TAG.len();
    let length = html.get(start..)?.iter().position(|&b| b == b'"')?;
    let nonce = std::str::from_utf8(html.get(start..start + length)?).ok()?;
    (!nonce.is_empty()
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then(|| nonce.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_nonce_is_read_only_from_a_script_tag() {
        assert_eq!(
            script_nonce(b"<head><script nonce=\"aB-_9\">x</script>").as_deref(),
            Some("aB-_9")
        );
        // Typed text is escaped: `<` never reaches the page as a tag.
        assert_eq!(
            script_nonce(b"<p>nonce=\"evil\"</p><p>&lt;script nonce=\"evil\"</p>"),
            None
        );
        assert_eq!(script_nonce(b"<script nonce=\"a b\">"), None);
        assert_eq!(script_nonce(b"<script nonce=\""), None);
    }

    #[tokio::test]
    async fn a_page_that_lost_its_policy_gets_the_nonce_its_scripts_carry() {
        use axum::routing::get;
        use tower::ServiceExt;
        let page = "<!DOCTYPE html><html><head><script nonce=\"abc123\">1</script></head>";
        let app = axum::Router::new()
            .route(
                "/page",
                get(move || async move { axum::response::Html(page) }),
            )
            .route("/data", get(|| async { "{}" }))
            .layer(axum::middleware::from_fn_with_state(false, headers));
        let policy = |response: &Response| {
            response
                .headers()
                .get(header::CONTENT_SECURITY_POLICY)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .unwrap_or_default()
        };
        let request = |path: &str| {
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .expect("request")
        };
        let response = app.clone().oneshot(request("/page")).await.expect("answer");
        assert!(policy(&response).contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"));
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        assert_eq!(body, page.as_bytes(), "the page is sent whole");
        let response = app.oneshot(request("/data")).await.expect("answer");
        assert!(policy(&response).contains("script-src 'self'  'wasm-unsafe-eval'"));
    }

    #[test]
    fn a_script_hash_is_the_base64_sha256_csp_wants() {
        // The example from the CSP specification.
        assert_eq!(
            script_hash("alert('Hello, world.');"),
            "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
        );
    }

    #[test]
    fn no_inline_script_is_allowed_without_its_nonce_or_hash() {
        let policy = page_policy("'nonce-abc'");
        assert!(
            !policy.contains("'unsafe-inline' 'wasm")
                && policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';")
        );
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
