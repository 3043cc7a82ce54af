import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN, jsOn, open, uniqueUsername } from "./helpers";

// Every test here starts signed out.
test.use({ storageState: { cookies: [], origins: [] } });

const PASSWORD = "a long enough password";

async function register(page: Page, username: string, password = PASSWORD) {
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Email").fill(`${username}@example.com`);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password again").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function signIn(page: Page, login: string, password = PASSWORD) {
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("register (a viewer), sign out, sign in, sign out", async ({ page }, info) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) violations.push(msg.text());
  });
  const username = uniqueUsername("reg");
  const nav = page.getByRole("navigation", { name: "Main" });

  await open(page, info, "/register/");
  if (jsOn(info)) await page.evaluate(() => ((window as any).__noReload = "still here"));
  await register(page, username);
  await expect(page.getByRole("heading", { name: "Students" })).toBeVisible();
  await expect(nav.locator(".username")).toHaveText(username);
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveCount(0);
  if (jsOn(info)) expect(await page.evaluate(() => (window as any).__noReload)).toBe("still here");

  await nav.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await expect(page).toHaveURL(/\/login\/\?signed_out=1$/);
  await expect(nav.getByRole("link", { name: "Sign in" })).toBeVisible();

  await signIn(page, username);
  await expect(nav.locator(".username")).toHaveText(username);
  // A new registration is a viewer: the records to read, nothing to add.
  await expect(page.getByRole("heading", { name: "Students" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Courses" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Create" })).toHaveCount(0);

  await nav.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  // The records are out of reach again.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\/$/);
  expect(violations).toEqual([]);
});

test("a page asked for while signed out comes back after sign-in", async ({ page, problems }, info) => {
  problems.allowStatus(401); // the wrong password, with JavaScript
  await page.goto("/create/?from=test");
  await expect(page).toHaveURL(/\/login\/\?next=/);
  await expect(page.getByText("Please sign in to continue.")).toBeVisible();
  if (jsOn(info)) await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  // A wrong password first: the same message as for an unknown account.
  await signIn(page, ADMIN, "certainly not the password");
  await expect(page.getByRole("alert")).toHaveText(
    "That username or email and password do not match an account.",
  );
  await expect(page.getByLabel("Username or email")).toHaveValue(ADMIN);
  // Without JavaScript the page comes back from the server, which never
  // echoes a password; with it, the field keeps what was typed to correct.
  if (!jsOn(info)) await expect(page.getByLabel("Password")).toHaveValue("");
  await signIn(page, ADMIN, process.env.ROSTER_E2E_PASSWORD ?? "e2e admin password");
  await expect(page).toHaveURL(/\/create\/\?from=test$/);
  await expect(page.getByRole("heading", { name: "Add a new student" })).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Settings" })).toBeVisible();
});

test("registration problems show at their fields, with the input kept", async ({ page, problems }, info) => {
  problems.allowStatus(422);
  await open(page, info, "/register/");
  await page.getByLabel("Username").fill(ADMIN.toUpperCase());
  await page.getByLabel("Email").fill("someone.new@example.com");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Password again").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#password-error")).toContainText("at least 10");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Password again").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#username-error")).toHaveText("That username is taken.");
  await expect(page.getByLabel("Username")).toHaveValue(ADMIN.toUpperCase());
  await expect(page.getByLabel("Email")).toHaveValue("someone.new@example.com");
});
