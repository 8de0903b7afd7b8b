// Production behaviour of the real binary: started alone in an empty directory it creates its
// database and serves; SIGTERM closes channel sockets with 1001 ("going away", so clients
// reconnect elsewhere) and the process exits cleanly; the health endpoint answers meanwhile.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { launchBrowser } from "./browser.mjs";
import { csrfHeaders, startServer } from "./server.mjs";

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

test("started in an empty directory, the binary creates its database, migrates and serves", async () => {
  const server = await startServer({}, { fresh: true });
  try {
    assert.ok(existsSync(join(server.dir, "mizan.db")), "the default SQLite database, next to the binary's working directory");
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-testid="counter">0</);
    const call = await fetch(`${server.url}/api/mizan/call/increment`, {
      method: "POST",
      headers: await csrfHeaders(server.url),
      body: JSON.stringify({ by: 2 }),
    });
    assert.deepEqual(await call.json(), { result: 2, invalidate: ["counter"] });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test("MIZAN_LOG_FORMAT=json: one JSON object per log line, the access log under the request's id", async () => {
  const server = await startServer({ MIZAN_LOG_FORMAT: "json" });
  let id;
  try {
    const response = await fetch(`${server.url}/api/mizan/context`);
    assert.equal(response.status, 200);
    id = response.headers.get("x-request-id");
    assert.ok(id);
  } finally {
    assert.equal(await server.stop(), 0);
  }
  const lines = server.output.join("").split("\n").filter((line) => line.trim() !== "");
  const records = lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      assert.fail(`not a JSON log line: ${line}`);
    }
  });
  const served = records.find((record) => record.span?.id === id && record.fields?.message === "served");
  assert.ok(served, `an access log record for request ${id}:\n${lines.join("\n")}`);
  assert.equal(served.level, "INFO");
  assert.equal(served.fields.status, 200);
  assert.equal(served.span.path, "/api/mizan/context");
  assert.ok(served.timestamp);
});
