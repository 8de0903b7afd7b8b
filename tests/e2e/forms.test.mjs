// Forms end to end: the generated `useContactForm()` / `useSignupForm()` check the declared
// rules in the browser before anything is sent, show the server's own checks on the fields
// after a submit (keeping what the user typed), and the submitted data is stored.
import assert from "node:assert/strict";
import { test } from "node:test";

import { serverAndBrowser } from "./browser.mjs";
import { ADMIN } from "./server.mjs";

const env = serverAndBrowser();

/** Opens `path` in a fresh browser context, recording the API calls (POSTs) the page makes. */
async function open(path) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const calls = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (request.method() === "POST" && url.pathname.startsWith("/api/")) calls.push(url.pathname);
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${env.server.url}${path}`);
  await page.waitForSelector('[data-hydrated="true"]');
  return { page, calls, errors, close: () => context.close() };
}

const byTestId = (testId) => `[data-testid="${testId}"]`;
const text = (page, testId) => page.textContent(byTestId(testId));

async function fillContact(page, { name, email, topic, message }) {
  await page.fill(byTestId("contact-name"), name);
  await page.fill(byTestId("contact-email"), email);
  await page.selectOption(byTestId("contact-topic"), topic);
  await page.fill(byTestId("contact-message"), message);
}

test("the contact form shows client-side errors before any request", async () => {
  const { page, calls, errors, close } = await open("/contact");
  assert.equal(await page.inputValue(byTestId("contact-topic")), "general", "the declared initial value");
  await page.fill(byTestId("contact-email"), "ann@");
  await page.locator(byTestId("contact-email")).blur();
  await page.waitForSelector(byTestId("contact-email-error"));
  assert.equal(await text(page, "contact-email-error"), "enter a valid email address");

  await page.click(byTestId("contact-submit"));
  await page.waitForSelector(byTestId("contact-message-error"));
  assert.equal(await text(page, "contact-name-error"), "enter your name (up to 80 characters)");
  assert.equal(await text(page, "contact-message-error"), "write 10 to 2000 characters");
  assert.deepEqual(calls, [], "nothing was sent");

  // Fixing a field clears its message as the user types.
  await page.fill(byTestId("contact-email"), "ann@example.com");
  await page.waitForSelector(byTestId("contact-email-error"), { state: "detached" });
  assert.deepEqual(errors, []);
  await close();
});

test("a contact message is stored; sending it again is refused by the server on its field", async () => {
  const { page, calls, close } = await open("/contact");
  const before = Number(await text(page, "contact-received"));
  const message = { name: "Ann", email: "ann@example.com", topic: "support", message: `The counter is stuck ${Date.now()}` };
  await fillContact(page, message);
  await page.click(byTestId("contact-submit"));
  await page.waitForSelector(byTestId("contact-success"));
  assert.match(await text(page, "contact-success"), /^Thanks, Ann! We will answer soon\. \(message #\d+\)$/);
  // The form's `invalidates` refetched the statistics.
  await page.waitForFunction(
    ([selector, expected]) => document.querySelector(selector)?.textContent === String(expected),
    [byTestId("contact-received"), before + 1],
  );
  assert.deepEqual(calls, ["/api/mizan/call/contact.submit"]);
  assert.equal(await page.inputValue(byTestId("contact-message")), "", "reset after success (resetOnSuccess)");

  // Stored: a new page load renders the new count on the server.
  const reloaded = await open("/contact");
  assert.equal(await text(reloaded.page, "contact-received"), String(before + 1));
  await reloaded.close();

  // The same message again passes the browser's checks but not the server's.
  await fillContact(page, message);
  await page.click(byTestId("contact-submit"));
  await page.waitForSelector(byTestId("contact-message-error"));
  assert.equal(await text(page, "contact-message-error"), "we already received this message from you");
  assert.equal(await page.inputValue(byTestId("contact-message")), message.message, "the input is kept");
  assert.equal(await page.inputValue(byTestId("contact-name")), "Ann");
  assert.equal(await page.isVisible(byTestId("contact-success")), false);
  await close();
});

test("signup: a taken username comes back on its field; a new one logs in", async () => {
  const { page, calls, close } = await open("/signup");
  await page.fill(byTestId("signup-username"), ADMIN.username);
  await page.fill(byTestId("signup-email"), "someone@example.com");
  await page.fill(byTestId("signup-password"), "a long password");
  await page.fill(byTestId("signup-password_again"), "a different one");
  await page.click(byTestId("signup-submit"));
  await page.waitForSelector(byTestId("signup-password_again-error"));
  assert.equal(await text(page, "signup-password_again-error"), "the passwords differ");
  assert.deepEqual(calls, []);

  await page.fill(byTestId("signup-password_again"), "a long password");
  await page.click(byTestId("signup-submit"));
  await page.waitForSelector(byTestId("signup-username-error"));
  assert.equal(await text(page, "signup-username-error"), "this username is taken");
  assert.deepEqual(calls, ["/api/mizan/call/signup.submit"]);

  const username = `user${Date.now()}`;
  await page.fill(byTestId("signup-username"), username);
  await page.click(byTestId("signup-submit"));
  await page.waitForSelector(byTestId("signup-done"));
  assert.match(await text(page, "signup-done"), new RegExp(`Logged in as ${username}`));
  await close();
});
