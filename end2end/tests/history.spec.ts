import { expect, test } from "./fixtures";
import { jsOn, open } from "./helpers";

/** A unique name, so that tests in parallel never collide. */
const unique = (prefix: string) => `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

test("an edit shows in the record's history, and an earlier version comes back", async ({ page }, info) => {
  const name = unique("Esme");
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByText("Added.")).toBeVisible();
  const id = new URL(page.url()).pathname.split("/")[2];
  expect(id).toMatch(/^\d+$/);

  await open(page, info, `/handlers/${id}/edit/`);
  await page.getByLabel("Name").fill(`${name} Ray`);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Changes saved.")).toBeVisible();

  // The record's page links its history: the edit, newest first, old → new.
  await page.getByRole("link", { name: "History", exact: true }).click();
  await expect(page.getByRole("heading", { name: `History of ${name} Ray` })).toBeVisible();
  const newest = page.locator("li.entry").first();
  await expect(newest).toContainText("Edited");
  await expect(newest.locator("del")).toHaveText(name);
  await expect(newest.locator("ins")).toHaveText(`${name} Ray`);
  await expect(page.locator("li.entry").nth(1)).toContainText("Added");

  // The version as it was added comes back, as an ordinary edit.
  if (jsOn(info)) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
    page.once("dialog", (dialog) => void dialog.accept());
  }
  await page.getByRole("button", { name: "Restore this version" }).click();
  await expect(page.getByText("Earlier version restored.")).toBeVisible();
  await expect(page.getByRole("heading", { name, exact: true })).toBeVisible();
  await open(page, info, `/handlers/${id}/history/`);
  await expect(page.locator("li.entry").first()).toContainText("Earlier version restored");
});

test("the activity log lists the change and filters by record type", async ({ page }, info) => {
  const name = unique("Farid");
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByText("Added.")).toBeVisible();

  // Other tests add entries meanwhile: a hundred handler entries a page.
  await open(page, info, "/activity/?kind=handler&per=100");
  await expect(page.getByRole("heading", { name: "Activity" })).toBeVisible();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await page.getByLabel("Record", { exact: true }).selectOption("pet");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/kind=pet/);
  await expect(page.getByRole("link", { name })).toHaveCount(0);
});
