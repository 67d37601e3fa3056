import { chromium } from "@playwright/test";
const base = "http://127.0.0.1:3300";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const CP = { "\u0627": 0xc7, "\u0628": 0xc8, "\u062a": 0xca, "\u062f": 0xcf, "\u0631": 0xd1, "\u0632": 0xd2, "\u0633": 0xd3, "\u0634": 0xd4, "\u0636": 0xd6, "\u0641": 0xdd, "\u0643": 0xdf, "\u0644": 0xe1, "\u0645": 0xe3, "\u0646": 0xe4, "\u0647": 0xe5, "\u0648": 0xe6, "\u064a": 0xed, "\u067e": 0x81, "\u06af": 0x90, "\u200c": 0x9d };
const enc = (t) => Buffer.from([...t.replaceAll("ی", "\u064a").replaceAll("ک", "\u0643")].map((c) => c.charCodeAt(0) < 128 ? c.charCodeAt(0) : CP[c]));
const file = enc("نام;تلفن همراه;ایمیل;شرکت\r\nرضا پاکزاد;09121234567;reza@example.ir;بازرگانی نمونه\r\nمینا گلستانی;0935 765 4321;mina@example.ir;بازرگانی نمونه\r\nبی‌نام;0912;not-an-address;\r\n");
async function session(width, height, persian) {
  const context = await browser.newContext({ viewport: { width, height }, timezoneId: "Asia/Tehran", locale: persian ? "fa-IR" : "en-US" });
  const page = await context.newPage();
  await page.goto(base + "/sign-in");
  await page.waitForTimeout(2000);
  await page.getByLabel(persian ? "ایمیل" : "Email", { exact: true }).fill("manager@example.com");
  await page.getByLabel(persian ? "گذرواژه" : "Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: persian ? "ورود" : "Sign in", exact: true }).click();
  await page.waitForURL((u) => !u.pathname.includes("sign"));
  await page.waitForTimeout(1500);
  if (persian) {
    await page.goto(base + "/settings");
    await page.locator("#f-language").waitFor();
    await page.waitForTimeout(2000);
    await page.locator("#f-language").selectOption("fa");
    await page.waitForTimeout(2500);
  }
  return page;
}
for (const [name, w, h, fa] of [["tablet-fa", 1024, 800, true], ["phone-fa", 390, 844, true]]) {
  const page = await session(w, h, fa);
  await page.goto(base + "/settings/import");
  await page.waitForTimeout(2500);
  await page.locator("#import-file").setInputFiles({ name: "مشتریان.csv", mimeType: "text/csv", buffer: file });
  await page.waitForTimeout(1500);
  await page.locator(".form-actions button").first().click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/shot/import-${name}.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  console.log(name, "sideways", overflow);
  await page.locator(".form-actions button.primary").click();
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/shot/import-done-${name}.png`, fullPage: true });
  await page.goto(base + "/data/duplicates");
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `/tmp/shot/dups-${name}.png`, fullPage: false });
}
await browser.close();
