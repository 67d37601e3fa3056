import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, expectTouchTargets, hydrated, signInInPersian, unique } from "./helpers.mjs";

// A browser set to Persian, as an Iranian rep's phone is.
test.use({ locale: "fa-IR" });

const MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
const fa = (n) => String(n).replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[d]);

/** The Jalali date of an ISO date, by the browser engine's own (ICU) calendar: an oracle
 *  independent of Hamrah's conversion. */
function jalali(iso) {
  const parts = new Intl.DateTimeFormat("en-u-ca-persian-nu-latn", { year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC" })
    .formatToParts(new Date(`${iso}T12:00:00Z`));
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  return { year: part("year"), month: part("month"), day: part("day") };
}

const isoDaysFromToday = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Reads a deal as the server has it, once the device has sent its changes. */
async function serverDeal(page, id) {
  return page.evaluate(async (id) => {
    const response = await fetch("/api/deals/get", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ id }),
    });
    return (await response.json()).deal;
  }, id);
}

test("a Persian-speaking rep works right to left, in Jalali dates and Persian digits", async ({ page }, info) => {
  await signInInPersian(page, "negar@example.com");
  await expect(page.locator("html")).toHaveAttribute("lang", "fa");
  await expect(page.getByRole("navigation").getByRole("link", { name: "قیف فروش" })).toBeVisible();
  if (info.project.name === "phone") await page.setViewportSize({ width: 360, height: 780 });
  await expectNoSidewaysScroll(page);

  // A new deal: the amount typed in Persian digits, the expected close picked in the
  // Jalali calendar, about six weeks ahead.
  const title = unique("قرارداد پخش");
  const target = isoDaysFromToday(45);
  const j = jalali(target);
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByLabel("عنوان", { exact: true }).fill(title);
  await page.getByLabel("مبلغ", { exact: true }).fill("۱۲۰٬۰۰۰٬۰۰۰");
  await page.getByLabel("واحد پول", { exact: true }).selectOption("IRT");
  await page.getByRole("button", { name: "انتخاب از تقویم" }).click();
  const calendar = page.getByRole("group", { name: /\d|[۰-۹]/ });
  await expect(calendar).toBeVisible();
  await expectNoSidewaysScroll(page);
  // Weeks start on Saturday.
  await expect(calendar.locator(".weekday").first()).toHaveAttribute("title", "شنبه");
  const wanted = `${MONTHS[j.month - 1]} ${fa(j.year)}`;
  for (let i = 0; i < 3 && (await calendar.locator(".calendar-title").textContent()) !== wanted; i++) {
    await calendar.getByRole("button", { name: "ماه بعد" }).click();
  }
  await expect(calendar.locator(".calendar-title")).toHaveText(wanted);
  await calendar.getByRole("button", { name: `${fa(j.day)} ${wanted}`, exact: true }).click();
  await expect(page.getByLabel("تاریخ پیش‌بینی بستن", { exact: true })).toHaveValue(
    `${fa(j.year)}/${fa(String(j.month).padStart(2, "0"))}/${fa(String(j.day).padStart(2, "0"))}`,
  );
  const pushed = page.waitForResponse((r) => r.url().includes("/api/sync/push") && r.ok());
  await page.getByRole("button", { name: "ذخیره", exact: true }).click();

  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("expected-close")).toHaveText(`${fa(j.day)} ${wanted}`);
  await expect(page.getByText("۱۲۰٬۰۰۰٬۰۰۰ تومان")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await pushed;
  const id = page.url().split("/").pop();
  const saved = await serverDeal(page, id);
  expect(saved.expected_close).toBe(target);
  expect(saved.value).toBe(120_000_000);
  expect(saved.currency).toBe("IRT");

  // A date typed in the field, and a day that does not exist.
  await page.getByRole("link", { name: "ویرایش", exact: true }).click();
  await hydrated(page);
  const field = page.getByLabel("تاریخ پیش‌بینی بستن", { exact: true });
  await field.fill("۱۴۰۳/۱۲/۳۰");
  await page.getByRole("button", { name: "ذخیره", exact: true }).click();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("expected-close")).toHaveText("۳۰ اسفند ۱۴۰۳");
  await page.getByRole("link", { name: "ویرایش", exact: true }).click();
  await hydrated(page);
  await field.fill("1402/12/30");
  await page.getByRole("button", { name: "ذخیره", exact: true }).click();
  await expect(page.locator("#expected_close-error")).toHaveText("تاریخ معتبری وارد کنید.");
  await expect(field).toBeFocused();
  await page.getByRole("link", { name: "انصراف" }).click();
  await expect(page.getByTestId("expected-close")).toHaveText("۳۰ اسفند ۱۴۰۳");
  await expect.poll(async () => (await serverDeal(page, id)).expected_close).toBe("2025-03-20");

  // The pipeline flows right to left, in Persian digits.
  await page.getByRole("navigation").getByRole("link", { name: "قیف فروش" }).click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "قیف فروش", level: 1 })).toBeVisible();
  await expectNoSidewaysScroll(page);
  if (info.project.name === "desktop") {
    const first = await page.locator(".column").nth(0).boundingBox();
    const second = await page.locator(".column").nth(1).boundingBox();
    expect(first.x).toBeGreaterThan(second.x);
  } else {
    await expect(page.getByRole("tab", { name: /^سرنخ \([۰-۹]+\)$/ })).toBeVisible();
  }

  // Search ignores how the letters were typed: Arabic yeh finds Persian yeh.
  await page.getByRole("navigation").getByRole("link", { name: "شرکت‌ها" }).click();
  await hydrated(page);
  await page.getByRole("searchbox", { name: "جستجوی شرکت‌ها" }).fill("آريا");
  await expect(page.getByRole("link", { name: /بازرگانی آریا/ })).toBeVisible();
  await expectNoSidewaysScroll(page);
  // No English words left on a Persian screen of Persian data.
  const latin = await page.locator("main").evaluate((main) => (main.innerText.match(/[A-Za-z]{2,}/g) ?? []).join(" "));
  expect(latin).toBe("");

  // The offline shell (what the service worker serves when the server is out of reach) is
  // one file for all languages; it starts in this device's language, right to left.
  await page.goto("/shell");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { name: "صفحه پیدا نشد", level: 1 })).toBeVisible();
});

test("at 360 px in Persian nothing scrolls sideways and controls are at least 44 px", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "a phone layout check");
  await page.setViewportSize({ width: 360, height: 740 });
  await signInInPersian(page, "negar@example.com");
  for (const path of ["/", "/pipeline", "/companies", "/contacts", "/deals/new", "/activities/new", "/settings", "/sync"]) {
    await page.goto(path);
    await hydrated(page);
    await expectNoSidewaysScroll(page);
    await expectTouchTargets(page, path);
  }
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByRole("button", { name: "انتخاب از تقویم" }).click();
  await expect(page.locator(".calendar")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await expectTouchTargets(page, "the Jalali calendar");
});

test("a user switches language in Settings, for every device", async ({ page }) => {
  // Last in this file: it changes the Persian rep's language and puts it back.
  await signInInPersian(page, "negar@example.com");
  await page.getByRole("navigation").getByRole("link", { name: "تنظیمات" }).click();
  await hydrated(page);
  const saved = page.waitForResponse((r) => r.url().includes("/api/settings/language") && r.ok());
  await page.getByRole("combobox", { name: "زبان" }).selectOption("en");
  await saved;
  // Redrawn at once, left to right.
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation").getByRole("link", { name: "Pipeline" })).toBeVisible();
  // And rendered so by the server from now on.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByRole("combobox", { name: "Language" }).selectOption("fa");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { name: "تنظیمات", level: 1 })).toBeVisible();
});
