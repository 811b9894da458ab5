// Serves a built site under its base path on a free port, and launches Debian's Chromium (never
// a downloaded browser), for the checks that drive a browser.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, extname } from "node:path";
import { chromium } from "playwright-core";

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".svg": "image/svg+xml", ".js": "text/javascript", ".json": "application/json", ".ics": "text/calendar", ".xml": "application/xml" };

/// Serves `dir` under `base` (e.g. /rsv/); returns the server and its origin.
export async function serve(dir, base) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    let file = join(dir, path.startsWith(base) ? path.slice(base.length) : "\0");
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      response.writeHead(200, { "Content-Type": types[extname(file)] || "application/octet-stream" });
      response.end(await readFile(file));
    } catch {
      response.writeHead(404, { "Content-Type": types[".html"] });
      response.end(await readFile(join(dir, "404.html")).catch(() => "404"));
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

export function browser() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  });
}
