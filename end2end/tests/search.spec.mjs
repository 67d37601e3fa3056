import { expect, test } from "@playwright/test";
import { PASSWORD, expectNoSidewaysScroll, hydrated } from "./helpers.mjs";

test.use({ locale: "fa-IR" });

async function signInInPersian(page, email) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("ایمیل", { exact: true }).fill(email);
  await page.getByLabel("گذرواژه", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "ورود", exact: true }).click();
  await expect(page.getByRole("heading", { name: "امروز", level: 1 })).toBeVisible();
}

test("Search in the top bar finds a deal by a word of its company's Persian name, also offline", async ({ page, context }, info) => {
  await signInInPersian(page, "negar@example.com");
  await expect(page.getByRole("status").filter({ hasText: "همگام است" })).toBeVisible({ timeout: 30_000 });
  // One Search box, in the top bar.
  const box = page.getByRole("searchbox", { name: "جستجو", exact: true });
  if (info.project.name === "desktop") {
    // The `/` key puts the cursor in it from anywhere but a field.
    await page.keyboard.press("/");
  } else {
    await box.tap();
  }
  await expect(box).toBeFocused();
  // Typed on an Arabic keyboard: yeh and kaf as Arabic letters.
  await box.fill("نيكان");
  const deals = page.getByRole("region", { name: "معامله‌ها" });
  await expect(deals.getByRole("link").first()).toBeVisible();
  await expect(page.getByRole("region", { name: "شرکت‌ها" })).toContainText("فروشگاه‌های زنجیره‌ای نیکان");
  await expectNoSidewaysScroll(page);
  const title = (await deals.locator(".row-title").first().textContent()).trim();
  await deals.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  // Back returns to the results, the query kept.
  await page.goBack();
  await expect(box).toHaveValue("نيكان");
  await expect(page.getByRole("heading", { name: "جستجو", level: 1 })).toBeVisible();

  // Offline, the device's copy still answers, and says so.
  await context.setOffline(true);
  await box.fill("مهرگان");
  await expect(page.getByRole("region", { name: "شرکت‌ها" })).toContainText("صنایع غذایی مهرگان");
  await expect(page.getByText("آفلاین: آنچه روی این دستگاه هست نشان داده می‌شود.")).toBeVisible();
  await box.fill("zzqqxx");
  await expect(page.getByText("برای «zzqqxx» چیزی پیدا نشد.")).toBeVisible();
  await context.setOffline(false);
});
