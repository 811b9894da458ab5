// Screenshots of built pages at a phone's width, and PDFs of their print, for looking at.
//
//     node shot.mjs SITE_DIR BASE_PATH OUT_DIR PAGE...
import { serve, browser as launch } from "./site.mjs";

const [dir, base, out, ...pages] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const browser = await launch();
const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
for (const path of pages) {
  const name = path.replace(/[/?=&]+/g, "_").replace(/^_|_$/g, "") || "home";
  await page.goto(origin + base + path);
  await page.screenshot({ path: `${out}/${name}-360.png` });
  await page.pdf({ path: `${out}/${name}.pdf`, format: "A4", printBackground: true });
}
await browser.close();
server.close();
