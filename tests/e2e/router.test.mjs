// The example app's pages are routed by React Router: rendered on the server by the embedded
// engine (`<StaticRouter>`), hydrated in the browser (`<BrowserRouter>`) without a mismatch,
// then navigated by the router's links without loading another document.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser } from "./browser.mjs";

const env = serverAndBrowser();

/** A page that records its errors (hydration mismatches are console errors) and document loads. */
async function watchedPage() {
  const page = await env.browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
  });
  const documents = [];
  page.on("request", (request) => {
    if (request.resourceType() === "document") documents.push(new URL(request.url()).pathname);
  });
  const contextRequests = [];
  page.on("request", (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith("/api/mizan/context")) contextRequests.push(pathname);
  });
  return { page, errors, documents, contextRequests };
}

test("the routed page is in the server's HTML, query and title included", async () => {
  const response = await fetch(`${env.server.url}/chat?room=r%C3%A9union`);
  assert.equal(response.status, 200);
  const html = await response.text();
  assert.match(html, /<title>Chat · Mizan example<\/title>/);
  assert.match(html, /data-testid="chat-login-required"/, "the chat route rendered on the server");
  for (const path of ["/", "/greet", "/chat", "/contact", "/signup"]) {
    assert.ok(html.includes(`<a href="${path}"`), `the router's link to ${path} is server-rendered`);
  }
  const greet = await (await fetch(`${env.server.url}/greet?name=Zo%C3%AB`)).text();
  assert.match(greet, /data-testid="greeting-typed-text"[^>]*>Hello, Zoë!</, "the route read its query on the server");
  const missing = await fetch(`${env.server.url}/greet/nope`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /data-testid="not-found"/);
});

test("hydrates the routed page without a mismatch or a refetch", async () => {
  const { page, errors, contextRequests } = await watchedPage();
  const response = await page.goto(`${env.server.url}/greet?name=Zo%C3%AB`);
  const html = await response.text();
  assert.match(html, /data-testid="greeting-typed-text"[^>]*>Hello, Zoë!</);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.equal(await page.textContent('[data-testid="greeting-typed-text"]'), "Hello, Zoë!");
  assert.equal(await page.inputValue('[data-testid="greet-name"]'), "Zoë");
  assert.deepEqual(contextRequests, [], "the server's data was enough");
  assert.deepEqual(errors, [], "no hydration error or warning");
  await page.close();
});

test("router links navigate without loading a document", async () => {
  const { page, errors, documents } = await watchedPage();
  await page.goto(`${env.server.url}/`);
  await page.waitForSelector('[data-hydrated="true"]');
  // A page load would reset this.
  await page.evaluate(() => {
    window.__sameDocument = "still here";
  });

  await page.click('nav a[href="/greet"]');
  await page.waitForSelector('[data-testid="greeting-Ann-text"]');
  assert.equal(new URL(page.url()).pathname, "/greet");
  assert.equal(await page.title(), "Greetings · Mizan example");
  assert.equal(await page.textContent('[data-testid="greeting-Ann-text"]'), "Hello, Ann!");

  await page.click('nav a[href="/contact"]');
  await page.waitForSelector('[data-testid="contact-submit"]');
  assert.equal(await page.title(), "Contact · Mizan example");

  await page.goBack();
  await page.waitForSelector('[data-testid="greeting-Ann-text"]');
  assert.equal(new URL(page.url()).pathname, "/greet");

  await page.click('nav a[href="/"]');
  await page.waitForSelector('[data-testid="echo-input"]');
  assert.equal(await page.title(), "Mizan example");

  assert.equal(await page.evaluate(() => window.__sameDocument), "still here", "the same document throughout");
  assert.deepEqual(documents, ["/"], "only the first page was loaded as a document");
  assert.deepEqual(errors, []);
  await page.close();
});
