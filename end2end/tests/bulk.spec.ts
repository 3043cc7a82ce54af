import { readFileSync } from "node:fs";

import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

test("rows ticked on a list are deleted in bulk after a confirmation, and undone as a whole", async ({ page }, info) => {
  const tag = `Bulk${Math.floor(Math.random() * 1e9).toString(36)}`;
  for (const first of ["Ann", "Bo", "Cy"]) {
    await createStudent(page, info, { firstname: first, lastname: tag, email: uniqueEmail(`bulk-${first}`) });
  }
  await open(page, info, `/?q=${tag}`);
  await expect(page.getByText(`3 students match “${tag}”`)).toBeVisible();
  const ann = page.getByRole("checkbox", { name: `Select Ann ${tag}` });
  const bo = page.getByRole("checkbox", { name: `Select Bo ${tag}` });
  const cy = page.getByRole("checkbox", { name: `Select Cy ${tag}` });
  if (jsOn(info)) {
    // The header's box ticks the whole page, and unticks it.
    const all = page.getByRole("checkbox", { name: "Select every row on this page" });
    await all.check();
    await expect(cy).toBeChecked();
    await all.uncheck();
    await expect(ann).not.toBeChecked();
  } else {
    await expect(page.getByRole("checkbox", { name: "Select every row on this page" })).toBeHidden();
  }
  await ann.check();
  await bo.check();
  await page.getByRole("button", { name: "Continue…" }).click();
  await expect(page.getByRole("heading", { name: "Delete 2 students?" })).toBeVisible();
  await expect(page.getByRole("link", { name: `Ann ${tag}` })).toBeVisible();
  await expect(page.getByRole("link", { name: `Cy ${tag}` })).toHaveCount(0);
  await page.getByRole("button", { name: "Delete 2 students" }).click();
  await expect(page.getByText("Done: Deleted 2 students.")).toBeVisible();

  await open(page, info, `/?q=${tag}`);
  await expect(page.getByText(`1 student matches “${tag}”`)).toBeVisible();
  // The activity log has one line for it, which leads back to its page.
  await open(page, info, "/activity/");
  await page.getByRole("link", { name: "Deleted 2 students" }).first().click();
  await expect(page.getByRole("heading", { name: "Deleted 2 students" })).toBeVisible();
  if (jsOn(info)) page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Undo all of it" }).click();
  await expect(page.getByText("Undone: every record is as it was before.")).toBeVisible();
  await open(page, info, `/?q=${tag}`);
  await expect(page.getByText(`3 students match “${tag}”`)).toBeVisible();
});

test("a bulk action on every record that matches sets a field through the record's own rules", async ({ page, problems }, info) => {
  // Without the wasm the refused form is the page answered 422.
  problems.allowStatus(422);
  const tag = `Bcat${Math.floor(Math.random() * 1e9).toString(36)}`;
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(`Handler ${tag}`);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByRole("heading", { name: `Handler ${tag}` })).toBeVisible();
  const handler = new URL(page.url()).pathname.split("/")[2];
  for (const name of ["Rex", "Max"]) {
    await open(page, info, `/pets/create/?handler=${handler}`);
    await page.getByLabel("Name").fill(`${name} ${tag}`);
    await page.getByLabel("Category (species)").fill(tag);
    await page.getByRole("button", { name: "Add pet" }).click();
    await expect(page.getByRole("heading", { name: `${name} ${tag}` })).toBeVisible();
  }
  await open(page, info, `/pets/?category=${tag}`);
  await page.getByLabel("With").selectOption("all");
  await page.getByLabel("Do").selectOption("set:category");
  await page.getByRole("button", { name: "Continue…" }).click();
  await expect(page.getByRole("heading", { name: "Set the category: 2 pets" })).toBeVisible();
  const category = page.getByLabel("Category (species)");
  await category.fill("");
  await page.getByRole("button", { name: "Apply to 2 pets" }).click();
  await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
  await page.getByLabel("Category (species)").fill(`${tag}x`);
  await page.getByRole("button", { name: "Apply to 2 pets" }).click();
  await expect(page.getByText("Done: Set the category: 2 pets.")).toBeVisible();
  await open(page, info, `/pets/?category=${tag}x`);
  await expect(page.getByText("2 pets")).toBeVisible();
});

test("the rows ticked download as the list's own file", async ({ page }, info) => {
  const tag = `Bexp${Math.floor(Math.random() * 1e9).toString(36)}`;
  await createStudent(page, info, { firstname: "Kept", lastname: tag, email: uniqueEmail("bexp-a") });
  await createStudent(page, info, { firstname: "Left", lastname: tag, email: uniqueEmail("bexp-b") });
  await open(page, info, `/?q=${tag}`);
  await page.getByRole("checkbox", { name: `Select Kept ${tag}` }).check();
  await page.getByLabel("Do").selectOption("export:csv");
  let download;
  if (jsOn(info)) {
    // The file comes at once, the list stays.
    [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Continue…" }).click(),
    ]);
  } else {
    await page.getByRole("button", { name: "Continue…" }).click();
    await expect(page.getByRole("heading", { name: "Download 1 student" })).toBeVisible();
    [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download 1 student" }).click(),
    ]);
  }
  const file = readFileSync(await download.path(), "utf8");
  expect(file).toContain(`Kept`);
  expect(file).not.toContain(`Left`);
  expect(file.trim().split("\n")).toHaveLength(2);
});

test("students ticked are enrolled in a course in one action, then graded together from the course's page", async ({ page, problems }, info) => {
  // Without the wasm a refused form is the page answered 422.
  problems.allowStatus(422);
  const tag = `Benr${Math.floor(Math.random() * 1e9).toString(36)}`;
  const code = `E-${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1e4)}`;
  for (const first of ["Ann", "Bo", "Cy"]) {
    await createStudent(page, info, { firstname: first, lastname: tag, email: uniqueEmail(`enr-${first}`) });
  }
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(code);
  await page.getByLabel("Title").fill("Bulk biology");
  await page.getByLabel("Places (optional)").fill("2");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${code} Bulk biology` })).toBeVisible();
  const courseUrl = new URL(page.url()).pathname;

  await open(page, info, `/?q=${tag}`);
  await page.getByLabel("With").selectOption("all");
  await page.getByLabel("Do").selectOption("set:course_id");
  await page.getByRole("button", { name: "Continue…" }).click();
  await expect(page.getByRole("heading", { name: "Enrol in a course: 3 students" })).toBeVisible();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("searchbox", { name: "Find: Course" }).fill(code);
  if (!jsOn(info)) await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("radio", { name: new RegExp(code) }).check();
  // Two places for three: who did not fit is named, nothing applied.
  await page.getByRole("button", { name: "Enrol 3 students" }).click();
  await expect(page.getByText(/has 2 seats left: 1 student did not fit/)).toBeVisible();

  // With room for all, one action enrols them.
  await open(page, info, `${courseUrl}edit/`);
  await page.getByLabel("Places (optional)").fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  // The edit page's own heading ("Edit …") holds the course's name too: wait for the save itself.
  await expect(page.getByText("Changes saved.")).toBeVisible();
  await open(page, info, `/?q=${tag}`);
  await page.getByLabel("With").selectOption("all");
  await page.getByLabel("Do").selectOption("set:course_id");
  await page.getByRole("button", { name: "Continue…" }).click();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByRole("searchbox", { name: "Find: Course" }).fill(code);
  if (!jsOn(info)) await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("radio", { name: new RegExp(code) }).check();
  await page.getByRole("button", { name: "Enrol 3 students" }).click();
  await expect(page.getByText(`Done: Enrolled 3 students in ${code} Bulk biology.`)).toBeVisible();

  // On the course's page: two ticked, one grade for both.
  await open(page, info, courseUrl);
  await page.getByRole("checkbox", { name: `Select Ann ${tag}` }).check();
  await page.getByRole("checkbox", { name: `Select Bo ${tag}` }).check();
  await page.getByLabel("Do").selectOption("set:grade");
  await page.getByRole("button", { name: "Continue…" }).click();
  await expect(page.getByRole("heading", { name: `Set the grade: 2 students in ${code}` })).toBeVisible();
  await page.getByLabel("Grade").fill("77");
  await page.getByRole("button", { name: "Apply to 2 students" }).click();
  await expect(page.getByText(`Done: Graded 2 students 77 in ${code} Bulk biology.`)).toBeVisible();
  await open(page, info, courseUrl);
  await expect(page.getByLabel(`Grade for Ann ${tag}`)).toHaveValue("77");
  await expect(page.getByLabel(`Grade for Cy ${tag}`)).toHaveValue("");
});

test("a pet's comments ticked are deleted in one action and come back with one Undo", async ({ page }, info) => {
  const tag = `Bcom${Math.floor(Math.random() * 1e9).toString(36)}`;
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(`Handler ${tag}`);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByRole("heading", { name: `Handler ${tag}` })).toBeVisible();
  const handler = new URL(page.url()).pathname.split("/")[2];
  await open(page, info, `/pets/create/?handler=${handler}`);
  await page.getByLabel("Name").fill(`Rex ${tag}`);
  await page.getByLabel("Category (species)").fill("Dog");
  await page.getByRole("button", { name: "Add pet" }).click();
  await expect(page.getByRole("heading", { name: `Rex ${tag}` })).toBeVisible();
  const petUrl = new URL(page.url()).pathname;
  for (const body of ["Fed <twice>", "Walked", "Kept"]) {
    if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    await page.getByLabel("Add a comment").fill(body);
    await page.getByRole("button", { name: "Add comment" }).click();
    await expect(page.locator("li.comment", { hasText: body })).toBeVisible();
    if (jsOn(info)) await expect(page.getByLabel("Add a comment")).toHaveValue("");
  }
  await open(page, info, petUrl);
  await page.getByRole("checkbox", { name: "Select the comment “Fed <twice>”" }).check();
  await page.getByRole("checkbox", { name: "Select the comment “Walked”" }).check();
  await page.getByLabel("Do").selectOption("delete");
  await page.getByRole("button", { name: "Continue…" }).click();
  await expect(page.getByRole("heading", { name: "Delete 2 comments?" })).toBeVisible();
  await expect(page.getByRole("link", { name: "the comment “Fed <twice>”" })).toBeVisible();
  await page.getByRole("button", { name: "Delete 2 comments" }).click();
  await expect(page.getByText("Done: Deleted 2 comments.")).toBeVisible();
  if (jsOn(info)) page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Undo all of it" }).click();
  await expect(page.getByText("Undone: every record is as it was before.")).toBeVisible();
  await open(page, info, petUrl);
  await expect(page.locator("li.comment")).toHaveCount(3);
  await expect(page.locator("li.comment", { hasText: "Fed <twice>" })).toBeVisible();
});
