import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";
import { createStudent, open, uniqueEmail } from "./helpers";

test("a searched list downloads as CSV and Excel, every match and not the page left", async ({ page }, info) => {
  const lastname = `Zexport${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const email = uniqueEmail("export");
  await createStudent(page, info, { firstname: "=Ève", lastname, email });
  await open(page, info, `/?q=${lastname.toLowerCase()}&sort=name`);
  await expect(page.getByText("1 student matches")).toBeVisible();
  const url = page.url();

  const csvLink = page.getByRole("link", { name: "CSV" });
  await expect(csvLink).toHaveAttribute("href", `/?q=${lastname.toLowerCase()}&sort=name&format=csv`);
  const [csv] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
  expect(csv.suggestedFilename()).toMatch(/^students-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync(await csv.path(), "utf8").split("\r\n");
  expect(lines[0]).toBe("\ufeffid,firstname,lastname,email,age,bio");
  // The one match, its formula-looking name neutralised, accents kept.
  expect(lines[1]).toContain(`,'=Ève,${lastname},${email},`);
  expect(lines.slice(1).filter((l) => l !== "")).toHaveLength(1);

  const [xlsx] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Excel" }).click(),
  ]);
  expect(xlsx.suggestedFilename()).toMatch(/^students-\d{4}-\d{2}-\d{2}\.xlsx$/);
  const bytes = readFileSync(await xlsx.path());
  expect(bytes.subarray(0, 2).toString()).toBe("PK");

  // Downloading leaves the list where it was.
  expect(page.url()).toBe(url);
  await expect(page.getByText("1 student matches")).toBeVisible();
});
