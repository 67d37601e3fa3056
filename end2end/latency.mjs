// How long a save takes to appear on another device, with both devices on one server and
// with the saving device on another server that shares the database (the production shape
// behind a load balancer). Prints Markdown table rows.
// Usage: node latency.mjs <site-root> <server-binary> <surreal-binary>
//
// One SurrealDB server (on disk, as in production) and two Hamrah servers. A phone signed in
// as the rep watches a deal page through server B; the manager saves the deal's title through
// server A (the push endpoint, as a device does) and, for comparison, through server B. The
// time is from sending the save to the new title being drawn on the phone.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { start, until } from "./processes.mjs";

const [siteRoot, binary, surreal] = process.argv.slice(2);
if (!surreal) throw new Error("usage: node latency.mjs <site-root> <server-binary> <surreal-binary>");
const dbPort = 3250;
const ports = [3251, 3252];
const runs = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function call(base, cookie, endpoint, body) {
  const res = await fetch(`${base}/api/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${endpoint}: ${res.status} ${text}`);
  return { res, json: JSON.parse(text) };
}

async function signIn(base, email) {
  const { res } = await call(base, null, "auth/sign_in", { form: { email, password: "hamrah-demo" } });
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

const dir = mkdtempSync(join(tmpdir(), "hamrah-latency-"));
const children = [];
try {
  const db = start(surreal, ["start", "--no-banner"], {
    SURREAL_BIND: `127.0.0.1:${dbPort}`,
    SURREAL_USER: "root",
    SURREAL_PASS: "root-bench",
    SURREAL_LOG: "warn",
    SURREAL_PATH: `surrealkv://${dir}/db`,
  });
  children.push(db);
  await until(`http://127.0.0.1:${dbPort}/health`, db);
  const bases = [];
  for (const [i, port] of ports.entries()) {
    const server = start(binary, [], {
      HAMRAH_DB: `ws://127.0.0.1:${dbPort}`,
      HAMRAH_DB_USER: "root",
      HAMRAH_DB_PASS: "root-bench",
      HAMRAH_DEMO: i === 0 ? "1" : "0",
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: siteRoot,
      LEPTOS_HASH_FILES: "true",
      RUST_LOG: "warn",
    });
    children.push(server);
    await until(`http://127.0.0.1:${port}/readyz`, server);
    bases.push(`http://127.0.0.1:${port}`);
  }
  const [a, b] = bases;

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, baseURL: b });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel("Email", { exact: true }).fill("rep@example.com");
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("status").filter({ hasText: /^Synced$/ }).waitFor({ timeout: 60_000 });

  // A deal the rep made, which the manager (same team) then saves from a device of their own.
  let counter = 0;
  const clock = () => `${String(Date.now()).padStart(15, "0")}-${String(counter++ % 1e6).padStart(6, "0")}-latency`;
  const rep = await signIn(b, "rep@example.com");
  const { json: pipeline } = await call(b, rep, "pipeline/get", {});
  const id = crypto.randomUUID();
  const title = "Latency probe";
  const create = { table: "deal", id, base: null, clock: clock(), fields: { title, value: "1000", currency: "USD", stage: pipeline.stages[0].id, company: "", contact: "", expected_close: "", next_step: "", lost_reason: "" } };
  const made = (await call(b, rep, "sync/push", { request: { client: crypto.randomUUID(), mutations: [{ id: 1, mutation: create }] } })).json;
  if (made[0]?.outcome?.status !== "applied") throw new Error(`the probe deal was refused: ${JSON.stringify(made)}`);
  const manager = { a: await signIn(a, "manager@example.com"), b: await signIn(b, "manager@example.com") };
  await page.goto(`/deals/${id}`);
  await page.getByRole("heading", { name: title, level: 1 }).waitFor();
  await page.getByRole("status").filter({ hasText: /^Synced$/ }).waitFor();

  const client = crypto.randomUUID();
  let change = 0;
  let current = title;
  async function measure(base, cookie) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const next = `${title} · ${++change}`;
      const mutation = { table: "deal", id, base: { title: current }, fields: { title: next }, clock: clock() };
      const t0 = Date.now();
      const { json } = await call(base, cookie, "sync/push", { request: { client, mutations: [{ id: change, mutation }] } });
      if (json[0]?.outcome?.status !== "applied") throw new Error(`save refused: ${JSON.stringify(json)}`);
      await page.getByRole("heading", { name: next, level: 1 }).waitFor({ timeout: 30_000 });
      times.push(Date.now() - t0);
      current = next;
      // Apart, so each save is its own wake-up rather than one pull catching several.
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 300));
    }
    return times;
  }
  const same = await measure(b, manager.b);
  const other = await measure(a, manager.a);
  await browser.close();
  console.log(`| save → shown on a phone, both on one server of two sharing a SurrealDB server (median of ${runs}: ${same.join(", ")} ms) | ${median(same)} ms |`);
  console.log(`| save through the other server → shown on the phone (median of ${runs}: ${other.join(", ")} ms) | ${median(other)} ms |`);
} finally {
  for (const child of children.reverse()) {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  }
  rmSync(dir, { recursive: true, force: true });
}
