// Checks built pages in Debian's Chromium: axe-core (WCAG 2.0/2.1 A and AA) and no horizontal
// scrolling at 320 px; saves screenshots and a printed PDF for people to look at.
//
//     node browser.mjs SITE_DIR BASE_PATH OUT_DIR PATH...
//
// Serves SITE_DIR under BASE_PATH (e.g. /rsv/) on a free port. Exits 1 on any finding.
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { serve, browser as launch } from "./site.mjs";

const [dir, base, out, ...paths] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const axe = await readFile(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
const browser = await launch();
await mkdir(out, { recursive: true });
let findings = 0;
const report = {};
for (const path of paths) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(origin + base + path);
  let found;
  if (path.includes("?q=")) {
    // The search script lists the results once the files of the query's words have loaded
    // (axe then checks the list too).
    await page.waitForFunction(() =>
      document.querySelector(".search-status").textContent !== "" &&
      document.querySelectorAll("[data-search-results] li").length > 0
    );
    found = await page.evaluate(() =>
      [...document.querySelectorAll("[data-search-results] li a")].map((a) => a.textContent.trim())
    );
  }
  await page.addScriptTag({ content: axe });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  );
  report[path] = { violations: result.violations.length, passes: result.passes.length, found };
  for (const v of result.violations) {
    findings++;
    console.error(`${path}: ${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  }
  await page.setViewportSize({ width: 320, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    findings++;
    console.error(`${path}: scrolls sideways by ${overflow} px at 320 px wide`);
  }
  // On a phone the header leaves room for the page's own heading in the first screen.
  await page.setViewportSize({ width: 360, height: 740 });
  report[path].header = await page.evaluate(() => document.querySelector(".site-header").getBoundingClientRect().height);
  report[path].heading = await page.evaluate(() => document.querySelector("main h1").getBoundingClientRect().top);
  const name = path.replace(/\/$/, "").replace(/[/?=]/g, "_") || "home";
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(out, `${name}-${width}.png`), fullPage: true });
  }
  if (/^(paiva|raportti)\/|tulosta\/$|juliste\/$/.test(path)) {
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: join(out, `${name}.pdf`), format: "A4" });
  }
  await page.close();
}
await browser.close();
server.close();
console.log(JSON.stringify(report));
process.exit(findings ? 1 : 0);
