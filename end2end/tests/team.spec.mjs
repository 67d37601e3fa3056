// Running the team: reassigning deals from the table, inviting a colleague whose link signs
// them in, deactivating a rep whose open session is then refused, and stalled deals.
import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, hydrated, signIn, signOut, unique } from "./helpers.mjs";

for (const [size, viewport] of [["desktop", null], ["tablet", { width: 1024, height: 768 }]]) {
  test(`a manager reassigns two deals from the table (${size})`, async ({ page }) => {
    test.skip(test.info().project.name === "phone", "phones get the compact list, without ticks");
    if (viewport) await page.setViewportSize(viewport);
    await signIn(page, "manager@example.com");
    await page.goto("/deals?outcome=open&sort=title");
    await hydrated(page);
    const rows = page.locator("table.deals tbody tr");
    await expect(rows.first()).toBeVisible();
    const titles = [await rows.nth(0).locator("th a").innerText(), await rows.nth(1).locator("th a").innerText()];
    const target = (await rows.nth(0).locator("td").nth(2).innerText()).includes("Reza Ahmadi") ? "Maryam Karimi" : "Reza Ahmadi";
    for (const title of titles) {
      await page.getByRole("checkbox", { name: `Select ${title}` }).check();
    }
    await expect(page.getByText("2 selected")).toBeVisible();
    await page.getByLabel("New owner").selectOption({ label: target });
    await page.getByRole("button", { name: "Reassign", exact: true }).click();
    await expect(page.getByText("2 deals changed.")).toBeVisible();
    for (const title of titles) {
      const row = rows.filter({ has: page.getByRole("link", { name: title, exact: true }) });
      await expect(row.locator("td").nth(2)).toHaveText(target);
    }
    // Each deal's history says who gave it to whom.
    await page.getByRole("link", { name: titles[0], exact: true }).click();
    await expect(page.getByText(new RegExp(`owner.*${target}`)).first()).toBeVisible();
    await expectNoSidewaysScroll(page);
    await signOut(page);
  });
}

test("the admin invites a colleague whose link signs them in and asks for a password", async ({ page, browser }) => {
  await signIn(page, "admin@example.com");
  await page.goto("/settings/users");
  await hydrated(page);
  const name = unique("Lale");
  const email = `${name.replace(/\W+/g, ".").toLowerCase()}@example.com`;
  await page.getByLabel("Name", { exact: true }).first().fill(name);
  await page.getByLabel("Email", { exact: true }).first().fill(email);
  await page.getByRole("button", { name: "Invite", exact: true }).click();
  const link = page.getByLabel("One-time sign-in link");
  await expect(link).toBeVisible();
  const address = await link.inputValue();
  expect(address).toMatch(/\/welcome\/[0-9a-f]{64}$/);
  await expect(page.locator(".person", { hasText: name }).getByText("Invited")).toBeVisible();
  await expectNoSidewaysScroll(page);

  const stranger = await browser.newContext({ viewport: page.viewportSize() });
  const newcomer = await stranger.newPage();
  await newcomer.goto(address);
  await hydrated(newcomer);
  await expect(newcomer.getByRole("heading", { name: `Welcome to Hamrah, ${name}` })).toBeVisible();
  await newcomer.getByLabel("New password").fill("short");
  await newcomer.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(newcomer.locator(".field-error", { hasText: /at least 10/i })).toBeVisible();
  await newcomer.getByLabel("New password").fill("a river of paper lanterns");
  await newcomer.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(newcomer.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
  // The link worked once.
  await newcomer.goto(address);
  await expect(newcomer.getByText("This link has been used already or has expired.", { exact: false })).toBeVisible();
  await stranger.close();
  await signOut(page);
});

/** A button the phone's bottom navigation may cover, pressed from the keyboard. */
async function press(button) {
  await button.focus();
  await button.press("Enter");
}

test("a deactivated rep's open session is refused at once", async ({ page, browser }) => {
  const theirs = await browser.newContext({ viewport: page.viewportSize() });
  const rep = await theirs.newPage();
  await signIn(rep, "rep2@example.com");
  await expect(rep.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();

  await signIn(page, "admin@example.com");
  await page.goto("/settings/users");
  await hydrated(page);
  await page.locator("summary", { hasText: "Sara Novak" }).click();
  await press(page.getByRole("button", { name: "Deactivate: Sara Novak" }));
  await expect(page.locator(".person", { hasText: "Sara Novak" }).getByText("Deactivated")).toBeVisible();

  const refused = await rep.request.post("/api/deals/board", {
    data: {},
    headers: { "content-type": "application/json", origin: new URL(rep.url()).origin },
  });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toBe("AccountClosed");
  await rep.goto("/");
  await expect(rep.getByRole("button", { name: "Sign in" })).toBeVisible();

  // Back again: reactivated, they sign in afresh.
  // Her entry stays open after the change, ready for the next step.
  const reactivate = page.getByRole("button", { name: "Reactivate: Sara Novak" });
  await expect(reactivate).toBeAttached();
  await press(reactivate);
  await expect(page.locator(".person", { hasText: "Sara Novak" }).getByText("Deactivated")).toHaveCount(0);
  await signIn(rep, "rep2@example.com");
  await theirs.close();
  await signOut(page);
});

test("stalled deals are marked, listed on the manager's Today and filtered in the table", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/");
  await hydrated(page);
  const stalled = page.locator("section", { has: page.getByRole("heading", { name: "Stalled", exact: true }) });
  await expect(stalled.getByRole("listitem").first()).toBeVisible();
  await page.goto("/dashboard");
  await hydrated(page);
  const panel = page.locator("section", { has: page.getByRole("heading", { name: /^Stalled/ }) });
  const count = Number(await panel.locator(".count-link").innerText());
  expect(count).toBeGreaterThan(0);
  await panel.locator(".count-link").click();
  await expect(page).toHaveURL(/stalled=1/);
  await expect(page.locator(".table-count")).toHaveText(count === 1 ? "1 deal" : `${count} deals`);
  await expect(page.getByRole("checkbox", { name: "Stalled" })).toBeChecked();
  await page.goto("/pipeline");
  await hydrated(page);
  await expect(page.locator(".card .stalled-mark").first()).toBeVisible();
  await expectNoSidewaysScroll(page);
  await signOut(page);
});
