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
    /// JavaScript that wasm-bindgen copied next to the bundle (`pkg/snippets/…`), imported by it.
    pub snippets: Vec<String>,
    /// Changes whenever any of them does.
    pub version: String,
}

impl Build {
    /// Reads cargo-leptos' hash file the way Leptos' own script tags do, so the shell and
    /// the pages name the same files.
    pub fn from_options(options: &LeptosOptions) -> Build {
        let name = options.output_name.to_string();
        let mut hashes = std::collections::BTreeMap::new();
        if options.hash_files {
            let path = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())));
            if let Some(text) = path.and_then(|p| std::fs::read_to_string(p).ok()) {
                for line in text.lines() {
                    if let Some((kind, hash)) = line.split_once(':') {
                        hashes.insert(kind.trim().to_owned(), hash.trim().to_owned());
                    }
                }
            }
        }
        let file = |kind: &str, ext: &str| match hashes.get(kind) {
            Some(hash) => format!("{name}.{hash}.{ext}"),
            None => format!("{name}.{ext}"),
        };
        let pkg =
            std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
        let mut snippets = Vec::new();
        collect(&pkg, &pkg.join("snippets"), &mut snippets);
        snippets.sort();
        let version = if hashes.is_empty() {
            // Unhashed (development) builds: a new version each start is the safe choice.
            format!("dev-{}", app::sync::ssr::now_ms())
        } else {
            // Snippet names do not change with their content, so their bytes count too.
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            for file in &snippets {
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
        Build {
            js: file("js", "js"),
            wasm: file("wasm", "wasm"),
            css: file("css", "css"),
            snippets,
            version,
        }
    }

    fn pkg(&self, options: &LeptosOptions, file: &str) -> String {
        format!("/{}/{file}", options.site_pkg_dir)
    }
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

/// The shell's module script: loads the bundle and starts the app.
fn start_script(build: &Build, options: &LeptosOptions) -> String {
    let js = build.pkg(options, &build.js);
    let wasm = build.pkg(options, &build.wasm);
    format!(
        r#"import("{js}").then((mod) => mod.default({{ module_or_path: "{wasm}" }}).then(() => mod.hydrate()));"#
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
    assets.extend(build.snippets.iter().map(|file| build.pkg(options, file)));
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
    fn the_worker_names_this_builds_files_and_version() {
        let options = LeptosOptions::builder()
            .output_name("hamrah")
            .site_pkg_dir("pkg")
            .build();
        let build = Build {
            js: "hamrah.abc.js".into(),
            wasm: "hamrah.def.wasm".into(),
            css: "hamrah.f00.css".into(),
            snippets: vec!["snippets/app-1/src/sync/device.js".into()],
            version: "abc-def".into(),
        };
        let worker = service_worker(&build, &options);
        assert!(worker.starts_with("const VERSION = \"abc-def\";"));
        assert!(worker.contains("\"/pkg/hamrah.def.wasm\"") && worker.contains("\"/shell\""));
        assert!(
            worker.contains("\"/pkg/snippets/app-1/src/sync/device.js\""),
            "what the bundle imports is cached too"
        );
        let page = shell(&build, &options);
        assert!(
            page.contains("import(\"/pkg/hamrah.abc.js\")") && page.contains("data-shell=\"true\"")
        );
        assert!(page.contains("rel=\"manifest\""));
    }
}
