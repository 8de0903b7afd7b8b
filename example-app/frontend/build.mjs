// Builds the example app's frontend into dist/:
//   client.js (+ client.css)  browser bundle that hydrates the page
//   server.js                 self-contained IIFE the server evaluates to render pages
//   manifest.json             names of the files above, read by the server
//
// Usage: node build.mjs [--watch]
import * as esbuild from "esbuild";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, "dist");
const watch = process.argv.includes("--watch");

const shared = {
  bundle: true,
  minify: true,
  // Workspace packages are used from their TypeScript sources.
  conditions: ["source", "module"],
  define: { "process.env.NODE_ENV": '"production"' },
  jsx: "automatic",
  legalComments: "none",
  logLevel: "info",
};

/** @type {esbuild.BuildOptions} */
const client = {
  ...shared,
  entryPoints: { client: join(root, "src/client.tsx") },
  outdir,
  platform: "browser",
  format: "esm",
  target: ["es2022"],
  sourcemap: true,
};

/** @type {esbuild.BuildOptions} */
const server = {
  ...shared,
  entryPoints: { server: join(root, "src/server.tsx") },
  outdir,
  // The embedded engine is neither a browser nor Node.js: it has no window,
  // document, fetch or process, only TextEncoder, MessageChannel, timers,
  // queueMicrotask and console.
  platform: "neutral",
  mainFields: ["module", "main"],
  format: "iife",
  target: ["es2022"],
  sourcemap: false,
  // Not minified: QuickJS evaluates a minified bundle (one very long line) about 4x slower
  // than the same code with its line breaks, and the size does not matter on the server.
  minify: false,
};

const manifest = { client: "client.js", css: "client.css", server: "server.js" };

async function writeManifest() {
  await mkdir(outdir, { recursive: true });
  await writeFile(join(outdir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

if (watch) {
  const contexts = await Promise.all([esbuild.context(client), esbuild.context(server)]);
  await writeManifest();
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log("watching for changes…");
} else {
  await Promise.all([esbuild.build(client), esbuild.build(server)]);
  await writeManifest();
}
