import { expect, test } from "./fixtures";
import { ADMIN, createStudent, jsOn, open, uniqueEmail } from "./helpers";

const uniqueCode = () => `T-${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;

test("course → enrol a student from its page → grade → seen on the student's page → unenrol", async ({ page }, info) => {
  const email = uniqueEmail("kim");
  const studentId = await createStudent(page, info, { firstname: "Kim", lastname: "Course", email });
  const code = uniqueCode();

  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code.toLowerCase());
  await page.getByLabel("Title").fill("Marine biology");
  await page.getByLabel("Places (optional)").fill("12");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Marine biology` })).toBeVisible();
  await expect(page.locator("dd.places")).toHaveText("0 of 12 taken");
  const courseUrl = new URL(page.url()).pathname;

  // Enrol: find the student by email in the picker.
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("searchbox", { name: "Find: Student" }).fill(email);
  if (!jsOn(info)) await page.getByRole("group", { name: "Student" }).getByRole("button", { name: "Find" }).click();
  await page.getByRole("radio", { name: /Kim Course/ }).check();
  await page.getByRole("button", { name: "Enrol" }).click();
  const row = page.locator("tbody tr", { hasText: email });
  await expect(row).toBeVisible();
  await expect(page.getByText("1 enrolment", { exact: true })).toBeVisible();

  // A grade, saved in the row.
  await row.getByLabel("Grade for Kim Course").fill("88");
  // With JavaScript the save is a server function call: wait for its
  // answer, or the next page may be read before the grade is written.
  const saved = jsOn(info)
    ? page.waitForResponse((r) => r.url().endsWith("/api/courses/set-grade") && r.status() === 200)
    : null;
  await row.getByRole("button", { name: "Save" }).click();
  if (saved) {
    await saved;
    await expect(page.getByRole("button", { name: "Save" })).toBeEnabled();
  }
  // The course's figures and chart follow (with JavaScript, without a reload).
  await expect(page.locator("dd.graded")).toHaveText("1 of 1");
  await expect(page.locator("dd.mean")).toHaveText("88");
  await expect(page.getByRole("img", { name: /How the grades fall/ })).toBeVisible();
  await page.getByText("The grades as a table").click();
  await expect(page.getByRole("row", { name: "80–89 1" })).toBeVisible();
  await open(page, info, `/${studentId}/`);
  const course = page.locator("tbody tr", { hasText: code });
  await expect(course).toContainText("Marine biology");
  await expect(course.locator("td.num")).toHaveText("88");

  // Unenrol from the course's page.
  await open(page, info, courseUrl);
  if (jsOn(info)) page.once("dialog", (dialog) => void dialog.accept());
  await page.locator("tbody tr", { hasText: email }).getByRole("button", { name: "Unenrol" }).click();
  await expect(page.getByText("Nobody is enrolled yet.")).toBeVisible();
  await expect(page.locator("tbody tr", { hasText: email })).toHaveCount(0);
});

test("a course's teacher is assigned with the picker and taken off again", async ({ page }, info) => {
  const code = uniqueCode();
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Title").fill("Taught course");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Taught course` })).toBeVisible();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);

  const teachers = page.locator("section.teachers");
  await expect(teachers.getByText("No teacher is assigned yet.")).toBeVisible();
  await teachers.getByRole("searchbox", { name: "Find: Teacher" }).fill(ADMIN);
  if (!jsOn(info)) await teachers.getByRole("button", { name: "Find" }).click();
  await page.locator("section.teachers").getByRole("radio", { name: new RegExp(`@${ADMIN}`) }).check();
  await page.locator("section.teachers").getByRole("button", { name: "Assign" }).click();
  await expect(page.locator("section.teachers .teachers-list")).toContainText(`@${ADMIN}`);

  await page.locator("section.teachers").getByRole("button", { name: /from this course's teachers/ }).click();
  await expect(page.locator("section.teachers").getByText("No teacher is assigned yet.")).toBeVisible();
});
