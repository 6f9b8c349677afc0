// End-to-end test of the built playground (dist/) in a real headless
// Chromium driven by playwright-core. Run after build: `node test/browser.mjs`.
// CHROMIUM overrides the browser path; SCREENSHOT where the final
// screenshot goes (default: the system's temporary directory).
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../serve.mjs";

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const pretty = (value) => JSON.stringify(value, null, 2);

const server = await serve(fileURLToPath(new URL("../dist/", import.meta.url)));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: FLAGS,
});
const problems = [];
let passed = 0;

async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) problems.push(`request outside the page's origin: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => document.body.dataset.ready), "true", "the page started");
  return page;
}

const editorText = (page) =>
  page.evaluate(() => [...document.querySelectorAll(".cm-content .cm-line")].map((l) => l.textContent).join("\n"));

async function replaceQuery(page, text) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
  await page.keyboard.press("Escape"); // close any completion list
}

async function test(name, body) {
  await body();
  passed += 1;
  console.log(`ok - ${name}`);
}

try {
  const page = await open(base);

  await test("a misspelt value is squiggled with a suggestion, and the fix compiles", async () => {
    await replaceQuery(page, "state = opne");
    const squiggle = page.locator(".cm-lintRange-error");
    await squiggle.first().waitFor();
    assert.equal(await squiggle.count(), 1);
    assert.equal(await squiggle.first().textContent(), "opne");
    await page.locator("#problems .problem", { hasText: "did you mean `open`?" }).waitFor();
    assert.equal(await page.locator("#output").isHidden(), true, "no JSON for an invalid query");
    await squiggle.first().hover();
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.waitFor();
    assert.match(await tooltip.textContent(), /did you mean `open`\?/);

    await page.click(".cm-content");
    await page.keyboard.press("End");
    for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("open");
    await page.keyboard.press("Escape");
    await page.locator("#status.ok").waitFor();
    assert.equal(
      await page.locator("#output").textContent(),
      pretty({ query: { field: "state", operator: "=", value: "open" } }),
    );
    await squiggle.first().waitFor({ state: "detached" });
    assert.equal(await page.locator("#problems .problem").count(), 0);
  });

  await test("the fix button applies the suggestion", async () => {
    await replaceQuery(page, "stat = closed");
    await page.locator("#problems .fix", { hasText: "replace with `state`" }).click();
    await page.locator("#status.ok").waitFor();
    assert.equal(await editorText(page), "state = closed");
  });

  await test("fixes land in the right place in a query with smart quotes and emoji", async () => {
    await replaceQuery(page, "source.body ~ “😀 refund” AND stat = open");
    const squiggle = page.locator(".cm-lintRange-error", { hasText: "stat" });
    await squiggle.first().waitFor();
    assert.equal(await squiggle.first().textContent(), "stat");
    await page.locator("#problems .fix", { hasText: "replace with `state`" }).click();
    await page.locator("#problems .fix", { hasText: "replace with `\"😀 refund\"`" }).click();
    await page.locator("#status.ok").waitFor();
    assert.equal(await editorText(page), 'source.body ~ "😀 refund" AND state = open');
  });

  await test("completion offers fields and hover explains them", async () => {
    await replaceQuery(page, "read = true AND sta");
    await page.keyboard.press("Control+Space");
    const list = page.locator(".cm-tooltip-autocomplete");
    await list.waitFor();
    assert.match(await list.textContent(), /state/);
    // CodeMirror ignores Enter for 75 ms after a list opens (interactionDelay).
    await page.waitForTimeout(150);
    await page.keyboard.press("Enter");
    assert.equal(await editorText(page), "read = true AND state");
    await page.keyboard.type(" = ");
    await page.keyboard.press("Control+Space");
    await list.waitFor();
    const labels = await list.locator(".cm-completionLabel").allTextContents();
    assert.deepEqual(labels.sort(), ["closed", "open", "snoozed"]);
    await page.keyboard.press("Escape");

    const line = await page.locator(".cm-line").first().boundingBox();
    await page.mouse.move(line.x + 12, line.y + line.height / 2); // over `read`
    const hover = page.locator(".qc-hover");
    await hover.waitFor();
    assert.match(await hover.textContent(), /read \(Boolean\)/);
  });

  await test("relative dates use the browser's clock, in compile and hover", async () => {
    await page.selectOption("#examples", { label: "Created in the last week, unread" });
    await page.locator("#status.ok").waitFor();
    const body = JSON.parse(await page.locator("#output").textContent());
    const seconds = Number(body.query.value[0].value);
    const expected = Math.floor(Date.now() / 1000) - 7 * 86400;
    assert.ok(Math.abs(seconds - expected) < 300, `now-7d = ${seconds}, expected about ${expected}`);
    await page.mouse.move(0, 0);
    const box = await page.locator(".cm-line").first().boundingBox();
    const at = (await editorText(page)).indexOf("now-7d") + 2;
    // The x coordinate of that character, from the rendered text.
    const x = await page.evaluate((at) => {
      const range = document.createRange();
      const node = document.querySelector(".cm-line");
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      let left = at;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (left <= n.length) {
          range.setStart(n, left);
          range.setEnd(n, left + 1);
          return range.getBoundingClientRect().left + 2;
        }
        left -= n.length;
      }
      return null;
    }, at);
    assert.ok(x !== null, "now-7d is on the first line");
    await page.mouse.move(x, box.y + box.height / 2);
    const hover = page.locator(".qc-hover");
    await hover.waitFor();
    assert.match(await hover.textContent(), /created_at \(Date\): unix seconds \d+ = \d{4}-\d{2}-\d{2}T/);
  });

  await test("the example dropdown fills the editor and the JSON", async () => {
    await page.selectOption("#examples", { label: "Open and urgent, or tagged" });
    await page.locator("#status.ok").waitFor();
    assert.equal(await editorText(page), "state = open AND (priority = priority OR tag_ids IN [1, 2])");
    assert.deepEqual(JSON.parse(await page.locator("#output").textContent()), {
      query: {
        operator: "AND",
        value: [
          { field: "state", operator: "=", value: "open" },
          {
            operator: "OR",
            value: [
              { field: "priority", operator: "=", value: "priority" },
              { field: "tag_ids", operator: "IN", value: ["1", "2"] },
            ],
          },
        ],
      },
    });
  });

  await test("Format rewrites the query in canonical form", async () => {
    await replaceQuery(page, "state=open and(read = 'true'  )");
    await page.click("#format");
    await page.locator("#status.ok").waitFor();
    assert.equal(await editorText(page), "state = open AND read = true");
  });

  await test("a JSON request decompiles into the editor", async () => {
    await page.click("#from-json summary");
    await page.fill("#json-input", '{"query": {"field": "stat", "operator": "=", "value": "open"}}');
    await page.click("#decompile");
    await page.locator("#json-problems .problem", { hasText: "query.field" }).waitFor();
    const json = {
      query: {
        operator: "AND",
        value: [
          { field: "created_at", operator: ">", value: "1704067200" },
          { field: "state", operator: "=", value: "open" },
        ],
      },
    };
    await page.fill("#json-input", JSON.stringify(json));
    await page.click("#decompile");
    await page.locator("#status.ok").waitFor();
    // The API's `>` includes the bound: the query text says `>=`.
    assert.equal(await editorText(page), "created_at >= 2024-01-01T00:00:00Z AND state = open");
    assert.equal(await page.locator("#json-problems .problem").count(), 0);
    assert.deepEqual(JSON.parse(await page.locator("#output").textContent()), json);
  });

  await test("the shared URL restores the query", async () => {
    const query = 'source.body ~ "50% off & more" AND state != closed';
    await replaceQuery(page, query);
    await page.locator("#status.ok").waitFor();
    assert.equal(await editorText(page), query);
    const url = page.url();
    assert.ok(url.startsWith(`${base}#q=`), url);
    const output = await page.locator("#output").textContent();

    const shared = await open(url);
    assert.equal(await editorText(shared), query);
    await shared.locator("#status.ok").waitFor();
    assert.equal(await shared.locator("#output").textContent(), output);
    assert.deepEqual(JSON.parse(output).query.value[0], {
      field: "source.body",
      operator: "~",
      value: "50% off & more",
    });
    await shared.close();
  });

  await test("the target and the workspace schema change the rules, and the URL keeps them", async () => {
    await page.selectOption("#target", "contacts");
    await page.click("#workspace summary");
    const schema = JSON.stringify({
      type: "list",
      data: [{ model: "contact", full_name: "custom_attributes.plan", data_type: "string", options: ["free", "pro"] }],
    });
    await page.fill("#schema-input", schema);
    await replaceQuery(page, "role = lead AND custom_attributes.plan = pro AND tag_id IN [1, 2]");
    await page.locator("#status.ok").waitFor();
    const body = JSON.parse(await page.locator("#output").textContent());
    assert.deepEqual(body.query.value[2], {
      operator: "OR",
      value: [
        { field: "tag_id", operator: "=", value: "1" },
        { field: "tag_id", operator: "=", value: "2" },
      ],
    });
    await replaceQuery(page, "custom_attributes.plan = prp");
    await page.locator("#problems .problem", { hasText: "did you mean `pro`?" }).waitFor();
    const url = page.url();
    assert.match(url, /&t=contacts/);
    assert.match(url, /&s=/);
    const shared = await open(url);
    assert.equal(await shared.locator("#target").inputValue(), "contacts");
    assert.equal(await shared.locator("#schema-input").inputValue(), schema);
    await shared.locator("#problems .problem", { hasText: "did you mean `pro`?" }).waitFor();
    await shared.close();
    await page.selectOption("#target", "conversations");
    await page.fill("#schema-input", "");
  });

  await test("the API version changes the table and the targets offered, and the URL keeps it", async () => {
    const offered = async () =>
      page.locator("#target option:not([disabled])").evaluateAll((os) => os.map((o) => o.value));
    assert.equal(await page.locator("#api-version").inputValue(), "2.11");
    assert.deepEqual(await offered(), ["conversations", "contacts", "tickets"]);
    // Tickets search is not in 2.9: the target falls back to one 2.9 searches.
    await page.selectOption("#target", "tickets");
    await page.selectOption("#api-version", "2.9");
    assert.deepEqual(await offered(), ["conversations", "contacts"]);
    assert.equal(await page.locator("#target").inputValue(), "conversations");
    // Preview: companies, and contacts' dates to the second with a real <=.
    await page.selectOption("#api-version", "Preview");
    assert.deepEqual(await offered(), ["conversations", "contacts", "tickets", "companies"]);
    await page.selectOption("#target", "companies");
    await replaceQuery(page, "user_count > 3 AND name ~ acme");
    await page.locator("#status.ok").waitFor();
    assert.deepEqual(JSON.parse(await page.locator("#output").textContent()).query.value[0], {
      field: "user_count",
      operator: ">",
      value: 3,
    });
    assert.match(await page.locator("#fields").textContent(), /monthly_spend/);
    await page.selectOption("#target", "contacts");
    await replaceQuery(page, "last_seen_at <= 2024-02-01T10:00:00Z");
    await page.locator("#status.ok").waitFor();
    assert.deepEqual(JSON.parse(await page.locator("#output").textContent()).query, {
      field: "last_seen_at",
      operator: "<=",
      value: "1706781600",
    });
    // Contacts sort from 2.16: ORDER BY is sent, and highlighted as keywords.
    await replaceQuery(page, "last_seen_at <= 2024-02-01T10:00:00Z ORDER BY last_seen_at ASC");
    await page.locator("#status.ok").waitFor();
    assert.deepEqual(JSON.parse(await page.locator("#output").textContent()).sort, {
      field: "last_seen_at",
      order: "ascending",
    });
    const colour = (word) =>
      page
        .locator(".cm-line span", { hasText: new RegExp(`^${word}$`) })
        .first()
        .evaluate((e) => getComputedStyle(e).color);
    for (const word of ["ORDER", "BY", "ASC"]) assert.equal(await colour(word), "rgb(142, 36, 170)", word);
    await replaceQuery(page, "last_seen_at <= 2024-02-01T10:00:00Z");
    await page.locator("#status.ok").waitFor();
    const url = page.url();
    assert.match(url, /&v=Preview/);
    const shared = await open(url);
    assert.equal(await shared.locator("#api-version").inputValue(), "Preview");
    assert.equal(await shared.locator("#target").inputValue(), "contacts");
    await shared.locator("#status.ok").waitFor();
    await shared.close();
    await page.selectOption("#api-version", "2.11");
    await page.selectOption("#target", "conversations");
    assert.doesNotMatch(page.url(), /&v=/);
  });

  await test("a query over the limits is rewritten with a note, or planned", async () => {
    const ors = Array.from({ length: 20 }, (_, i) => `tag_ids = ${i + 1}`).join(" OR ");
    await replaceQuery(page, ors);
    await page.locator("#status.ok").waitFor();
    assert.equal(JSON.parse(await page.locator("#output").textContent()).query.operator, "IN");
    await page.locator("#problems .problem", { hasText: "rewritten to fit" }).waitFor();
    // Neither its CNF (an OR of 17) nor its DNF (16 ANDs and a filter) fits: a plan of 2.
    const ids = Array.from({ length: 16 }, (_, i) => `id ~ ${i + 1}`).join(" OR ");
    await replaceQuery(page, `tag_ids = 7 OR (created_at > 1 AND (${ids}))`);
    await page.locator("#status.plan").waitFor();
    const lines = (await page.locator("#output").textContent()).split("\n");
    assert.equal(lines.length, 2);
    for (const line of lines) assert.ok(JSON.parse(line).query);
  });

  await test("once loaded, the page works offline", async () => {
    await page.context().setOffline(true);
    await replaceQuery(page, "read = tru");
    await page.locator("#problems .problem", { hasText: "did you mean `true`?" }).waitFor();
    await replaceQuery(page, "state = open AND (priority = priority OR tag_ids IN [1, 2])");
    await page.locator("#status.ok").waitFor();
    assert.match(await page.locator("#output").textContent(), /"tag_ids"/);
    await page.context().setOffline(false);
  });

  await test("the page makes no requests elsewhere and logs no errors", async () => {
    const shot = process.env.SCREENSHOT ?? join(tmpdir(), "qc-playground.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`# screenshot: ${shot}`);
    assert.deepEqual(problems, []);
  });

  console.log(`${passed} passed`);
} finally {
  await browser.close();
  server.close();
}
