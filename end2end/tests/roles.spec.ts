import { expect, test } from "./fixtures";
import { fillStudent, jsOn, open, uniqueEmail, uniqueUsername } from "./helpers";

const PASSWORD = "a long enough password";

test("a registration is a viewer until an administrator makes it a clerk, and a viewer again", async ({ browser, page, baseURL, problems }, info) => {
  // The refused write answers 403, which the browser logs.
  problems.allowStatus(403);
  // Someone registers in a browser of their own.
  // Signed out there: a context starts with the project's stored session.
  const theirs = await browser.newContext({
    baseURL,
    javaScriptEnabled: jsOn(info),
    storageState: { cookies: [], origins: [] },
  });
  const them = await theirs.newPage();
  const username = uniqueUsername("role");
  await open(them, info, "/register/");
  await them.getByLabel("Username").fill(username);
  await them.getByLabel("Email").fill(`${username}@example.com`);
  await them.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await them.getByLabel("Password again").fill(PASSWORD);
  await them.getByRole("button", { name: "Create account" }).click();
  await expect(them.getByRole("heading", { name: "Students" })).toBeVisible();

  const setRole = async (label: string) => {
    await open(page, info, `/users/?q=${username}`);
    const row = page.locator("tr", { hasText: username });
    await row.getByLabel(`Role of ${username}`, { exact: true }).selectOption({ label });
    await row.getByRole("button", { name: `Set role of ${username}` }).click();
    // Without JavaScript the page comes back with its notice; with it, the row changes in place.
    if (!jsOn(info)) await expect(page.getByText("Account changed.")).toBeVisible();
    await expect(page.locator("tr", { hasText: username }).locator("td.role")).toHaveText(label);
  };
  await open(page, info, `/users/?q=${username}`);
  await expect(page.locator("tr", { hasText: username }).locator("td.role")).toHaveText("Viewer");

  // A clerk from their next request on (no sign-out): they add a student.
  await setRole("Clerk");
  await open(them, info, "/create/");
  const email = uniqueEmail("clerk");
  await fillStudent(them, { firstname: "Added", lastname: "Clerk", email });
  await them.getByRole("button", { name: "Add student" }).click();
  await expect(them.getByText("Added Added Clerk.")).toBeVisible();

  // A viewer again: their next write is refused.
  await open(them, info, "/create/");
  await setRole("Viewer");
  await fillStudent(them, { firstname: "Refused", lastname: "Viewer", email: uniqueEmail("viewer") });
  await them.getByRole("button", { name: "Add student" }).click();
  await expect(them.getByText("Your role does not allow")).toBeVisible();
  await theirs.close();
});

test("an administrator adds a role, narrows it, and the change is in the activity log", async ({ page }, info) => {
  const name = uniqueUsername("registrar");
  await open(page, info, "/roles/");
  await expect(page.getByRole("heading", { name: "Clerk" })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Starts with what this role may do").selectOption({ label: "Clerk" });
  await page.getByRole("button", { name: "Add role" }).click();
  await expect(page.getByText("Role added")).toBeVisible();
  const section = page.locator("section.role", { has: page.getByRole("heading", { name }) });
  const petDelete = section.getByLabel("Delete pets");
  await expect(petDelete).toBeChecked();
  await petDelete.uncheck();
  await section.getByRole("button", { name: `Save ${name}` }).click();
  await expect(page.getByText("Role saved.")).toBeVisible();
  await expect(
    page.locator("section.role", { has: page.getByRole("heading", { name }) }).getByLabel("Delete pets"),
  ).not.toBeChecked();

  await open(page, info, "/activity/?kind=role");
  await expect(page.getByText(name).first()).toBeVisible();
  await expect(page.getByText("pet.delete").first()).toBeVisible();
});
