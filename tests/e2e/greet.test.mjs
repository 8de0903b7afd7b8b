// Local contexts end to end: `<GreetProvider name=...>` instances rendered on the server,
// hydrated without requests, fetched for new arguments, and refetched one instance at a time
// when a call invalidates `greet?{"name":...}`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser } from "./browser.mjs";

const env = serverAndBrowser();

/** Opens `path`, recording the API requests the page makes (method and path with query). */
async function open(path) {
  const page = await env.browser.newPage();
  const requests = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/api/")) requests.push(`${request.method()} ${decodeURIComponent(url.pathname + url.search)}`);
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${env.server.url}${path}`);
  await page.waitForSelector('[data-hydrated="true"]');
  return { page, requests, errors };
}

const text = (page, testId) => page.textContent(`[data-testid="${testId}"]`);

test("the page hydrates with every greeting the server resolved, without a request", async () => {
  const { page, requests, errors } = await open("/greet?name=Zo%C3%AB");
  assert.equal(await text(page, "greeting-Ann-text"), "Hello, Ann!");
  assert.equal(await text(page, "greeting-Bob-text"), "Hello, Bob!");
  assert.equal(await text(page, "greeting-typed-text"), "Hello, Zoë!");
  assert.deepEqual(requests, [], "hydration used the page's $local data");
  assert.deepEqual(errors, []);
  await page.close();
});

test("waving refetches only the greeting the server invalidated", async () => {
  const { page, requests } = await open("/greet");
  const before = Number.parseInt(await text(page, "greeting-Ann-waves"), 10);
  const bob = await text(page, "greeting-Bob-waves");
  await page.click('[data-testid="greeting-Ann-wave"]');
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="greeting-Ann-waves"]')?.textContent?.startsWith(`${expected} `),
    before + 1,
  );
  assert.equal(await text(page, "greeting-Bob-waves"), bob);
  assert.deepEqual(requests, ["POST /api/mizan/call/wave", 'GET /api/mizan/context/greet?args={"name":"Ann"}']);
  await page.close();
});

test("a name typed on the page is fetched, and its waves survive a reload", async () => {
  const { page, requests } = await open("/greet");
  await page.fill('[data-testid="greet-name"]', "Dee");
  await page.waitForSelector('[data-testid="greeting-typed-text"]');
  assert.equal(await text(page, "greeting-typed-text"), "Hello, Dee!");
  assert.ok(requests.includes('GET /api/mizan/context/greet?args={"name":"Dee"}'), requests.join("\n"));
  await page.click('[data-testid="greeting-typed-wave"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="greeting-typed-waves"]')?.textContent === "1 wave");

  const reloaded = await open("/greet?name=Dee");
  assert.equal(await text(reloaded.page, "greeting-typed-waves"), "1 wave", "stored and server-rendered");
  assert.deepEqual(reloaded.requests, []);
  await reloaded.page.close();
  await page.close();
});
