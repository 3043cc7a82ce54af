import { expect, test } from "./fixtures";
import { jsOn, open } from "./helpers";

test("a message sent signed out is read by an administrator", async ({ browser, page, baseURL, problems }, info) => {
  problems.allowStatus(422); // without JavaScript, the form with its errors comes back as a 422 page
  const subject = `Open day ${Date.now()} ${info.project.name}`;

  // A visitor, signed out, from the footer's link (a context made here
  // would otherwise start with the project's stored session).
  const visitor = await browser.newContext({
    baseURL,
    javaScriptEnabled: jsOn(info),
    storageState: { cookies: [], origins: [] },
  });
  const form = await visitor.newPage();
  await open(form, info, "/about/");
  await form.getByRole("link", { name: "Contact us" }).click();
  await expect(form.getByRole("heading", { name: "Contact us" })).toBeVisible();
  if (jsOn(info)) await expect(form.locator("body[data-hydrated]")).toHaveCount(1);
  await form.getByLabel("Your name").fill("Ada Parent");
  await form.getByLabel("Your email").fill("not-an-email");
  await form.getByLabel("Subject").fill(subject);
  await form.getByLabel("Message").fill("When is it? <b>Thanks</b>");
  await expect(form.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" })).toBeVisible();
  await form.getByRole("button", { name: "Send message" }).click();
  await expect(form.locator("#email-error")).toContainText("name@example.com");
  await expect(form.getByLabel("Subject")).toHaveValue(subject);
  await form.getByLabel("Your email").fill("ada@example.com");
  await form.getByRole("button", { name: "Send message" }).click();
  await expect(form.getByRole("heading", { name: "Thank you" })).toBeVisible();
  await visitor.close();

  // The administrator sees it unread, opens it, and it counts as read.
  await open(page, info, "/messages/?unread=1");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.locator(".badge")).toBeVisible();
  await page.getByRole("link", { name: subject }).click();
  await expect(page.getByRole("heading", { name: subject })).toBeVisible();
  await expect(page.locator(".message-body")).toHaveText("When is it? <b>Thanks</b>");
  await open(page, info, "/messages/?unread=1");
  await expect(page.getByRole("link", { name: subject })).toHaveCount(0);
  await open(page, info, "/messages/");
  await expect(page.getByRole("link", { name: subject })).toBeVisible();
});
