// Measures what the README promises and prints a Markdown table: bundle sizes; how long the
// demo pipeline takes to render on the phone profile (plain and with 4× CPU slowdown); and
// sync: a rep's first download of 5,000 records, an incremental sync of 100 changed fields,
// how long a save on one device takes to appear on another, and an offline cold start.
// Usage: node bench.mjs <site-root> <server-binary>
// BENCH_ONLY=sync measures the sync rows alone (seeding, first sync, latency, offline start),
// for iterating on them without the page timings; BENCH_ONLY=protocol only seeding and pulls.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { firstSyncInBrowser, keepDashboard, launchOptions, offlineDashboard, offlineStart, phone } from "./device.mjs";
import { waitForServer } from "./wait.mjs";

const [siteRoot, binary] = process.argv.slice(2);
const port = 3200;
const base = `http://127.0.0.1:${port}`;
const runs = 7;
const syncOnly = process.env.BENCH_ONLY === "sync" || process.env.BENCH_ONLY === "protocol";
// BENCH_ONLY=protocol: seeding and the pulls alone, no browser (any build's server binary).
const protocolOnly = process.env.BENCH_ONLY === "protocol";

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Raw, gzip and brotli sizes of the files named `files` (under pkg), summed. */
function weigh(pkg, files) {
  const sum = { raw: 0, gzip: 0, br: 0 };
  for (const f of files) {
    const bytes = readFileSync(join(pkg, f));
    sum.raw += statSync(join(pkg, f)).size;
    sum.gzip += gzipSync(bytes, { level: 9 }).length;
    sum.br += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return sum;
}

/** What every page loads (the bundle, its loader, the styles), then what each lazily loaded
 * screen adds on its first visit (its chunks, per the split manifest), then all chunks. */
function sizes() {
  const pkg = join(siteRoot, "pkg");
  const files = readdirSync(pkg).filter((f) => /\.(wasm|js|css|json)$/.test(f));
  const rows = files
    .filter((f) => /^(hamrah\.|__wasm_split\.)/.test(f))
    .map((f) => ({ name: f, ...weigh(pkg, [f]) }));
  const manifest = files.find((f) => f.startsWith("__wasm_split_manifest"));
  if (manifest) {
    const screens = JSON.parse(readFileSync(join(pkg, manifest), "utf8"));
    for (const [screen, chunks] of Object.entries(screens)) {
      const name = screen.replace(/^__/, "").replace(/_view_\d+$/, "");
      rows.push({ name: `${name} (${chunks.length} files, on first visit)`, ...weigh(pkg, chunks.map((c) => `${c}.wasm`)) });
    }
    const lazy = files.filter((f) => /^(split_|chunk_)/.test(f));
    rows.push({ name: `all lazily loaded code (${lazy.length} files)`, ...weigh(pkg, lazy) });
  }
  return rows;
}

async function measurePipeline(browser, throttle) {
  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel("Email", { exact: true }).fill("admin@example.com");
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: /^(Today|Dashboard)$/, level: 1 }).waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  const render = [];
  const interactive = [];
  for (let i = 0; i < runs; i++) {
    const t0 = Date.now();
    await page.goto(`${base}/pipeline`, { waitUntil: "commit" });
    await page.locator(".card").first().waitFor();
    render.push(Date.now() - t0);
    await page.waitForFunction(() => document.body.dataset.hydrated === "true");
    interactive.push(Date.now() - t0);
  }
  // The board is drawn again when the device's copy takes over from the server's answer;
  // count once it has settled.
  await page.waitForTimeout(500);
  await page.waitForFunction(() => document.querySelectorAll(".card").length > 0);
  const cards = await page.locator(".card").count();
  await context.close();
  return { render: median(render), interactive: median(interactive), cards };
}

async function measureApi() {
  const signIn = await fetch(`${base}/api/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ form: { email: "admin@example.com", password: "hamrah-demo" } }),
  });
  const cookie = signIn.headers.get("set-cookie").split(";")[0];
  const times = [];
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const res = await fetch(`${base}/api/deals/board`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: "{}" });
    bytes = (await res.arrayBuffer()).byteLength;
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes };
}

const br = (text) => brotliCompressSync(Buffer.from(text), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length;

async function signInApi(email) {
  const res = await fetch(`${base}/api/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ form: { email, password: "hamrah-demo" } }),
  });
  return res.headers.get("set-cookie").split(";")[0];
}

// Node's fetch asks for gzip; browsers over HTTPS ask for brotli, which the server
// compresses differently: `encoding` picks which a request asks for.
async function call(cookie, endpoint, body, encoding = "gzip, deflate") {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: base, "accept-encoding": encoding },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text.slice(0, 200)}`);
  return { json: JSON.parse(text), text };
}

let clockCounter = 0;
const clock = () => `${String(Date.now()).padStart(15, "0")}-${String(clockCounter++ % 1e6).padStart(6, "0")}-bench`;
const device = () => crypto.randomUUID();

/** Makes the rep's records up to 5,000 by pushing creates, as a device would. */
async function seedRep(cookie) {
  const { json: pipeline } = await call(cookie, "pipeline/get", {});
  const stage = pipeline.stages[0].id;
  const client = device();
  const made = [];
  const companies = [], contacts = [], deals = [];
  for (let i = 0; i < 1000; i++) {
    const id = device(); companies.push(id);
    made.push({ table: "company", id, base: null, fields: { name: `Bench company ${i}`, industry: "Retail", phone: "+98 21 5555 0000", email: `info${i}@bench.example`, website: "", address: `Street ${i}, Tehran` } });
  }
  for (let i = 0; i < 1500; i++) {
    const id = device(); contacts.push(id);
    made.push({ table: "contact", id, base: null, fields: { name: `Bench person ${i}`, title: "Buyer", company: companies[i % 1000], phone: "+98 912 000 0000", phone2: "", email: `p${i}@bench.example`, email2: "" } });
  }
  for (let i = 0; i < 1000; i++) {
    const id = device(); deals.push(id);
    made.push({ table: "deal", id, base: null, fields: { title: `Bench deal ${i}`, value: String(1000 + i), currency: "USD", stage, company: companies[i], contact: contacts[i], expected_close: "2027-03-01", next_step: "Call back", lost_reason: "" } });
  }
  for (let i = 0; i < 1500; i++) {
    made.push({ table: "activity", id: device(), base: null, fields: { kind: "call", subject: `Bench call ${i}`, body: "Talked about the order", due_date: "2027-02-01", due_time: "", done: false, deal: deals[i % 1000], contact: "", company: "" } });
  }
  let n = 0;
  for (let i = 0; i < made.length; i += 200) {
    const mutations = made.slice(i, i + 200).map((mutation) => ({ id: ++n, mutation: { ...mutation, clock: clock() } }));
    const { json } = await call(cookie, "sync/push", { request: { client, mutations } });
    const bad = json.filter((a) => a.outcome.status !== "applied");
    if (bad.length) throw new Error(`seeding refused: ${JSON.stringify(bad[0])}`);
  }
  return deals;
}

/** Pulls as a device would until nothing is left; returns time, rows, bytes. */
async function pullAll(cookie, state, encoding) {
  const t0 = performance.now();
  const texts = [];
  let rows = 0;
  for (;;) {
    const { json, text } = await call(cookie, "sync/pull", { request: state }, encoding);
    texts.push(text); rows += json.rows.length;
    state.cursor = json.cursor; state.epoch = json.epoch; state.snapshot = json.snapshot;
    if (!json.has_more) break;
  }
  const ms = performance.now() - t0;
  // Weighed after the clock stops: compressing here is the bench's work, not the protocol's.
  const raw = texts.reduce((n, t) => n + t.length, 0);
  const compressed = texts.reduce((n, t) => n + br(t), 0);
  return { ms, raw, compressed, rows, pages: texts.length };
}

/** How many deals and activities a new device of this user keeps (its first download). */
async function held(cookie) {
  const state = { cursor: 0, epoch: "", snapshot: null };
  const count = { deals: 0, activities: 0 };
  for (;;) {
    const { json } = await call(cookie, "sync/pull", { request: state });
    for (const row of json.rows) {
      if (row.table === "deal") count.deals++;
      if (row.table === "activity") count.activities++;
    }
    Object.assign(state, { cursor: json.cursor, epoch: json.epoch, snapshot: json.snapshot });
    if (!json.has_more) break;
  }
  return count;
}

async function measureSync(browser, repDeals) {
  const rep = await signInApi("rep@example.com");
  const manager = await signInApi("manager@example.com");
  // First download, as the protocol sees it.
  const state = { cursor: 0, epoch: "", snapshot: null };
  const first = await pullAll(rep, state);
  // The same as a browser over HTTPS asks for it.
  const firstBr = await pullAll(rep, { cursor: 0, epoch: "", snapshot: null }, "br");

  // 100 fields changed elsewhere, then the rep's incremental pull.
  const client = device();
  const values = [];
  const mutations = repDeals.slice(0, 100).map((id, i) => {
    const value = `Bench next step ${i} ${Date.now()}`;
    values.push(value);
    return { id: i + 1, mutation: { table: "deal", id, base: { next_step: "Call back" }, fields: { next_step: value }, clock: clock() } };
  });
  await call(manager, "sync/push", { request: { client, mutations } });
  const incremental = await pullAll(rep, state);
  const changedBytes = values.reduce((n, v) => n + Buffer.byteLength(v), 0);
  if (protocolOnly) return { first, firstBr, incremental, changedBytes };

  // The same first download in the browser, into IndexedDB, until the status says Synced.
  const { context, page, dir, ms: browserFirst } = await firstSyncInBrowser(base, "rep@example.com");

  // Save elsewhere → visible on the phone (SSE poke, then pull), median of 5.
  const watched = repDeals[200];
  await page.goto(`${base}/deals/${watched}`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.getByRole("status").filter({ hasText: /^Synced$/ }).waitFor();
  const latencies = [];
  let base_ = { title: `Bench deal 200` };
  for (let i = 0; i < 5; i++) {
    const title = `Bench deal 200 v${i}`;
    const start = Date.now();
    await call(manager, "sync/push", { request: { client, mutations: [{ id: 1000 + i, mutation: { table: "deal", id: watched, base: base_, fields: { title }, clock: clock() } }] } });
    await page.getByRole("heading", { name: title, level: 1 }).waitFor({ timeout: 30_000 });
    latencies.push(Date.now() - start);
    base_ = { title };
  }
  await context.close();
  return { first, firstBr, incremental, changedBytes, browserFirst, latency: median(latencies), latencies, dir };
}

/** Makes the North team's deals up to about 5,000 (its manager's device then holds them all):
 * 4,000 more, owned by the manager, spread over every stage and the next six months. */
async function seedTeam(cookie) {
  const { json: pipeline } = await call(cookie, "pipeline/get", {});
  const client = device();
  const made = [];
  for (let i = 0; i < 4000; i++) {
    const stage = pipeline.stages[i % pipeline.stages.length];
    const month = String(1 + (i % 6)).padStart(2, "0");
    made.push({ table: "deal", id: device(), base: null, fields: { title: `Team deal ${i}`, value: String(500 + (i % 97) * 10), currency: i % 5 ? "USD" : "EUR", stage: stage.id, company: "", contact: "", expected_close: `2027-${month}-15`, next_step: "", lost_reason: stage.outcome === "lost" ? "Price" : "" } });
  }
  for (let i = 0; i < made.length; i += 200) {
    const mutations = made.slice(i, i + 200).map((mutation, k) => ({ id: i + k + 1, mutation: { ...mutation, clock: clock() } }));
    const { json } = await call(cookie, "sync/push", { request: { client, mutations } });
    const bad = json.filter((a) => a.outcome.status !== "applied");
    if (bad.length) throw new Error(`seeding the team refused: ${JSON.stringify(bad[0])}`);
  }
}

const server = spawn(binary, [], {
  env: { ...process.env, HAMRAH_DB: "mem://", HAMRAH_DEMO: "1", LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: siteRoot, RUST_LOG: "warn" },
  stdio: "ignore",
});
try {
  await waitForServer(base);
  const browser = await chromium.launch(launchOptions);
  const plain = syncOnly ? null : await measurePipeline(browser, 1);
  const slow = syncOnly ? null : await measurePipeline(browser, 4);
  const api = syncOnly ? null : await measureApi();
  const seedStart = performance.now();
  const repDeals = await seedRep(await signInApi("rep@example.com"));
  const seedMs = performance.now() - seedStart;
  const sync = await measureSync(browser, repDeals);
  // The manager's tablet, for the Dashboard worked out offline: its copy and the basis.
  let managerDir = null;
  if (!protocolOnly) {
    await seedTeam(await signInApi("manager@example.com"));
    const manager = await signInApi("manager@example.com");
    managerDir = { dir: await keepDashboard(base, "manager@example.com"), ...(await held(manager)) };
  }
  await browser.close();
  server.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  const offline = protocolOnly ? null : await offlineStart(base, sync.dir);
  const dashboard = protocolOnly ? null : await offlineDashboard(base, managerDir.dir);

  console.log("| measure | value |");
  console.log("|---|---|");
  if (!syncOnly) {
    for (const s of sizes()) console.log(`| ${s.name} (raw / gzip / brotli) | ${kb(s.raw)} / ${kb(s.gzip)} / ${kb(s.br)} |`);
    console.log(`| pipeline on phone (admin, demo data, ${plain.cards} cards drawn): first cards painted (median of ${runs}) | ${plain.render} ms |`);
    console.log(`| pipeline on phone: hydrated and interactive | ${plain.interactive} ms |`);
    console.log(`| same with 4× CPU slowdown: painted / interactive | ${slow.render} ms / ${slow.interactive} ms |`);
    console.log(`| deals/board server function (median of 20, JSON bytes) | ${api.ms.toFixed(1)} ms, ${kb(api.bytes)} |`);
  }
  console.log(`| seeding 5,000 records through sync/push (25 pushes of 200) | ${(seedMs / 1000).toFixed(1)} s |`);
  console.log(`| first sync of the rep, protocol only: ${sync.first.rows} rows in ${sync.first.pages} pages | ${(sync.first.ms / 1000).toFixed(2)} s, ${kb(sync.first.raw)} JSON, ${kb(sync.first.compressed)} brotli |`);
  console.log(`| the same asking for brotli, as browsers over HTTPS do | ${(sync.firstBr.ms / 1000).toFixed(2)} s |`);
  if (!protocolOnly) {
    console.log(`| first sync in the phone browser, sign-in to "Synced" (into IndexedDB) | ${(sync.browserFirst / 1000).toFixed(2)} s |`);
  }
  console.log(`| incremental sync of 100 changed fields: ${sync.incremental.rows} rows | ${sync.incremental.ms.toFixed(0)} ms, ${kb(sync.incremental.raw)} JSON, ${kb(sync.incremental.compressed)} brotli (changed values: ${kb(sync.changedBytes)}) |`);
  if (!protocolOnly) {
    console.log(`| save on one device → shown on another (median of 5: ${sync.latencies.join(", ")} ms) | ${sync.latency} ms |`);
    console.log(`| offline cold start to the pipeline, phone, 4× CPU (server stopped, median of 5: ${offline.times.join(", ")} ms) | ${offline.median} ms |`);
    console.log(`| the Dashboard worked out on the manager's tablet from its copy (${managerDir.deals.toLocaleString("en")} deals, ${managerDir.activities.toLocaleString("en")} activities), 4× CPU, server stopped, median of 5: the sums (${dashboard.compute.map((t) => t.toFixed(0)).join(", ")} ms) / the page from navigation to figures (${dashboard.times.join(", ")} ms) | ${dashboard.computeMedian.toFixed(0)} ms / ${dashboard.median} ms |`);
    console.log(`| the same tablet's deals table, first page worked out from its copy (median of 5) | ${dashboard.tableMedian.toFixed(0)} ms |`);
  }
} finally {
  server.kill("SIGTERM");
}
