// Launches Debian's Chromium through playwright-core (no browser download).
import { after, before } from "node:test";
import { chromium } from "playwright-core";

import { startServer } from "./server.mjs";

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Starts the example app's server and a browser before the file's tests and stops both after;
 * read `env.server` and `env.browser` inside the tests.
 */
export function serverAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Resolves with the name of the page's channel socket once the server welcomed it (the page
 * then receives pushed invalidations). Call it before `page.goto`.
 */
export function welcomed(page) {
  return new Promise((resolve) => {
    page.on("websocket", (socket) => {
      socket.on("framereceived", ({ payload }) => {
        if (typeof payload !== "string") return;
        const frame = JSON.parse(payload);
        if (frame.type === "welcome") resolve(frame.socket);
      });
    });
  });
}
