import { BrowserContext, expect, test as base } from "@playwright/test";

/**
 * Every test fails on an uncaught error in any of its pages (`pageerror`: a
 * wasm trap, a failed hydration) or a console error, unless it says that it
 * expects one with `problems.allow(/pattern/)` (a page answering 404 or 409 on
 * purpose logs "Failed to load resource": `problems.allowStatus(404)`). Pages of contexts the test opens
 * itself (`browser.newContext()`) are watched too.
 */
export interface PageProblems {
  allow(pattern: RegExp): void;
  /** The browser's "Failed to load resource" for an answer with this status. */
  allowStatus(status: number): void;
}

export const test = base.extend<{ problems: PageProblems }>({
  problems: [
    async ({ context, browser }, use) => {
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      const watch = (c: BrowserContext) => {
        c.on("weberror", (e) => seen.push(`uncaught in ${e.page()?.url()}: ${e.error().message}`));
        c.on("console", (m) => {
          if (m.type() === "error") seen.push(`console error in ${m.page()?.url()}: ${m.text()}`);
        });
      };
      watch(context);
      const newContext = browser.newContext;
      browser.newContext = async (...args) => {
        const c = await newContext.apply(browser, args);
        watch(c);
        return c;
      };
      try {
        await use({
          allow: (pattern) => allowed.push(pattern),
          allowStatus: (status) => allowed.push(new RegExp(`the server responded with a status of ${status}\\b`)),
        });
      } finally {
        browser.newContext = newContext;
      }
      const unexpected = seen.filter((s) => !allowed.some((p) => p.test(s)));
      expect(unexpected, "errors in the page or its console").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
