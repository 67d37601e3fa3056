import { chromium } from "playwright-core";
const base = process.argv[2], out = process.argv[3], lang = process.argv[4];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const profiles = { phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, tablet: { viewport: { width: 1024, height: 768 } }, desktop: { viewport: { width: 1440, height: 900 } } };
const w = { email: lang === "fa" ? "ایمیل" : "Email", password: lang === "fa" ? "گذرواژه" : "Password", signIn: lang === "fa" ? "ورود" : "Sign in" };
for (const [name, options] of Object.entries(profiles)) {
  const context = await browser.newContext({ ...options, locale: lang === "fa" ? "fa-IR" : "en-US" });
  const page = await context.newPage();
  const shot = async (label) => { await page.waitForLoadState("load"); await page.waitForTimeout(1200); await page.screenshot({ path: `${out}/${lang}-${name}-${label}.png`, fullPage: true }); };
  // Public pages first, signed in nowhere.
  await page.goto(`${base}/complaint`); await shot("complaint");
  await page.goto(`${base}/complaint/sent?reference=C-2026-0042&lang=${lang}`); await shot("complaint-sent");
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel(w.email, { exact: true }).fill("manager@example.com");
  await page.getByLabel(w.password, { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: w.signIn }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  await page.evaluate(async (lang) => {
    await fetch("/api/settings/language", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ locale: lang }) });
  }, lang);
  await page.goto(`${base}/cases?view=team`);
  await page.waitForSelector(".case-row, .empty", { timeout: 30000 });
  await shot("cases-team");
  await page.goto(`${base}/cases/figures`);
  await page.waitForSelector(".kpis", { timeout: 30000 });
  await shot("figures");
  await page.goto(`${base}/cases?view=team`);
  await page.waitForSelector(".case-row", { timeout: 30000 });
  await page.locator(".case-row a").nth(2).click();
  await page.waitForSelector("[data-testid=case-status]");
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await shot("case");
  await page.goto(`${base}/cases/new`); await page.waitForSelector("form"); await shot("case-new");
  await page.goto(`${base}/`); await page.waitForTimeout(1500); await shot("today");
  await context.close();
}
// The survey and the service desk settings, on a phone and a desktop.
for (const [name, options] of Object.entries({ phone: profiles.phone, desktop: profiles.desktop })) {
  const context = await browser.newContext({ ...options, locale: lang === "fa" ? "fa-IR" : "en-US" });
  const page = await context.newPage();
  const shot = async (label) => { await page.waitForLoadState("load"); await page.waitForTimeout(1200); await page.screenshot({ path: `${out}/${lang}-${name}-${label}.png`, fullPage: true }); };
  await page.goto(`${base}/sign-in`);
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.getByLabel(w.email, { exact: true }).fill("admin@example.com");
  await page.getByLabel(w.password, { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: w.signIn }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/sign-in"));
  await page.evaluate(async (lang) => {
    await fetch("/api/settings/language", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ locale: lang }) });
  }, lang);
  await page.goto(`${base}/settings/service`); await page.waitForSelector("form"); await shot("service-settings");
  await page.goto(`${base}/cases?view=team`);
  await page.waitForSelector(".case-row", { timeout: 30000 });
  await page.locator(".case-row a").first().click();
  await page.waitForSelector("[data-testid=case-status]");
  await page.waitForFunction(() => document.body.dataset.hydrated === "true");
  await page.locator(".case-moves button.primary").last().click();
  await page.waitForTimeout(1500);
  const make = page.locator(".survey-panel button");
  if (await make.count()) {
    await make.click();
    await page.waitForSelector("[data-testid=survey-link]");
    await shot("case-resolved");
    const link = await page.getByTestId("survey-link").inputValue();
    const fresh = await browser.newContext({ ...options, locale: lang === "fa" ? "fa-IR" : "en-US" });
    const survey = await fresh.newPage();
    await survey.goto(`${base}${new URL(link).pathname}`);
    await survey.waitForTimeout(1000);
    await survey.screenshot({ path: `${out}/${lang}-${name}-survey.png`, fullPage: true });
    await fresh.close();
  }
  await context.close();
}
await browser.close();
