import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

test("a grade sheet saves a class's grades at once, Enter moving down the column", async ({ page, problems }, info) => {
  // Without the wasm the refused sheet is the page answered 422.
  problems.allowStatus(422);
  const tag = Math.floor(Math.random() * 1e9).toString(36);
  const [first, second] = [uniqueEmail("sheet-a"), uniqueEmail("sheet-b")];
  await createStudent(page, info, { firstname: "Ann", lastname: `Asheet${tag}`, email: first });
  await createStudent(page, info, { firstname: "Bo", lastname: `Bsheet${tag}`, email: second });
  const code = `GS-${tag.toUpperCase()}`;
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Title").fill("Grade sheet");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Grade sheet` })).toBeVisible();
  const course = new URL(page.url()).pathname;
  // Both enrolled from a class list.
  await open(page, info, "/import/enrolments/");
  await page.getByLabel("File").setInputFiles({
    name: "class.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`course_code,student_email\n${code},${first}\n${code},${second}\n`, "utf8"),
  });
  await page.getByRole("button", { name: "Preview" }).click();
  await page.getByRole("button", { name: "Apply 2 rows" }).click();
  await expect(page.getByText("Applied: added 2")).toBeVisible();

  await open(page, info, course);
  await page.getByRole("link", { name: "Grade sheet" }).click();
  await expect(page.getByRole("heading", { name: `Grades: ${code} Grade sheet` })).toBeVisible();
  const ann = page.getByLabel(`Ann Asheet${tag}`);
  const bo = page.getByLabel(`Bo Bsheet${tag}`);
  await ann.fill("77");
  if (jsOn(info)) {
    // Keyboard first: Enter goes to the next row, not the server.
    await ann.press("Enter");
    await expect(bo).toBeFocused();
    await page.keyboard.type("88");
  } else {
    await bo.fill("88");
  }
  await page.getByRole("button", { name: "Save grades" }).click();
  await expect(page.getByText("Saved 2 grades.")).toBeVisible();
  if (jsOn(info)) {
    await expect(page.locator("tr.saved")).toHaveCount(2);
  }
  await open(page, info, new URL(page.url()).pathname);
  await expect(ann).toHaveValue("77");
  await expect(bo).toHaveValue("88");
  // A grade the sheet cannot take: its message at its row, nothing saved.
  await ann.fill("101");
  await page.getByRole("button", { name: "Save grades" }).click();
  await expect(page.getByText("Enter a grade from 0 to 100, or leave it empty.")).toBeVisible();
  await expect(ann).toHaveValue("101");
  await open(page, info, new URL(page.url()).pathname);
  await expect(ann).toHaveValue("77");
});
