import { expect } from "@playwright/test";

export const PASSWORD = "hamrah-demo";

export async function signIn(page, email) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /^(Today|Dashboard)$/, level: 1 })).toBeVisible();
}

/** Signs in from a browser that speaks Persian (the context's locale is fa-IR). */
export async function signInInPersian(page, email) {
  await page.goto("/sign-in");
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByLabel("ایمیل", { exact: true }).fill(email);
  await page.getByLabel("گذرواژه", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "ورود", exact: true }).click();
  await expect(page.getByRole("heading", { name: "امروز", level: 1 })).toBeVisible();
}

export async function signOut(page) {
  // A page just loaded shows its server-drawn button before the app can act on a click.
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}

/** Waits until the wasm has hydrated the page, so clicks reach Rust event handlers. */
export async function hydrated(page) {
  await page.waitForFunction(
    () => document.body.dataset.hydrated === "true" || document.body.dataset.panic !== undefined,
    null,
    { timeout: 30_000 },
  );
  const panic = await page.evaluate(() => document.body.dataset.panic);
  expect(panic, "the app panicked while starting").toBeUndefined();
}

export function unique(prefix) {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** The page must not scroll sideways. */
export async function expectNoSidewaysScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** Every visible control is at least 44 × 44 px, a fingertip. */
export async function expectTouchTargets(page, where) {
  const small = await page.evaluate(() => {
    const controls = document.querySelectorAll("nav a, nav button, .button, button, .action-link, .row-link, input:not([type=checkbox]), select, .done-hit, .back-link");
    return [...controls]
      .filter((el) => el.offsetParent !== null)
      .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height, w: el.getBoundingClientRect().width }))
      .filter((c) => c.h < 44 || c.w < 44);
  });
  expect(small, `small touch targets on ${where}`).toEqual([]);
}
