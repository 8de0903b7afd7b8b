// Production behaviour of the real binary: SIGTERM closes channel sockets with 1001 ("going
// away", so clients reconnect elsewhere) and the process exits cleanly; the health endpoint
// answers while it serves.
import assert from "node:assert/strict";
import { test } from "node:test";

import { launchBrowser } from "./browser.mjs";
import { startServer } from "./server.mjs";

test("SIGTERM closes channel sockets with 1001 and the server exits with 0", async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const health = await fetch(`${server.url}/api/mizan/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok", database: "ok", channels: "ok" });

    const page = await browser.newPage();
    await page.goto(server.url);
    await page.evaluate((url) => {
      window.__socketClosed = new Promise((resolve) => {
        const socket = new WebSocket(url);
        socket.onopen = () => {
          window.__socketOpen = true;
        };
        socket.onclose = (event) => resolve(event.code);
      });
    }, `${server.url.replace("http", "ws")}/api/mizan/ws`);
    await page.waitForFunction(() => window.__socketOpen === true);

    const exitCode = await server.stop();
    assert.equal(exitCode, 0, server.output.join(""));
    assert.equal(await page.evaluate(() => window.__socketClosed), 1001);
    assert.match(server.output.join(""), /shutting down/);
  } finally {
    await browser.close();
  }
});
