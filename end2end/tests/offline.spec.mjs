import { chromium, expect, test } from "@playwright/test";
import net from "node:net";
import fs from "node:fs";
import os from "node:os";
import crypto from "node:crypto";
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

/** A persistent Chromium (its storage kept in `dir` across launches) reaching the app through
 * the link on `phonePort + offset`. */
async function launchPhone(dir, offset = 0, profile = phoneProfile) {
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: launchArgs,
    baseURL: `http://127.0.0.1:${phonePort + offset}`,
    ...profile,
  });
}

/** A phone (or, with its profile, a tablet) whose network can be cut: its own link to the app,
 * and a fresh Chromium behind it. */
async function phoneBehindLink(offset = 0, profile = phoneProfile) {
  const link = new Link(phonePort + offset, appPort);
  await link.up();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hamrah-phone-"));
  return { link, dir, phone: await launchPhone(dir, offset, profile) };
}

async function signInOn(page, email) {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /^(Today|Dashboard)$/, level: 1 })).toBeVisible();
}

const status = (page) => page.getByRole("status").filter({ hasText: /Synced|Offline|pending|Syncing/ });

// How many values each store of the device's copy holds.
const stored = (page) =>
  page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("hamrah");
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const count = (store) =>
      new Promise((resolve) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
      });
    const counts = { rows: await count("rows"), snapshot: await count("snapshot"), outbox: await count("outbox") };
    db.close();
    return counts;
  });

test("a rep works offline on a phone; both people's edits meet when the network returns", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  let { link, dir, phone } = await phoneBehindLink();
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    // Online: the rep signs in; the app installs its worker and downloads the rep's data.
    let rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    // The first download was stored once, as one value, not row by row.
    expect((await stored(rep)).snapshot).toBe(1);

    // A deal both will edit, made by the rep while online.
    const title = unique("Warehouse racks");
    await rep.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
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

    // A record the device does not hold may be one it does not keep (a deal won years ago):
    // offline it says so, rather than that the record does not exist.
    await rep.goto(`/deals/${crypto.randomUUID()}`);
    await expect(rep.getByRole("alert")).toContainText("Not on this device — shown when online", { timeout: 20_000 });
    await rep.goto(dealPath);
    await expect(rep.getByRole("heading", { name: title, level: 1 })).toBeVisible({ timeout: 20_000 });

    // Offline: rename the deal and create another.
    const renamed = `${title} (2 bays)`;
    await rep.getByRole("link", { name: "Edit" }).first().click();
    await rep.getByLabel("Title", { exact: true }).fill(renamed);
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Offline · 1 pending");
    const fresh = unique("Cold room");
    await rep.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: "New deal" }).click();
    await rep.getByLabel("Title", { exact: true }).fill(fresh);
    await rep.getByLabel("Value", { exact: true }).fill("900");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: fresh, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Offline · 2 pending");
    // Signing out now would lose them: the app asks first, and staying keeps everything.
    let warning = "";
    rep.once("dialog", (dialog) => {
      warning = dialog.message();
      dialog.dismiss();
    });
    await rep.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => warning).toContain("2 changes made on this device are not synced yet");
    await expect(status(rep)).toHaveText("Offline · 2 pending");

    // Meanwhile the manager, online, changes the same deal's value.
    await manager.getByRole("link", { name: "Edit" }).first().click();
    await manager.getByLabel("Value", { exact: true }).fill("5500");
    await manager.getByRole("button", { name: "Save" }).click();
    await expect(manager.getByText("$5,500").first()).toBeVisible();

    // The network returns. No reloads from here on.
    await link.up();
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: renamed }).first().click();
    await expect(rep.getByRole("heading", { name: renamed, level: 1 })).toBeVisible();
    await expect(rep.getByText("$5,500").first()).toBeVisible();

    await expect(manager.getByRole("heading", { name: renamed, level: 1 })).toBeVisible({ timeout: 10_000 });
    await expect(manager.getByText("$5,500").first()).toBeVisible();
    await manager.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await expect(manager.getByRole("link", { name: fresh })).toBeVisible();

    // Signing out leaves nothing of the rep on the phone.
    await rep.getByRole("button", { name: "Sign out" }).click();
    await expect(rep.getByRole("button", { name: "Sign in" })).toBeVisible();
    const left = await stored(rep);
    expect(left).toEqual({ rows: 0, snapshot: 0, outbox: 0 });
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});

test("a case logged offline from a company page syncs and is numbered when the network returns", async ({}, info) => {
  test.skip(info.project.name !== "phone", "a phone's test");
  test.setTimeout(150_000);
  const { link, phone } = await phoneBehindLink();
  try {
    const rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    // Online once: the queue and the form (their code is kept for offline use).
    await rep.getByRole("navigation").getByRole("link", { name: "Cases" }).click();
    await expect(rep.getByRole("heading", { name: "Cases", level: 1 })).toBeVisible();
    await rep.getByRole("link", { name: "New case" }).click();
    await expect(rep.getByRole("heading", { name: "New case", level: 1 })).toBeVisible();
    await rep.getByRole("navigation").getByRole("link", { name: "Companies" }).click();
    await rep.locator(".rows .row-link").first().click();
    await expect(rep.getByRole("link", { name: "Log a case" })).toBeVisible({ timeout: 20_000 });

    // The network goes (the app learns it at its next request); two taps and a subject log
    // the case on the device.
    await link.down();
    await rep.getByRole("link", { name: "Log a case" }).click();
    const subject = unique("Damaged pallet");
    await rep.getByLabel("Subject", { exact: true }).fill(subject);
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: subject, level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(rep.getByTestId("case-reference")).toHaveText("Numbered when it reaches the server");
    await expect(status(rep)).toContainText("1 pending", { timeout: 30_000 });

    // Back online: it is pushed, numbered by the server, and the page shows the number.
    await link.up();
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await expect(rep.getByTestId("case-reference")).toHaveText(/^C-\d{4}-\d{4}$/, { timeout: 30_000 });
  } finally {
    await phone.close();
    await link.down().catch(() => {});
  }
});

test("a change the server refuses waits under Sync issues with its reason", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  const { link, phone } = await phoneBehindLink(1);
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const admin = await desk.newPage();
    await signInOn(admin, "admin@example.com");
    const api = async (endpoint, body) => {
      const res = await admin.request.post(`/api/${endpoint}`, { data: body, headers: { origin: `http://127.0.0.1:${appPort}` } });
      expect(res.ok(), `${endpoint}: ${await res.text()}`).toBeTruthy();
      return res.json();
    };
    // Every field of a stage, so putting the pipeline back leaves it as it was (days until
    // stalled included: later tests count on the demo's stalled deals).
    const stages = (pipeline) =>
      pipeline.stages.map((s) => ({
        id: s.id,
        name: s.name,
        probability: String(s.probability),
        outcome: s.outcome,
        stall_days: s.stall_days == null ? "" : String(s.stall_days),
      }));
    const current = await api("pipeline/get", {});
    const demo = { id: crypto.randomUUID(), name: "Demo booked", probability: "30", outcome: "open" };
    await api("pipeline/save", { stages: [...stages(current).slice(0, 2), demo, ...stages(current).slice(2)] });

    const rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    const title = unique("Showroom lights");
    await rep.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: "New deal" }).click();
    await rep.getByLabel("Title", { exact: true }).fill(title);
    await rep.getByLabel("Value", { exact: true }).fill("700");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 15_000 });

    // Offline, the rep moves the deal to the new stage; meanwhile the admin removes it.
    await link.down();
    await rep.getByRole("link", { name: "Edit" }).first().click();
    await rep.getByLabel("Stage", { exact: true }).selectOption({ label: "Demo booked" });
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByTestId("deal-stage")).toContainText("Demo booked");
    await expect(status(rep)).toHaveText("Offline · 1 pending", { timeout: 20_000 });
    await api("pipeline/save", { stages: stages(current) });

    await link.up();
    await expect(status(rep)).toHaveText("Synced · 1 to check", { timeout: 30_000 });
    await expect(rep.getByTestId("deal-stage")).toContainText("Lead");
    await rep.getByRole("link", { name: /^Sync: .*1 to check/ }).click();
    const issue = rep.getByRole("listitem").filter({ hasText: title });
    await expect(issue).toContainText("Not saved");
    await expect(issue).toContainText("Choose a stage of this pipeline.");
    await issue.getByRole("button", { name: "Discard" }).click();
    await expect(rep.getByText("Nothing to check: every change made here was saved.")).toBeVisible();
    await expect(status(rep)).toHaveText("Synced");
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});

test("Chromium finds the app installable: manifest, icons and an offline-capable worker", async ({}, info) => {
  test.skip(info.project.name !== "phone", "a property of the site, checked once");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hamrah-install-"));
  // Installability is never reported for incognito contexts, so use a real profile.
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: launchArgs,
    baseURL: `http://127.0.0.1:${appPort}`,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto("/sign-in");
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    expect(installabilityErrors).toEqual([]);
    const { errors, url } = await cdp.send("Page.getAppManifest");
    expect(errors).toEqual([]);
    expect(url).toContain("/manifest.webmanifest");
    const worker = await page.request.get("/sw.js");
    expect(worker.headers()["cache-control"]).toBe("no-cache");
  } finally {
    await context.close();
  }
});

test("with two tabs open, one syncs and both show the same data and status", async ({ browser }, info) => {
  test.skip(info.project.name !== "desktop", "tabs are a desktop habit");
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const first = await context.newPage();
    await signInOn(first, "rep@example.com");
    await expect(status(first)).toHaveText("Synced", { timeout: 30_000 });
    const second = await context.newPage();
    await second.goto("/pipeline");
    await hydrated(second);
    await expect(status(second)).toHaveText("Synced", { timeout: 30_000 });

    // Only the tab holding the lock talks to the sync endpoints.
    const pulls = { first: 0, second: 0 };
    first.on("request", (r) => r.url().includes("/api/sync/pull") && pulls.first++);
    second.on("request", (r) => r.url().includes("/api/sync/pull") && pulls.second++);

    // A deal saved in the second tab is pushed by the first and shows in both.
    const title = unique("Two tabs");
    await second.getByRole("link", { name: "New deal" }).click();
    await second.getByLabel("Title", { exact: true }).fill(title);
    await second.getByLabel("Value", { exact: true }).fill("300");
    await second.getByRole("button", { name: "Save" }).click();
    await expect(second.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await expect(status(second)).toHaveText("Synced", { timeout: 15_000 });
    await first.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await expect(first.getByRole("link", { name: title })).toBeVisible({ timeout: 15_000 });
    expect(pulls.first).toBeGreaterThan(0);
    expect(pulls.second).toBe(0);
  } finally {
    await context.close();
  }
});

test("a manager's Dashboard and its table are worked out on the tablet when the network is gone", async ({}, info) => {
  test.skip(info.project.name !== "phone", "one run drives a tablet of its own");
  test.setTimeout(180_000);
  const { link, phone: tablet } = await phoneBehindLink(2, { viewport: { width: 1024, height: 768 }, hasTouch: true });
  try {
    const page = tablet.pages()[0] ?? (await tablet.newPage());
    await signInOn(page, "manager@example.com");
    await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
    await expect(status(page)).toHaveText("Synced", { timeout: 30_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await page.goto("/dashboard?period=this_quarter");
    await hydrated(page);
    // The basis for working figures out offline is kept with the device's copy.
    await expect
      .poll(
        () =>
          page.evaluate(async () => {
            const db = await new Promise((resolve) => {
              const open = indexedDB.open("hamrah");
              open.onsuccess = () => resolve(open.result);
            });
            return new Promise((resolve) => {
              const request = db.transaction("meta").objectStore("meta").get("basis");
              request.onsuccess = () => resolve(Boolean(request.result && request.result !== "null"));
            });
          }),
        { timeout: 15_000 },
      )
      .toBe(true);
    const kpis = page.locator(".kpis");
    const online = await kpis.textContent();
    const funnel = page.getByRole("list", { name: "Funnel" });
    const online_funnel = await funnel.textContent();
    expect(online).toContain("deals");

    await link.down();
    await page.reload();
    await expect(page.getByText(/^Offline: these figures were worked out on this device/)).toBeVisible({ timeout: 20_000 });
    await expect(kpis).toHaveText(online);
    await expect(funnel).toHaveText(online_funnel);
    await page.screenshot({ path: info.outputPath("dashboard-offline.png") });

    // A figure opens its deals, from the device's copy too, with the same count.
    const qualified = funnel.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Qualified" }) });
    const count = Number(await qualified.locator(".bar-count").innerText());
    await qualified.getByRole("link", { name: "Qualified" }).click();
    await expect(page.getByText(/^Offline: these deals are from this device's copy/)).toBeVisible({ timeout: 20_000 });
    await expect(page.locator(".table-count")).toHaveText(count === 1 ? "1 deal" : `${count.toLocaleString("en-US")} deals`);
    await page.screenshot({ path: info.outputPath("dashboard-offline-table.png") });
  } finally {
    await tablet.close().catch(() => {});
    await link.down().catch(() => {});
  }
});

test("a contact deleted offline that a manager changed meanwhile can be restored from Sync issues", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  const { link, phone } = await phoneBehindLink(2);
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    const name = unique("Kian Tehrani");
    await rep.getByRole("navigation").getByRole("link", { name: "Contacts" }).click();
    await rep.getByRole("link", { name: "New contact" }).click();
    await hydrated(rep);
    await rep.getByLabel("Name", { exact: true }).fill(name);
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 20_000 });
    const contactPath = new URL(rep.url()).pathname;

    // Offline, the rep deletes the contact; meanwhile their manager gives it a title.
    await link.down();
    await rep.getByRole("button", { name: "Delete", exact: true }).click();
    await rep.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect(rep.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
    await expect(rep.getByRole("link", { name })).toHaveCount(0);
    await expect(status(rep)).toContainText("1 pending", { timeout: 30_000 });

    const manager = await desk.newPage();
    await signInOn(manager, "manager@example.com");
    // The manager's device holds its copy before the edit, as a desk that has been open does
    // (an edit saved during the very first download can find the record not there yet).
    await expect(status(manager)).toHaveText("Synced", { timeout: 30_000 });
    await manager.goto(`${contactPath}/edit`);
    await hydrated(manager);
    await manager.getByLabel("Job title", { exact: true }).fill("Head of purchasing");
    await manager.getByRole("button", { name: "Save" }).click();
    await expect(manager.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(manager.getByText("Head of purchasing").first()).toBeVisible();
    await expect(status(manager)).toHaveText("Synced", { timeout: 20_000 });

    // Back online: the delete is made, and the rep is shown what they deleted unseen.
    await link.up();
    await expect(status(rep)).toHaveText("Synced · 1 to check", { timeout: 30_000 });
    await rep.getByRole("link", { name: /^Sync: .*1 to check/ }).click();
    const issue = rep.getByRole("listitem").filter({ hasText: name });
    await expect(issue).toContainText("You deleted this, but someone had changed it since you last saw it.");
    await expect(issue).toContainText("Head of purchasing");
    await issue.getByRole("button", { name: "Restore" }).click();
    await expect(rep.getByText("Nothing to check: every change made here was saved.")).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 20_000 });
    await rep.goto(contactPath);
    await expect(rep.getByRole("heading", { name, level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(rep.getByText("Head of purchasing").first()).toBeVisible();
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});

test("a manager's offline edit of a contact the rep deleted meanwhile is restored with the edit", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  const { link, phone } = await phoneBehindLink(3);
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    // The rep makes a contact at their desk.
    const rep = await desk.newPage();
    await signInOn(rep, "rep@example.com");
    const name = unique("Parisa Ahmadi");
    await rep.goto("/contacts/new");
    await hydrated(rep);
    await rep.getByLabel("Name", { exact: true }).fill(name);
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 20_000 });
    const contactPath = new URL(rep.url()).pathname;

    // Their manager's phone has it; offline, the manager gives it a title.
    const manager = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(manager, "manager@example.com");
    await expect(status(manager)).toHaveText("Synced", { timeout: 30_000 });
    // Online once: the contact's page and its form (their code is kept for offline use).
    await manager.goto(contactPath);
    await expect(manager.getByRole("heading", { name, level: 1 })).toBeVisible({ timeout: 20_000 });
    await hydrated(manager);
    await manager.getByRole("link", { name: "Edit" }).first().click();
    await expect(manager.getByLabel("Job title", { exact: true })).toBeVisible();
    await link.down();
    await manager.getByLabel("Job title", { exact: true }).fill("Buyer");
    await manager.getByRole("button", { name: "Save" }).click();
    await expect(manager.getByRole("heading", { name, level: 1 })).toBeVisible();
    await expect(status(manager)).toContainText("1 pending", { timeout: 30_000 });

    // Meanwhile the rep deletes it.
    await rep.reload();
    await hydrated(rep);
    await rep.getByRole("button", { name: "Delete", exact: true }).click();
    await rep.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect(rep.getByRole("heading", { name: "Contacts", level: 1 })).toBeVisible();
    await expect(status(rep)).toHaveText("Synced", { timeout: 20_000 });

    // Back online: the edit is answered "deleted"; Restore brings the contact back with it.
    await link.up();
    await expect(status(manager)).toHaveText("Synced · 1 to check", { timeout: 30_000 });
    await manager.getByRole("link", { name: /^Sync: .*1 to check/ }).click();
    const issue = manager.getByRole("listitem").filter({ hasText: name });
    await expect(issue).toContainText("This record was deleted. It is in the Trash.");
    await issue.getByRole("button", { name: "Restore" }).click();
    await expect(manager.getByText("Nothing to check: every change made here was saved.")).toBeVisible();
    await expect(status(manager)).toHaveText("Synced", { timeout: 30_000 });
    await manager.goto(contactPath);
    await expect(manager.getByRole("heading", { name, level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(manager.getByText("Buyer").first()).toBeVisible();
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});

test("a company the rep edited offline is merged meanwhile: the edit lands on the company that stays", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one run drives both a phone and a desktop");
  test.setTimeout(180_000);
  const { link, phone } = await phoneBehindLink(4);
  const desk = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const rep = phone.pages()[0] ?? (await phone.newPage());
    await signInOn(rep, "rep@example.com");
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    const tag = unique("tabriz").replace(/[^a-z0-9]/gi, "");
    const digits = String(Date.now()).slice(-4);
    const ids = {};
    for (const [key, name, phoneNumber] of [
      ["keep", `Tabriz Carpet ${tag}`, `041 3333 ${digits}`],
      ["gone", `Tabriz Carpet ${tag} Ltd`, `+98 41 3333 ${digits}`],
    ]) {
      await rep.goto("/companies/new");
      await hydrated(rep);
      await rep.getByLabel("Name", { exact: true }).fill(name);
      await rep.getByLabel("Phone", { exact: true }).fill(phoneNumber);
      await rep.getByRole("button", { name: "Save" }).click();
      await expect(rep.getByRole("heading", { name, level: 1 })).toBeVisible();
      ids[key] = new URL(rep.url()).pathname.split("/").pop();
    }
    await expect(status(rep)).toHaveText("Synced", { timeout: 20_000 });

    // Offline, the rep gives the "Ltd" one an address.
    await link.down();
    await rep.getByRole("link", { name: "Edit", exact: true }).click();
    await hydrated(rep);
    await rep.getByLabel("Address", { exact: true }).fill("Tabriz, Imam St 5");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByText("Tabriz, Imam St 5").first()).toBeVisible();
    await expect(status(rep)).toContainText("1 pending", { timeout: 30_000 });

    // Meanwhile their manager merges it into the other one.
    const manager = await desk.newPage();
    await signInOn(manager, "manager@example.com");
    await manager.goto(`/data/duplicates/merge?kind=company&a=${ids.keep}&b=${ids.gone}`);
    await hydrated(manager);
    await manager.getByRole("radio", { name: `Keep this one Tabriz Carpet ${tag}`, exact: true }).check();
    await manager.getByRole("button", { name: "Merge", exact: true }).click();
    await expect(manager.getByRole("status").filter({ hasText: `Merged into Tabriz Carpet ${tag}.` })).toBeVisible();

    // Back online: the edit is saved, on the company that stays, and the other is gone.
    await link.up();
    await expect(status(rep)).toHaveText("Synced", { timeout: 30_000 });
    await rep.goto(`/companies/${ids.keep}`);
    await expect(rep.getByRole("heading", { name: `Tabriz Carpet ${tag}`, level: 1 })).toBeVisible({ timeout: 20_000 });
    await expect(rep.getByText("Tabriz, Imam St 5").first()).toBeVisible();
    await rep.goto("/companies");
    await hydrated(rep);
    await rep.getByRole("searchbox", { name: "Filter companies" }).fill(tag);
    await expect(rep.getByRole("link", { name: new RegExp(`Tabriz Carpet ${tag}`) })).toHaveCount(1);
  } finally {
    await phone.close().catch(() => {});
    await desk.close();
    await link.down().catch(() => {});
  }
});
