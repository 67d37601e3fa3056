// A phone with the installed app, for the benchmarks (bench.mjs, load.mjs): its first sync
// in the browser, and its cold start with the server gone.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const launchOptions = {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Signs `email` in on a new phone (or `device`) and times sign-in to "Synced" (the first
 * download into IndexedDB). Returns the browser context, still open, its profile directory
 * and the time. */
export async function firstSyncInBrowser(base, email, device = phone) {
  const dir = mkdtempSync(join(tmpdir(), "hamrah-bench-"));
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions, ...device, baseURL: base });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  const t0 = Date.now();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("status").filter({ hasText: /^Synced$/ }).waitFor({ timeout: 300_000 });
  const ms = Date.now() - t0;
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  return { context, page, dir, ms };
}

/** The installed app in `dir` opened again, its CPU slowed four times. */
async function slowed(base, dir, device) {
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions, ...device, baseURL: base });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  return { context, page };
}

/** With the server gone: the installed app in `dir` opens the pipeline from its cache and
 * copy, at 4× CPU slowdown; the median of five starts, and each. */
export async function offlineStart(base, dir) {
  const { context, page } = await slowed(base, dir, phone);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.goto(`${base}/pipeline`, { waitUntil: "commit" });
    await page.locator(".card").first().waitFor({ timeout: 60_000 });
    times.push(Date.now() - t0);
  }
  await context.close();
  return { median: median(times), times };
}

export const tablet = { viewport: { width: 1024, height: 768 }, hasTouch: true };

/** Signs `email` in on a new tablet, waits for its copy and for the Dashboard's basis (what
 * the device needs besides its rows to work the figures out offline). Returns the profile
 * directory. */
export async function keepDashboard(base, email) {
  const { context, page, dir } = await firstSyncInBrowser(base, email, tablet);
  const basis = page.waitForResponse((r) => r.url().includes("/api/dashboard/basis") && r.ok());
  await page.goto(`${base}/dashboard?period=this_quarter`);
  await basis;
  // The basis is written to IndexedDB after its answer; the rows are counted meanwhile.
  const held = await page.evaluate(async () => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open("hamrah");
      open.onsuccess = () => resolve(open.result);
    });
    const get = (store, key) =>
      new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).get(key);
        request.onsuccess = () => resolve(request.result);
      });
    for (let i = 0; i < 100 && !(await get("meta", "basis")); i++) await new Promise((r) => setTimeout(r, 100));
    return (await get("meta", "basis")) ? true : null;
  });
  if (!held) throw new Error("the Dashboard's basis was not kept");
  await context.close();
  return dir;
}

/** With the server gone: the Dashboard opened five times on the tablet in `dir`, at 4× CPU.
 * The sums' own time is the app's User Timing measure; the page's, navigation to figures. */
export async function offlineDashboard(base, dir) {
  const { context, page } = await slowed(base, dir, tablet);
  const times = [];
  const compute = [];
  const table = [];
  const measured = (name) =>
    page.waitForFunction((name) => performance.getEntriesByName(name).map((e) => e.duration)[0] ?? false, name, { timeout: 60_000 }).then((h) => h.jsonValue());
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.goto(`${base}/dashboard?period=this_quarter`, { waitUntil: "commit" });
    await page.getByText(/^Offline: these figures were worked out on this device/).waitFor({ timeout: 60_000 });
    times.push(Date.now() - t0);
    compute.push(await measured("hamrah:dashboard:device"));
    await page.goto(`${base}/deals`, { waitUntil: "commit" });
    await page.getByText(/^Offline: these deals are from this device's copy/).waitFor({ timeout: 60_000 });
    table.push(await measured("hamrah:table:device"));
  }
  await context.close();
  return { median: median(times), times, compute, computeMedian: median(compute), tableMedian: median(table) };
}
