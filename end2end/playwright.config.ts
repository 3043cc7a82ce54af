import { defineConfig } from "@playwright/test";

// The server is the release binary (ROSTER_BIN) on a throwaway SQLite file
// (see serve.sh). Chromium is Debian's: Playwright never downloads a browser.
const port = process.env.ROSTER_E2E_PORT ?? "3100";
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  // "setup" signs the administrator in once; both browser projects start
  // from that session (tests about accounts start signed out instead).
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "js-on",
      dependencies: ["setup"],
      use: { javaScriptEnabled: true, storageState: "playwright/.auth/admin.json" },
    },
    {
      name: "js-off",
      dependencies: ["setup"],
      // Hydration, and axe-core's audit, which runs inside the page, need JavaScript.
      testIgnore: /(a11y|hydration)\.spec\.ts/,
      use: { javaScriptEnabled: false, storageState: "playwright/.auth/admin.json" },
    },
  ],
  webServer: {
    command: "bash ./serve.sh",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { ROSTER_E2E_PORT: port },
  },
});
