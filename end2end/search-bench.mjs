// Search on the device: an admin's phone holding about 10,000 records (a load database made
// with LOAD_SCALE=0.0145), offline so only the device answers, at 4× CPU slowdown; and the
// server's search on the same database. Prints a Markdown table.
// Usage: node search-bench.mjs <server-binary> <site-root> <database-url>
import { spawn } from "node:child_process";
import { firstSyncInBrowser } from "./device.mjs";

const [binary, siteRoot, dbUrl] = process.argv.slice(2);
const port = 3301;
const base = `http://127.0.0.1:${port}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = spawn(binary, [], {
  env: { ...process.env, HAMRAH_DB: dbUrl, LEPTOS_SITE_ROOT: siteRoot, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_HASH_FILES: "true", LEPTOS_OUTPUT_NAME: "hamrah", RUST_LOG: "warn" },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  const { context, page } = await firstSyncInBrowser(base, "admin@example.com");
  // How many records the phone holds: a fresh download, counted.
  const held = await page.evaluate(async () => {
    let request = { cursor: 0, epoch: "", snapshot: null };
    let rows = 0;
    for (;;) {
      const response = await fetch("/api/sync/pull", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ request }),
      });
      const page = await response.json();
      rows += page.rows.length;
      if (!page.has_more) return rows;
      request = { cursor: page.cursor, epoch: page.epoch, snapshot: page.snapshot };
    }
  });
  // Typing opens the Search page and loads its code: done once before timing.
  await page.locator(".search-box input").fill("warm");
  await page.getByRole("heading", { name: "Search", level: 1 }).waitFor();
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const search = (q) =>
    page.evaluate(async (q) => {
      const box = document.querySelector(".search-box input");
      const area = () => document.querySelector(".search-results");
      const before = area()?.textContent;
      const t0 = performance.now();
      box.value = q;
      box.dispatchEvent(new Event("input", { bubbles: true }));
      await new Promise((resolve) => {
        const check = () => {
          const now = area();
          if (now && now.textContent !== before && now.querySelector("[role=status], .empty")) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      return { ms: performance.now() - t0, results: area().querySelector("[role=status]")?.textContent ?? "none" };
    }, q);
  const first = await search("company");
  const queries = ["company 1", "rep", "contact 12", "zzqqxx", "0912", "deal"];
  const rows = [];
  for (const q of queries) {
    const times = [];
    let results = "";
    for (let i = 0; i < 5; i++) {
      await search("reset" + i);
      const r = await search(q);
      times.push(r.ms);
      results = r.results;
    }
    rows.push([q, median(times), results]);
  }
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await context.setOffline(false);
  const serverTimes = {};
  for (const q of queries) {
    const times = [];
    for (let i = 0; i < 7; i++) {
      times.push(
        await page.evaluate(async (q) => {
          const t0 = performance.now();
          const response = await fetch("/api/search", {
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ query: q }),
          });
          await response.json();
          return performance.now() - t0;
        }, q),
      );
    }
    serverTimes[q] = median(times);
  }
  console.log(`Records on the phone: ${held}`);
  console.log("| query (admin's phone, 4× CPU, offline) | device: typed to results shown | results | server `search` (median of 7) |");
  console.log("|---|---:|---|---:|");
  console.log(`| first timed search (the index was built while warming up) | ${first.ms.toFixed(0)} ms | ${first.results} | — |`);
  for (const [q, ms, results] of rows) console.log(`| \`${q}\` | ${ms.toFixed(0)} ms | ${results} | ${serverTimes[q].toFixed(0)} ms |`);
  await context.close();
} finally {
  server.kill();
}
