import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, hydrated, signIn, unique } from "./helpers.mjs";

async function newCompany(page, name, phone, email) {
  await page.goto("/companies/new");
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Phone", { exact: true }).fill(phone);
  if (email) await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
}

test("two companies found as duplicates are merged, with their contact, and the merge is undone", async ({ page }, info) => {
  test.skip(info.project.name.includes("phone"), "Duplicates and Merge are manager screens");
  const tag = unique("arya").replace(/[^a-z0-9]/gi, "");
  const digits = String(Date.now()).slice(-4);
  const first = `Arya Tile ${tag}`;
  const second = `Arya Tile ${tag} Ltd`;
  const person = `Leila Farahani ${tag}`;
  await signIn(page, "manager@example.com");
  await newCompany(page, first, `021 5550 ${digits}`, "");
  await newCompany(page, second, `+98 21 5550 ${digits}`, `sales.${tag}@arya.example`);
  const secondPath = new URL(page.url()).pathname;
  // A contact at the second one, which the merge is to move.
  await page.getByRole("link", { name: "New contact" }).click();
  await hydrated(page);
  await page.getByLabel("Name", { exact: true }).fill(person);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { name: person, level: 1 })).toBeVisible();

  await page.goto("/data/duplicates");
  await hydrated(page);
  const group = page.locator(".duplicate-group", { hasText: first });
  await expect(group).toContainText("same phone");
  await group.getByRole("link", { name: "Merge", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Merge duplicates", level: 1 })).toBeVisible();
  await hydrated(page);

  // The one with the contact is suggested to stay, its gaps filled from the other.
  const keepSecond = page.getByRole("radio", { name: `Keep this one ${second}`, exact: true });
  await expect(keepSecond).toBeChecked();
  await expect(page.getByText(`${first} goes to the Trash; nothing links to it.`)).toBeVisible();
  // Keeping the first instead: the contact will move to it, and it takes the other's e-mail.
  await page.getByRole("radio", { name: `Keep this one ${first}`, exact: true }).check();
  await expect(page.getByText(`${second} goes to the Trash, and what links to it moves to ${first}: 1 contact.`)).toBeVisible();
  await expect(page.getByRole("radio", { name: `sales.${tag}@arya.example` })).toBeChecked();
  await expect(page.getByRole("radio", { name: first, exact: true })).toBeChecked();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: `test-results/merge-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `Merged into ${first}.` })).toBeVisible();

  await page.getByRole("link", { name: `Open ${first}` }).click();
  await expect(page.getByRole("heading", { name: first, level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: `Email sales.${tag}@arya.example` })).toBeVisible();
  await expect(page.getByRole("link", { name: new RegExp(person) })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(".history")).toContainText(`merged ${second} into this`, { timeout: 20_000 });

  // A link to the other one leads on to where it went.
  await page.goto(secondPath);
  await hydrated(page);
  await expect(page.getByRole("status").filter({ hasText: `This record was merged into ${first}.` })).toBeVisible();
  await page.getByRole("link", { name: `Open ${first}` }).click();
  await expect(page.getByRole("heading", { name: first, level: 1 })).toBeVisible();

  // The Trash has the other one as merged; undoing it there brings it back with its contact.
  await page.goto("/settings/trash");
  await hydrated(page);
  const item = page.locator(".trash-item").filter({ hasText: second });
  await expect(item).toContainText(`Merged into ${first}`);
  await item.getByRole("button", { name: "Undo merge" }).click();
  await expect(item.getByRole("status")).toContainText("Restored.");
  await item.getByRole("link", { name: "Open" }).click();
  await expect(page.getByRole("heading", { name: second, level: 1 })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("link", { name: new RegExp(person) })).toBeVisible({ timeout: 20_000 });
  await page.goto("/companies");
  await hydrated(page);
  await page.getByLabel("Filter companies").fill(`Arya Tile ${tag}`);
  await expect(page.getByRole("link", { name: new RegExp(`^${first}`) })).toHaveCount(2);
});

test("two contacts of one name with two numbers are merged keeping both numbers", async ({ page }, info) => {
  test.skip(info.project.name.includes("phone"), "Duplicates and Merge are manager screens");
  const tag = unique("kaveh").replace(/[^a-z0-9]/gi, "");
  const digits = String(Date.now()).slice(-7);
  const name = `Kaveh Moradi ${tag}`;
  const mobile = `0912${digits}`;
  const office = `0218${digits}`;
  await signIn(page, "manager@example.com");
  for (const phone of [mobile, office]) {
    await page.goto("/contacts/new");
    await hydrated(page);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Phone", { exact: true }).first().fill(phone);
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  await page.goto("/data/duplicates");
  await hydrated(page);
  const group = page.locator(".duplicate-group", { hasText: name });
  await expect(group).toContainText("same name");
  await group.getByRole("link", { name: "Merge", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Merge duplicates", level: 1 })).toBeVisible();
  await hydrated(page);
  // Two numbers, and the one that stays has room for a second: both stay, by default.
  await expect(page.getByRole("radio", { name: /^Both: / })).toBeChecked();
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: `test-results/merge-both-${info.project.name}.png`, fullPage: true });
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `Merged into ${name}.` })).toBeVisible();
  await page.getByRole("link", { name: `Open ${name}` }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.locator(`a[href^="tel:"]`)).toHaveCount(2);
});
