import { SSR_DATA_GLOBAL, SSR_LOCAL_KEY } from "./protocol.gen.js";
import { isRecord } from "./json.js";

/**
 * Data the server rendered with, embedded in the page for hydration: global
 * context values keyed by name, plus local context values under `$local`
 * keyed by `name?{canonical json args}`.
 */
export type SsrData = Record<string, unknown> & { $local?: Record<string, unknown> };

/**
 * Reads `window.__MIZAN_SSR_DATA__`. Returns `undefined` where there is no
 * `window` (server rendering, tests) or the value is not an object.
 */
export function readSsrData(): SsrData | undefined {
  const win = (globalThis as unknown as { window?: Record<string, unknown> | null }).window;
  if (win === undefined || win === null) return undefined;
  const data = win[SSR_DATA_GLOBAL];
  return isRecord(data) ? (data as SsrData) : undefined;
}

/** The global context values of `data`, without the `$local` entry. */
export function globalContextsOf(data: SsrData): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    if (name !== SSR_LOCAL_KEY) globals[name] = value;
  }
  return globals;
}

/** The local context values of `data` (keyed by `name?{canonical json args}`). */
export function localContextsOf(data: SsrData | undefined): Record<string, unknown> {
  const local = data?.[SSR_LOCAL_KEY];
  return isRecord(local) ? local : {};
}
