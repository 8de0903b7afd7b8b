// The SSR runtime's web globals against Node.js: cases.js gives expected.json with Node's own
// URL, URLSearchParams, AbortController, atob/btoa, structuredClone, crypto and performance,
// and gives it again on the runtime's polyfills in a bare V8 context (no DOMException there:
// the polyfill of engines without one). The Rust test `web_globals_match_node` checks the
// embedded engine against the same file.
//
// Usage: node --test ssr-runtime/tests/env/   (MIZAN_BLESS=1 rewrites expected.json from Node)
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const here = dirname(fileURLToPath(import.meta.url));
const js = join(here, "../../src/js");
const cases = readFileSync(join(here, "cases.js"), "utf8");
const expectedPath = join(here, "expected.json");

/** Results as JSON text, one case per line (readable diffs). */
const format = (results) =>
  `{\n${Object.entries(results)
    .map(([name, value]) => `  ${JSON.stringify(name)}: ${JSON.stringify(value)}`)
    .join(",\n")}\n}\n`;

test("Node's own web globals give expected.json", () => {
  const results = JSON.parse(JSON.stringify(vm.runInThisContext(`${cases}\nrunEnvCases()`, { filename: "cases.js" })));
  if (process.env.MIZAN_BLESS === "1") writeFileSync(expectedPath, format(results));
  const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
  assert.deepEqual(results, expected);
});

test("the runtime's polyfills give expected.json in a bare V8 context", () => {
  // What the embedded engine offers besides the language: console and deno_core's ops.
  const started = performance.now();
  const context = vm.createContext({
    console,
    Deno: {
      core: {
        ops: {
          op_mizan_fill_random: (bytes) => (webcrypto.getRandomValues(bytes), true),
          op_timer_now: () => performance.now() - started,
        },
      },
    },
  });
  for (const file of ["prelude.js", "url.js", "web.js", "intl.js"]) {
    vm.runInContext(readFileSync(join(js, file), "utf8"), context, { filename: file });
  }
  assert.equal(vm.runInContext("typeof DOMException", context), "function", "the DOMException polyfill is installed");
  const results = JSON.parse(vm.runInContext(`${cases}\nJSON.stringify(runEnvCases())`, context, { filename: "cases.js" }));
  const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
  assert.deepEqual(results, expected);
});
