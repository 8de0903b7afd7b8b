// Channels across processes: two servers of the example app share Redis (`REDIS_URL`); a chat
// message said on one reaches a member connected to the other.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, welcomed } from "./browser.mjs";
import { ADMIN, startServer } from "./server.mjs";

const env = { servers: [], browser: undefined };
before(async () => {
  const redis = { REDIS_URL: process.env.MIZAN_E2E_REDIS ?? "redis://127.0.0.1:6379" };
  env.servers = [await startServer(redis), await startServer(redis)];
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await Promise.all(env.servers.map((server) => server.stop()));
});

const byTestId = (testId) => `[data-testid="${testId}"]`;

async function member(server, room) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('[data-hydrated="true"]');
  await page.fill(byTestId("login-username"), ADMIN.username);
  await page.fill(byTestId("login-password"), ADMIN.password);
  await page.click(byTestId("login-button"));
  await page.waitForSelector(byTestId("current-user"));
  await page.goto(`${server.url}/chat?room=${room}`);
  await page.waitForSelector('[data-hydrated="true"]');
  await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === "subscribed", byTestId("chat-status"));
  return { context, page };
}

test("a message said on one server reaches a member on the other", async () => {
  const room = `redis${Date.now()}`;
  const [one, two] = env.servers;
  assert.notEqual(one.url, two.url);
  const a = await member(one, room);
  const b = await member(two, room);
  await a.page.fill(byTestId("chat-input"), "across processes");
  await a.page.click(byTestId("chat-send"));
  const expected = `${ADMIN.username}: across processes`;
  await b.page.waitForFunction(
    ([selector, text]) => [...document.querySelectorAll(selector)].some((item) => item.textContent === text),
    [byTestId("chat-message"), expected],
    { timeout: 10_000 },
  );
  // The sender's own page gets it back through Redis too, once.
  await a.page.waitForFunction(
    ([selector, text]) => [...document.querySelectorAll(selector)].filter((item) => item.textContent === text).length === 1,
    [byTestId("chat-message"), expected],
  );
  await a.context.close();
  await b.context.close();
});

test("a +1 on one server makes the pages open on the other refetch the counter", async () => {
  const [one, two] = env.servers;
  const pages = [];
  for (const server of [one, two]) {
    const page = await (await env.browser.newContext()).newPage();
    const live = welcomed(page);
    await page.goto(server.url);
    await page.waitForSelector('[data-hydrated="true"]');
    await live;
    pages.push(page);
  }
  const [clicking, watching] = pages;
  // Each server has its own database here: what shows is that the other server's page was
  // told, over Redis, to refetch.
  const refetch = watching.waitForRequest((request) => new URL(request.url()).pathname === "/api/mizan/context", {
    timeout: 10_000,
  });
  await clicking.click('[data-testid="increment-button"]');
  await refetch;
  for (const page of pages) await page.context().close();
});
