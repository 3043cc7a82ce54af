import { expect, test } from "./fixtures";
import { createStudent, jsOn, open, uniqueEmail } from "./helpers";

test("a deleted student comes back with Undo, with the same URL", async ({ page }, info) => {
  const email = uniqueEmail("undo");
  const id = await createStudent(page, info, { firstname: "Una", lastname: "Doe", email });
  await open(page, info, `/${id}/`);
  if (jsOn(info)) {
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete" }).click();
  } else {
    await page.getByRole("button", { name: "Delete" }).click();
    await expect(page.getByText("to the trash")).toBeVisible();
    await page.getByRole("button", { name: "Delete student" }).click();
  }
  await expect(page.getByText("Deleted Una Doe.")).toBeVisible();
  expect((await page.request.get(`/${id}/`)).status()).toBe(404);
  // With the wasm, the Undo button restores without loading a page.
  const marker = jsOn(info) ? await page.evaluate(() => ((window as any).__stay = 1)) : 0;
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(page.getByText("Restored from the trash")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/${id}/\\?undeleted=1$`));
  await expect(page.getByRole("heading", { name: "Una Doe" })).toBeVisible();
  if (jsOn(info)) {
    expect(await page.evaluate(() => (window as any).__stay)).toBe(marker);
  }
});

test("the trash lists a deleted pet with its comment and restores it", async ({ page, baseURL }, info) => {
  // Set-up through the plain form routes, sent like a browser's form.
  const post = (path: string, form: Record<string, string>) =>
    page.request.post(path, { form, headers: { Origin: baseURL! }, maxRedirects: 0 });
  const name = `Trashy ${Date.now().toString(36)}`;
  await open(page, info, "/handlers/create/");
  await page.getByLabel("Name").fill(`${name} keeper`);
  await page.getByRole("button", { name: "Add handler" }).click();
  await expect(page.getByText("Added.")).toBeVisible();
  const handler = new URL(page.url()).pathname.split("/")[2];
  const created = await post("/pets/create/", { name, category: "Dog", handler_id: handler });
  expect(created.status()).toBe(303);
  const pet = created.headers()["location"].split("/")[2];
  const commented = await post(`/pets/${pet}/comments/`, { body: "Good dog" });
  expect(commented.status()).toBe(303);
  const deleted = await post(`/pets/${pet}/delete/`, { version: "1" });
  expect(deleted.status()).toBe(303);

  await open(page, info, `/trash/?kind=pet&q=${encodeURIComponent(name)}`);
  const row = page.locator("tbody tr", { hasText: name });
  await expect(row).toContainText("1 comment (Good dog)");
  await row.getByRole("button", { name: `Restore ${name}` }).click();
  await expect(page.getByText("Restored from the trash")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/pets/${pet}/\\?undeleted=1$`));
  await expect(page.getByText("Good dog")).toBeVisible();
});
