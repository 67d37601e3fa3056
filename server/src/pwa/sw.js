// Hamrah's service worker. The server prepends VERSION and ASSETS (the build's hashed files),
// so each deployment installs as a new worker with its own cache, and a page is always served
// by one complete version: the new worker waits until the user chooses to reload.
const CACHE = `hamrah-${VERSION}`;
const SHELL = "/shell";
// A navigation that gets no answer in this long is served from the cache instead.
const NAVIGATION_TIMEOUT_MS = 3000;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("hamrah-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || request.method !== "GET") return;
  // A download, or an import's progress stream, can take longer than a page may wait; it is
  // never the app shell.
  if (url.pathname.startsWith("/export/") || url.pathname.startsWith("/deals/export.")) return;
  if (url.pathname.startsWith("/import/")) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
    return;
  }
  // Data travels through sync, never through this cache.
  if (url.pathname.startsWith("/api/")) return;
  event.respondWith(caches.match(request).then((hit) => hit || fetch(request).then((response) => keep(url, request, response))));
});

// The Persian font is not precached (English pages never need it); once a page has used it,
// it is kept for offline use like everything precached.
function keep(url, request, response) {
  if (response.ok && url.pathname.startsWith("/fonts/")) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

async function navigate(request) {
  try {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), NAVIGATION_TIMEOUT_MS));
    const response = await Promise.race([fetch(request), timeout]);
    if (response.status >= 500) throw new Error("server error");
    return response;
  } catch (_) {
    const shell = await caches.match(SHELL, { cacheName: CACHE });
    return shell || Response.error();
  }
}
