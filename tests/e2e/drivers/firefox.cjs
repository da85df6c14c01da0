// Drives Firefox ESR over WebDriver BiDi (Puppeteer; Playwright cannot drive stock Firefox:
// its Juggler protocol needs its own patched build) through the contract pages and prints
// one JSON line per page:
//   {"url", "verdict", "blocked": [non-local URLs aborted], "version"}
// usage: node firefox.cjs <dir holding node_modules/puppeteer-core> <timeout ms> <url>...
// FIREFOX overrides /usr/bin/firefox-esr.
"use strict";
const [modules, timeout, ...urls] = process.argv.slice(2);
const puppeteer = require(require.resolve("puppeteer-core", { paths: [modules] }));
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|[a-z0-9.-]+\.localhost)$/;

(async () => {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX || "/usr/bin/firefox-esr",
    headless: true,
  });
  try {
    const version = await browser.version();
    for (const url of urls) {
      const page = await browser.newPage();
      const blocked = [];
      // The guard the Chromium tests have: any request leaving the local origins is aborted
      // and reported (BiDi network interception; it reaches the page's frames).
      await page.setRequestInterception(true);
      page.on("request", (request) => {
        if (request.isInterceptResolutionHandled()) return;
        const host = new URL(request.url()).hostname;
        if (LOCAL.test(host) || request.url().startsWith("data:") || request.url().startsWith("blob:")) {
          request.continue();
        } else {
          blocked.push(request.url());
          request.abort("blockedbyclient");
        }
      });
      await page.goto(url);
      let verdict;
      try {
        await page.waitForFunction("window.__verdict && window.__verdict.done", { timeout: Number(timeout) });
        verdict = await page.evaluate(() => window.__verdict);
      } catch (err) {
        verdict = await page.evaluate(() => window.__verdict || null).catch(() => null);
        if (verdict) verdict.driver_error = String(err);
      }
      process.stdout.write(JSON.stringify({ url, verdict, blocked, version }) + "\n");
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + "\n");
  process.exit(1);
});
