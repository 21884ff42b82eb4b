// Visit lima-lod's pages in a real headless browser (Debian's chromium, driven by playwright-core)
// and print one JSON document of what happened, for tests/test_browser.py to assert on:
//   per page: the HTTP status, <html lang>, failed requests (network errors and 4xx/5xx),
//   console errors and uncaught exceptions, requests that left the server, and axe-core's
//   serious or critical accessibility violations; on the query page, an example query run in
//   YASGUI (rows shown, our IRIs linked to our pages, the permalink reproducing it); the
//   language switch where a page has one.
// Usage: node browser.mjs BASE_URL [--screenshots DIR] [--csp POLICY] [--chromium PATH]
//   --screenshots  write PNGs (1280 wide) of each page kind into DIR
//   --csp          serve every HTML document that has no Content-Security-Policy header with
//                  this one, to check the pages work under it (a server's own policy wins)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"];
const WIDTH = 1280;

function options(argv) {
  const out = { base: argv[0], screenshots: null, csp: null, chromium: "/usr/bin/chromium" };
  for (let i = 1; i < argv.length; i += 2) {
    const value = argv[i + 1];
    if (argv[i] === "--screenshots") out.screenshots = value;
    else if (argv[i] === "--csp") out.csp = value;
    else if (argv[i] === "--chromium") out.chromium = value;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!out.base) throw new Error("usage: node browser.mjs BASE_URL [--screenshots DIR] [--csp POLICY]");
  return out;
}

// Everything a page did that a reader would notice as broken.
function watch(page, base) {
  const seen = { failed: [], console: [], external: [] };
  const origin = new URL(base).origin;
  page.on("requestfailed", (r) => seen.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) seen.failed.push(`${r.url()}: ${r.status()}`); });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith("data:") && !url.startsWith("blob:") && new URL(url).origin !== origin) {
      seen.external.push(url);
    }
  });
  page.on("console", (m) => { if (m.type() === "error") seen.console.push(m.text()); });
  page.on("pageerror", (e) => seen.console.push(`uncaught: ${e.message}`));
  return seen;
}

async function axe(page) {
  await page.evaluate(AXE); // evaluated by the driver: not an inline script, so CSP allows it
  const result = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ["violations"],
  }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
}

async function shoot(page, dir, name) {
  if (!dir) return;
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

// The language switch, where a page has one: follow its Spanish link, read <html lang>.
async function switchLanguage(page) {
  const link = page.locator('a[hreflang="es"]').first();
  if (await link.count() === 0) return null;
  await Promise.all([page.waitForLoadState("load"), link.click()]);
  await page.waitForLoadState("load");
  return await page.evaluate(() => document.documentElement.lang);
}

async function visit(context, base, path, opts, shot) {
  const page = await context.newPage();
  const seen = watch(page, base);
  const response = await page.goto(base + path, { waitUntil: "load" });
  await page.waitForLoadState("networkidle").catch(() => {});
  const report = { path, status: response.status(), lang: await page.evaluate(() => document.documentElement.lang),
                   title: await page.title() };
  report.violations = await axe(page);
  await shoot(page, opts.screenshots, shot);
  report.switched = await switchLanguage(page);
  await page.waitForLoadState("networkidle").catch(() => {});
  await context.clearCookies();  // the switch remembers its choice: the next page starts afresh
  Object.assign(report, seen);
  await page.close();
  return report;
}

// The query page: YASGUI replaces the form; an example query runs and its rows show.
async function queryPage(context, base, opts) {
  const page = await context.newPage();
  const seen = watch(page, base);
  const response = await page.goto(`${base}/sparql`, { waitUntil: "load" });
  await page.waitForLoadState("networkidle").catch(() => {});
  const report = { path: "/sparql", status: response.status(),
                   lang: await page.evaluate(() => document.documentElement.lang) };
  report.editor = await page.locator(".yasgui .CodeMirror").count() > 0;
  report.form_hidden = await page.locator("#query-form").isHidden();
  report.violations = await axe(page);
  await shoot(page, opts.screenshots, "query-empty");

  const rows = page.locator(".yasr table.dataTable tbody tr");
  await page.locator('a.example[data-name="institutions-per-axis"]').click();
  await rows.first().waitFor({ timeout: 20000 }).catch(() => {});
  await page.waitForLoadState("networkidle").catch(() => {});
  report.rows = await rows.count();
  report.iri_links = await page.locator(".yasr table.dataTable a.iri")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  report.downloads = await page.locator("#downloads a")
    .evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.href })));
  report.permalink = await page.locator("#permalink").getAttribute("href");
  report.violations_with_results = await axe(page);
  await page.locator("#examples").scrollIntoViewIfNeeded().catch(() => {});
  await page.evaluate(() => window.scrollTo(0, 0));
  await shoot(page, opts.screenshots, "query-results");

  // The permalink reproduces the query and the view.
  await page.goto(report.permalink, { waitUntil: "load" });
  await rows.first().waitFor({ timeout: 20000 }).catch(() => {});
  report.permalink_rows = await rows.count();
  report.permalink_view = await page.evaluate(() => {
    const selected = document.querySelector(".yasr .select_table.selected, .yasr .selected[class*=select_]");
    return selected ? selected.className : null;
  });
  report.switched = await switchLanguage(page);
  await page.waitForLoadState("networkidle").catch(() => {});
  await shoot(page, opts.screenshots, "query-es");
  Object.assign(report, seen);
  await page.close();
  return report;
}

const opts = options(process.argv.slice(2));
const browser = await chromium.launch({ executablePath: opts.chromium, args: ARGS, headless: true });
try {
  const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 },
                                             locale: "en-GB" });
  if (opts.csp) {
    await context.route("**/*", async (route) => {
      const response = await route.fetch();
      const headers = response.headers();
      // The server's own policy, once it sends one, is the one tested.
      if ((headers["content-type"] || "").startsWith("text/html")
          && !headers["content-security-policy"]) {
        headers["content-security-policy"] = opts.csp;
      }
      await route.fulfill({ response, headers });
    });
  }
  const pages = [];
  for (const [path, shot] of [["/", "home"], ["/doc/report/mx-2021.html", "report"],
                              ["/doc/commitment/10.html", "commitment"],
                              ["/queries", "queries"], ["/queries/axis-averages", "query-iri"]]) {
    pages.push(await visit(context, opts.base, path, opts, shot));
  }
  pages.push(await queryPage(context, opts.base, opts));
  process.stdout.write(JSON.stringify({ pages }, null, 1) + "\n");
} finally {
  await browser.close();
}
