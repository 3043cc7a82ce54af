// How soon a page answers a person: from navigation to the hydration marker
// (`body[data-hydrated]`), in Debian's Chromium with a slow network emulated
// (100 ms round trip, 12 Mbit/s down, cache disabled for a first visit), and
// again with the cache warm (a repeat visit). Prints one row per page: the
// median of several visits, the requests and bytes of a first visit.
//
//   node bench/first-visit.mjs BASE_URL LOGIN PASSWORD [RUNS]
//
// Figures, not pass/fail: scripts/bench.sh prints them beside the targets.
import { chromium } from "@playwright/test";

const [base, login, password, runsArg] = process.argv.slice(2);
if (!base || !login || !password) {
  console.error("usage: node bench/first-visit.mjs BASE_URL LOGIN PASSWORD [RUNS]");
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const pages = ["/", "/1/", "/create/", "/courses/", "/courses/1/", "/handlers/", "/pets/1/", "/about/"];
const network = {
  offline: false,
  latency: 100,
  downloadThroughput: (12 * 1000 * 1000) / 8,
  uploadThroughput: (12 * 1000 * 1000) / 8,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});

// One session for every visit: the pages are the signed-in ones.
const signIn = await browser.newContext();
const answer = await signIn.request.post(`${base}/login/`, {
  form: { login, password, next: "/" },
  headers: { Origin: base },
  maxRedirects: 0,
});
if (answer.status() !== 303) {
  console.error(`sign-in answered ${answer.status()}`);
  process.exit(1);
}
const storageState = await signIn.storageState();
await signIn.close();

/**
 * Notes when the hydration marker is set, as it is set: performance.now()
 * counts from the navigation's start. Runs before the page's own scripts.
 */
function watchHydration() {
  new MutationObserver((_, observer) => {
    if (document.body?.hasAttribute("data-hydrated")) {
      window.__hydratedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
}

/** One visit: milliseconds to the hydration marker, requests and bytes. */
async function visit(page, cdp, path) {
  let requests = 0;
  let bytes = 0;
  const count = () => requests++;
  const add = (e) => (bytes += e.encodedDataLength);
  page.on("request", count);
  cdp.on("Network.loadingFinished", add);
  const errors = [];
  const onError = (e) => errors.push(String(e));
  page.on("pageerror", onError);
  await page.goto(base + path, { waitUntil: "commit" });
  const handle = await page.waitForFunction(() => window.__hydratedAt, null, { timeout: 30_000 });
  const ms = await handle.jsonValue();
  // Whatever the page still fetches after hydration counts too.
  await page.waitForLoadState("networkidle");
  page.off("request", count);
  cdp.off("Network.loadingFinished", add);
  page.off("pageerror", onError);
  if (errors.length) throw new Error(`${path}: ${errors.join("; ")}`);
  return { ms, requests, bytes };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `${"page".padEnd(14)} ${"first visit".padStart(11)} ${"requests".padStart(8)} ${"of them wasm".padStart(12)} ${"bytes".padStart(9)} ${"repeat visit".padStart(12)}`,
);
for (const path of pages) {
  const first = [];
  const repeat = [];
  let shape;
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ storageState });
    await context.addInitScript(watchHydration);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", network);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    let wasm = 0;
    const countWasm = (r) => r.url().endsWith(".wasm") && wasm++;
    page.on("request", countWasm);
    const cold = await visit(page, cdp, path);
    page.off("request", countWasm);
    first.push(cold.ms);
    shape = { ...cold, wasm };
    // The same person coming back: the cache holds what the first visit fetched.
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
    await page.goto("about:blank");
    const warm = await visit(page, cdp, path);
    repeat.push(warm.ms);
    await context.close();
  }
  console.log(
    `${path.padEnd(14)} ${(median(first) / 1000).toFixed(2).padStart(9)} s ${String(shape.requests).padStart(8)} ${String(shape.wasm).padStart(12)} ${(Math.round(shape.bytes / 1024) + " KB").padStart(9)} ${(median(repeat) / 1000).toFixed(2).padStart(10)} s`,
  );
}
await browser.close();
