import { expect, test } from "./fixtures";
import { SIGNED_IN_PAGES, SIGNED_OUT_PAGES } from "./helpers";

// The wasm bundle starts on every page type: the hydration marker is set and
// nothing fails in the page or its console (the fixture checks that). Run
// against the release build in scripts/test.sh, so a bundle broken by an
// optimiser fails here.

async function hydrates(page: import("@playwright/test").Page, path: string) {
  const wasm: string[] = [];
  page.on("request", (r) => r.url().endsWith(".wasm") && wasm.push(new URL(r.url()).pathname));
  await page.goto(path);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  // One bundle for every page: no chunk waterfall on a first visit.
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/^\/pkg\/roster\.[\w-]+\.wasm$/);
}


for (const path of SIGNED_IN_PAGES) {
  test(`signed in, ${path} hydrates from the one wasm bundle without an error`, async ({ page }) => {
    await hydrates(page, path);
  });
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });
  for (const path of SIGNED_OUT_PAGES) {
    test(`signed out, ${path} hydrates from the one wasm bundle without an error`, async ({ page }) => {
      await hydrates(page, path);
    });
  }
});
