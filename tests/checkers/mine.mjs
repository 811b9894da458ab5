// Stars entries in Debian's Chromium as a resident would, reloads, opens "my programme" and
// downloads its calendar file.
//
//     node mine.mjs SITE_DIR BASE_PATH OUT.ics ENTRY_PATH...
//
// Prints JSON: whether each star stayed pressed after a reload, the titles "my programme"
// lists, and the page's text without JavaScript; the calendar file is saved as OUT.ics.
import { serve, browser as launch } from "./site.mjs";

const [dir, base, out, ...entries] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 360, height: 740 }, acceptDownloads: true });
const page = await context.newPage();
const pressed = [];
for (const entry of entries) {
  await page.goto(origin + base + entry);
  await page.click("button[data-star]");
}
for (const entry of entries) {
  await page.goto(origin + base + entry);
  await page.reload();
  pressed.push(await page.getAttribute("button[data-star]", "aria-pressed"));
}
await page.goto(origin + base + "oma-ohjelma/");
await page.waitForFunction(() => document.querySelectorAll(".mine-list .entry").length > 0);
const listed = await page.$$eval(".mine-list .entry-title a", (links) => links.map((a) => a.textContent));
const days = await page.$$eval(".mine-list h2", (hs) => hs.map((h) => h.textContent));
const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-mine-ics]")]);
await download.saveAs(out);
const plain = await browser.newContext({ javaScriptEnabled: false });
const noJs = await plain.newPage();
await noJs.goto(origin + base + "oma-ohjelma/");
const withoutJs = await noJs.textContent("main");
await browser.close();
server.close();
console.log(JSON.stringify({ pressed, listed, days, withoutJs, file: download.suggestedFilename() }));
