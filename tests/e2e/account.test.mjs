// Logging in and out in the browser: the `current_user` global context follows the session,
// refetched through server-driven invalidation and server-rendered after a reload.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser } from "./browser.mjs";
import { ADMIN } from "./server.mjs";

const env = serverAndBrowser();

test("log in, stay logged in across a reload, log out", async () => {
  const page = await env.browser.newPage();
  const requests = [];
  page.on("request", (request) => requests.push(new URL(request.url()).pathname));

  await page.goto(`${env.server.url}/`);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.ok(await page.isVisible('[data-testid="current-user-anonymous"]'), "rendered anonymous");

  await page.fill('[data-testid="login-username"]', ADMIN.username);
  await page.fill('[data-testid="login-password"]', "wrong password");
  await page.click('[data-testid="login-button"]');
  await page.waitForSelector('[data-testid="login-error"]');
  assert.equal(await page.textContent('[data-testid="login-error"]'), "invalid username or password");

  const before = requests.filter((path) => path === "/api/mizan/context").length;
  await page.fill('[data-testid="login-password"]', ADMIN.password);
  await page.click('[data-testid="login-button"]');
  await page.waitForSelector('[data-testid="current-user"]');
  assert.equal(await page.textContent('[data-testid="current-user"]'), ADMIN.username);
  const refetches = requests.filter((path) => path === "/api/mizan/context").length - before;
  assert.equal(refetches, 1, "the login's `invalidate` refetched the global contexts once");

  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === "mizan_session");
  assert.ok(session?.httpOnly, "the session cookie is HttpOnly");
  assert.equal(session.sameSite, "Lax");

  // A reload is rendered on the server for the logged-in user.
  const response = await page.reload();
  const html = await response.text();
  assert.match(html, new RegExp(`data-testid="current-user">${ADMIN.username}<`));
  await page.waitForSelector('[data-hydrated="true"]');

  await page.click('[data-testid="logout-button"]');
  await page.waitForSelector('[data-testid="current-user-anonymous"]');
  const after = await (await page.reload()).text();
  assert.match(after, /data-testid="current-user-anonymous"/, "the session ended on the server");
  await page.close();
});
