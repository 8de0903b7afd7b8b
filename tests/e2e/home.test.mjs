// The home page end to end: server-rendered with its data, hydrated without refetching,
// and calling `echo` through the generated client.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser, welcomed } from "./browser.mjs";

const env = serverAndBrowser();

/** The JSON assigned to window.__MIZAN_SSR_DATA__ in a page's HTML. */
function ssrData(html) {
  const match = html.match(/<script>window\.__MIZAN_SSR_DATA__ = (.*?);<\/script>/s);
  assert.ok(match, "the page embeds window.__MIZAN_SSR_DATA__");
  return JSON.parse(match[1]);
}

test("the server-rendered HTML already contains the context data", async () => {
  const response = await fetch(`${env.server.url}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /text\/html/);
  const html = await response.text();
  const data = ssrData(html);
  assert.equal(typeof data.server_time.iso, "string");
  assert.deepEqual(data.$local, {});
  // The markup was rendered by React on the server, with the same data.
  assert.match(html, new RegExp(`data-testid="server-time"[^>]*>${data.server_time.iso}<`));
  assert.match(html, /data-testid="echo-input"/);
});

test("hydrates without fetching contexts, then echoes through the generated client", async () => {
  const page = await env.browser.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(new Error(message.text()));
  });

  const response = await page.goto(`${env.server.url}/`);
  const html = await response.text();
  const rendered = ssrData(html).server_time.iso;
  await page.waitForSelector('[data-hydrated="true"]');

  assert.equal(await page.textContent('[data-testid="server-time"]'), rendered, "hydration kept the server's data");
  assert.ok(!requests.some((path) => path.startsWith("/api/mizan/context")), `no context request: ${requests.join(", ")}`);

  await page.fill('[data-testid="echo-input"]', "hello from the browser ✓ </script>");
  await page.click('[data-testid="echo-button"]');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="echo-reply"]')?.textContent?.includes("hello from the browser"),
  );
  assert.equal(await page.textContent('[data-testid="echo-reply"]'), "hello from the browser ✓ </script>");
  assert.ok(requests.includes("/api/mizan/call/echo"), "the reply came from the server");
  assert.deepEqual(errors, [], "no errors in the page");
  await page.close();
});

test("clicking +1 updates the stored counter through server-driven invalidation", async () => {
  const page = await env.browser.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));
  const live = welcomed(page);
  await page.goto(`${env.server.url}/`);
  await page.waitForSelector('[data-hydrated="true"]');
  await live;
  const start = Number(await page.textContent('[data-testid="counter"]'));
  await page.click('[data-testid="increment-button"]');
  await page.waitForFunction(
    (expected) => document.querySelector('[data-testid="counter"]')?.textContent === String(expected),
    start + 1,
  );
  assert.ok(requests.includes("/api/mizan/call/increment"));
  assert.equal(
    requests.filter((path) => path === "/api/mizan/context").length,
    1,
    "one refetch, asked for by the call's answer (the push skips the caller's own socket)",
  );
  const html = await (await page.reload()).text();
  assert.equal(ssrData(html).counter, start + 1, "the new value is stored and server-rendered");
  await page.close();
});

test("a +1 in one tab shows in every other open tab without a reload", async () => {
  const tabs = [await env.browser.newPage(), await env.browser.newPage()];
  const live = tabs.map((tab) => welcomed(tab));
  for (const tab of tabs) {
    await tab.goto(`${env.server.url}/`);
    await tab.waitForSelector('[data-hydrated="true"]');
  }
  await Promise.all(live);
  const [clicking, watching] = tabs;
  await watching.evaluate(() => {
    window.__sameDocument = true;
  });
  const start = Number(await watching.textContent('[data-testid="counter"]'));
  await clicking.click('[data-testid="increment-button"]');
  await watching.waitForFunction(
    (expected) => document.querySelector('[data-testid="counter"]')?.textContent === String(expected),
    start + 1,
  );
  assert.equal(await watching.evaluate(() => window.__sameDocument), true, "updated in place, not reloaded");
  for (const tab of tabs) await tab.close();
});
