import { expect, test } from "@playwright/test";
import { hydrated, signIn, signOut } from "./helpers.mjs";

test("an admin adds a stage to the pipeline and puts it in place", async ({ page }) => {
  await signIn(page, "admin@example.com");
  await page.getByRole("link", { name: "Settings" }).first().click();
  await expect(page.getByRole("heading", { name: "Pipeline stages" })).toBeVisible();
  await hydrated(page);
  const stageName = `Site survey ${test.info().project.name}`;

  await page.getByRole("button", { name: "Add stage" }).click();
  const added = page.getByRole("group", { name: "Stage 5" });
  await added.getByLabel("Name", { exact: true }).fill(stageName);
  await added.getByLabel("Probability", { exact: true }).fill("150");
  await page.getByRole("button", { name: "Save stages" }).click();
  await expect(added.getByText("Enter a number from 0 to 100.")).toBeVisible();
  await added.getByLabel("Probability", { exact: true }).fill("60");
  await page.getByRole("button", { name: `Move ${stageName} down` }).click();
  await expect(page.getByRole("group", { name: "Stage 6" }).getByLabel("Name", { exact: true })).toHaveValue(stageName);
  await page.getByRole("button", { name: `Move ${stageName} up` }).click();
  await page.getByRole("button", { name: `Move ${stageName} up` }).click();
  await expect(page.getByRole("group", { name: "Stage 4" }).getByLabel("Name", { exact: true })).toHaveValue(stageName);
  await expect(page.getByRole("button", { name: "Move Lost down" })).toBeDisabled();
  await page.getByRole("button", { name: "Save stages" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Pipeline saved." })).toBeVisible();

  await page.goto("/pipeline");
  await expect(page.getByRole("tab", { name: new RegExp(stageName) }).or(page.getByRole("heading", { name: stageName, level: 2 })).first()).toBeAttached();

  // Clean up so the other profile's run starts from the same pipeline.
  await page.goto("/settings");
  await hydrated(page);
  await page.getByRole("button", { name: `Remove ${stageName}` }).click();
  await page.getByRole("button", { name: "Save stages" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Pipeline saved." })).toBeVisible();
  await signOut(page);
});

test("a rep sees their profile but no pipeline editor", async ({ page }) => {
  await signIn(page, "rep@example.com");
  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Your profile" })).toBeVisible();
  await expect(page.getByText("rep@example.com")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Pipeline stages" })).toHaveCount(0);
});
