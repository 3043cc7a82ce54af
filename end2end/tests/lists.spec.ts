import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test("a list narrows to the records added between two days, and the range comes off as a chip", async ({ page }, info) => {
  const lastname = `Added${Math.floor(Math.random() * 1e9).toString(36)}`;
  await createStudent(page, info, { firstname: "Ada", lastname, email: uniqueEmail("added") });
  await open(page, info, `/?q=${lastname.toLowerCase()}`);
  await expect(page.getByText("1 student matches")).toBeVisible();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  // Added from tomorrow: nobody yet.
  await page.getByLabel("Added from").fill(day(1));
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(new RegExp(`added_from=${day(1)}`));
  await expect(page.getByText("No students match your search.")).toBeVisible();
  const chip = page.getByRole("list", { name: "Filters" }).getByRole("listitem");
  await expect(chip).toContainText("Added from");
  // Taken off: the student is back.
  await chip.getByRole("link", { name: "Remove this filter" }).click();
  await expect(page.getByText("1 student matches")).toBeVisible();
  // Added today: there.
  await page.getByLabel("Added from").fill(day(0));
  await page.getByLabel("Added to").fill(day(0));
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByText("1 student matches")).toBeVisible();
  await expect(page.getByRole("link", { name: `Ada ${lastname}` })).toBeVisible();
});

test("a list's filters show their counts for the search, and a choice is kept in the URL", async ({ page }, info) => {
  const tag = `FC${Math.floor(Math.random() * 1e9).toString(36)}`.toUpperCase();
  await open(page, info, "/courses/create/");
  await page.getByLabel("Code").fill(`${tag}-1`);
  await page.getByLabel("Title").fill("Facets");
  await page.getByLabel("Places (optional)").fill("1");
  await page.getByRole("button", { name: "Add course" }).click();
  await expect(page.getByRole("heading", { name: `${tag}-1 Facets` })).toBeVisible();
  await open(page, info, `/courses/?q=${tag}`);
  const places = page.getByRole("navigation", { name: "Places" });
  await expect(places).toContainText("Has places 1");
  await expect(places).toContainText("Full 0");
  await places.getByRole("link", { name: /Has places/ }).click();
  await expect(page).toHaveURL(/seats=open/);
  await expect(page.getByText(`1 course matches “${tag}”`)).toBeVisible();
  await expect(places.getByRole("link", { name: /Has places/ })).toHaveAttribute("aria-current", "true");
  await places.getByRole("link", { name: /Full/ }).click();
  await expect(page).toHaveURL(/seats=full/);
  await expect(page.getByText("No courses match your search.")).toBeVisible();
});
