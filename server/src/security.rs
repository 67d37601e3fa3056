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
/// the page policy with no inline script at all.
pub async fn headers(State(secure): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&page_policy(""))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
