import AxeBuilder from "@axe-core/playwright";
import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { open, SIGNED_IN_PAGES, SIGNED_OUT_PAGES } from "./helpers";

// An automated WCAG 2.1 A/AA audit (axe-core) of every page type, signed in
// and signed out, hydrated. It cannot judge everything a person with a
// screen reader meets, but what it flags (a label naming no element, an
// unnamed header cell, text below 4.5:1 contrast) cannot come back unnoticed.
// axe runs inside the page, so only with JavaScript; the markup it audits is
// the server's, which a browser without JavaScript gets too.


// WCAG 2.1 A and AA, and axe's best practices (an empty header cell is one).
const RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/** What axe finds, and every id a label or an aria-* attribute names that no element has. */
async function problems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(RULES).analyze();
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n` + v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary}`).join("\n"),
  );
  // axe is content when one of several ids exists; a person is not.
  const dangling = await page.evaluate(() => {
    const missing: string[] = [];
    for (const label of document.querySelectorAll("label[for]")) {
      const id = label.getAttribute("for")!;
      if (!document.getElementById(id)) missing.push(`dangling-id: <label for="${id}">`);
    }
    for (const attr of ["aria-describedby", "aria-labelledby", "aria-controls"]) {
      for (const el of document.querySelectorAll(`[${attr}]`)) {
        for (const id of el.getAttribute(attr)!.split(/\s+/).filter(Boolean)) {
          if (!document.getElementById(id)) missing.push(`dangling-id: ${attr}="${id}" on <${el.tagName.toLowerCase()}>`);
        }
      }
    }
    return missing;
  });
  return [...found, ...dangling];
}

async function audit(page: Page) {
  expect(await problems(page), `accessibility problems on ${page.url()}`).toEqual([]);
}

test("the audit finds each kind of problem an audit by hand once found", async ({ page }) => {
  await page.setContent(`<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><main>
    <h1>Broken on purpose</h1>
    <label for="nowhere">A label for no element</label>
    <input id="name" aria-describedby="name-error name-hint"><p id="name-error"></p>
    <table><thead><tr><th scope="col">Name</th><th scope="col"></th></tr></thead>
      <tbody><tr><td>Ada</td><td>x</td></tr></tbody></table>
    <nav aria-label="Pages"><span style="color: #5b6275; opacity: 0.6">← Previous</span></nav>
  </main></body></html>`);
  const found = (await problems(page)).join("\n");
  expect(found).toContain('dangling-id: <label for="nowhere">');
  expect(found).toContain('dangling-id: aria-describedby="name-hint" on <input>');
  expect(found).toMatch(/^empty-table-header/m);
  expect(found).toMatch(/^color-contrast/m);
});

for (const path of SIGNED_IN_PAGES) {
  test(`signed in, ${path} passes a WCAG 2.1 AA audit`, async ({ page }, info) => {
    await open(page, info, path);
    await audit(page);
  });
}

test("signed in, a form showing errors at its fields passes the audit", async ({ page }, info) => {
  await open(page, info, "/create/");
  await page.getByRole("button", { name: "Add student" }).click();
  await expect(page.locator(".field.invalid").first()).toBeVisible();
  await audit(page);
});

test("signed in, the page for a missing record passes the audit", async ({ page, problems }, info) => {
  problems.allowStatus(404);
  await open(page, info, "/999999/");
  await audit(page);
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  for (const path of SIGNED_OUT_PAGES) {
    test(`signed out, ${path} passes a WCAG 2.1 AA audit`, async ({ page }, info) => {
      await open(page, info, path);
      await audit(page);
    });
  }
  test("signed out, a refused sign-in passes the audit", async ({ page, problems }, info) => {
    problems.allowStatus(401);
    await open(page, info, "/login/");
    await page.getByLabel("Username or email").fill("nobody-at-all");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator(".field-error, .error, [role=alert]").filter({ hasText: /./ }).first()).toBeVisible();
    await audit(page);
  });
});
