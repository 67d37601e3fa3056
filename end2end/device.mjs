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

/** Signs `email` in on a new phone and times sign-in to "Synced" (the first download into
 * IndexedDB). Returns the browser context, still open, its profile directory and the time. */
export async function firstSyncInBrowser(base, email) {
  const dir = mkdtempSync(join(tmpdir(), "hamrah-bench-"));
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions, ...phone, baseURL: base });
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

/** With the server gone: the installed app in `dir` opens the pipeline from its cache and
 * copy, at 4× CPU slowdown; the median of five starts, and each. */
export async function offlineStart(base, dir) {
  const context = await chromium.launchPersistentContext(dir, { ...launchOptions, ...phone, baseURL: base });
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
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
