// From nothing to a deployed binary, as the README tells it: `mizan new` scaffolds an app into
// an empty directory; its dev server (the debug binary, as `cargo run` starts it) migrates,
// regenerates the TypeScript client, installs and builds the frontend, serves a page and a call,
// and rebuilds the frontend when a source file changes; `make build` makes one release binary
// that, copied alone into an empty directory, refuses to start without a secret key and with
// one creates its database and serves pages, hashed compressed assets and calls.
//
// The new app builds into the framework's target directory (CARGO_TARGET_DIR), where the
// framework's dependencies are already compiled.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

import { ROOT, TEST_SECRET_KEY, csrfHeaders, spawnServer } from "./server.mjs";

const TARGET = join(ROOT, "target");
const base = mkdtempSync(join(tmpdir(), "mizan-new-"));
const app = join(base, "shop");
after(() => rmSync(base, { recursive: true, force: true }));

/** Runs a command to completion; fails with its output when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed (${result.error ?? result.status}):\n${output}`);
  return output;
}

/** The environment of the new app's commands, without the test runner's Mizan settings. */
function appEnv(extra = {}) {
  const env = { ...process.env, CARGO_TARGET_DIR: TARGET, CARGO_TERM_COLOR: "never", ...extra };
  for (const name of Object.keys(env)) {
    if (name.startsWith("MIZAN_") && !(name in extra)) delete env[name];
  }
  return env;
}

async function echo(url, text) {
  const response = await fetch(`${url}/api/mizan/call/echo`, {
    method: "POST",
    headers: await csrfHeaders(url),
    body: JSON.stringify({ text }),
  });
  return response.json();
}

async function poll(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) assert.fail(`${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test("mizan new: a new app with its own names that stands alone", () => {
  const output = run(join(TARGET, "debug/mizan"), ["new", app]);
  assert.match(output, /cargo run/);
  const manifest = readFileSync(join(app, "Cargo.toml"), "utf8");
  assert.match(manifest, /^name = "shop"$/m);
  assert.match(manifest, /^\[workspace\]$/m);
  assert.match(readFileSync(join(app, "src/main.rs"), "utf8"), /shop::app/);
  for (const file of ["Makefile", "README.md", "frontend/package.json", ".gitignore"]) {
    assert.ok(existsSync(join(app, file)), file);
  }
  // Refused: the directory is no longer empty.
  const again = spawnSync(join(TARGET, "debug/mizan"), ["new", app], { encoding: "utf8" });
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /not empty/);
});

test("cargo run: the dev server prepares everything and rebuilds the frontend on edits", async () => {
  // Generated at start; removed to show it.
  rmSync(join(app, "frontend/src/mizan.gen.ts"));
  run("cargo", ["build", "--quiet"], { cwd: app, env: appEnv() });
  // Debug builds run in dev mode by default, as `cargo run` would.
  const server = await spawnServer(join(TARGET, "debug/shop"), { cwd: app, env: appEnv(), timeoutMs: 300_000 });
  let original;
  try {
    assert.ok(existsSync(join(app, "frontend/src/mizan.gen.ts")), "the TypeScript client was regenerated");
    assert.ok(existsSync(join(app, "mizan.db")), "the SQLite database was created and migrated");
    assert.ok(existsSync(join(app, "frontend/dist/manifest.json")), "the frontend was built");
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>shop<\/title>/);
    assert.deepEqual(await echo(server.url, "hello"), { result: { message: "hello" } });

    // A source that does not build: the build tool's error is shown on the page.
    const source = join(app, "frontend/src/App.tsx");
    original = readFileSync(source, "utf8");
    writeFileSync(source, `${original}\nexport const broken = (;\n`);
    await poll(
      "the build error is shown on the page",
      async () => /id="mizan-dev-error"[^>]*>The client bundle failed to build/.test(await (await fetch(`${server.url}/`)).text()),
      60_000,
    );
    // An edit that builds reaches the next request without a restart, and the error is gone.
    writeFileSync(source, original.replace("<PageTitle>shop</PageTitle>", "<PageTitle>shop, edited</PageTitle>"));
    await poll(
      "the edited page is served",
      async () => {
        const html = await (await fetch(`${server.url}/`)).text();
        return /<title>shop, edited<\/title>/.test(html) && !html.includes("mizan-dev-error");
      },
      60_000,
    );
  } finally {
    assert.equal(await server.stop(), 0, server.output.join(""));
    // Back as scaffolded: the app's own tests check its titles.
    if (original !== undefined) writeFileSync(join(app, "frontend/src/App.tsx"), original);
  }

  // `mizan <command>` runs the app's own command from anywhere inside the app.
  const mizan = join(TARGET, "debug/mizan");
  const inside = { cwd: join(app, "frontend/src"), env: appEnv() };
  run(mizan, ["codegen", "--check"], inside);
  run(mizan, ["migrate"], inside);
  run(mizan, ["createsuperuser", "--username", "owner", "--email", "owner@example.com", "--no-input"], {
    ...inside,
    env: appEnv({ MIZAN_SUPERUSER_PASSWORD: "a long enough password" }),
  });
  const generated = join(app, "frontend/src/mizan.gen.ts");
  writeFileSync(generated, `${readFileSync(generated, "utf8")}// edited by hand\n`);
  const stale = spawnSync(mizan, ["codegen", "--check"], { ...inside, encoding: "utf8" });
  assert.notEqual(stale.status, 0, "a stale client fails the check");
  run(mizan, ["codegen"], inside);
  run(mizan, ["codegen", "--check"], inside);
  const outside = spawnSync(mizan, ["migrate"], { cwd: base, env: appEnv(), encoding: "utf8" });
  assert.notEqual(outside.status, 0);
  assert.match(outside.stderr, /no Mizan app here/);
});

test("make test: the new app's own tests pass", () => {
  const output = run("make", ["test"], { cwd: app, env: appEnv() });
  assert.match(output, /test result: ok/);
  assert.doesNotMatch(output, /test result: FAILED/);
});

test("make build: one binary that runs alone in an empty directory", async () => {
  // A change made just before the build is in the binary.
  const styles = join(app, "frontend/src/styles.css");
  writeFileSync(styles, `${readFileSync(styles, "utf8")}\n.release-marker { color: red; }\n`);
  run("make", ["build"], { cwd: app, env: appEnv() });
  const deploy = join(base, "deploy");
  mkdirSync(deploy);
  const binary = join(deploy, "shop");
  copyFileSync(join(TARGET, "release/shop"), binary);
  run("chmod", ["+x", binary]);

  // Release builds are production servers: no secret key, no start.
  const refused = spawnSync(binary, [], { cwd: deploy, env: appEnv(), encoding: "utf8", timeout: 30_000 });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /MIZAN_SECRET_KEY is not set/);

  const server = await spawnServer(binary, { cwd: deploy, env: appEnv({ MIZAN_SECRET_KEY: TEST_SECRET_KEY }) });
  try {
    assert.ok(existsSync(join(deploy, "mizan.db")), "the database is created next to the binary");
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>shop<\/title>/);
    assert.match(html, /window\.__MIZAN_SSR_DATA__ = /);
    // The attribute as a browser reads it (the template escapes `/` as `&#x2f;`).
    const script = /<script type="module" src="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)));
    assert.match(script ?? "", /^\/static\/client-[A-Z0-9]+\.js$/, "the client script has a content-hashed name");
    const asset = await fetch(`${server.url}${script}`, { headers: { "accept-encoding": "br" } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get("content-encoding"), "br");
    assert.match(asset.headers.get("cache-control") ?? "", /max-age=31536000.*immutable/);
    const built = readFileSync(join(app, "frontend/dist", script.replace("/static/", "")), "utf8");
    assert.equal(await asset.text(), built, "the compressed copy decodes to the built file");
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1]?.replaceAll("&#x2f;", "/");
    const css = await (await fetch(`${server.url}${stylesheet}`)).text();
    assert.match(css, /\.release-marker\{color:red\}/, "the frontend built by make build is the one embedded");
    assert.deepEqual(await echo(server.url, "deployed"), { result: { message: "deployed" } });
    const health = await fetch(`${server.url}/api/mizan/health`);
    assert.equal(health.status, 200);
  } finally {
    assert.equal(await server.stop(), 0, server.output.join(""));
  }
});
