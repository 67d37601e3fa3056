import { expect, test } from "@playwright/test";
import { signInInPersian } from "./helpers.mjs";

test.use({ locale: "fa-IR" });

test("a contact typed offline in Persian shows the same person already entered in Arabic letters and another form of the number", async ({ page, context }) => {
  await signInInPersian(page, "negar@example.com");
  await expect(page.getByRole("status").filter({ hasText: "همگام است" })).toBeVisible({ timeout: 30_000 });
  await page.getByRole("navigation").getByRole("link", { name: "مخاطبان" }).click();
  await page.getByRole("link", { name: "مخاطب جدید" }).click();
  await expect(page.getByRole("heading", { name: "مخاطب جدید", level: 1 })).toBeVisible();

  // The network goes; the check runs on the device's copy.
  await context.setOffline(true);
  await page.getByLabel("نام", { exact: true }).fill("علی رضایی");
  await page.getByLabel("تلفن", { exact: true }).fill("۰۹۱۲۳۴۵۶۷۸۹");
  const likely = page.getByRole("status", { name: "موارد احتمالاً تکراری" });
  await expect(likely).toBeVisible();
  const existing = likely.getByRole("link").filter({ hasText: "علي رضايي" });
  await expect(existing).toContainText("تلفن یکسان");
  await expect(existing).toContainText("نام یکسان");
  await expect(existing).toContainText("+989123456789");
  // Another name and number: nothing to warn about.
  await page.getByLabel("نام", { exact: true }).fill("کیان تهرانی");
  await page.getByLabel("تلفن", { exact: true }).fill("۰۹۳۵۰۰۰۱۱۲۲");
  await expect(likely).toHaveCount(0);
  await context.setOffline(false);
});
