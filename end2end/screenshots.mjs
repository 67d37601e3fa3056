// Screenshots of the main screens on a phone and a desktop, for people to look at.
// Usage: node screenshots.mjs [base-url] [out-dir] [en|fa]   (a server with the demo data must be running)
// In Persian it signs in as the demo's Persian-speaking rep, with a Persian browser.
import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const out = process.argv[3] ?? "screenshots";
const lang = process.argv[4] ?? "en";
mkdirSync(out, { recursive: true });
const words = {
  en: { user: "rep@example.com", email: "Email", password: "Password", signIn: "Sign in", today: "Today", synced: /^Synced$/,
        history: "History", save: "Save", timeline: "Timeline", sync: "Sync issues", settings: "Settings", changePassword: "Change password",
        source: "Source", dealSources: "Deal sources" },
  fa: { user: "negar@example.com", email: "ایمیل", password: "گذرواژه", signIn: "ورود", today: "امروز", synced: /^همگام است$/,
        history: "تاریخچه", save: "ذخیره", timeline: "خط زمانی", sync: "موارد همگام\u200cسازی", calendar: "انتخاب از تقویم", settings: "تنظیمات", changePassword: "تغییر گذرواژه",
        source: "منبع", dealSources: "منابع معامله" },
}[lang];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const profiles = {
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1440, height: 900 } },
};
for (const [name, options] of Object.entries(profiles)) {
  const context = await browser.newContext({ ...options, locale: lang === "fa" ? "fa-IR" : "en-US" });
  const page = await context.newPage();
  const shot = async (label) => {
    // Not "networkidle": the sync event stream stays open.
    await page.waitForLoadState("load");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${lang}-${name}-${label}.png`, fullPage: false });
  };
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await shot("sign-in");
  await page.getByLabel(words.email, { exact: true }).fill(words.user);
  await page.getByLabel(words.password, { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: words.signIn, exact: true }).click();
  await page.getByRole("heading", { name: words.today, level: 1 }).waitFor();
  await page.getByRole("status").filter({ hasText: words.synced }).waitFor({ timeout: 30_000 });
  await shot("today");
  await page.goto(`${base}/pipeline`);
  await page.locator(".card").first().waitFor();
  await shot("pipeline");
  // The won deals of the last 12 months: a tab on a phone, a column on a desktop.
  if (name === "phone") {
    await page.getByRole("tab").nth(4).click();
  }
  await page.locator(".column-note").first().scrollIntoViewIfNeeded();
  await shot("pipeline-won");
  await page.goto(`${base}/pipeline`);
  await page.locator(".card-title").first().click();
  await page.getByRole("heading", { level: 2, name: words.history }).waitFor();
  await shot("deal");
  // A record the device does not keep, opened offline.
  await context.setOffline(true);
  await page.goto(`${base}/deals/${crypto.randomUUID()}`);
  await page.getByRole("alert").waitFor();
  await shot("offline-not-on-device");
  await context.setOffline(false);
  await page.goto(`${base}/deals/new`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByRole("button", { name: words.save, exact: true }).click();
  await shot("deal-form-errors");
  await page.getByLabel(words.source, { exact: true }).scrollIntoViewIfNeeded();
  await shot("deal-form-source");
  if (lang === "fa") {
    // English screens use the browser's own date picker; Persian ones the Jalali calendar.
    await page.getByRole("button", { name: words.calendar }).first().click();
    await page.locator(".calendar").waitFor();
    await shot("deal-form-calendar");
  }
  await page.goto(`${base}/companies`);
  await page.locator(".row-link").first().waitFor();
  await shot("companies");
  await page.locator(".row-link").first().click();
  await page.getByRole("heading", { level: 2, name: words.timeline }).waitFor();
  await shot("company");
  await page.goto(`${base}/contacts`);
  await page.locator(".row-link").first().waitFor();
  await shot("contacts");
  await page.goto(`${base}/sync`);
  await page.getByRole("heading", { name: words.sync, level: 1 }).waitFor();
  await shot("sync");
  await page.goto(`${base}/settings`);
  await page.getByRole("heading", { name: words.settings, level: 1 }).waitFor();
  await shot("settings");
  // The security section, with the errors an empty form gets.
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByRole("button", { name: words.changePassword }).click();
  await page.locator(".field.invalid").first().waitFor();
  await page.getByRole("heading", { name: words.changePassword }).scrollIntoViewIfNeeded();
  await shot("settings-security");
  // The organisation's settings, as an admin sees them, in this language.
  await context.clearCookies();
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel(words.email, { exact: true }).fill("admin@example.com");
  await page.getByLabel(words.password, { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: words.signIn, exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/sign-in"));
  await page.request.post(`${base}/api/settings/language`, {
    data: { locale: lang }, headers: { origin: base, "content-type": "application/json" },
  });
  await page.goto(`${base}/settings`);
  await page.getByLabel(words.dealSources).scrollIntoViewIfNeeded();
  await shot("settings-deal-sources");
  await context.close();
}
// The manager's desk on a phone, a tablet and a desktop.
const managerProfiles = { ...profiles, tablet: { viewport: { width: 1024, height: 768 }, deviceScaleFactor: 2, hasTouch: true } };
for (const [name, options] of Object.entries(managerProfiles)) {
  const context = await browser.newContext({ ...options, locale: lang === "fa" ? "fa-IR" : "en-US" });
  const page = await context.newPage();
  const shot = async (label, fullPage = false) => {
    await page.waitForLoadState("load");
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${lang}-${name}-${label}.png`, fullPage });
  };
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel(words.email, { exact: true }).fill("manager@example.com");
  await page.getByLabel(words.password, { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: words.signIn, exact: true }).click();
  await page.waitForURL((url) => url.pathname.startsWith("/dashboard"));
  await page.request.post(`${base}/api/settings/language`, {
    data: { locale: lang }, headers: { origin: base, "content-type": "application/json" },
  });
  await page.goto(`${base}/dashboard?period=this_year`);
  await page.locator(".kpi").first().waitFor();
  await shot("dashboard");
  await shot("dashboard-full", true);
  await page.locator(".chart-table summary").click();
  await page.locator(".chart-table table").scrollIntoViewIfNeeded();
  await shot("dashboard-table");
  await page.goto(`${base}/dashboard?period=this_quarter`);
  await page.locator(".kpi").first().waitFor();
  await shot("dashboard-quarter-full", true);
  await page.goto(`${base}/deals?stalled=1`);
  await page.locator(".table-count").waitFor();
  await shot("deals-stalled");
  await page.goto(`${base}/settings/users`);
  await page.locator(".people").waitFor();
  await page.locator("summary.person-head").nth(1).click();
  await shot("users-full", true);
  {
    // Offline: the server's functions cut off, the Dashboard opened by its link is worked out
    // on the device (its basis was kept when the Dashboard was opened online above).
    await page.goto(`${base}/`);
    await page.waitForFunction(() => document.body.dataset.hydrated === "true");
    await context.route("**/api/**", (route) => route.abort());
    await page.locator("nav a[href='/dashboard']").first().click();
    await page.locator(".offline-note").waitFor();
    await shot("dashboard-offline");
    await context.unroute("**/api/**");
  }
  await context.close();
}
await browser.close();
console.log(`screenshots in ${out}/`);
