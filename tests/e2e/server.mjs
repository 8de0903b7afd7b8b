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
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "mizan-e2e-"));
  const output = [];
  const env = {
    ...process.env,
    MIZAN_ADDR: `127.0.0.1:${port}`,
    DATABASE_URL: `sqlite://${join(dir, "e2e.db")}?mode=rwc`,
    MIZAN_DEV: "0",
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
  const child = spawn(binary, ["serve"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (chunk) => output.push(chunk.toString()));
  child.stderr.on("data", (chunk) => output.push(chunk.toString()));
  const exited = new Promise((resolveExit) => child.on("exit", resolveExit));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
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
      throw new Error(`the server did not start within 60 s:\n${output.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    output,
    /** Sends SIGTERM, waits for the process to end; resolves with its exit code. */
    async stop() {
      child.kill("SIGTERM");
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
