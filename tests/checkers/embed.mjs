// Shows an organiser's embed inside a page of another origin (a second local server), as a
// partner's web page would, in Debian's Chromium; screenshots at 320 and 1024 px.
//
//     node embed.mjs SITE_DIR BASE_PATH ORGANISER_PAGE OUT_DIR
//
// The host page holds the snippet the organiser page offers, with the site's address swapped for
// the local server's. Prints JSON: the frame's height as the snippet left it and after the
// embed reported its own, the embed's overflow at 280 px, and axe-core's violations in it.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { serve, browser as launch } from "./site.mjs";

const [dir, base, organiserPage, out] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const html = await readFile(join(dir, organiserPage, "index.html"), "utf8");
const snippet = html
  .match(/<textarea id="upota-koodi"[^>]*>([\s\S]*?)<\/textarea>/)[1]
  .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
const site = snippet.match(/src="(https?:\/\/[^/"]+)/)[1];
const local = snippet.split(site).join(origin);
const host = createServer((request, response) => {
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  response.end(`<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Kumppanin sivu</title></head><body style="margin:0;font-family:serif"><h1 style="margin:8px">Kumppanin sivu</h1><main style="margin:8px">${local}</main><p style="margin:8px">Sivun loppu</p></body></html>`);
});
await new Promise((resolve) => host.listen(0, "127.0.0.1", resolve));
const hostOrigin = `http://127.0.0.1:${host.address().port}`;
const browser = await launch();
const report = { snippetHeight: Number(local.match(/height="(\d+)"/)[1]) };
for (const width of [320, 1024]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(hostOrigin + "/");
  await page.waitForFunction((h) => document.querySelector("iframe").height !== String(h), report.snippetHeight, { timeout: 10000 });
  report[`height${width}`] = Number(await page.getAttribute("iframe", "height"));
  report[`content${width}`] = await page.frames()[1].evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({ path: join(out, `embed-${width}.png`), fullPage: true });
  await page.close();
}
const embed = await browser.newPage({ viewport: { width: 280, height: 600 } });
await embed.goto(local.match(/src="([^"]+)"/)[1]);
report.overflow280 = await embed.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
await embed.addScriptTag({ content: await readFile(new URL("./node_modules/axe-core/axe.min.js", import.meta.url), "utf8") });
const axe = await embed.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
report.violations = axe.violations.map((v) => `${v.id}: ${v.help}`);
await browser.close();
server.close();
host.close();
console.log(JSON.stringify(report));
