// Measures what the README promises and prints a Markdown table: bundle sizes, and how long
// the demo pipeline takes to render on the phone profile (plain and with 4× CPU slowdown).
// Usage: node bench.mjs <site-root> <server-binary>
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const [siteRoot, binary] = process.argv.slice(2);
const port = 3200;
const base = `http://127.0.0.1:${port}`;
const runs = 7;

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function sizes() {
  const pkg = join(siteRoot, "pkg");
  return readdirSync(pkg)
    .filter((f) => /\.(wasm|js|css)$/.test(f))
    .map((f) => {
      const bytes = readFileSync(join(pkg, f));
      const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
      return { file: f, raw: statSync(join(pkg, f)).size, gzip: gzipSync(bytes, { level: 9 }).length, br };
    });
}

async function waitForServer() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/sign-in`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("server did not start");
}

async function measurePipeline(browser, throttle) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel("Email", { exact: true }).fill("admin@example.com");
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
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

const server = spawn(binary, [], {
  env: { ...process.env, HAMRAH_DB: "mem://", HAMRAH_DEMO: "1", LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, LEPTOS_SITE_ROOT: siteRoot, RUST_LOG: "warn" },
  stdio: "ignore",
});
try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const plain = await measurePipeline(browser, 1);
  const slow = await measurePipeline(browser, 4);
  await browser.close();
  const api = await measureApi();

  console.log("| measure | value |");
  console.log("|---|---|");
  for (const s of sizes()) console.log(`| ${s.file} (raw / gzip / brotli) | ${kb(s.raw)} / ${kb(s.gzip)} / ${kb(s.br)} |`);
  console.log(`| pipeline on phone, ${plain.cards} demo deals: first cards painted (median of ${runs}) | ${plain.render} ms |`);
  console.log(`| pipeline on phone: hydrated and interactive | ${plain.interactive} ms |`);
  console.log(`| same with 4× CPU slowdown: painted / interactive | ${slow.render} ms / ${slow.interactive} ms |`);
  console.log(`| deals/board server function (median of 20, JSON bytes) | ${api.ms.toFixed(1)} ms, ${kb(api.bytes)} |`);
} finally {
  server.kill("SIGTERM");
}
