import { expect, Page, TestInfo } from "@playwright/test";

export const jsOn = (info: TestInfo) => info.project.name === "js-on";

/** The administrator serve.sh creates with `roster user create --admin`. */
export const ADMIN = "e2e-admin";
export const ADMIN_PASSWORD = process.env.ROSTER_E2E_PASSWORD ?? "e2e admin password";

/** A unique username (3–32 characters), so that parallel tests never collide. */
export function uniqueUsername(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A unique email, so that tests in parallel never collide. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e9)}@example.com`;
}

/** Opens a page and, with JavaScript on, waits until the wasm has hydrated it. */
export async function open(page: Page, info: TestInfo, path: string) {
  const response = await page.goto(path);
  if (jsOn(info)) {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }
  return response;
}

export interface StudentFields {
  firstname: string;
  lastname: string;
  email: string;
  age?: string;
  bio?: string;
}

export async function fillStudent(page: Page, s: StudentFields) {
  await page.getByLabel("First name").fill(s.firstname);
  await page.getByLabel("Last name").fill(s.lastname);
  await page.getByLabel("Email").fill(s.email);
  await page.getByLabel("Age (optional)").fill(s.age ?? "");
  await page.getByLabel("Bio (optional)").fill(s.bio ?? "");
}

export async function createStudent(page: Page, info: TestInfo, s: StudentFields) {
  await open(page, info, "/create/");
  await fillStudent(page, s);
  await page.getByRole("button", { name: "Add student" }).click();
  await expect(page.getByText(`Added ${s.firstname} ${s.lastname}.`)).toBeVisible();
  const id = new URL(page.url()).searchParams.get("created");
  expect(id).toMatch(/^\d+$/);
  return id!;
}

/**
 * A page of every type, signed in. The sample records (`roster seed
 * --sample`) give student, course, handler and pet 1; these pages only read,
 * so tests running at once change nothing on them but rows.
 */
export const SIGNED_IN_PAGES = [
  "/",
  "/dashboard/",
  "/?q=zzzz-nothing-matches",
  "/?page=999", // the pager, "Next" disabled
  "/1/",
  "/create/",
  "/1/edit/",
  "/1/delete/",
  "/1/history/",
  "/1/transcript/",
  "/courses/",
  "/courses/1/",
  "/courses/create/",
  "/courses/1/edit/",
  "/courses/1/delete/",
  "/courses/1/history/",
  "/courses/1/grades/",
  "/courses/1/transcripts/",
  "/handlers/",
  "/handlers/1/",
  "/handlers/create/",
  "/handlers/1/edit/",
  "/handlers/1/delete/",
  "/handlers/1/history/",
  "/pets/",
  "/pets/1/",
  "/pets/create/",
  "/pets/1/edit/",
  "/pets/1/delete/",
  "/pets/1/history/",
  "/bulk/pets/?action=delete&scope=page",
  "/account/",
  "/users/",
  "/activity/",
  "/trash/",
  "/trash/?kind=pet&q=zzzz-nothing-matches",
  "/import/",
  "/import/students/",
  "/import/enrolments/",
  "/messages/",
  "/settings/",
  "/roles/",
  "/about/",
  "/contact/",
];

/** Every page a visitor who is not signed in may open. */
export const SIGNED_OUT_PAGES = ["/login/", "/register/", "/about/", "/contact/"];
