import { expect, test } from "./fixtures";
import { jsOn, open, uniqueEmail } from "./helpers";

test("a students file is previewed, then applied, and its student is there", async ({ page }, info) => {
  const email = uniqueEmail("import");
  const lastname = `Imported${Math.floor(Math.random() * 1e9).toString(36)}`;
  const file = `firstname;lastname;email;age\nIda;${lastname};${email};31\n;;not-an-email;x\n`;
  await open(page, info, "/import/students/");
  // With the wasm, the page sends the file itself: no page load.
  const marker = jsOn(info) ? await page.evaluate(() => ((window as any).__stay = 1)) : 0;
  await page.getByLabel("File").setInputFiles({
    name: "class.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(file, "utf8"),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1 new · 0 to update · 0 unchanged · 1 with errors")).toBeVisible();
  await expect(page).toHaveURL(/\/imports\/\d+\/$/);
  await expect(page.getByText("email: Enter an email address like name@example.com.")).toBeVisible();
  await page.getByRole("button", { name: "Apply 1 rows" }).click();
  await expect(page.getByText("Applied: added 1, updated 0; 1 rows with errors were left out.")).toBeVisible();
  if (jsOn(info)) {
    expect(await page.evaluate(() => (window as any).__stay)).toBe(marker);
  }
  const run = page.url();
  await open(page, info, `/?q=${lastname.toLowerCase()}`);
  await expect(page.getByText("1 student matches")).toBeVisible();
  await expect(page.getByRole("link", { name: `Ida ${lastname}` })).toBeVisible();
  // Undone as a whole: the student is gone again.
  await open(page, info, new URL(run).pathname);
  await page.getByRole("button", { name: "Undo this import" }).click();
  await expect(page.getByText("Undone: the records it added are deleted")).toBeVisible();
  await open(page, info, `/?q=${lastname.toLowerCase()}`);
  await expect(page.getByText(`No students match your search.`)).toBeVisible();
});

test("a file that is not one gets its reason on the import page", async ({ page, problems }, info) => {
  problems.allowStatus(422);
  await open(page, info, "/import/pets/");
  await page.getByLabel("File").setInputFiles({
    name: "notes.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([0x00, 0x01, 0x02, 0xff, 0x10]),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("This is not a CSV file")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Import pets" })).toBeVisible();
});
