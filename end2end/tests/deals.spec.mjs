import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, hydrated, PASSWORD, signIn, signOut, unique } from "./helpers.mjs";

test("a rep creates a deal, moves it a stage, and only the right people can see it", async ({ page }, info) => {
  const title = unique("Fleet renewal");
  await signIn(page, "rep@example.com");
  await expectNoSidewaysScroll(page);

  await page.getByRole("link", { name: "Pipeline" }).click();
  await expect(page.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "New deal" }).click();
  await hydrated(page);
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Value", { exact: true }).fill("12,500");
  await page.getByLabel("Currency", { exact: true }).selectOption("EUR");
  await page.getByLabel("Stage", { exact: true }).selectOption({ label: "Lead" });
  await page.getByLabel("Company", { exact: true }).selectOption({ index: 1 });
  await page.getByLabel("Expected close", { exact: true }).fill("2026-12-24");
  await page.getByLabel("Next step", { exact: true }).fill("Send the proposal");
  await page.getByRole("button", { name: "Save" }).click();

  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("deal-stage")).toContainText("Lead");
  await expect(page.getByText("€12,500")).toBeVisible();
  const dealUrl = page.url();

  await page.getByRole("link", { name: "Pipeline" }).first().click();
  await hydrated(page);
  if (info.project.name === "desktop") {
    // The kanban board: drag the card into the next column.
    const card = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: title, exact: true }) });
    const qualified = page.getByRole("region", { name: "Qualified" });
    await expect(card).toBeVisible();
    // Grab the card by its edge and drop it on the column's heading, as a person would.
    await card.dragTo(qualified, { sourcePosition: { x: 8, y: 8 }, targetPosition: { x: 40, y: 30 } });
    await expect(qualified.getByRole("link", { name: title })).toBeVisible();
  } else {
    // The phone: one stage at a time, and a one-tap move on the card.
    await expect(page.getByRole("tab", { name: /Lead/ })).toHaveAttribute("aria-selected", "true");
    await expectNoSidewaysScroll(page);
    await page.getByRole("button", { name: `Move ${title} to Qualified` }).click();
    await page.getByRole("tab", { name: /Qualified/ }).click();
    await expect(page.getByRole("region", { name: "Qualified" }).getByRole("link", { name: title })).toBeVisible();
  }

  await page.goto(dealUrl);
  await expect(page.getByTestId("deal-stage")).toContainText("Qualified");
  await expect(page.getByRole("list").filter({ hasText: "changed stage" })).toContainText("Lead");
  await page.reload();
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByTestId("deal-stage")).toContainText("Qualified");
  await signOut(page);

  await signIn(page, "manager@example.com");
  await page.goto(dealUrl);
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit" })).toBeVisible();
  await signOut(page);

  await signIn(page, "rep2@example.com");
  await page.goto("/pipeline");
  await expect(page.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);
  await page.goto(dealUrl);
  await expect(page.getByRole("alert")).toContainText("does not exist, or you cannot see it");
  await expect(page.getByRole("heading", { name: title })).toHaveCount(0);
});

test("bad input is explained next to the field and nothing is saved", async ({ page }) => {
  const title = unique("Negative deal");
  await signIn(page, "rep@example.com");
  await page.goto("/deals/new");
  await hydrated(page);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#title-error")).toHaveText("This field is required.");
  await expect(page.getByLabel("Title", { exact: true })).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Value", { exact: true }).fill("-500");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#value-error")).toHaveText("The value can't be negative.");
  await expect(page.locator("#title-error")).toHaveText("");
  await expect(page.getByRole("heading", { name: "New deal", level: 1 })).toBeVisible();

  await page.getByLabel("Stage", { exact: true }).selectOption({ label: "Lost" });
  await page.getByLabel("Value", { exact: true }).fill("500");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("#lost_reason-error")).toHaveText("Say why the deal was lost.");

  await page.goto("/pipeline");
  await expect(page.getByRole("heading", { name: "Pipeline", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: title })).toHaveCount(0);
});

test("a wrong password is refused with a message and no session", async ({ page }) => {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill("rep@example.com");
  await page.getByLabel("Password", { exact: true }).fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("don't match an account");
  await page.goto("/pipeline");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("what is typed into the page before the app has started is kept", async ({ page }) => {
  // The page is drawn and usable before its wasm arrives: hold the wasm back until the
  // email is typed, so hydration happens after it.
  let release;
  const typed = new Promise((resolve) => (release = resolve));
  await page.route(/\.wasm$/, async (route) => {
    await typed;
    await route.continue();
  });
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill("rep@example.com");
  release();
  await hydrated(page);
  await expect(page.getByLabel("Email", { exact: true })).toHaveValue("rep@example.com");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
});

test("a stage with more deals than one page shows them a page at a time, with whole counts", async ({ page }) => {
  await signIn(page, "rep2@example.com");
  // 55 deals in Lead, pushed as a device of the rep's would push them.
  const origin = new URL(page.url()).origin;
  const { stages } = await (await page.request.post("/api/pipeline/get", { data: {}, headers: { origin } })).json();
  const client = crypto.randomUUID();
  const batch = unique("Paged");
  const mutations = Array.from({ length: 55 }, (_, i) => ({
    id: i + 1,
    mutation: {
      table: "deal", id: crypto.randomUUID(), base: null,
      clock: `${String(Date.now()).padStart(15, "0")}-${String(i).padStart(6, "0")}-${client}`,
      fields: { title: `${batch} ${i}`, value: "100", currency: "USD", stage: stages[0].id, company: "", contact: "", expected_close: "", next_step: "", lost_reason: "" },
    },
  }));
  const pushed = await page.request.post("/api/sync/push", { data: { request: { client, mutations } }, headers: { origin } });
  expect(pushed.ok(), await pushed.text()).toBeTruthy();
  expect((await pushed.json()).every((a) => a.outcome.status === "applied")).toBeTruthy();

  await page.getByRole("link", { name: "Pipeline" }).first().click();
  await hydrated(page);
  const lead = page.getByRole("region", { name: "Lead" });
  // The pushed deals reach this device by its next sync.
  const count = async () => Number(((await lead.getByText(/^\d+ deals$/).textContent()) ?? "").match(/\d+/)?.[0] ?? 0);
  await expect.poll(count, { timeout: 15_000 }).toBeGreaterThanOrEqual(55);
  const total = await count();
  await expect(lead.getByRole("listitem")).toHaveCount(50);
  const more = lead.getByRole("button", { name: /^Show \d+ more$/ });
  await expect(more).toHaveText(`Show ${Math.min(total - 50, 50)} more`);
  for (let shown = 50; shown < total; shown += 50) {
    await more.click();
    await expect(lead.getByRole("listitem")).toHaveCount(Math.min(total, shown + 50));
  }
  await expect(more).toHaveCount(0);
  await expectNoSidewaysScroll(page);
});
