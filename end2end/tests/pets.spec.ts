import { Page, TestInfo } from "@playwright/test";
import { expect, test } from "./fixtures";
import { jsOn, open } from "./helpers";

/** A unique name, so that tests in parallel never collide. */
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

async function createHandler(page: Page, info: TestInfo, name: string) {
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText("Added.")).toBeVisible();
  const id = new URL(page.url()).pathname.split("/")[2];
  expect(id).toMatch(/^\d+$/);
  return id;
}

test("handler → pet → comment → move the pet → delete the first handler", async ({ page }, info) => {
  const first = unique("Amara");
  const second = unique("Bruno");
  const firstId = await createHandler(page, info, first);

  // A pet, from the handler's page: the form has the handler chosen.
  await page.getByRole("link", { name: "Add a pet for this handler" }).click();
  await expect(page.getByRole("heading", { name: "Add a new pet" })).toBeVisible();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await expect(page.getByRole("radio", { name: new RegExp(first) })).toBeChecked();
  await page.getByLabel("Name").fill("Rex");
  await page.getByLabel("Category (species)").fill("Dog");
  await page.getByRole("button", { name: "Add pet" }).click();
  await expect(page.getByRole("heading", { name: "Rex" })).toBeVisible();
  await expect(page.locator("dd.handler")).toHaveText(first);
  const petUrl = new URL(page.url()).pathname;

  // A comment, then its deletion.
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Add a comment").fill("Walked twice <today> & fed.");
  await page.getByRole("button", { name: "Add comment" }).click();
  const comment = page.locator("li.comment", { hasText: "Walked twice <today> & fed." });
  await expect(comment).toBeVisible();
  await expect(page.getByText("1 comment", { exact: true })).toBeVisible();
  if (jsOn(info)) {
    await expect(page.getByLabel("Add a comment")).toHaveValue("");
    page.once("dialog", (dialog) => void dialog.accept());
  }
  await comment.getByRole("button", { name: "Delete" }).click();
  await expect(comment).toHaveCount(0);
  await expect(page.getByText("No comments yet.")).toBeVisible();

  // Another handler, and the pet moves there (the picker finds it by name).
  await createHandler(page, info, second);
  await open(page, info, `${petUrl}edit/`);
  await expect(page.getByRole("radio", { name: new RegExp(first) })).toBeChecked();
  await page.getByRole("searchbox", { name: "Find: Handler" }).fill(second.slice(0, 10));
  if (!jsOn(info)) await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("radio", { name: new RegExp(second) }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();
  await expect(page.locator("dd.handler")).toHaveText(second);

  // The first handler has no pets left, and goes.
  await open(page, info, `/handlers/${firstId}/delete/`);
  await expect(page.getByRole("heading", { name: `Delete ${first}?` })).toBeVisible();
  await expect(page.getByText("still has")).toHaveCount(0);
  await page.getByRole("button", { name: "Delete handler" }).click();
  await expect(page.getByText(`Deleted ${first}.`)).toBeVisible();
  const gone = await page.request.get(`/handlers/${firstId}/`);
  expect(gone.status()).toBe(404);
});

test("a handler with pets is not deleted until they move", async ({ page, problems }, info) => {
  problems.allowStatus(409);
  const keeper = unique("Chidi");
  const other = unique("Dana");
  const keeperId = await createHandler(page, info, keeper);
  await page.getByRole("link", { name: "Add a pet for this handler" }).click();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  await page.getByLabel("Name").fill("Kiwi");
  await page.getByLabel("Category (species)").fill("Parrot");
  await page.getByRole("button", { name: "Add pet" }).click();
  await expect(page.getByRole("heading", { name: "Kiwi" })).toBeVisible();
  await createHandler(page, info, other);

  await open(page, info, `/handlers/${keeperId}/delete/`);
  await expect(page.getByText(`${keeper} still has 1 pet.`)).toBeVisible();
  await page.getByRole("button", { name: "Delete handler" }).click();
  await expect(page.getByRole("alert")).toContainText("1 pet");
  // Move the pet and delete in one step.
  await page.getByRole("searchbox", { name: "Find: Move its pets to" }).fill(other.slice(0, 10));
  if (!jsOn(info)) await page.getByRole("button", { name: "Find" }).click();
  await page.getByRole("radio", { name: new RegExp(other) }).check();
  await page.getByRole("button", { name: "Delete handler" }).click();
  await expect(page.getByText(`Deleted ${keeper}.`)).toBeVisible();
  await page.getByRole("link", { name: other }).first().click();
  await expect(page.getByRole("heading", { name: other })).toBeVisible();
  await expect(page.getByRole("link", { name: "Kiwi" })).toBeVisible();
});
