//! The names of the built files a page loads, as cargo-leptos wrote them (content-hashed in
//! release builds), and the script that starts the app once the page has painted.
//! Compiled with `ssr`.

use std::collections::BTreeMap;

use leptos::prelude::LeptosOptions;

/// `kind → hash` from cargo-leptos' hash file next to the server binary (`js`, `wasm`,
/// `css`, and with `--split` the `split` loader and its `manifest`); empty when files are
/// not hashed.
pub fn hashes(options: &LeptosOptions) -> BTreeMap<String, String> {
    let mut hashes = BTreeMap::new();
    if !options.hash_files {
        return hashes;
    }
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
    hashes
}

/// The bundle's file of `kind` with extension `ext`, e.g. `hamrah.<hash>.wasm`.
pub fn file(
    options: &LeptosOptions,
    hashes: &BTreeMap<String, String>,
    kind: &str,
    ext: &str,
) -> String {
    let name = &options.output_name;
    match hashes.get(kind) {
        Some(hash) => format!("{name}.{hash}.{ext}"),
        None => format!("{name}.{ext}"),
    }
}

/// The start script of every server-rendered page. Worked out on the first page, from the
/// hash file on disk, and kept: a build's file names do not change while its server runs.
pub fn page_start_script(options: &LeptosOptions) -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        let hashes = hashes(options);
        let pkg = &options.site_pkg_dir;
        start_script(
            &format!("/{pkg}/{}", file(options, &hashes, "js", "js")),
            &format!("/{pkg}/{}", file(options, &hashes, "wasm", "wasm")),
        )
    })
}

/// The module script that loads the bundle (`js`, `wasm`) and calls its `hydrate`. It waits
/// for the page's first paint, so the server-rendered page shows without sharing the network
/// and the CPU with 400 KiB of wasm: nothing is fetched before the user has something to look
/// at. Then the wasm is fetched (a preload, which the bundle's own fetch of it reuses) while
/// the script that compiles it loads. A tab that is never drawn starts once it is shown.
pub fn start_script(js: &str, wasm: &str) -> String {
    format!(
        r#"(function(){{var go=function(){{var l=document.createElement("link");l.rel="preload";l.as="fetch";l.crossOrigin="";l.href="{wasm}";document.head.appendChild(l);import("{js}").then(function(m){{return m.default({{module_or_path:"{wasm}"}}).then(function(){{m.hydrate()}})}})}};requestAnimationFrame(function(){{setTimeout(go,0)}})}})()"#
    )
}
