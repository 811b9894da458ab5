// Photographs the QR codes of printed sheets in Debian's Chromium, as a phone's camera would
// see them on paper, for zbarimg to read back.
//
//     node qr.mjs SITE_DIR BASE_PATH OUT_DIR PAGE...
//
// Writes OUT_DIR/<n>.png for the n-th page: its first QR code (inline or an image), printed.
import { serve, browser as launch } from "./site.mjs";
import { join } from "node:path";

const [dir, base, out, ...paths] = process.argv.slice(2);
const { server, origin } = await serve(dir, base);
const browser = await launch();
// Printed sheets are read at a printer's resolution, not a screen's.
const page = await browser.newPage({ viewport: { width: 800, height: 1100 }, deviceScaleFactor: 4 });
await page.emulateMedia({ media: "print" });
for (const [n, path] of paths.entries()) {
  await page.goto(origin + base + path);
  await page.locator(".qr").first().screenshot({ path: join(out, `${n}.png`) });
}
await browser.close();
server.close();
