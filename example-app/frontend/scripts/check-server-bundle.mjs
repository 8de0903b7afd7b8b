// Checks that dist/server.js renders the app in a bare JavaScript engine: a
// fresh V8 context holding only the globals the server's embedded engine
// provides (no window, document, fetch or process): the language, console and
// the web globals of the runtime's own prelude (ssr-runtime/src/js).
//
// Usage: node scripts/check-server-bundle.mjs  (after `npm run build`)
import { webcrypto } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = dirname(fileURLToPath(import.meta.url));
const bundlePath = join(root, "..", "dist", "server.js");
const preludeDir = join(root, "..", "..", "..", "ssr-runtime", "src", "js");

const ISO = "2026-01-01T00:00:00Z";
const results = [];

function check(name, fn) {
  try {
    fn();
    results.push({ name, ok: true });
    console.log(`ok     ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(`FAILED ${name}\n       ${error instanceof Error ? error.message : String(error)}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

let source;
try {
  source = await readFile(bundlePath, "utf8");
} catch {
  console.error(`${bundlePath} is missing: run \`npm run build\` first`);
  process.exit(1);
}

// What the embedded engine has besides the language: console, deno_core's ops (here backed by
// Node's), then the prelude the renderer installs before the bundle.
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
  vm.runInContext(await readFile(join(preludeDir, file), "utf8"), context, { filename: file });
}

check("the bare context has no browser or Node.js globals", () => {
  for (const name of ["window", "document", "fetch", "process", "require", "Buffer"]) {
    const type = vm.runInContext(`typeof ${name}`, context);
    assert(type === "undefined", `${name} is defined (${type})`);
  }
});

check("the bundle evaluates and installs __mizanRender", () => {
  vm.runInContext(source, context, { filename: "server.js" });
  const type = vm.runInContext("typeof __mizanRender", context);
  assert(type === "function", `__mizanRender is ${type}`);
});

let response;
check("__mizanRender answers with JSON { html, status, head }", () => {
  context.__request = JSON.stringify({
    url: "/",
    ssrData: { counter: 3, current_user: null, server_time: { iso: ISO, unix_ms: 1 }, $local: {} },
  });
  const output = vm.runInContext("__mizanRender(__request)", context);
  assert(typeof output === "string", `returned ${typeof output}, not a string`);
  response = JSON.parse(output);
  assert(typeof response.html === "string", "html is not a string");
  assert(response.status === 200, `status is ${response.status}`);
  assert(response.head === "<title>Mizan example</title>", `head is ${JSON.stringify(response.head)}`);
});

check("the html shows the server time from ssrData", () => {
  assert(response !== undefined, "no response");
  assert(response.html.includes(ISO), `html lacks ${ISO}: ${response.html}`);
  assert(response.html.includes('data-testid="server-time"'), "html lacks the server-time element");
});

check("the html has the echo form, not yet hydrated", () => {
  assert(response !== undefined, "no response");
  const { html } = response;
  assert(/<input[^>]*data-testid="echo-input"/.test(html), "html lacks the echo input");
  assert(/<button[^>]*data-testid="echo-button"[^>]*disabled=""/.test(html), "echo button is not disabled");
  assert(html.includes("<h1>Mizan</h1>"), "html lacks the heading");
  assert(html.includes('data-hydrated="false"'), "html is not marked as not hydrated");
});

check("rendering twice gives the same html", () => {
  assert(response !== undefined, "no response");
  const again = JSON.parse(vm.runInContext("__mizanRender(__request)", context));
  assert(again.html === response.html, "the second render differs");
});

check("an unknown path renders the app's not-found page with status 404", () => {
  context.__request = JSON.stringify({
    url: "/no/such/page",
    ssrData: { counter: 3, current_user: null, server_time: { iso: ISO, unix_ms: 1 }, $local: {} },
  });
  const missing = JSON.parse(vm.runInContext("__mizanRender(__request)", context));
  assert(missing.status === 404, `status is ${missing.status}`);
  assert(missing.html.includes('data-testid="not-found"'), "html lacks the not-found page");
});

/** Renders `url` with the data above. */
function render(url) {
  context.__request = JSON.stringify({
    url,
    ssrData: { counter: 3, current_user: null, server_time: { iso: ISO, unix_ms: 1 }, $local: {} },
  });
  return JSON.parse(vm.runInContext("__mizanRender(__request)", context));
}

check("the router picks the page from the path, and reads its query", () => {
  const chat = render("/chat?room=r%C3%A9union");
  assert(chat.status === 200, `status is ${chat.status}`);
  assert(chat.head === "<title>Chat · Mizan example</title>", `head is ${JSON.stringify(chat.head)}`);
  assert(chat.html.includes('data-testid="chat-login-required"'), "html lacks the chat page");
  const contact = render("/contact");
  assert(contact.head === "<title>Contact · Mizan example</title>", `head is ${JSON.stringify(contact.head)}`);
  assert(render("/Contact").status === 404, "paths are case-sensitive");
});

check("router links are plain links in the html", () => {
  assert(response !== undefined, "no response");
  for (const path of ["/", "/greet", "/chat", "/contact", "/signup"]) {
    assert(response.html.includes(`<a href="${path}"`), `html lacks a link to ${path}`);
  }
});

const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
