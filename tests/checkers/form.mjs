// Fills the entry form in Debian's Chromium as partners would, and prints the file it composes
// for each entry, with the folder and file name it says to save it under.
//
//     node form.mjs SITE_DIR BASE_PATH ENTRIES.json
//
// ENTRIES.json is a list of {field: value} objects: text fields by name, `audience` a list of
// keys, `organiser` a folder (or "*" with `new_organiser`).
import { readFile } from "node:fs/promises";
import { serve, browser as launch } from "./site.mjs";

const [dir, base, entriesFile] = process.argv.slice(2);
const entries = JSON.parse(await readFile(entriesFile, "utf8"));
const { server, origin } = await serve(dir, base);
const browser = await launch();
const results = [];
for (const entry of entries) {
  const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
  await page.goto(origin + base + "ilmoita/");
  const missing = await page.textContent("#form-status");
  // The organiser first: choosing a new one shows the field for its name.
  const fields = Object.entries(entry).sort(([a], [b]) => (b === "organiser") - (a === "organiser"));
  for (const [name, value] of fields) {
    if (name === "audience") {
      for (const key of value) await page.check(`#a-${key}`);
    } else if (name === "organiser" || name === "format") {
      await page.selectOption(`#ilmoitus [name=${name}]`, value);
    } else {
      await page.fill(`#ilmoitus [name=${name}]`, value);
    }
  }
  // As if asking for the file: every problem is shown, touched or not.
  await page.evaluate(() => document.querySelector(".form-actions").dispatchEvent(new Event("click")));
  results.push({
    before: missing,
    status: await page.textContent("#form-status"),
    errors: await page.$$eval(".field-error", (spans) => spans.map((s) => s.textContent).filter(Boolean)),
    text: await page.textContent("#tiedosto-teksti"),
    file: await page.getAttribute("#tiedosto-teksti", "data-file-name"),
    folder: await page.getAttribute("#tiedosto-teksti", "data-folder"),
    mail: await page.getAttribute("#laheta", "href"),
  });
  await page.close();
}
await browser.close();
server.close();
console.log(JSON.stringify(results));
