// The load benchmark: a release server on a database of 100,000 deals, 30,000 companies,
// 60,000 contacts and 500,000 activities, and a team with eight years of history (made by
// `cargo run --release --example load_data`).
// Reads at 64 connections, 200 devices pushing at once, sign-in at 20 per second; prints a
// Markdown table with latencies, throughput, errors and the server's peak memory.
// Usage: node load.mjs <server-binary> <site-root> <database-url>
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { firstSyncInBrowser, offlineStart } from "./device.mjs";

const [binary, siteRoot, dbUrl] = process.argv.slice(2);
const port = 3300;
const base = `http://127.0.0.1:${port}`;
const SECONDS = Number(process.env.LOAD_SECONDS ?? "15");
// LOAD_PARTS=reads,board,dashboard,manager,pushes,sign-in,flood,manager-browser runs only some parts (all
// by default).
const parts = (process.env.LOAD_PARTS ?? "reads,board,dashboard,manager,pushes,sign-in,flood,manager-browser").split(",");
// Requests come through a (pretend) trusted proxy, each run from its own client address (one of
// the 131,072 of 198.18.0.0/15), and the flood from another: sign-in limits from an earlier run
// on the same database, or from the flood, do not carry over.
const address = () => `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 254) + 1}`;
const client = address();
const flooder = address();

const pct = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] : NaN;
};
const ms = (x) => `${x.toFixed(1)} ms`;

async function post(path, body, session, from = client) {
  const headers = { "content-type": "application/json", accept: "application/json", origin: base, "x-forwarded-for": from };
  if (session) headers.cookie = `hamrah_session=${session}`;
  const res = await fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const cookie = res.headers.get("set-cookie") ?? "";
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, session: /hamrah_session=([0-9a-f]+)/.exec(cookie)?.[1] };
}

async function signIn(email) {
  const reply = await post("/api/auth/sign_in", { form: { email, password: "hamrah-demo" } });
  if (reply.status !== 200) throw new Error(`sign-in ${email}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.session;
}

/** `connections` loops sending `request()` for SECONDS; latencies and failures. */
async function hammer(connections, request) {
  const latencies = [];
  let errors = 0;
  const started = Date.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      let n = 0;
      while (Date.now() < until) {
        const t0 = performance.now();
        try {
          const ok = await request(c, n++);
          if (!ok) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  // Over the time until the last answer came, not the sending window: a slow server would
  // otherwise look as fast as the requests it merely accepted.
  return { latencies, errors, rate: latencies.length / ((Date.now() - started) / 1000) };
}

function peakMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
}

const server = spawn(binary, [], {
  env: { ...process.env, HAMRAH_TRUSTED_PROXIES: "127.0.0.1", HAMRAH_DB: dbUrl, LEPTOS_SITE_ROOT: siteRoot, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_OUTPUT_NAME: "hamrah", RUST_LOG: process.env.RUST_LOG ?? "error" },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {}
    if (i > 1200) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
  const rows = [];
  const idle = peakMemory(server.pid);

  // Reads, as a rep of a team with 10,000 deals opens pages (server-rendered, cookies on).
  if (parts.includes("reads")) {
  const rep = await signIn("load0@example.com");
  const companies = (await post("/api/companies/list", { query: "" }, rep)).body;
  const company = companies[0].id;
  for (const [name, path] of [["pipeline board", "/pipeline"], ["company page", `/companies/${company}`], ["company list", "/companies"]]) {
    const result = await hammer(64, async () => {
      const res = await fetch(`${base}${path}`, { headers: { cookie: `hamrah_session=${rep}` } });
      await res.arrayBuffer();
      return res.status === 200;
    });
    rows.push([`${name} (\`GET ${path.replace(company, "{id}")}\`), 64 connections`, `p50 ${ms(pct(result.latencies, 50))}, p99 ${ms(pct(result.latencies, 99))}, ${result.rate.toFixed(0)} req/s, ${result.errors} errors`]);
  }

  }

  // The first download of a manager whose team has 50,000 deals over eight years (load_data's
  // history team): the device gets the working set, not all the manager may read.
  if (parts.includes("manager")) {
    const manager = await signIn("history-manager@example.com");
    const runs = [];
    for (let run = 0; run < 3; run++) {
      const state = { cursor: 0, epoch: "", snapshot: null };
      const t0 = performance.now();
      let rows = 0;
      let bytes = 0;
      let pages = 0;
      const tables = {};
      for (;;) {
        const reply = await post("/api/sync/pull", { request: state }, manager);
        if (reply.status !== 200) throw new Error(`sync/pull: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
        const page = reply.body;
        pages++;
        rows += page.rows.length;
        bytes += JSON.stringify(page).length;
        for (const row of page.rows) tables[row.table] = (tables[row.table] ?? 0) + 1;
        Object.assign(state, { cursor: page.cursor, epoch: page.epoch, snapshot: page.snapshot });
        if (!page.has_more) break;
      }
      runs.push({ ms: performance.now() - t0, rows, bytes, pages, tables });
    }
    const best = runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    const kinds = Object.entries(best.tables).map(([t, n]) => `${n.toLocaleString("en")} ${t}`).join(", ");
    rows.push([`first sync of a manager whose team has 50,000 deals (protocol, best of 3): ${best.rows.toLocaleString("en")} rows kept (${kinds}) in ${best.pages} pages`, `${(best.ms / 1000).toFixed(2)} s (${runs.map((r) => (r.ms / 1000).toFixed(2)).join(", ")}), ${(best.bytes / 1048576).toFixed(1)} MiB of JSON`]);
    const times = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const reply = await post("/api/deals/board", {}, manager);
      times.push(performance.now() - t0);
      if (reply.status !== 200) throw new Error(`deals/board: ${reply.status}`);
    }
    rows.push(["the same manager's board (`deals/board`), one request at a time", `p50 ${ms(pct(times, 50))}, max ${ms(Math.max(...times))}`]);
  }

  // The board of someone who sees every deal (the admin: 100,000 in one pipeline), one
  // request at a time: it sends a page of cards per stage, with whole counts and totals.
  if (parts.includes("board")) {
    const admin = await signIn("admin@example.com");
    const times = [];
    let bytes = 0;
    let cards = 0;
    let count = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/deals/board`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", origin: base, "x-forwarded-for": client, cookie: `hamrah_session=${admin}`, "accept-encoding": "br" },
        body: "{}",
      });
      const text = await res.text();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`deals/board: ${res.status} ${text.slice(0, 200)}`);
      const board = JSON.parse(text);
      bytes = Buffer.byteLength(text);
      cards = board.columns.reduce((n, c) => n + c.deals.length, 0);
      count = board.columns.reduce((n, c) => n + c.count, 0);
    }
    rows.push([`the admin's board (\`deals/board\`): ${count.toLocaleString("en")} deals, ${cards} cards sent, one request at a time`, `p50 ${ms(pct(times, 50))}, max ${ms(Math.max(...times))}; ${(bytes / 1024).toFixed(1)} KiB of JSON`]);
  }

  // The Dashboard of someone who sees every deal (the admin: 100,000 deals with their stage
  // history, 500,000 activities), summed by the database, one request at a time.
  if (parts.includes("dashboard")) {
    const admin = await signIn("admin@example.com");
    const rep = await signIn("load0@example.com");
    const day = (back) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
    // Whole months read the tallies' month rows, in the reader's calendar; a custom range
    // reads day rows.
    const asked = [
      ["this month", admin, { kind: "this_month" }, "gregorian"],
      ["this quarter", admin, { kind: "this_quarter" }, "gregorian"],
      ["this year", admin, { kind: "this_year" }, "gregorian"],
      ["this year in Jalali months", admin, { kind: "this_year" }, "jalali"],
      ["the last 90 days (custom)", admin, { kind: "custom", from: day(89), to: day(0) }, "gregorian"],
      ["this quarter", rep, { kind: "this_quarter" }, "gregorian"],
    ];
    for (const [label, session, period, calendar] of asked) {
      const times = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        const reply = await post("/api/dashboard", { filters: { period }, calendar }, session);
        times.push(performance.now() - t0);
        if (reply.status !== 200) throw new Error(`dashboard: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      }
      const who = session === admin ? "the admin's" : "a rep's (load0)";
      rows.push([`${who} Dashboard, ${label} (\`dashboard\`), one request at a time`, `p50 ${ms(pct(times, 50))}, max ${ms(Math.max(...times))}`]);
    }
  }

  // 200 devices: four per rep of the ten load teams, each pushing 5 small changes at a time.
  if (parts.includes("pushes")) {
  const sessions = [];
  for (let r = 0; r < 50; r++) sessions.push(await signIn(`load${r}@example.com`));
  const devices = Array.from({ length: 200 }, (_, d) => ({ session: sessions[d % 50], client: crypto.randomUUID(), next: 1, rep: d % 50 }));
  let changes = 0;
  const failures = new Map();
  const pushes = await hammer(200, async (d) => {
    const device = devices[d];
    const mutations = Array.from({ length: 5 }, (_, k) => {
      // Deals n with n % 50 == rep belong to that rep (see load_data.rs).
      const n = device.rep + 50 * ((device.next * 7 + k * 13 + d) % 2000);
      const id = `01900000-0000-7005-8000-${n.toString(16).padStart(12, "0")}`;
      return { id: device.next++, mutation: { table: "deal", id, base: null, fields: { next_step: `Call back ${device.next}` }, clock: `${Date.now().toString().padStart(15, "0")}-000000-${device.client}` } };
    });
    const reply = await post("/api/sync/push", { request: { client: device.client, mutations } }, device.session);
    if (reply.status !== 200) {
      const key = `${reply.status} ${JSON.stringify(reply.body)}`.slice(0, 200);
      failures.set(key, (failures.get(key) ?? 0) + 1);
      return false;
    }
    changes += reply.body.filter((a) => a.outcome.status === "applied").length;
    for (const a of reply.body.filter((a) => a.outcome.status !== "applied")) {
      const key = `200 ${JSON.stringify(a.outcome)}`.slice(0, 200);
      failures.set(key, (failures.get(key) ?? 0) + 1);
    }
    return reply.body.every((a) => a.outcome.status === "applied");
  });
  for (const [key, n] of failures) console.error(`push failed ${n}×: ${key}`);
  rows.push([`200 devices pushing 5 changes each at once (\`sync/push\`)`, `${((changes * pushes.rate) / Math.max(1, pushes.latencies.length)).toFixed(0)} changes/s; push p50 ${ms(pct(pushes.latencies, 50))}, p99 ${ms(pct(pushes.latencies, 99))}; ${pushes.errors} errors`]);

  }

  // Sign-in at 20 per second.
  if (parts.includes("sign-in")) {
  const signIns = [];
  let failed = 0;
  const started = Date.now();
  const pending = [];
  for (let i = 0; i < 20 * SECONDS; i++) {
    const due = started + i * 50;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    pending.push(
      (async () => {
        const t0 = performance.now();
        const reply = await post("/api/auth/sign_in", { form: { email: `load${i % 50}@example.com`, password: "hamrah-demo" } }).catch(() => ({ status: 0 }));
        if (reply.status !== 200) failed++;
        signIns.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(pending);
  rows.push([`sign-in at 20/s for ${SECONDS} s (argon2id)`, `p50 ${ms(pct(signIns, 50))}, p99 ${ms(pct(signIns, 99))}; ${failed} errors`]);
  }
  // A flood: 60 wrong passwords at once for one account, then for 60 different accounts
  // (each under its own limit): argon2 runs as many at a time as there are cores.
  const beforeFlood = peakMemory(server.pid);
  if (parts.includes("flood")) for (const emails of [Array(60).fill("flood-target@example.com"), Array.from({ length: 60 }, (_, i) => `flood${i}@example.com`)]) {
    const answers = await Promise.all(emails.map((email) => post("/api/auth/sign_in", { form: { email, password: "wrong" } }, null, flooder).catch(() => ({ status: 0 }))));
    const count = (status) => answers.filter((a) => a.status === status).length;
    rows.push([
      `60 wrong passwords at once for ${new Set(emails).size === 1 ? "one account" : "60 accounts"}`,
      `${count(422)} checked (422), ${count(429)} refused (429), ${answers.length - count(422) - count(429)} other`,
    ]);
  }
  rows.push(["server memory: after start / before the flood / peak", `${idle.toFixed(0)} MiB / ${beforeFlood.toFixed(0)} MiB / ${peakMemory(server.pid).toFixed(0)} MiB`]);

  // The same manager on a phone: the first download into the browser, then, with the server
  // stopped (so this part comes last), the installed app's cold start from its copy.
  if (parts.includes("manager-browser")) {
    const { context, dir, ms: first } = await firstSyncInBrowser(base, "history-manager@example.com");
    await context.close();
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1000));
    const offline = await offlineStart(base, dir);
    rows.push(["the same manager's first sync in the phone browser, sign-in to \"Synced\" (into IndexedDB)", `${(first / 1000).toFixed(2)} s`]);
    rows.push(["the same manager's offline cold start to the pipeline, phone, 4× CPU (server stopped, median of 5)", `${offline.median} ms (${offline.times.join(", ")})`]);
  }

  console.log("| load (release, 2 cores, load generator on the same machine) | result |\n|---|---|");
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
} finally {
  server.kill("SIGTERM");
}
