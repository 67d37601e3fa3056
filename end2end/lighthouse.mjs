// Lighthouse's mobile preset (simulated slow 4G, 4× CPU slowdown, cold cache) against a
// release build serving the demo organisation: the sign-in page, and the pipeline and Today
// signed in as the demo rep. Prints a Markdown table of the median of `runs` runs per page
// and writes each page's last HTML report to <report-dir>.
// Usage: node lighthouse.mjs <site-root> <server-binary> [report-dir]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";
import { waitForServer } from "./wait.mjs";

const [siteRoot, binary, reportDir = mkdtempSync(join(tmpdir(), "hamrah-lighthouse-"))] = process.argv.slice(2);
const port = 3300;
const base = `http://127.0.0.1:${port}`;
const runs = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function signIn(email) {
  const answer = await fetch(`${base}/api/auth/sign_in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ form: { email, password: "hamrah-demo" } }),
  });
  if (!answer.ok) throw new Error(`sign-in as ${email}: ${answer.status}`);
  return answer.headers.get("set-cookie").split(";")[0];
}

// Cold: no HTTP cache, service worker, Cache Storage, IndexedDB or local storage from an
// earlier run (Lighthouse keeps IndexedDB by default). The session cookie stays.
const config = {
  extends: "lighthouse:default",
  settings: {
    onlyCategories: ["performance"],
    clearStorageTypes: ["file_systems", "shader_cache", "service_workers", "cache_storage", "indexeddb", "local_storage"],
  },
};

// Puts the session cookie in the browser Lighthouse drives (its `extraHeaders` Cookie did not
// reach the server's redirect check). The sign-in page is audited first, before any is set.
async function session(chrome, cookie) {
  if (!cookie) return;
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
  const [name, value] = cookie.split("=");
  await browser.setCookie({ name, value, domain: "127.0.0.1", path: "/", httpOnly: true });
  await browser.disconnect();
}

// Each run gets a browser of its own, with a new profile: nothing cached by an earlier run
// (Lighthouse's own reset left the wasm in the HTTP cache between pages in some runs).
async function launch() {
  return chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || "/usr/bin/chromium",
    chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu"],
  });
}

async function audit(path, cookie) {
  const results = [];
  let html = "";
  for (let i = 0; i < runs; i++) {
    const chrome = await launch();
    let lhr, report;
    try {
      await session(chrome, cookie);
      ({ lhr, report } = await lighthouse(`${base}${path}`, { port: chrome.port, output: "html", logLevel: "error" }, config));
    } finally {
      await chrome.kill();
    }
    if (lhr.runtimeError) throw new Error(`${path}: ${lhr.runtimeError.message}`);
    if (new URL(lhr.finalDisplayedUrl).pathname !== path) throw new Error(`${path} ended at ${lhr.finalDisplayedUrl}`);
    const a = lhr.audits;
    results.push({
      score: Math.round(lhr.categories.performance.score * 100),
      bytes: a["total-byte-weight"].numericValue,
      // What the page itself fetched; the rest is the service worker's precache for offline
      // use, which starts only once the page is idle but may still fall inside the trace.
      pageBytes: a["network-requests"].details.items
        .filter((r) => r.sessionTargetType !== "worker")
        .reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
      fcp: a["first-contentful-paint"].numericValue,
      lcp: a["largest-contentful-paint"].numericValue,
      tbt: a["total-blocking-time"].numericValue,
      cls: a["cumulative-layout-shift"].numericValue,
      requests: a["network-requests"].details.items.length,
      lcpElement: a["largest-contentful-paint-element"].details?.items?.[0]?.items?.[0]?.node?.selector ?? "",
    });
    html = report;
  }
  const file = join(reportDir, `${path.replace(/\W+/g, "") || "root"}.html`);
  writeFileSync(file, html);
  const pick = (k) => median(results.map((r) => r[k]));
  return { path, file, bytesEach: results.map((r) => Math.round(r.bytes / 1024)), lcpElement: results[results.length - 1].lcpElement, score: pick("score"), bytes: pick("bytes"), pageBytes: pick("pageBytes"), fcp: pick("fcp"), lcp: pick("lcp"), tbt: pick("tbt"), cls: pick("cls"), requests: pick("requests"), scores: results.map((r) => r.score) };
}

mkdirSync(reportDir, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), "hamrah-lh-db-"));
const server = spawn(binary, [], {
  env: { ...process.env, HAMRAH_DB: `surrealkv://${dataDir}/db`, HAMRAH_DEMO: "1", LEPTOS_SITE_ROOT: siteRoot, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_HASH_FILES: "true", RUST_LOG: "warn" },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  await waitForServer(base);
  const rep = await signIn("rep@example.com");
  const pages = [
    await audit("/sign-in", null),
    await audit("/pipeline", rep),
    await audit("/", rep),
  ];
  const ms = (n) => `${(n / 1000).toFixed(2)} s`;
  console.log(`Lighthouse ${runs} runs per page, median (mobile preset: simulated slow 4G, 4× CPU; cold cache; plain HTTP on loopback)\n`);
  console.log("| page | transferred | by the page | requests | score (each run) | FCP | LCP | TBT | CLS |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const p of pages) {
    const name = p.path === "/" ? "Today (/)" : p.path;
    console.log(`| ${name} | ${(p.bytes / 1024).toFixed(1)} KiB | ${(p.pageBytes / 1024).toFixed(1)} KiB | ${p.requests} | ${p.score} (${p.scores.join(", ")}) | ${ms(p.fcp)} | ${ms(p.lcp)} | ${Math.round(p.tbt)} ms | ${p.cls.toFixed(3)} |`);
  }
  console.log(`\nTransferred in each run (KiB): ${pages.map((p) => `${p.path}: ${p.bytesEach.join(", ")}`).join("; ")}`);
  console.log(`Largest contentful paint: ${pages.map((p) => `${p.path}: \`${p.lcpElement}\``).join("; ")}`);
  console.log(`Reports: ${pages.map((p) => p.file).join(", ")}`);
} finally {
  server.kill();
}
