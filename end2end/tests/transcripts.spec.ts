import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

/** How many pages a PDF from Chromium has (its page objects). */
const pdfPages = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;

test("a course's transcripts print to PDF one student to a page, without the navigation", async ({ page }, info) => {
  test.setTimeout(60_000);
  const tag = Math.floor(Math.random() * 1e9).toString(36);
  const code = `TR-${tag.toUpperCase()}`;
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Title").fill("Printing");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Printing` })).toBeVisible();
  const courseUrl = new URL(page.url()).pathname;

  const students: string[] = [];
  for (const name of ["Ann", "Ben", "Cai"]) {
    const email = uniqueEmail(name.toLowerCase());
    students.push(await createStudent(page, info, { firstname: name, lastname: `Print${tag}`, email }));
    await open(page, info, courseUrl);
    await page.getByRole("searchbox", { name: "Find: Student" }).fill(email);
    if (!jsOn(info)) await page.getByRole("group", { name: "Student" }).getByRole("button", { name: "Find" }).click();
    await page.getByRole("radio", { name: new RegExp(`${name} Print${tag}`) }).check();
    await page.getByRole("button", { name: "Enrol", exact: true }).click();
    await expect(page.locator("tbody tr", { hasText: email })).toBeVisible();
  }

  await page.getByRole("link", { name: "Transcripts" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Transcripts: ${code} Printing` })).toBeVisible();
  await expect(page.locator("article.transcript")).toHaveCount(3);
  await expect(page.getByRole("heading", { level: 2, name: `Transcript: Ben Print${tag}` })).toBeVisible();
  if (jsOn(info)) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Print" })).toBeVisible();
  } else {
    await expect(page.getByText("To print, use your browser's Print")).toBeVisible();
  }

  // Printed: no navigation, no buttons, the records alone.
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await expect(page.locator(".print-bar")).toBeHidden();
  await expect(page.locator("article.transcript").first()).toBeVisible();
  for (const format of ["A4", "Letter"]) {
    const pdf = await page.pdf({ format, printBackground: true });
    expect(pdfPages(pdf), `${format}: a page per student`).toBe(3);
  }

  // One student's: one page.
  await page.emulateMedia({ media: "screen" });
  await open(page, info, `/${students[0]}/`);
  await page.getByRole("link", { name: "Transcript", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Transcript: Ann Print${tag}` })).toBeVisible();
  await expect(page.getByRole("row", { name: new RegExp(`${code} Printing`) })).toBeVisible();
  const pdf = await page.pdf({ format: "A4" });
  expect(pdfPages(pdf)).toBe(1);
});
