import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { expectNoSidewaysScroll, hydrated, signIn, signInInPersian } from "./helpers.mjs";

test("Incomplete records lists what is missing, each line opening its records", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.getByRole("navigation").getByRole("link", { name: "Settings" }).click();
  await page.getByRole("link", { name: "Incomplete records", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Incomplete records", level: 1 })).toBeVisible();
  const unreachable = page.getByRole("link", { name: /^\d+ contacts? with neither phone nor e-mail$/ });
  await expect(unreachable).toBeVisible();
  await expect(page.getByRole("link", { name: /^\d+ compan(y|ies) without contacts$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /^\d+ open deals? without an expected close or a next step$/ })).toBeVisible();
  await expectNoSidewaysScroll(page);
  const count = Number(/^\d+/.exec((await unreachable.textContent()).trim())[0]);
  await unreachable.click();
  const rows = page.locator('[data-check="unreachable"] .rows .row-link');
  await expect(rows).toHaveCount(count);
  // A contact found: its page has no phone and no e-mail to act on.
  const name = (await rows.first().locator(".row-title").textContent()).trim();
  await rows.first().click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.locator('a[href^="tel:"], a[href^="mailto:"]')).toHaveCount(0);
});

test("a filtered list exports as a CSV file and as an Excel workbook", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/companies");
  await hydrated(page);
  const first = (await page.locator(".rows .row-title").first().textContent()).trim();
  const fragment = first.slice(0, 4);
  await page.getByLabel("Filter companies").fill(fragment);
  // The filter has applied once every row shown matches it.
  const titles = page.locator(".rows .row-title");
  await expect.poll(async () => (await titles.allTextContents()).every((t) => t.includes(fragment))).toBe(true);
  const shown = await page.locator(".rows .row-link").count();

  await page.locator("summary", { hasText: "Export" }).click();
  await expectNoSidewaysScroll(page);
  let waiting = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV file" }).click();
  let download = await waiting;
  expect(download.suggestedFilename()).toBe("companies.csv");
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
  expect(lines[0]).toMatch(/^Name,Industry,Phone,Email/);
  expect(lines).toHaveLength(shown + 1);
  expect(csv).toContain(first);

  waiting = page.waitForEvent("download");
  await page.getByRole("link", { name: "Excel workbook" }).click();
  download = await waiting;
  expect(download.suggestedFilename()).toBe("companies.xlsx");
  const workbook = readFileSync(await download.path());
  expect(workbook.subarray(0, 4).toString("latin1")).toBe("PK\u0003\u0004");
});

test("a Persian reader's case queue exports with Persian headings", async ({ browser }, info) => {
  const context = await browser.newContext({ ...info.project.use, locale: "fa-IR", acceptDownloads: true });
  const page = await context.newPage();
  await signInInPersian(page, "negar@example.com");
  await page.goto("/cases?view=team");
  await hydrated(page);
  await page.locator("summary", { hasText: "خروجی" }).click();
  const waiting = page.waitForEvent("download");
  await page.getByRole("link", { name: "پروندهٔ CSV" }).click();
  const download = await waiting;
  expect(download.suggestedFilename()).toBe("cases.csv");
  const heading = readFileSync(await download.path(), "utf8").replace(/^\uFEFF/, "").split("\r\n")[0];
  expect(heading).toMatch(/^شمارهٔ پیگیری,/);
  await context.close();
});
