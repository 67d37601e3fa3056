import { expect, test } from "@playwright/test";
import { expectNoSidewaysScroll, hydrated, signIn, unique } from "./helpers.mjs";

// The bytes Windows-1256 gives the letters below (Excel's "CSV" on a Persian Windows, which
// writes the Arabic yeh and kaf where Persian has its own).
const CP1256 = {
  "\u0627": 0xc7, "\u0628": 0xc8, "\u062a": 0xca, "\u062f": 0xcf, "\u0631": 0xd1, "\u0632": 0xd2,
  "\u0633": 0xd3, "\u0634": 0xd4, "\u0636": 0xd6, "\u0641": 0xdd, "\u0643": 0xdf, "\u0644": 0xe1,
  "\u0645": 0xe3, "\u0646": 0xe4, "\u0647": 0xe5, "\u0648": 0xe6, "\u064a": 0xed, "\u067e": 0x81,
  "\u06af": 0x90, "\u200c": 0x9d,
};

function windows1256(text) {
  const arabic = text.replaceAll("ی", "\u064a").replaceAll("ک", "\u0643");
  return Buffer.from(
    [...arabic].map((c) => {
      if (c.charCodeAt(0) < 128) return c.charCodeAt(0);
      if (!(c in CP1256)) throw new Error(`no byte for ${c}`);
      return CP1256[c];
    }),
  );
}

test("a Persian spreadsheet's CSV is checked, imported with a progress bar, and undone", async ({ page }, info) => {
  test.skip(info.project.name.includes("phone"), "Import is a desktop and tablet screen");
  const tag = unique("imp").replace(/[^a-z0-9]/gi, "");
  const file = windows1256(
    "نام;تلفن همراه;ایمیل;شرکت\r\n" +
      `رضا پاکزاد ${tag};09121234567;reza.${tag}@example.ir;بازرگانی نمونه ${tag}\r\n` +
      `مینا گلستانی ${tag};0935 765 4321;mina.${tag}@example.ir;بازرگانی نمونه ${tag}\r\n` +
      "بی‌نام;0912;not-an-address;\r\n",
  );
  await signIn(page, "manager@example.com");
  await page.goto("/settings");
  await hydrated(page);
  await page.getByRole("link", { name: "Import", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Import", level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Records in the file").selectOption("contact");
  await page.getByLabel("CSV file").setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: file });

  // Read as Windows-1256, split on semicolons, each Persian heading mapped to its field.
  await expect(page.getByText("read as windows-1256, separated by “;”")).toBeVisible();
  await expect(page.getByLabel("نام", { exact: true })).toHaveValue("name");
  await expect(page.getByLabel("تلفن همراه")).toHaveValue("phone");
  // The headings as the file has them: in Arabic letters.
  await expect(page.getByLabel("\u0627\u064a\u0645\u064a\u0644")).toHaveValue("email");
  await expect(page.getByLabel("\u0634\u0631\u0643\u062a")).toHaveValue("company");
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: `test-results/import-mapping-${info.project.name}.png`, fullPage: true });

  await page.getByRole("button", { name: "Check", exact: true }).click();
  const willDo = page.locator("section", { has: page.getByRole("heading", { name: "What Import will do" }) });
  await expect(willDo).toBeVisible();
  const count = (label) => willDo.locator(".tally div", { hasText: label }).locator("dd");
  await expect(count("Created")).toHaveText("2");
  await expect(count("Refused")).toHaveText("1");
  await expect(count("New companies for contacts")).toHaveText("1");
  await expect(willDo.getByText("Phone: Enter a phone number", { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: `test-results/import-check-${info.project.name}.png`, fullPage: true });

  await page.getByRole("button", { name: "Import", exact: true }).click();
  const progress = page.getByRole("progressbar", { name: "Import progress" });
  await expect(progress).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Import finished." })).toBeVisible();
  await expect(progress).toHaveAttribute("value", "3");
  await expect(page.getByText("3 of 3 rows")).toBeVisible();
  const did = page.locator("section", { has: page.getByRole("heading", { name: "What the import did" }) });
  await expect(did.locator(".tally div", { hasText: "Created" }).locator("dd")).toHaveText("2");
  await page.screenshot({ path: `test-results/import-done-${info.project.name}.png`, fullPage: true });

  // The refused row comes back as a file, with why.
  const waiting = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download refused rows" }).click();
  const download = await waiting;
  const refused = await (await download.createReadStream()).toArray();
  const text = Buffer.concat(refused).toString("utf8");
  expect(text).toContain("not-an-address");
  expect(text).toContain("Why refused");

  // The contacts are there, with the company made for them.
  await page.goto(`/contacts`);
  await hydrated(page);
  await page.getByLabel("Filter contacts").fill(tag);
  await expect(page.locator(".rows .row-link")).toHaveCount(2);

  await page.goto("/settings/import");
  await hydrated(page);
  await page.getByRole("listitem").filter({ hasText: "customers.csv" }).first().getByRole("button", { name: "Open" }).click();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone: what it created is removed" })).toBeVisible();
  await page.goto(`/contacts`);
  await hydrated(page);
  await page.getByLabel("Filter contacts").fill(tag);
  await expect(page.locator(".rows .row-link")).toHaveCount(0);
});

test("a file that is not a table is refused next to the file field", async ({ page }, info) => {
  test.skip(info.project.name.includes("phone"), "Import is a desktop and tablet screen");
  await signIn(page, "admin@example.com");
  await page.goto("/settings/import");
  await hydrated(page);
  await page.getByLabel("CSV file").setInputFiles({
    name: "book.xlsx",
    mimeType: "application/octet-stream",
    buffer: Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 0x62, 0, 0]),
  });
  await expect(page.getByRole("alert")).toHaveText(/cannot be read as a table/);
});

test("two imported contacts with one phone number show on the Duplicates page", async ({ page }, info) => {
  test.skip(info.project.name.includes("phone"), "Import is a desktop and tablet screen");
  const tag = unique("dup").replace(/[^a-z0-9]/gi, "");
  const digits = String(Date.now()).slice(-7);
  const csv = `Name,Mobile,E-mail\nNavid Sadeghi ${tag},0912${digits},navid.${tag}@example.ir\nN. Sadeghi ${tag},+98 912 ${digits},sadeghi.${tag}@example.ir\n`;
  await signIn(page, "manager@example.com");
  await page.goto("/settings/import");
  await hydrated(page);
  await page.getByLabel("Records in the file").selectOption("contact");
  await page.getByLabel("CSV file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByLabel("Mobile")).toHaveValue("phone");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Import finished." })).toBeVisible();

  await page.goto("/settings");
  await hydrated(page);
  await page.getByRole("link", { name: "Duplicates", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Duplicates", level: 1 })).toBeVisible();
  const group = page.locator(".duplicate-group", { hasText: `Navid Sadeghi ${tag}` });
  await expect(group).toBeVisible();
  await expect(group).toContainText(`N. Sadeghi ${tag}`);
  await expect(group).toContainText("same phone");
  await expectNoSidewaysScroll(page);
  await page.screenshot({ path: `test-results/duplicates-${info.project.name}.png`, fullPage: true });
  await group.getByRole("link", { name: `N. Sadeghi ${tag}` }).click();
  await expect(page.getByRole("heading", { name: `N. Sadeghi ${tag}`, level: 1 })).toBeVisible();
});

test("a deals spreadsheet lands its rows on the board's stages, and its undo takes them off", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "Import is a desktop and tablet screen; the board is checked once");
  const tag = unique("deal").replace(/[^a-z0-9]/gi, "");
  // A stage and a currency named in Persian, a Jalali date, a new customer, and a lost deal
  // without its reason.
  const csv =
    "Deal,Company,Value,Currency,Stage,Expected close\n" +
    `Kiln ${tag},Kiln Works ${tag},"12,500,000",تومان,مذاکره,۱۴۰۵/۱۰/۲۰\n` +
    `Belts ${tag},Kiln Works ${tag},900.50,USD,,2027-01-15\n` +
    `Lost ${tag},,100,USD,Lost,\n`;
  await signIn(page, "manager@example.com");
  await page.goto("/settings/import");
  await hydrated(page);
  await page.getByLabel("Records in the file").selectOption("deal");
  await page.getByLabel("CSV file").setInputFiles({ name: "deals.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByLabel("Deal", { exact: true })).toHaveValue("title");
  await expect(page.getByLabel("Stage", { exact: true })).toHaveValue("stage");
  await expect(page.getByText("A deal matches an existing one with the same title at the same company.")).toBeVisible();
  await expect(page.getByLabel("Match existing records on")).toHaveCount(0);

  await page.getByRole("button", { name: "Check", exact: true }).click();
  const willDo = page.locator("section", { has: page.getByRole("heading", { name: "What Import will do" }) });
  const count = (label) => willDo.locator(".tally div", { hasText: label }).locator("dd");
  await expect(count("Created")).toHaveText("2");
  await expect(count("Refused")).toHaveText("1");
  await expect(count("New companies for deals")).toHaveText("1");
  await expect(willDo.getByText("Lost reason:", { exact: false }).first()).toBeVisible();
  await expectNoSidewaysScroll(page);

  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Import finished." })).toBeVisible();
  await page.goto("/pipeline");
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Negotiation" }).getByRole("link", { name: `Kiln ${tag}` })).toBeVisible();
  await expect(page.getByRole("region", { name: "Lead" }).getByRole("link", { name: `Belts ${tag}` })).toBeVisible();
  await page.getByRole("link", { name: `Kiln ${tag}` }).click();
  await expect(page.getByRole("heading", { name: `Kiln ${tag}`, level: 1 })).toBeVisible();
  await expect(page.getByTestId("deal-stage")).toContainText("Negotiation");
  await expect(page.getByText("12,500,000", { exact: false }).first()).toBeVisible();

  await page.goto("/settings/import");
  await hydrated(page);
  await page.getByRole("listitem").filter({ hasText: "deals.csv" }).first().getByRole("button", { name: "Open" }).click();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Undone: what it created is removed" })).toBeVisible();
  await page.goto("/pipeline");
  await hydrated(page);
  await expect(page.getByRole("region", { name: "Lead" })).toBeVisible();
  await expect(page.getByRole("link", { name: `Kiln ${tag}` })).toHaveCount(0);
  await expect(page.getByRole("link", { name: `Belts ${tag}` })).toHaveCount(0);
});
