// The browser APIs the sync engine needs and wasm-bindgen does not wrap conveniently:
// IndexedDB (rows, outbox, meta; values are JSON text), Web Locks (one tab syncs),
// a BroadcastChannel between tabs, and the events that should start a sync.

const NAME = "hamrah";
// The confirmed rows are one JSON array in `snapshot` (read in one go when the app starts)
// plus what changed since in `rows`: a row's JSON by its key, or "" for a row removed. The
// app folds `rows` into a new snapshot once it grows. Version 1 had only `rows`, which reads
// the same way, so opening an older copy needs no conversion.
const STORES = ["rows", "snapshot", "outbox", "meta"];
let opened = null;

function db() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, 2);
      request.onupgradeneeded = () => {
        for (const store of STORES) {
          if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
        }
      };
      // Another tab still has an older version open; it closes on `versionchange` (below)
      // once it runs this code too. Until then this waits, and says why.
      request.onblocked = () => console.warn("hamrah: the device's copy waits for another tab of an older version to close");
      request.onsuccess = () => {
        const connection = request.result;
        // A newer version opened in another tab: let it upgrade, open again on next use.
        connection.onversionchange = () => forget(connection);
        resolve(connection);
      };
      request.onerror = () => reject(request.error);
    });
  }
  return opened;
}

function forget(connection) {
  connection.close();
  opened = null;
}

// A page being left, or frozen in the back/forward cache, lets go of its connection (once its
// transactions are done), so it never holds up the page that comes next; used again, it opens
// a new one.
addEventListener("pagehide", () => {
  if (opened) {
    const closing = opened;
    opened = null;
    closing.then((connection) => connection.close()).catch(() => {});
  }
});

// Commits a transaction as soon as its requests are made, rather than when this page's
// tasks next run: a page frozen or left right after writing never keeps its transaction, and
// the stores it locks, open.
const commit = (tx) => {
  if (typeof tx.commit === "function") tx.commit();
  return done(tx);
};

const done = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });

const ask = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

// The copy as two JSON texts: the rows, then the outbox and meta. Rows are spliced in as the
// JSON they were stored as, not quoted inside another JSON text, so the app parses each once
// and unescapes nothing; they are apart from the rest so rows this version cannot read never
// cost the outbox.
export async function idb_load() {
  const tx = (await db()).transaction(STORES, "readonly");
  const [snapshot, logKeys, logValues, outboxKeys, outboxValues, metaKeys, metaValues] = await Promise.all([
    ask(tx.objectStore("snapshot").get("rows")),
    ask(tx.objectStore("rows").getAllKeys()),
    ask(tx.objectStore("rows").getAll()),
    ask(tx.objectStore("outbox").getAllKeys()),
    ask(tx.objectStore("outbox").getAll()),
    ask(tx.objectStore("meta").getAllKeys()),
    ask(tx.objectStore("meta").getAll()),
  ]);
  const log = logKeys.map((key, i) => `[${JSON.stringify(String(key))},${logValues[i] || "null"}]`);
  const rows = `{"snapshot":${snapshot || "[]"},"log":[${log.join(",")}]}`;
  const meta = {};
  metaKeys.forEach((key, i) => (meta[key] = metaValues[i]));
  // Entries keep their keys, so one that cannot be read can still be shown and removed.
  const outbox = outboxKeys.map((key, i) => [Number(key), String(outboxValues[i])]);
  return [rows, JSON.stringify({ outbox, meta })];
}

// The next change number of this device: one counter in storage, read and moved on in one
// transaction, so two tabs saving at the same moment never get the same number, and a
// number is never given twice (it stays above every change still waiting).
export async function idb_next_change() {
  const tx = (await db()).transaction(["outbox", "meta"], "readwrite");
  const meta = tx.objectStore("meta");
  const [stored, keys] = await Promise.all([ask(meta.get("next_change")), ask(tx.objectStore("outbox").getAllKeys())]);
  let next = Math.max(Number(stored) || 1, 1);
  for (const key of keys) next = Math.max(next, Number(key) + 1);
  meta.put(String(next + 1), "next_change");
  await commit(tx);
  return next;
}

// One transaction: everything in `ops` is stored, or nothing is.
export async function idb_write(text) {
  const ops = JSON.parse(text);
  const tx = (await db()).transaction(STORES, "readwrite");
  const rows = tx.objectStore("rows");
  const outbox = tx.objectStore("outbox");
  const meta = tx.objectStore("meta");
  const snapshot = tx.objectStore("snapshot");
  if (ops.clear_rows) {
    rows.clear();
    snapshot.clear();
  }
  if (ops.snapshot != null) {
    snapshot.put(ops.snapshot, "rows");
    rows.clear();
  }
  for (const [key, value] of ops.put_rows || []) rows.put(value, key);
  // The snapshot may hold the row: a mark that it is gone, until the next snapshot.
  for (const key of ops.del_rows || []) rows.put("", key);
  for (const [key, value] of ops.put_outbox || []) outbox.put(value, key);
  for (const key of ops.del_outbox || []) outbox.delete(key);
  for (const [key, value] of ops.put_meta || []) meta.put(value, key);
  return commit(tx);
}

export async function idb_wipe() {
  const tx = (await db()).transaction(STORES, "readwrite");
  for (const store of STORES) tx.objectStore(store).clear();
  return commit(tx);
}

// Calls `lead` once this tab holds the sync lock; holds it until the tab closes.
export function become_leader(lead) {
  if (navigator.locks && navigator.locks.request) {
    navigator.locks.request("hamrah-sync", () => {
      lead();
      return new Promise(() => {});
    });
  } else {
    lead();
  }
}

let channel = null;
export function tabs_listen(on_message) {
  if (!("BroadcastChannel" in window)) return;
  channel = new BroadcastChannel("hamrah-sync");
  channel.onmessage = (event) => on_message(String(event.data));
}

export function tabs_send(message) {
  if (channel) channel.postMessage(message);
}

// Everything that should start a sync soon: coming online, the app coming back to the
// front, and the server's "something changed" event.
export function on_wake(wake) {
  window.addEventListener("online", () => wake());
  window.addEventListener("focus", () => wake());
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && wake());
  if ("EventSource" in window) listen_events(wake);
}

// The browser retries a dropped stream by itself, but gives up for good on an error answer
// (signed out, server restarting): then try again a little later.
function listen_events(wake) {
  const events = new EventSource("/api/sync/events");
  events.addEventListener("poke", () => wake());
  events.addEventListener("open", () => wake());
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED) setTimeout(() => listen_events(wake), 5000);
  });
}

export function now_ms() {
  return Date.now();
}

export function confirm_text(text) {
  return window.confirm(text);
}
