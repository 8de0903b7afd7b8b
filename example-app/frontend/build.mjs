// Builds the example app's frontend into dist/:
//   client-<hash>.js (+ client-<hash>.css, their .map files)
//                             browser bundle that hydrates the page; the names change with the
//                             content, so the server lets browsers cache them for good
//   *.gz, *.br                gzip (level 9) and brotli (quality 11) copies of the client files
//                             (not the maps),
//                             served to browsers that accept them
//   server.js                 self-contained IIFE the server evaluates to render pages
//   manifest.json             names of the files above, read by the server:
//                             { "client": "client-<hash>.js", "css": "client-<hash>.css",
//                               "server": "server.js", "assets": [every client file] }
//
// Usage: node build.mjs [--watch]
//
// A build empties dist/ first. In watch mode the manifest is rewritten after every client
// rebuild (the names change with the content) and the previous build's client files are
// removed; the dev server reloads when manifest.json or server.js changes. Watch mode skips
// the compressed copies (brotli's highest quality takes seconds; the server does without them).
import * as esbuild from "esbuild";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, "dist");
const manifestPath = join(outdir, "manifest.json");
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
  absWorkingDir: root,
};

const gzip = promisify(zlib.gzip);
const brotli = promisify(zlib.brotliCompress);
/**
 * Extensions worth compressing (images and fonts already are). Not source maps: only developer
 * tools fetch them, and brotli's highest quality takes seconds on a map of React.
 */
const COMPRESSIBLE = /\.(js|mjs|css|json|svg|txt|html|wasm)$/;

/** Writes `<file>.gz` and `<file>.br` next to `file` (a name in dist/), when they are smaller. */
async function precompress(file) {
  if (!COMPRESSIBLE.test(file)) return;
  const path = join(outdir, file);
  const bytes = await readFile(path);
  const [gz, br] = await Promise.all([
    gzip(bytes, { level: 9 }),
    brotli(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  ]);
  await Promise.all(
    [
      [".gz", gz],
      [".br", br],
    ].map(([ext, compressed]) =>
      compressed.length < bytes.length ? writeFile(path + ext, compressed) : rm(path + ext, { force: true }),
    ),
  );
}

/** An output path of the metafile (relative to `absWorkingDir`) as a `/`-separated name in dist/. */
function distName(output) {
  return relative(outdir, resolve(root, output)).split(sep).join("/");
}

/** The client files of a build, from its metafile. */
function clientFiles(metafile) {
  const outputs = Object.entries(metafile.outputs);
  const entry = outputs.find(([, output]) => output.entryPoint === "src/client.tsx");
  if (!entry) throw new Error("the client build has no output for src/client.tsx");
  const [js, { cssBundle }] = entry;
  return {
    client: distName(js),
    css: cssBundle ? distName(cssBundle) : undefined,
    assets: outputs.map(([output]) => distName(output)).sort(),
  };
}

/** The client files named by the manifest in dist/, if there is one (for watch mode's cleanup). */
async function previousAssets() {
  try {
    const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
    return Array.isArray(manifest.assets) ? manifest.assets : [];
  } catch {
    return [];
  }
}

let previous = [];

/** After a client build: compressed copies, then the manifest (last, so the server sees a whole build). */
const manifestPlugin = {
  name: "mizan-manifest",
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const { client, css, assets } = clientFiles(result.metafile);
      if (!watch) await Promise.all(assets.map(precompress));
      const manifest = { client, ...(css ? { css } : {}), server: "server.js", assets };
      await mkdir(outdir, { recursive: true });
      // Written whole and renamed: the server never reads half a manifest.
      await writeFile(`${manifestPath}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(`${manifestPath}.tmp`, manifestPath);
      const stale = previous.filter((name) => !assets.includes(name));
      await Promise.all(
        stale.flatMap((name) => ["", ".gz", ".br"].map((ext) => rm(join(outdir, name + ext), { force: true }))),
      );
      previous = assets;
    });
  },
};

/**
 * Build errors for the dev server: `dist/errors-<build>.txt` while a build of `name` fails
 * (the server shows it above every page in dev mode), removed once it builds again.
 */
function errorReport(name) {
  const path = join(outdir, `errors-${name}.txt`);
  return {
    name: "mizan-error-report",
    setup(build) {
      build.onEnd(async (result) => {
        if (result.errors.length === 0) return rm(path, { force: true });
        const messages = await esbuild.formatMessages(result.errors, { kind: "error", color: false });
        await mkdir(outdir, { recursive: true });
        await writeFile(path, `The ${name} bundle failed to build:\n\n${messages.join("\n")}`);
      });
    },
  };
}

/** @type {esbuild.BuildOptions} */
const client = {
  ...shared,
  entryPoints: { client: join(root, "src/client.tsx") },
  outdir,
  // Content-hashed names: a new build never reuses the name of a different file.
  entryNames: "[name]-[hash]",
  chunkNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  metafile: true,
  platform: "browser",
  format: "esm",
  target: ["es2022"],
  sourcemap: true,
  plugins: [manifestPlugin, errorReport("client")],
};

/** @type {esbuild.BuildOptions} */
const server = {
  ...shared,
  entryPoints: { server: join(root, "src/server.tsx") },
  outdir,
  // The embedded engine is neither a browser nor Node.js: it has no window,
  // document, fetch or process, only console and the web globals of Mizan's
  // SSR prelude (timers, TextEncoder, MessageChannel, URL, URLSearchParams,
  // AbortController, atob/btoa, structuredClone, crypto, performance).
  platform: "neutral",
  mainFields: ["module", "main"],
  format: "iife",
  target: ["es2022"],
  sourcemap: false,
  // Not minified: QuickJS evaluates a minified bundle (one very long line) about 4x slower
  // than the same code with its line breaks, and the size does not matter on the server.
  minify: false,
  plugins: [errorReport("server")],
};

if (watch) {
  // The running dev server may be serving this build: replace its files one rebuild at a time.
  previous = await previousAssets();
  const contexts = await Promise.all([esbuild.context(client), esbuild.context(server)]);
  await Promise.all(contexts.map((ctx) => ctx.watch()));
  console.log("watching for changes…");
  // Started by the dev server with a pipe as standard input: stop when the server goes away,
  // however it ends. (From a terminal, Ctrl-C stops it.)
  if (!process.stdin.isTTY) {
    process.stdin.on("end", () => process.exit(0));
    process.stdin.resume();
  }
} else {
  // Files of earlier builds (other hashes) would pile up, and be embedded in release binaries.
  await rm(outdir, { recursive: true, force: true });
  // The server bundle first: the manifest, written after the client build, marks a whole build.
  await esbuild.build(server);
  await esbuild.build(client);
}
