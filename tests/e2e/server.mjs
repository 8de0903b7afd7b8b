// Starts the example app's real server binary on a free port for end-to-end tests.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** The account every end-to-end server has, created with `createsuperuser`. */
export const ADMIN = { username: "e2e-admin", password: "correct horse battery" };

/**
 * Starts the server; resolves once it answers HTTP. Call `stop()` when done. `extraEnv` adds
 * environment variables (e.g. `REDIS_URL`). `fresh: true` starts it as a deployment of the bare
 * binary would: in an empty directory, with the default database and no preparation.
 */
export async function startServer(extraEnv = {}, { fresh = false } = {}) {
  const binary = process.env.MIZAN_E2E_BIN ?? join(ROOT, "target/debug/example-app");
  const dir = mkdtempSync(join(tmpdir(), "mizan-e2e-"));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, "e2e.db")}?mode=rwc`,
    MIZAN_DEV: "0",
    MIZAN_SECRET_KEY: TEST_SECRET_KEY,
    ...extraEnv,
  };
  if (fresh) {
    delete env.DATABASE_URL;
  } else {
    // As a deployment would: migrate as a step of its own, then add a user.
    execFileSync(binary, ["migrate"], { cwd: dir, env, stdio: "pipe" });
    execFileSync(binary, ["createsuperuser", "--username", ADMIN.username, "--email", "admin@example.com", "--no-input"], {
      cwd: dir,
      env: { ...env, MIZAN_SUPERUSER_PASSWORD: ADMIN.password },
      stdio: "pipe",
    });
  }
  const server = await spawnServer(binary, { cwd: dir, env });
  return {
    ...server,
    dir,
    /** Sends SIGTERM, waits for the process to end; resolves with its exit code. */
    async stop() {
      const code = await server.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

/** A secret key for production-mode servers under test (never a real one). */
export const TEST_SECRET_KEY = "e2e-secret-key-0123456789abcdef0123456789abcdef";

/**
 * Runs `binary serve` in `cwd` on a free port (`MIZAN_ADDR` is set); resolves once it answers
 * HTTP, within `timeoutMs`. `stop()` sends SIGTERM and resolves with the exit code.
 */
export async function spawnServer(binary, { cwd, env, timeoutMs = 60_000 }) {
  const port = await freePort();
  const output = [];
  const child = spawn(binary, ["serve"], {
    cwd,
    env: { ...env, MIZAN_ADDR: `127.0.0.1:${port}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk) => output.push(chunk.toString()));
  const exited = new Promise((resolveExit) => child.on("exit", resolveExit));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode}:\n${output.join("")}`);
    }
    try {
      const response = await fetch(`${url}/api/mizan/context`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not start within ${timeoutMs / 1000} s:\n${output.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    output,
    child,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/** A CSRF token for calls: the cookie a page view sets, sent back as cookie and header. */
export async function csrfHeaders(url) {
  const page = await fetch(`${url}/`);
  const token = /mizan_csrf=([^;]+)/.exec(page.headers.get("set-cookie") ?? "")?.[1];
  if (!token) throw new Error("the page set no mizan_csrf cookie");
  return { "content-type": "application/json", cookie: `mizan_csrf=${token}`, "x-csrf-token": token };
}
