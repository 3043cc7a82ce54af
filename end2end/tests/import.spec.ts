import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

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

test("a class list enrols its students in a course within its places", async ({ page }, info) => {
  const email = uniqueEmail("classlist");
  await createStudent(page, info, { firstname: "Lin", lastname: "Classlist", email });
  const code = `CL-${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Title").fill("Class list");
  await page.getByLabel("Places (optional)").fill("1");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Class list` })).toBeVisible();
  const course = new URL(page.url()).pathname;
  // Linked from the course's students.
  await page.getByRole("link", { name: "Import from a file" }).click();
  await expect(page.getByRole("heading", { name: "Import enrolments" })).toBeVisible();
  const file = `course_code,student_email,grade\n${code},${email},87\n${code},jd@example.com,\n`;
  await page.getByLabel("File").setInputFiles({
    name: "class.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(file, "utf8"),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("1 new · 0 to update · 0 unchanged · 1 with errors")).toBeVisible();
  await expect(page.getByText("course_code: This course is full")).toBeVisible();
  await page.getByRole("button", { name: "Apply 1 rows" }).click();
  await expect(page.getByText("Applied: added 1, updated 0; 1 rows with errors were left out.")).toBeVisible();
  await open(page, info, course);
  await expect(page.locator("dd.places")).toHaveText("1 of 1 taken");
  await expect(page.getByRole("link", { name: "Lin Classlist" })).toBeVisible();
});

test("a large apply says how far it is while it runs", async ({ page }, info) => {
  test.skip(!jsOn(info), "the page asks while the wasm sends the form");
  test.setTimeout(120_000);
  const tag = Math.floor(Math.random() * 1e9).toString(36);
  const rows = Array.from({ length: 30_000 }, (_, i) => `Big,Import${tag} ${i},big${i}.${tag}@example.org`);
  await open(page, info, "/import/students/");
  await page.getByLabel("File").setInputFiles({
    name: "big.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`firstname,lastname,email\n${rows.join("\n")}\n`, "utf8"),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByText("30000 new · 0 to update")).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Apply 30000 rows" }).click();
  await expect(page.locator("p.progress")).toHaveText(/Written \d+ of 30000 rows…|Checking every row again…/);
  await expect(page.getByText("Applied: added 30000, updated 0.")).toBeVisible({ timeout: 60_000 });
  // Out again, so that the other tests' lists stay small.
  await page.getByRole("button", { name: "Undo this import" }).click();
  await expect(page.getByText("Undone: the records it added are deleted")).toBeVisible({ timeout: 60_000 });
});
