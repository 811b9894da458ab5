// Uses the programme filter in Debian's Chromium: a municipality, then with online events too,
// then a day; and the copy button of the calendar page.
//
//     node filter.mjs SITE_DIR BASE_PATH
//
// Prints JSON: the ids of the entries shown at each step, the address kept, and the status the
// copy button announced.
import { serve, browser as launch } from "./site.mjs";

const [dir, base] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
const page = await context.newPage();
const shown = () => page.$$eval(".entry:not([hidden]) .entry-title a", (links) => links.map((a) => a.getAttribute("href")));
await page.goto(origin + base + "ohjelma/?kunta=rauma");
const municipality = await shown();
await page.check("#f-online");
const withOnline = await shown();
await page.selectOption("#f-day", "2026-11-17");
const onTuesday = await shown();
const address = new URL(page.url()).search;
await page.goto(origin + base + "kalenteri/");
await page.click("button[data-copy]");
await page.waitForFunction(() => document.querySelector(".copy-status").textContent !== "");
const copied = await page.textContent(".copy-status");
const clipboard = await page.evaluate(() => navigator.clipboard.readText());
await browser.close();
server.close();
console.log(JSON.stringify({ municipality, withOnline, onTuesday, address, copied, clipboard }));
