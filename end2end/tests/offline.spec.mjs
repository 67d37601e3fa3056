import { chromium, expect, test } from "@playwright/test";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PASSWORD, hydrated, unique } from "./helpers.mjs";

// The phone reaches the server only through this proxy; closing it cuts the network for
// real: pages, the service worker and sync all lose the server, not just navigator.onLine.
class Link {
  constructor(listenPort, targetPort) {
    this.listenPort = listenPort;
    this.targetPort = targetPort;
    this.sockets = new Set();
  }
  up() {
    return new Promise((resolve) => {
      this.server = net.createServer((client) => {
        const upstream = net.connect(this.targetPort, "127.0.0.1");
        for (const s of [client, upstream]) {
          this.sockets.add(s);
          s.on("close", () => this.sockets.delete(s));
          s.on("error", () => {});
        }
        client.pipe(upstream).pipe(client);
      });
      this.server.listen(this.listenPort, "127.0.0.1", resolve);
    });
  }
  down() {
    return new Promise((resolve) => {
      for (const s of this.sockets) s.destroy();
      this.sockets.clear();
      this.server.close(() => resolve());
    });
  }
}

const appPort = Number(process.env.HAMRAH_E2E_PORT ?? "3100");
const phonePort = appPort + 7;
const launchArgs = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync",
];
const phoneProfile = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function launchPhone(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: launchArgs,
    baseURL: `http://127.0.0.1:${phonePort}`,
    ...phoneProfile,
  });
}

async function signInOn(page, email) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
}

const status = (page) => page.getByRole("status").filter({ hasText: /Synced|Offline|pending|Syncing/ });

test("a rep works offline on a phone; both people's edits meet when the network returns", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  const link = new Link(phonePort, appPort);
  await link.up();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hamrah-phone-"));
  let phone = await launchPhone(dir);
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    // Online: the rep signs in; the app installs its worker and downloads the rep's data.
    let rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

    // A deal both will edit, made by the rep while online.
    const title = unique("Warehouse racks");
    await rep.getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: "New deal" }).click();
    await rep.getByLabel("Title", { exact: true }).fill(title);
    await rep.getByLabel("Value", { exact: true }).fill("4000");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 15_000 });
    const dealPath = new URL(rep.url()).pathname;

    const manager = await desk.newPage();
    await signInOn(manager, "manager@example.com");
    await manager.goto(dealPath);
    await expect(manager.getByRole("heading", { name: title, level: 1 })).toBeVisible();

    // The network goes; the phone's browser is closed and started again, with no network.
    await link.down();
    await phone.close();
    phone = await launchPhone(dir);
    rep = phone.pages()[0] ?? (await phone.newPage());
    await rep.goto(dealPath);
    await expect(rep.getByRole("heading", { name: title, level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(status(rep)).toContainText("Offline", { timeout: 20_000 });

    // Offline: rename the deal and create another.
    const renamed = `${title} (2 bays)`;
    await rep.getByRole("link", { name: "Edit" }).first().click();
    await rep.getByLabel("Title", { exact: true }).fill(renamed);
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Offline · 1 pending");
    const fresh = unique("Cold room");
    await rep.getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: "New deal" }).click();
    await rep.getByLabel("Title", { exact: true }).fill(fresh);
    await rep.getByLabel("Value", { exact: true }).fill("900");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: fresh, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Offline · 2 pending");

    // Meanwhile the manager, online, changes the same deal's value.
    await manager.getByRole("link", { name: "Edit" }).first().click();
    await manager.getByLabel("Value", { exact: true }).fill("5500");
    await manager.getByRole("button", { name: "Save" }).click();
    await expect(manager.getByText("$5,500")).toBeVisible();

    // The network returns. No reloads from here on.
    await link.up();
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: renamed }).first().click();
    await expect(rep.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();
    await expect(rep.getByText("$5,500")).toBeVisible();

    await expect(manager.getByRole("heading", { name: renamed, level: 1 })).toBeVisible({ timeout: 10_000 });
    await expect(manager.getByText("$5,500")).toBeVisible();
    await manager.getByRole("link", { name: "Pipeline" }).click();
    await expect(manager.getByRole("link", { name: fresh })).toBeVisible();
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});
