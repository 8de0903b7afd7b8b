/**
 * Cache keys shared by the React layer and the invalidation protocol.
 *
 * - The bundle of all global contexts is one query: `["mizan", "global"]`.
 * - A local context is `["mizan", "local", name, canonicalArgs]`, where
 *   `canonicalArgs` is {@link canonicalJson} of its arguments; the prefix
 *   `["mizan", "local", name]` covers every argument set of that context.
 * - The server's `invalidate` list holds strings: `name` names a global context
 *   or every instance of a local one; `name?{json}` names one local instance.
 */

export const QUERY_KEY_ROOT = "mizan";

export const GLOBAL_CONTEXTS_KEY = [QUERY_KEY_ROOT, "global"] as const;

export type LocalContextKey =
  | readonly [typeof QUERY_KEY_ROOT, "local", string]
  | readonly [typeof QUERY_KEY_ROOT, "local", string, string];

/** JSON with object keys sorted at every level, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? "null";
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "object" && value !== null) {
    const maybeJson = value as { toJSON?: unknown };
    if (typeof maybeJson.toJSON === "function") return value;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}

/** Query key of a local context: all instances when `args` is omitted, one instance otherwise. */
export function localContextKey(name: string, args?: unknown): LocalContextKey {
  return args === undefined
    ? [QUERY_KEY_ROOT, "local", name]
    : [QUERY_KEY_ROOT, "local", name, canonicalJson(args)];
}

/** The `invalidate` / `$local` string of a local context instance: `name?{canonical json}`. */
export function localContextId(name: string, args: unknown): string {
  return `${name}?${canonicalJson(args)}`;
}

export interface InvalidationTarget {
  name: string;
  /** Canonical JSON of the arguments, when the key names one instance. */
  args?: string;
}

/** Splits an invalidation key (`name` or `name?{json}`) into name and canonical arguments. */
export function parseInvalidationKey(key: string): InvalidationTarget {
  const q = key.indexOf("?");
  if (q === -1) return { name: key };
  const name = key.slice(0, q);
  const raw = key.slice(q + 1);
  try {
    return { name, args: canonicalJson(JSON.parse(raw)) };
  } catch {
    return { name, args: raw };
  }
}
