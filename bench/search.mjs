// Bytes a search fetches, in Debian's Chromium, for inflected Finnish queries:
//
//     node bench/search.mjs SITE_DIR BASE_PATH own|pagefind
//
// `pagefind` expects a Pagefind bundle in SITE_DIR/pagefind/. Prints JSON per query: results,
// kilobytes and files fetched (the page, style and script included), the first titles.
import { serve, browser as launch } from "../tests/checkers/site.mjs";
const [dir, base, mode] = process.argv.slice(2);
const queries = ["kahvilassa", "nuorille", "asumisesta", "Raumalla", "tiistaina"];
const { server, origin } = await serve(dir, base);
const browser = await launch();
const out = {};
for (const q of queries) {
  const context = await browser.newContext();
  const page = await context.newPage();
  let bytes = 0, files = 0;
  page.on("response", async (r) => { try { const b = await r.body(); bytes += b.length; files++; } catch {} });
  let hits, top;
  if (mode === "own") {
    await page.goto(origin + base + "haku/?q=" + encodeURIComponent(q));
    await page.waitForFunction(() => document.querySelector(".search-status").textContent !== "", null, { timeout: 120000 });
    await page.waitForTimeout(500);
    hits = Number((await page.textContent(".search-status")).split(" ")[0]);
    top = await page.$$eval("[data-search-results] li a", (l) => l.slice(0, 3).map((a) => a.textContent));
  } else {
    await page.goto(origin + base + "404.html");
    const r = await page.evaluate(async ([b, q]) => {
      const pf = await import(b + "pagefind/pagefind.js");
      await pf.options({ basePath: b + "pagefind/" });
      const s = await pf.search(q);
      const data = await Promise.all(s.results.slice(0, 5).map((x) => x.data()));
      return { hits: s.results.length, top: data.slice(0, 3).map((d) => d.meta.title) };
    }, [base, q]);
    hits = r.hits; top = r.top;
  }
  await page.waitForTimeout(300);
  out[q] = { hits, kB: Math.round(bytes / 1024), files, top };
  await context.close();
}
await browser.close();
server.close();
console.log(JSON.stringify(out, null, 1));
