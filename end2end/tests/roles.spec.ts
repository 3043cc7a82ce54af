import { expect, test } from "./fixtures";
import { fillStudent, jsOn, open, uniqueEmail, uniqueUsername } from "./helpers";

const PASSWORD = "a long enough password";

test("an administrator makes an account a viewer, whose next write is refused", async ({ browser, page, baseURL, problems }, info) => {
  // The refused write answers 403, which the browser logs.
  problems.allowStatus(403);
  // Someone registers (a clerk) in a browser of their own.
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

  // The administrator gives the account the viewer role.
  await open(page, info, `/users/?q=${username}`);
  const row = page.locator("tr", { hasText: username });
  await expect(row.locator("td.role")).toHaveText("Clerk");
  await row.getByLabel(`Role of ${username}`, { exact: true }).selectOption({ label: "Viewer" });
  await row.getByRole("button", { name: `Set role of ${username}` }).click();
  // Without JavaScript the page comes back with its notice; with it, the row changes in place.
  if (!jsOn(info)) await expect(page.getByText("Account changed.")).toBeVisible();
  await expect(page.locator("tr", { hasText: username }).locator("td.role")).toHaveText("Viewer");

  // Their session goes on, and their next write is refused.
  await open(them, info, "/create/");
  await fillStudent(them, { firstname: "Refused", lastname: "Viewer", email: uniqueEmail("viewer") });
  await them.getByRole("button", { name: "Add student" }).click();
  await expect(them.getByText("Your role does not allow")).toBeVisible();
  await theirs.close();
});
