// Screenshots of the main screens on a phone and a desktop, for people to look at.
// Usage: node screenshots.mjs [base-url] [out-dir]   (a server with the demo data must be running)
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "screenshots";
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const profiles = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1440, height: 900 } },
};
for (const [name, options] of Object.entries(profiles)) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const shot = async (label) => {
    // Not "networkidle": the sync event stream stays open.
    await page.waitForLoadState("load");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}-${label}.png`, fullPage: false });
  };
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await shot("sign-in");
  await page.getByLabel("Email", { exact: true }).fill("rep@example.com");
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Today", level: 1 }).waitFor();
  await page.getByRole("status").filter({ hasText: /^Synced$/ }).waitFor({ timeout: 30_000 });
  await shot("today");
  await page.goto(`${base}/pipeline`);
  await page.locator(".card").first().waitFor();
  await shot("pipeline");
  await page.locator(".card-title").first().click();
  await page.getByRole("heading", { level: 2, name: "History" }).waitFor();
  await shot("deal");
  await page.goto(`${base}/deals/new`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByRole("button", { name: "Save" }).click();
  await shot("deal-form-errors");
  await page.goto(`${base}/companies`);
  await page.locator(".row-link").first().waitFor();
  await shot("companies");
  await page.locator(".row-link").first().click();
  await page.getByRole("heading", { level: 2, name: "Timeline" }).waitFor();
  await shot("company");
  await page.goto(`${base}/contacts`);
  await page.locator(".row-link").first().waitFor();
  await shot("contacts");
  await page.goto(`${base}/sync`);
  await page.getByRole("heading", { name: "Sync issues", level: 1 }).waitFor();
  await shot("sync");
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}/`);
