import { expect, test } from "./fixtures";
import { createStudent, fillStudent, jsOn, open, uniqueEmail } from "./helpers";

test("the list shows the sample students in a table, with a nav bar", async ({ page }, info) => {
  await open(page, info, "/?sort=name&per=100&q=example.com");
  const john = page.locator("tbody tr", { hasText: "jd@example.com" });
  await expect(john.getByRole("link", { name: "John Doe" })).toHaveAttribute("href", "/1/");
  await expect(john).toContainText("Biology student");
  await expect(page.getByRole("columnheader", { name: "Joined" })).toBeVisible();
  // Column headers sort: Name is the current order, ascending.
  await expect(page.getByRole("columnheader", { name: /Name/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(john.getByRole("link", { name: "Edit" })).toBeVisible();
  await expect(john.getByRole("button", { name: "Delete John Doe" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Roster" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Create" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Create" })).not.toHaveAttribute("aria-current");
  // With the wasm, plain nav links navigate in place: a marker on window survives.
  await page.evaluate(() => ((window as any).__noReload = "still here"));
  await nav.getByRole("link", { name: "About" }).click();
  await expect(page.getByRole("heading", { name: "About Roster" })).toBeVisible();
  await expect(page.locator("dd.database")).toHaveText("SQLite");
  await expect(nav.getByRole("link", { name: "About" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Create" })).not.toHaveAttribute("aria-current");
  const marker = await page.evaluate(() => (window as any).__noReload);
  expect(marker).toBe(jsOn(info) ? "still here" : undefined);
});

test("a student is added and shows on the list with a confirmation", async ({ page }, info) => {
  const email = uniqueEmail("ada");
  if (jsOn(info)) {
    // Proof that no full page load happens: a marker on window survives.
    await open(page, info, "/create/");
    await page.evaluate(() => ((window as any).__noReload = "still here"));
    await fillStudent(page, { firstname: "Ada", lastname: "Lovelace", email, age: "36", bio: "Wrote the first program." });
    await page.getByRole("button", { name: "Add student" }).click();
    await expect(page.getByText("Added Ada Lovelace.")).toBeVisible();
    expect(await page.evaluate(() => (window as any).__noReload)).toBe("still here");
    await expect(page).toHaveURL(/\/\?created=\d+$/);
  } else {
    await createStudent(page, info, { firstname: "Ada", lastname: "Lovelace", email, age: "36", bio: "Wrote the first program." });
  }
  const row = page.locator("tbody tr", { hasText: email });
  await expect(row).toContainText("Ada Lovelace");
  await expect(row).toContainText("Wrote the first program.");
  await expect(row.locator("td.num")).toHaveText("36");
});

test("bad input gets a message at each field and keeps what was typed", async ({ page, problems }, info) => {
  problems.allowStatus(422); // without JavaScript, the form with its errors comes back as a 422 page
  await open(page, info, "/create/");
  const bio = "Line one\nLine <two> & three";
  await fillStudent(page, { firstname: "", lastname: "Turing", email: "not-an-email", age: "151", bio });
  await page.getByRole("button", { name: "Add student" }).click();
  await expect(page.locator("#firstname-error")).toHaveText("This field is required.");
  await expect(page.locator("#email-error")).toContainText("name@example.com");
  await expect(page.locator("#age-error")).toHaveText("Enter an age from 1 to 150.");
  await expect(page.locator("#lastname-error")).toHaveText("");
  await expect(page.getByLabel("Last name")).toHaveValue("Turing");
  await expect(page.getByLabel("Email")).toHaveValue("not-an-email");
  await expect(page.getByLabel("Age (optional)")).toHaveValue("151");
  await expect(page.getByLabel("Bio (optional)")).toHaveValue(bio);
  await expect(page.getByLabel("First name")).toHaveAttribute("aria-invalid", "true");
});

test("a taken email is refused whatever its case", async ({ page, problems }, info) => {
  problems.allowStatus(422);
  await open(page, info, "/create/");
  await fillStudent(page, { firstname: "Jo", lastname: "Doe", email: "JD@EXAMPLE.com" });
  await page.getByRole("button", { name: "Add student" }).click();
  await expect(page.locator("#email-error")).toHaveText("Another student already uses this email address.");
  await expect(page.getByLabel("First name")).toHaveValue("Jo");
});

test("editing shows the current values, bio included, and saves", async ({ page }, info) => {
  const email = uniqueEmail("grace");
  const id = await createStudent(page, info, {
    firstname: "Grace",
    lastname: "Hopper",
    email,
    age: "40",
    bio: "Found a <moth> in the relay & taped it in.",
  });
  await open(page, info, `/${id}/edit/`);
  await expect(page.getByLabel("First name")).toHaveValue("Grace");
  await expect(page.getByLabel("Age (optional)")).toHaveValue("40");
  await expect(page.getByLabel("Bio (optional)")).toHaveValue("Found a <moth> in the relay & taped it in.");
  await page.getByLabel("Age (optional)").fill("41");
  await page.getByLabel("Bio (optional)").fill("Rear admiral.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/${id}/\\?updated=1$`));
  await expect(page.locator("dd.age")).toHaveText("41");
  await expect(page.locator("p.bio")).toHaveText("Rear admiral.");
});

test("deleting asks first and then removes the student", async ({ page }, info) => {
  const email = uniqueEmail("del");
  const id = await createStudent(page, info, { firstname: "Del", lastname: "Etable", email });
  const row = page.locator("tbody tr", { hasText: email });
  if (jsOn(info)) {
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await row.getByRole("button", { name: "Delete Del Etable" }).click();
    await expect(page.getByText("Deleted Del Etable.")).toBeVisible();
    expect(asked).toContain("Delete Del Etable?");
    await expect(row).toHaveCount(0);
  } else {
    await row.getByRole("button", { name: "Delete Del Etable" }).click();
    await expect(page).toHaveURL(new RegExp(`/${id}/delete/\\??$`));
    await expect(page.getByRole("heading", { name: "Delete Del Etable?" })).toBeVisible();
    await page.getByRole("button", { name: "Delete student" }).click();
    await expect(page.getByText("Deleted Del Etable.")).toBeVisible();
  }
  const gone = await page.request.get(`/${id}/`);
  expect(gone.status()).toBe(404);
});

test("search, sort and paging", async ({ page }, info) => {
  await open(page, info, "/");
  await page.getByRole("searchbox", { name: "Search" }).fill("sammyshark");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await expect(page.locator("tbody tr")).toContainText("Sammy Shark");
  await expect(page.getByText("1 student matches “sammyshark”")).toBeVisible();

  await open(page, info, "/?per=10&sort=name");
  await expect(page.getByLabel("Sort by")).toHaveValue("name");
  await expect(page.getByLabel("Per page")).toHaveValue("10");
});

test("an unknown student is a 404 page", async ({ page, problems }, info) => {
  problems.allowStatus(404);
  const response = await open(page, info, "/987654/");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Student not found" })).toBeVisible();
});

test("the submit button shows that the server is working", async ({ page }, info) => {
  test.skip(!jsOn(info), "pending state is a JavaScript feature");
  await open(page, info, "/create/");
  await page.route("**/api/students/create", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.continue();
  });
  await fillStudent(page, { firstname: "Pat", lastname: "Ience", email: uniqueEmail("pat") });
  await page.getByRole("button", { name: "Add student" }).click();
  const button = page.getByRole("button", { name: "Saving…" });
  await expect(button).toBeDisabled();
  await expect(page.getByText("Added Pat Ience.")).toBeVisible();
});

test("two pages edit one student: the later save is refused, shows theirs, keeps yours", async ({ page, context, problems }, info) => {
  problems.allowStatus(409);
  const email = uniqueEmail("grace");
  const id = await createStudent(page, info, { firstname: "Grace", lastname: "Hopper", email });
  // Two tabs open the edit form at the same version.
  const other = await context.newPage();
  await open(other, info, `/${id}/edit/`);
  await open(page, info, `/${id}/edit/`);

  await other.getByLabel("First name").fill("Amazing Grace");
  await other.getByRole("button", { name: "Save changes" }).click();
  await expect(other).toHaveURL(new RegExp(`/${id}/\\?updated=1$`));

  await page.getByLabel("Last name").fill("Hopper-Murray");
  await page.getByLabel("Bio (optional)").fill("Wrote the first compiler.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alert")).toContainText("Someone else saved changes to this student");
  // Their value beside the field; everything typed is still there.
  const first = page.locator(".field", { has: page.getByLabel("First name") });
  await expect(first.locator(".theirs")).toHaveText("Saved meanwhile: Amazing Grace");
  await expect(page.getByLabel("First name")).toHaveValue("Grace");
  await expect(page.getByLabel("Last name")).toHaveValue("Hopper-Murray");
  await expect(page.getByLabel("Bio (optional)")).toHaveValue("Wrote the first compiler.");
  await expect(page).toHaveURL(new RegExp(`/${id}/edit/$`));

  // Taking their first name and keeping the rest, then saving again on purpose.
  await page.getByLabel("First name").fill("Amazing Grace");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/${id}/\\?updated=1$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Amazing Grace Hopper-Murray");
  await expect(page.getByText("Wrote the first compiler.")).toBeVisible();

  // A confirm page opened before the last change does not delete.
  await open(other, info, `/${id}/delete/`);
  await open(page, info, `/${id}/edit/`);
  await page.getByLabel("Age (optional)").fill("85");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/${id}/\\?updated=1$`));
  await other.getByRole("button", { name: "Delete student" }).click();
  const alert = other.getByRole("alert");
  await expect(alert).toContainText("changed this student since you opened this page");
  await expect(alert.locator(".changes li")).toHaveText("Age (optional): was (empty), now 85");
  await open(page, info, `/${id}/`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Amazing Grace Hopper-Murray");
});
