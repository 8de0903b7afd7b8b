// `@mizan/react/core` must load without React: no module it reaches may import React,
// React DOM, TanStack Query, react-hook-form or the Hookform resolvers, nor anything under
// src/react/. The import graph is walked from the sources, following relative imports.
import { describe, expect, it } from "vitest";
import PACKAGE from "../package.json" with { type: "json" };
import * as core from "../src/core.js";
import * as root from "../src/index.js";

/** Every source file of the package, by path relative to the package root (`src/…`). */
const SOURCES: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob("../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true })).map(
    ([path, text]) => [path.replace(/^\.\.\//, ""), text],
  ),
);

/** Packages only the React layer may use (and their subpaths, e.g. `react/jsx-runtime`). */
const REACT_SIDE = ["react", "react-dom", "@tanstack/react-query", "react-hook-form", "@hookform/resolvers"];

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

function isReactSide(specifier: string): boolean {
  return REACT_SIDE.includes(packageOf(specifier));
}

/**
 * The module specifiers of a file: those of its `import … from`, `export … from`,
 * `import "…"` and `import("…")`, type-only ones included (they end up in the
 * declarations). Every string literal that looks like a relative path counts too, so a form
 * the patterns miss cannot hide a relative import.
 */
function specifiersOf(text: string): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /^[ \t]*(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*["']([^"']+)["']/gm,
    /^[ \t]*import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /["'](\.{1,2}\/[^"'\s]*)["']/g,
  ];
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) found.add(match[1]!);
  }
  return found;
}

/** `from` (a file under src/) + a relative specifier → the source file it names. */
function resolveRelative(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const base = parts.join("/");
  const stem = base.replace(/\.(js|jsx|ts|tsx)$/, "");
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${base}/index.ts`, `${base}/index.tsx`];
  const file = candidates.find((candidate) => candidate in SOURCES);
  if (file === undefined) throw new Error(`${from}: cannot resolve "${specifier}" to a source file`);
  return file;
}

interface Graph {
  /** Every source file reachable from the entry (the entry included). */
  files: Set<string>;
  /** The package specifiers those files import, with the files that import them. */
  packages: Map<string, string[]>;
}

function walk(entry: string): Graph {
  const files = new Set<string>();
  const packages = new Map<string, string[]>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    const text = SOURCES[file];
    if (text === undefined) throw new Error(`no source file ${file}`);
    files.add(file);
    for (const specifier of specifiersOf(text)) {
      if (specifier.startsWith(".")) pending.push(resolveRelative(file, specifier));
      else packages.set(specifier, [...(packages.get(specifier) ?? []), file]);
    }
  }
  return { files, packages };
}

describe("the import graph of @mizan/react/core", () => {
  const core = walk("src/core.ts");

  it("reaches no React-side package", () => {
    const offending = [...core.packages].filter(([specifier]) => isReactSide(specifier));
    expect(offending).toEqual([]);
  });

  it("reaches nothing under src/react/", () => {
    expect([...core.files].filter((file) => file.startsWith("src/react/"))).toEqual([]);
  });

  it("reaches no .tsx module (JSX imports react/jsx-runtime)", () => {
    expect([...core.files].filter((file) => file.endsWith(".tsx"))).toEqual([]);
  });

  it("names no React-side package anywhere in the modules it reaches", () => {
    const named = /["'](?:react|react-dom|@tanstack\/react-query|react-hook-form|@hookform\/resolvers)(?:\/[^"']*)?["']/;
    expect([...core.files].filter((file) => named.test(SOURCES[file]!))).toEqual([]);
  });

  it("imports only packages that core users must install (required peers)", () => {
    const optional = (PACKAGE as { peerDependenciesMeta?: Record<string, { optional?: boolean }> })
      .peerDependenciesMeta;
    const required = Object.keys(PACKAGE.peerDependencies).filter((name) => optional?.[name]?.optional !== true);
    for (const specifier of core.packages.keys()) {
      expect(required, `core imports "${specifier}"`).toContain(packageOf(specifier));
    }
    expect([...core.packages.keys()].map(packageOf)).toContain("zod");
  });

  it("is the graph of the core modules, not an empty walk", () => {
    for (const file of ["src/client.ts", "src/socket.ts", "src/keys.ts", "src/rules.ts", "src/protocol.gen.ts"]) {
      expect(core.files).toContain(file);
    }
    for (const file of ["src/context-cache.ts", "src/channel-state.ts", "src/form-state.ts"]) {
      expect(core.files).toContain(file);
    }
  });
});

describe("the import graph walker", () => {
  it("finds the React layer from the root and server entries", () => {
    const root = walk("src/index.ts");
    expect(root.files).toContain("src/core.ts");
    expect(root.files).toContain("src/react/hooks.ts");
    expect(root.files).toContain("src/react/channel.tsx");
    const server = walk("src/server.ts");
    const reactSide = [...root.packages.keys(), ...server.packages.keys()].filter(isReactSide).map(packageOf);
    expect(new Set(reactSide)).toEqual(new Set(REACT_SIDE));
  });

  it("reads multi-line, type-only and re-export statements", () => {
    const text = [
      'import {\n  a,\n  type B,\n} from "pkg-one";',
      'import type { C } from "pkg-two";',
      'export * as d from "./d.js";',
      'export { e } from "@scope/pkg-three/sub";',
      'import "side-effect";',
      'const lazy = () => import("lazy-pkg");',
      'export const notAnImport = "text"; // not from "here"',
    ].join("\n");
    expect(specifiersOf(text)).toEqual(
      new Set(["pkg-one", "pkg-two", "./d.js", "@scope/pkg-three/sub", "side-effect", "lazy-pkg"]),
    );
  });
});

describe("package exports", () => {
  it("the React entry re-exports the whole core", () => {
    const rootExports = root as Record<string, unknown>;
    for (const [name, value] of Object.entries(core)) expect(rootExports[name], name).toBe(value);
    expect(root.MizanProvider).toBeTypeOf("function");
  });

  it("publishes ./core like the other entries", () => {
    expect(PACKAGE.exports["./core"]).toEqual({
      source: "./src/core.ts",
      types: "./dist/core.d.ts",
      import: "./dist/core.js",
    });
  });
});
