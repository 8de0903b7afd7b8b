// The example app's server bundle rendered by Node.js, for reference: the same bundle and
// request as the embedded engine's benchmark, in a bare V8 context like the server's.
// Usage: node build/bench-pages.mjs BUNDLE REQUEST_JSON
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [bundlePath, request] = process.argv.slice(2);
const context = vm.createContext({ TextEncoder, MessageChannel, setTimeout, clearTimeout, queueMicrotask, console });
vm.runInContext(readFileSync(bundlePath, "utf8"), context, { filename: "server.js" });
context.__request = request;
const render = () => vm.runInContext("__mizanRender(__request)", context);
for (let i = 0; i < 200; i++) render();
const iterations = 2000;
const started = process.hrtime.bigint();
for (let i = 0; i < iterations; i++) render();
const perRender = Number(process.hrtime.bigint() - started) / iterations / 1e6;
console.log(`node ${process.version}: ${perRender.toFixed(3)} ms per render (${(1000 / perRender).toFixed(0)} renders/s)`);
process.exit(0);
