import { expect, test } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { hydrated, PASSWORD, unique } from "./helpers.mjs";
import { start, until } from "../processes.mjs";

// Several Hamrah servers share one SurrealDB server and hold nothing of their own: a save made
// through one reaches, live, a device connected to the other. The SurrealDB server is the real
// one, built from the crate registry by .ci/setup (`.ci/surrealdb`), on its on-disk engine.

const appPort = Number(process.env.HAMRAH_E2E_PORT ?? "3100");
const dbPort = appPort + 30;
const ports = [appPort + 31, appPort + 32];

async function signInAt(page, base, email) {
  await page.goto(`${base}/sign-in`);
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: /^(Today|Dashboard)$/, level: 1 })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: /Synced/ })).toBeVisible({ timeout: 30_000 });
}

test("two Hamrah servers on one SurrealDB server: a save on one appears live on a device of the other", async ({ browser }, info) => {
  test.skip(info.project.name !== "desktop", "one run drives both servers");
  const surreal = process.env.HAMRAH_SURREAL_BIN;
  test.skip(!surreal, "HAMRAH_SURREAL_BIN is not set (.ci/test builds the server and sets it)");
  expect(fs.existsSync(surreal), `${surreal} exists`).toBe(true);
  test.setTimeout(180_000);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hamrah-surreal-"));
  const children = [];
  const contexts = [];
  try {
    const db = start(surreal, ["start", "--no-banner"], {
      SURREAL_BIND: `127.0.0.1:${dbPort}`,
      SURREAL_USER: "root",
      SURREAL_PASS: "root-e2e",
      SURREAL_LOG: "warn",
      SURREAL_PATH: `surrealkv://${dir}/db`,
    });
    children.push(db);
    await until(`http://127.0.0.1:${dbPort}/health`, db);

    const hamrah = process.env.HAMRAH_BIN ?? "../target/debug/hamrah";
    const bases = [];
    for (const [i, port] of ports.entries()) {
      const server = start(hamrah, [], {
        HAMRAH_DB: `ws://127.0.0.1:${dbPort}`,
        HAMRAH_DB_USER: "root",
        HAMRAH_DB_PASS: "root-e2e",
        // The first seeds the demo organisation; the second finds it there.
        HAMRAH_DEMO: i === 0 ? "1" : "0",
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? "../target/site",
        LEPTOS_HASH_FILES: "true",
        RUST_LOG: "warn",
      });
      children.push(server);
      const base = `http://127.0.0.1:${port}`;
      await until(`${base}/readyz`, server);
      bases.push(base);
    }

    const [repBase, managerBase] = bases;
    contexts.push(await browser.newContext(), await browser.newContext());
    const rep = await contexts[0].newPage();
    const manager = await contexts[1].newPage();
    await signInAt(rep, repBase, "rep@example.com");
    await signInAt(manager, managerBase, "manager@example.com");
    await manager.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await expect(manager.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();

    // The rep saves a deal through the first server…
    const title = unique("Shared cold store");
    await rep.getByRole("navigation").getByRole("link", { name: "Pipeline" }).click();
    await rep.getByRole("link", { name: "New deal" }).click();
    await rep.getByLabel("Title", { exact: true }).fill(title);
    await rep.getByLabel("Value", { exact: true }).fill("7300");
    await rep.getByRole("button", { name: "Save" }).click();
    await expect(rep.getByRole("heading", { name: title, level: 1 })).toBeVisible();

    // …and the manager's board, open on the second, shows it without a reload.
    await expect(manager.getByRole("link", { name: title })).toBeVisible({ timeout: 15_000 });

    // The other way round: the manager changes the value on the second server; the rep's
    // page, open on the first, follows.
    await manager.getByRole("link", { name: title }).click();
    await expect(manager.getByRole("heading", { name: title, level: 1 })).toBeVisible();
    await manager.getByRole("link", { name: "Edit" }).first().click();
    await manager.getByLabel("Value", { exact: true }).fill("8100");
    await manager.getByRole("button", { name: "Save" }).click();
    await expect(manager.getByText("$8,100").first()).toBeVisible();
    await expect(rep.getByText("$8,100").first()).toBeVisible({ timeout: 15_000 });

    // The data lives in the database, not in either process: a fresh page on the second
    // server, rendered by the server alone, has the deal too.
    const html = await (await contexts[1].request.get(`${managerBase}${new URL(rep.url()).pathname}`)).text();
    expect(html).toContain(title);
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
    for (const child of children.reverse()) {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
