//! What makes Hamrah an installable app that opens without a network: the service worker,
//! generated per build so that a deployment is one new cache, and the app shell it falls
//! back to, a page with no data in it that starts the app from the device's replica.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::LeptosOptions;

/// The built files a page needs, by their (possibly content-hashed) names.
#[derive(Debug, Clone)]
pub struct Build {
    pub js: String,
    pub wasm: String,
    pub css: String,
    /// Every other file the bundle may load, relative to `pkg`: JavaScript that wasm-bindgen
    /// copied next to it (`snippets/…`), and the lazily loaded screens' chunks with their
    /// loader and manifest (`cargo leptos build --split`).
    pub others: Vec<String>,
    /// Changes whenever any of them does.
    pub version: String,
}

impl Build {
    /// Reads cargo-leptos' hash file the way Leptos' own script tags do, so the shell and
    /// the pages name the same files.
    pub fn from_options(options: &LeptosOptions) -> Build {
        let hashes = app::bundle::hashes(options);
        let file = |kind: &str, ext: &str| app::bundle::file(options, &hashes, kind, ext);
        let pkg =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let main = [file("js", "js"), file("wasm", "wasm"), file("css", "css")];
        let mut others = Vec::new();
        collect(&pkg, &pkg, &mut others);
        others.retain(|f| !main.contains(f) && fetched_by_the_app(f));
        others.sort();
        let version = if hashes.is_empty() {
            // Unhashed (development) builds: a new version each start is the safe choice.
            format!("dev-{}", app::sync::ssr::now_ms())
        } else {
            // Snippet and chunk names need not change with their content, so their bytes count too.
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for file in &others {
                std::fs::read(pkg.join(file))
                    .unwrap_or_default()
                    .hash(&mut hasher);
            }
            let mut parts: Vec<String> = hashes
                .values()
                .map(|h| h.get(..8).unwrap_or(h).to_owned())
                .collect();
            parts.push(format!("{:08x}", hasher.finish() as u32));
            parts.join("-")
        };
        let [js, wasm, css] = main;
        Build {
            js,
            wasm,
            css,
            others,
            version,
        }
    }

    fn pkg(&self, options: &LeptosOptions, file: &str) -> String {
        format!("/{}/{file}", options.site_pkg_dir)
    }
}

/// Whether the app fetches `file` by its name, so the worker must cache it: not the type
/// declarations wasm-bindgen writes for editors, nor the compressed copies `--precompress`
/// writes beside each file (the server answers the file's own name with one of them).
fn fetched_by_the_app(file: &str) -> bool {
    ![".ts", ".br", ".gz"].iter().any(|ext| file.ends_with(ext))
}

/// Every file under `dir`, as a path relative to `pkg`.
fn collect(pkg: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(pkg, &path, out);
        } else if let Ok(relative) = path.strip_prefix(pkg) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

pub fn routes(options: &LeptosOptions) -> Router<LeptosOptions> {
    let build = Arc::new(Build::from_options(options));
    let shell_html = Arc::new(shell(&build, options));
    // The shell is one fixed page: its two inline scripts are allowed by their hashes.
    let policy = HeaderValue::from_str(&crate::security::page_policy(&format!(
        "{} {}",
        crate::security::script_hash(LANGUAGE_SCRIPT),
        crate::security::script_hash(&start_script(&build, options))
    )))
    .ok();
    let worker = Arc::new(service_worker(&build, options));
    Router::new()
        .route(
            "/shell",
            get(move || async move {
                let mut response = Html(shell_html.as_str().to_owned()).into_response();
                if let Some(policy) = policy {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_SECURITY_POLICY, policy);
                }
                response
            }),
        )
        .route(
            "/sw.js",
            get(move || async move {
                let mut response: Response = worker.as_str().to_owned().into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript"),
                );
                response
            }),
        )
}

/// The page served for any address when the server cannot be reached. It carries no data:
/// the app reads the address and draws the page from the device's replica.
fn shell(build: &Build, options: &LeptosOptions) -> String {
    let css = build.pkg(options, &build.css);
    let language = LANGUAGE_SCRIPT;
    let start = start_script(build, options);
    format!(
        r##"<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8"/><script>{language}</script><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/><meta name="theme-color" content="#0f5c4d"/><title>Hamrah</title><link rel="manifest" href="/manifest.webmanifest"/><link rel="stylesheet" id="leptos" href="{css}"/><link rel="icon" href="/favicon.svg" type="image/svg+xml"/><script src="/pwa.js" defer></script><script type="module">{start}</script></head><body data-shell="true"></body></html>"##
    )
}

/// The shell's module script: loads the bundle and starts the app, as a page does.
fn start_script(build: &Build, options: &LeptosOptions) -> String {
    app::bundle::start_script(
        &build.pkg(options, &build.js),
        &build.pkg(options, &build.wasm),
    )
}

/// The shell is one file for every language: before the app starts, the device's last
/// language (or the browser's) sets the direction, so nothing flips once it is drawn.
const LANGUAGE_SCRIPT: &str = "(function(){var l;try{l=localStorage.getItem('hamrah_lang')}catch(e){}\
l=l||((navigator.language||'en').toLowerCase().split('-')[0]==='fa'?'fa':'en');\
if(l==='fa'){var h=document.documentElement;h.lang='fa';h.dir='rtl';\
document.addEventListener('DOMContentLoaded',function(){var m=document.querySelector('link[rel=manifest]');if(m)m.href='/manifest.fa.webmanifest'})}})()";

fn service_worker(build: &Build, options: &LeptosOptions) -> String {
    let mut assets = vec![
        "/shell".to_owned(),
        build.pkg(options, &build.js),
        build.pkg(options, &build.wasm),
        build.pkg(options, &build.css),
        "/pwa.js".to_owned(),
        "/manifest.webmanifest".to_owned(),
        "/manifest.fa.webmanifest".to_owned(),
        "/favicon.svg".to_owned(),
        "/icons/icon-192.png".to_owned(),
        "/icons/icon-512.png".to_owned(),
        "/icons/maskable-512.png".to_owned(),
    ];
    assets.extend(build.others.iter().map(|file| build.pkg(options, file)));
    let assets = serde_json::to_string(&assets).unwrap_or_else(|_| "[]".to_owned());
    let version = serde_json::to_string(&build.version).unwrap_or_else(|_| "\"0\"".to_owned());
    format!(
        "const VERSION = {version};\nconst ASSETS = {assets};\n{}",
        include_str!("pwa/sw.js")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_caches_each_file_once_not_its_compressed_copies() {
        assert!(fetched_by_the_app("hamrah.abc.wasm"));
        assert!(fetched_by_the_app("snippets/app-1/src/sync/device.js"));
        assert!(!fetched_by_the_app("hamrah.abc.wasm.br"));
        assert!(!fetched_by_the_app("hamrah.abc.js.gz"));
        assert!(!fetched_by_the_app("hamrah.d.ts"));
    }

    #[test]
    fn the_worker_names_this_builds_files_and_version() {
        let options = LeptosOptions::builder()
            .output_name("hamrah")
            .site_pkg_dir("pkg")
            .build();
        let build = Build {
            js: "hamrah.abc.js".into(),
            wasm: "hamrah.def.wasm".into(),
            css: "hamrah.f00.css".into(),
            others: vec![
                "snippets/app-1/src/sync/device.js".into(),
                "hamrah_split.wasm_1a2b.wasm".into(),
            ],
            version: "abc-def".into(),
        };
        let worker = service_worker(&build, &options);
        assert!(worker.starts_with("const VERSION = \"abc-def\";"));
        assert!(worker.contains("\"/pkg/hamrah.def.wasm\"") && worker.contains("\"/shell\""));
        assert!(
            worker.contains("\"/pkg/snippets/app-1/src/sync/device.js\""),
            "what the bundle imports is cached too"
        );
        assert!(
            worker.contains("\"/pkg/hamrah_split.wasm_1a2b.wasm\""),
            "so are the lazily loaded screens, for offline use"
        );
        let page = shell(&build, &options);
        assert!(
            page.contains("import(\"/pkg/hamrah.abc.js\")") && page.contains("data-shell=\"true\"")
        );
        assert!(page.contains("rel=\"manifest\""));
    }
}
