import { expect, test } from "@playwright/test";
import { hydrated, signIn, unique, expectNoSidewaysScroll } from "./helpers.mjs";

test("a rep deletes a deal and restores it from the Trash, with its history", async ({ page }) => {
  const title = unique("Pallet racking");
  await signIn(page, "rep@example.com");
  await page.getByRole("link", { name: "Pipeline" }).first().click();
  await page.getByRole("link", { name: "New deal" }).click();
  await hydrated(page);
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Value", { exact: true }).fill("4,200");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();

  // Delete asks first, saying where the deal goes.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("alertdialog", { name: `Delete ${title}?` });
  await expect(confirm).toContainText("It goes to the Trash, where it can be restored for 30 days.");
  await expectNoSidewaysScroll(page);
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);

  // Settings → Trash: it waits there, and comes back with a tap.
  await page.getByRole("link", { name: "Settings" }).first().click();
  await page.getByRole("link", { name: "Trash", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Trash", level: 1 })).toBeVisible();
  await hydrated(page);
  const item = page.locator(".trash-item").filter({ hasText: title });
  await expect(item).toContainText("Deleted by Reza Ahmadi");
  await expectNoSidewaysScroll(page);
  await item.getByRole("button", { name: "Restore" }).click();
  await expect(item.getByRole("status")).toContainText("Restored.");
  await item.getByRole("link", { name: "Open" }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(".history")).toContainText("restored this from the Trash", { timeout: 20_000 });
  await expect(page.locator(".history")).toContainText("moved this to the Trash");
});
