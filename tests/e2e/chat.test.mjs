// Channels end to end: two browser contexts (two users) chat in a room over the generated
// `useChatChannel()`; messages are stored (server-rendered history after a reload) and
// anonymous visitors cannot join.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser } from "./browser.mjs";
import { ADMIN } from "./server.mjs";

const env = serverAndBrowser();

const byTestId = (testId) => `[data-testid="${testId}"]`;

async function loggedIn(login) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  if (login.signup) {
    await page.goto(`${env.server.url}/signup`);
    await page.waitForSelector('[data-hydrated="true"]');
    await page.fill(byTestId("signup-username"), login.username);
    await page.fill(byTestId("signup-email"), `${login.username}@example.com`);
    await page.fill(byTestId("signup-password"), login.password);
    await page.fill(byTestId("signup-password_again"), login.password);
    await page.click(byTestId("signup-submit"));
    await page.waitForSelector(byTestId("signup-done"));
  } else {
    await page.goto(env.server.url);
    await page.waitForSelector('[data-hydrated="true"]');
    await page.fill(byTestId("login-username"), login.username);
    await page.fill(byTestId("login-password"), login.password);
    await page.click(byTestId("login-button"));
    await page.waitForSelector(byTestId("current-user"));
  }
  return { context, page, errors };
}

async function openRoom(page, room) {
  await page.goto(`${env.server.url}/chat?room=${room}`);
  await page.waitForSelector('[data-hydrated="true"]');
  await page.waitForFunction((selector) => document.querySelector(selector)?.textContent === "subscribed", byTestId("chat-status"));
}

async function say(page, text) {
  await page.fill(byTestId("chat-input"), text);
  await page.click(byTestId("chat-send"));
}

async function waitForMessage(page, text) {
  await page.waitForFunction(
    ([selector, expected]) => [...document.querySelectorAll(selector)].some((item) => item.textContent === expected),
    [byTestId("chat-message"), text],
    { timeout: 10_000 },
  );
}

const messagesOf = (page) => page.$$eval(byTestId("chat-message"), (items) => items.map((item) => item.textContent));

test("two users chat in a room; the history is stored; other rooms hear nothing", async () => {
  const room = `e2e${Date.now()}`;
  const ann = await loggedIn({ username: ADMIN.username, password: ADMIN.password });
  const bobName = `bob${Date.now()}`;
  const bob = await loggedIn({ username: bobName, password: "a long password", signup: true });
  const eve = await loggedIn({ username: `eve${Date.now()}`, password: "a long password", signup: true });
  await openRoom(ann.page, room);
  await openRoom(bob.page, room);
  await openRoom(eve.page, `${room}-other`);

  await say(ann.page, "hello from ann");
  await waitForMessage(bob.page, `${ADMIN.username}: hello from ann`);
  await waitForMessage(ann.page, `${ADMIN.username}: hello from ann`);

  await say(bob.page, "hi ann");
  await ann.page.waitForFunction(
    (selector) => [...document.querySelectorAll(selector)].some((item) => item.textContent?.endsWith(": hi ann")),
    byTestId("chat-message"),
  );
  assert.deepEqual(
    await messagesOf(ann.page),
    [`${ADMIN.username}: hello from ann`, `${bobName}: hi ann`],
    "in order, each once",
  );
  assert.deepEqual(await messagesOf(eve.page), [], "another room heard nothing");

  // Stored: a reload renders the history on the server.
  const reloaded = await ann.context.newPage();
  await reloaded.goto(`${env.server.url}/chat?room=${room}`);
  const html = await reloaded.content();
  assert.match(html, /hello from ann/);
  assert.match(html, /hi ann/);

  for (const user of [ann, bob, eve]) {
    assert.deepEqual(user.errors, []);
    await user.context.close();
  }
});

test("anonymous visitors cannot join a room", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.server.url}/chat?room=lobby`);
  await page.waitForSelector('[data-hydrated="true"]');
  assert.ok(await page.isVisible(byTestId("chat-login-required")));
  // And the socket refuses them even if a page tries.
  const refusal = await page.evaluate(
    (url) =>
      new Promise((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => socket.send(JSON.stringify({ type: "subscribe", id: 1, channel: "chat", params: { room: "lobby" } }));
        socket.onmessage = (event) => {
          const frame = JSON.parse(event.data);
          if (frame.type === "welcome") return; // the socket's name, sent first
          resolve(frame);
          socket.close();
        };
      }),
    `${env.server.url.replace("http", "ws")}/api/mizan/ws`,
  );
  assert.equal(refusal.type, "error");
  assert.equal(refusal.error.code, "UNAUTHENTICATED");
  await context.close();
});
