import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, signIn } from "./helpers.mjs";

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
