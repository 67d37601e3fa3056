import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, expectTouchTargets, hydrated, signIn, unique } from "./helpers.mjs";

test("a rep adds a company and a contact, logs a call and ticks it off", async ({ page }) => {
  const company = unique("Kavir Tiles");
  const person = unique("Neda Rahimi");
  await signIn(page, "rep@example.com");

  await page.getByRole("link", { name: "Companies" }).first().click();
  await page.getByRole("link", { name: "New company" }).click();
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(company);
  await page.getByLabel("Phone", { exact: true }).fill("+98 21 8888 1234");
  await page.getByLabel("Email", { exact: true }).fill("sales@");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#email-error")).toHaveText("Enter an email address like name@example.com.");
  await expect(page.getByLabel("Email", { exact: true })).toBeFocused();
  await page.getByLabel("Email", { exact: true }).fill("sales@kavir.example");
  await page.getByLabel("Address", { exact: true }).fill("12 Vali Asr St, Tehran");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: company, level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Call +98 21 8888 1234" })).toHaveAttribute("href", "tel:+982188881234");
  await expect(page.getByRole("link", { name: "Email sales@kavir.example" })).toHaveAttribute("href", "mailto:sales@kavir.example");
  await expect(page.getByRole("link", { name: "Open in maps" })).toHaveAttribute("href", /openstreetmap/);

  await page.getByRole("link", { name: "New contact" }).click();
  await hydrated(page);
  await expect(page.getByLabel("Company", { exact: true })).toHaveValue(/.+/);
  await page.getByLabel("Name", { exact: true }).fill(person);
  await page.getByLabel("Job title", { exact: true }).fill("Buyer");
  await page.getByLabel("Phone", { exact: true }).fill("0912 345 6789");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: person, level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: company })).toBeVisible();

  await page.getByRole("link", { name: "Log activity" }).click();
  await hydrated(page);
  await page.getByLabel("Type", { exact: true }).selectOption({ label: "Call" });
  await page.getByLabel("Subject", { exact: true }).fill("Ask about the tile order");
  await page.getByLabel("Due date", { exact: true }).fill("2026-11-20");
  await page.getByLabel("Due time", { exact: true }).fill("10:30");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: person, level: 1 })).toBeVisible();
  const done = page.getByRole("checkbox", { name: "Mark done: Ask about the tile order" });
  await expect(done).not.toBeChecked();
  await hydrated(page);
  // The tick is kept on the device, then sent; reload only once it has reached the server.
  const pushed = page.waitForResponse((r) => r.url().includes("/api/sync/push") && r.ok());
  // A click, not check(): once ticked, the row is drawn again under its new name.
  await done.click();
  await expect(page.getByRole("checkbox", { name: "Mark not done: Ask about the tile order" })).toBeChecked();
  await pushed;
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Mark not done: Ask about the tile order" })).toBeChecked();
  await expect(page.getByRole("list").filter({ hasText: "created this" })).toBeVisible();
});

// Between the server's answer to a save and the pull that brings the record back, the device
// keeps showing what it sent: a company made a moment before is in the contact form.
test("a record just made stays on the device until the next pull brings it back", async ({ page }) => {
  const company = unique("Sahand Glass");
  await signIn(page, "rep@example.com");
  await expect(page.getByRole("status").filter({ hasText: /Synced|Offline|pending|Syncing/ })).toHaveText("Synced", { timeout: 30_000 });
  // Once the server has answered a push, pulls wait until the test lets them go.
  let release;
  let holding = false;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/api/sync/push", async (route) => {
    const response = await route.fetch();
    holding = true;
    await route.fulfill({ response });
  });
  await page.route("**/api/sync/pull", async (route) => {
    if (holding) await held;
    await route.continue();
  });
  await page.goto("/companies/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(company);
  const pushed = page.waitForResponse((r) => r.url().includes("/api/sync/push") && r.ok());
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: company, level: 1 })).toBeVisible();
  await pushed;
  await page.getByRole("link", { name: "New contact" }).click();
  await hydrated(page);
  const select = page.getByLabel("Company", { exact: true });
  await expect(select.locator("option:checked")).toHaveText(company);
  release();
  await page.unrouteAll({ behavior: "wait" });
});

test("the company list filters as you type", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/companies");
  await hydrated(page);
  const rows = page.locator(".rows .row-title");
  await expect(rows.first()).toBeVisible();
  const before = await rows.count();
  await page.getByRole("searchbox", { name: "Filter companies" }).fill("logistics");
  await expect.poll(() => rows.count()).toBeLessThan(before);
  for (const name of await rows.allTextContents()) expect(name.toLowerCase()).toContain("logistics");
  await page.getByRole("searchbox", { name: "Filter companies" }).fill("no company is called this");
  await expect(page.getByText("Nothing matches.")).toBeVisible();
});

test("at 360 px nothing scrolls sideways and controls are at least 44 px", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "a phone layout check");
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page, "rep@example.com");
  for (const path of ["/", "/pipeline", "/companies", "/contacts", "/deals/new", "/companies/new", "/contacts/new", "/activities/new", "/settings"]) {
    await page.goto(path);
    await hydrated(page);
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, path);
  }
});
