import { chromium, expect, test } from "@playwright/test";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PASSWORD, hydrated, signIn } from "./helpers.mjs";

const appPort = Number(process.env.HAMRAH_E2E_PORT ?? "3100");
const launchArgs = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];

// A TCP relay the test can cut, so the phone really loses the server.
function relay(listenPort) {
  const sockets = new Set();
  let server;
  return {
    up: () =>
      new Promise((resolve) => {
        server = net.createServer((client) => {
          const upstream = net.connect(appPort, "127.0.0.1");
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
            s.on("error", () => {});
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(listenPort, "127.0.0.1", resolve);
      }),
    down: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}

test("pages run under the content security policy without a single refusal", async ({ page }) => {
  const refused = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
  });
  const answer = await page.goto("/sign-in");
  const policy = answer.headers()["content-security-policy"];
  expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(policy).not.toContain("script-src 'self' 'unsafe-inline'");
  await hydrated(page);
  await signIn(page, "rep@example.com");
  await page.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
  await expect(page.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();
  await page.goto("/companies");
  await hydrated(page);
  expect(refused).toEqual([]);
});

test("signing out offline ends the session on the server at the next contact", async ({}, info) => {
  test.skip(info.project.name !== "phone", "a phone losing its network");
  test.setTimeout(120_000);
  const port = appPort + 11;
  const link = relay(port);
  await link.up();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hamrah-signout-"));
  const phone = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: launchArgs,
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = phone.pages()[0] ?? (await phone.newPage());
    await signIn(page, "rep@example.com");
    const synced = page.getByRole("status").filter({ hasText: /Synced/ });
    await expect(synced).toBeVisible({ timeout: 30_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const session = (await phone.cookies()).find((c) => c.name === "hamrah_session")?.value;
    expect(session).toBeTruthy();

    await link.down();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    // Still offline, the app starts signed out, whatever the cookie says.
    await page.goto("/pipeline");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 20_000 });
    const me = () =>
      fetch(`http://127.0.0.1:${appPort}/api/auth/me`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", cookie: `hamrah_session=${session}` },
        body: "{}",
      }).then((r) => r.json());
    expect((await me())?.email).toBe("rep@example.com");

    // Back online: the first contact ends the session before anything else.
    await link.up();
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 20_000 });
    await expect.poll(me, { timeout: 15_000 }).toBeNull();
    expect(await page.evaluate(() => localStorage.getItem("hamrah_signed_out"))).toBeNull();
  } finally {
    await phone.close().catch(() => {});
    await link.down().catch(() => {});
  }
});

test("a user changes their password and signs out everywhere from Settings", async ({ browser }, info) => {
  test.skip(info.project.name !== "desktop", "two browsers of one user");
  const email = "manager@example.com";
  const strong = "north team ledger 2026";
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const page = await first.newPage();
    await signIn(page, email);
    const other = await second.newPage();
    await signIn(other, email);

    await page.getByRole("link", { name: "Settings" }).first().click();
    await hydrated(page);
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
    await expect(page.getByLabel("New password", { exact: true })).toBeFocused();
    await page.getByLabel("New password", { exact: true }).fill("1234567890");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("This is one of the passwords people use most")).toBeVisible();
    await page.getByLabel("Current password", { exact: true }).fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill(strong);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("That is not your current password.")).toBeVisible();
    await page.getByLabel("Current password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();

    // The other browser was signed out by the change.
    await other.goto("/pipeline");
    await expect(other.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 15_000 });
    // Typed into the server-drawn form before the app runs, the text would be lost.
    await hydrated(other);
    await other.getByLabel("Email", { exact: true }).fill(email);
    await other.getByLabel("Password", { exact: true }).fill(strong);
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect(other.getByRole("heading", { name: /^(Today|Dashboard)$/, level: 1 })).toBeVisible();

    // Put the demo password back, then end every session from the first browser.
    await page.getByLabel("Current password", { exact: true }).fill(strong);
    await page.getByLabel("New password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByLabel("Current password", { exact: true })).toHaveValue("");
    await expect(page.getByRole("status").filter({ hasText: "Password changed." })).toBeVisible();
    await other.reload();
    await expect(other.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 15_000 });
    await signIn(other, email);
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 15_000 });
    await other.reload();
    await expect(other.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 15_000 });
  } finally {
    await first.close();
    await second.close();
  }
});
