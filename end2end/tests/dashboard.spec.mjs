import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, hydrated, signIn, signOut } from "./helpers.mjs";

test("a manager lands on the Dashboard and changes its Period", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await hydrated(page);
  const won = page.locator(".kpi").filter({ has: page.getByRole("heading", { name: "Won" }) });
  await expect(won).toBeVisible();
  await expect(page.getByRole("img", { name: /Forecast by month in/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Funnel" })).toBeVisible();

  await page.getByLabel("Period", { exact: true }).selectOption({ label: "Last year" });
  await expect(page).toHaveURL(/period=last_year/);
  // Last year is twelve months of the demo's past: the forecast has a row for each.
  await page.getByText("Show as a table").click();
  await expect(page.locator(".chart-table tbody tr")).toHaveCount(12);
  await expect(won.locator(".kpi-sub").last()).not.toHaveText("0 deals");
  await expectNoSidewaysScroll(page);

  // The view is in the URL: opened again, it shows the same period.
  await page.reload();
  await expect(page.getByLabel("Period", { exact: true })).toHaveValue("last_year");

  // A custom range is checked before it is used.
  await hydrated(page);
  await page.getByLabel("Period", { exact: true }).selectOption({ label: "Custom range" });
  await page.getByLabel("First day", { exact: true }).fill("2026-06-30");
  await page.getByLabel("Last day", { exact: true }).fill("2026-06-01");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("The last day cannot come before the first.")).toBeVisible();
  await page.getByLabel("Last day", { exact: true }).fill("2026-09-30");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/period=custom&from=2026-06-30&to=2026-09-30/);
  await expect(page.getByText(/30 Jun 2026 – 30 Sep 2026/)).toBeVisible();
  await signOut(page);
});

test("a funnel segment opens the table of exactly its deals", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await page.goto("/dashboard?period=this_year");
  await hydrated(page);
  const funnel = page.getByRole("list", { name: "Funnel" });
  const qualified = funnel.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Qualified" }) });
  const count = Number(await qualified.locator(".bar-count").innerText());
  expect(count).toBeGreaterThan(0);
  await qualified.getByRole("link", { name: "Qualified" }).click();
  await expect(page).toHaveURL(/\/deals\?entered=/);
  await expect(page.getByRole("heading", { name: "Deals", level: 1 })).toBeVisible();
  await expect(page.locator(".table-count")).toHaveText(count === 1 ? "1 deal" : `${count.toLocaleString("en-US")} deals`);
  const rows = test.info().project.name === "phone" ? page.locator("ul.rows > li") : page.locator("table.deals tbody tr");
  await expect(rows).toHaveCount(Math.min(count, 50));
  await expectNoSidewaysScroll(page);
  await signOut(page);
});

test("an admin narrows the Dashboard to a Team and an Owner", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await hydrated(page);
  await page.getByLabel("Team", { exact: true }).selectOption({ label: "North" });
  await expect(page).toHaveURL(/team=/);
  await hydrated(page);
  await page.getByLabel("Owner", { exact: true }).selectOption({ label: "Reza Ahmadi" });
  await expect(page).toHaveURL(/owner=/);
  const activity = page.getByRole("table", { name: "Team activity" });
  await expect(activity.getByRole("rowheader")).toHaveText(["Reza Ahmadi"]);
  await signOut(page);
});

test("a rep keeps Today and has no Dashboard link", async ({ page }) => {
  await signIn(page, "rep@example.com");
  await expect(page.getByRole("heading", { name: "Today", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Dashboard" })).toHaveCount(0);
  await signOut(page);
});

test("the Dashboard in Persian reads right to left in Jalali months", async ({ page }) => {
  await page.goto("/sign-in");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill("manager@example.com");
  await page.getByLabel("Password", { exact: true }).fill("hamrah-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  const language = (locale) => page.request.post("/api/settings/language", {
    data: { locale },
    headers: { "content-type": "application/json", origin: new URL(page.url()).origin },
  });
  await language("fa");
  try {
    await persianDashboard(page);
  } finally {
    await language("en");
  }
});

async function persianDashboard(page) {
  await page.goto("/dashboard?period=this_year");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { name: "داشبورد", level: 1 })).toBeVisible();
  await page.getByText("نمایش به شکل جدول").click();
  // The Persian year starts in Farvardin, and its digits are Persian.
  await expect(page.locator(".chart-table tbody tr").first().getByRole("rowheader")).toHaveText(/^فروردین [۰-۹]{4}$/);
  await expectNoSidewaysScroll(page);
}
