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

/**
 * Canonical JSON (RFC 8785, JCS), so equal values give equal strings on the
 * client and the server: no whitespace, object keys sorted by UTF-16 code
 * units at every level (written in that order even when they look like array
 * indices, which `JSON.stringify` would put first), numbers and strings as
 * `JSON.stringify` writes them. `toJSON` is honoured; `undefined` members are
 * left out, as in JSON.
 */
export function canonicalJson(value: unknown): string {
  return writeCanonical(value) ?? "null";
}

function writeCanonical(value: unknown): string | undefined {
  if (typeof value === "object" && value !== null) {
    const maybeJson = value as { toJSON?: unknown };
    if (typeof maybeJson.toJSON === "function") {
      return writeCanonical((maybeJson.toJSON as () => unknown).call(value));
    }
    if (Array.isArray(value)) {
      return `[${value.map((item) => writeCanonical(item) ?? "null").join(",")}]`;
    }
    const members: string[] = [];
    // The default sort compares UTF-16 code units, as RFC 8785 asks.
    for (const key of Object.keys(value).sort()) {
      const member = writeCanonical((value as Record<string, unknown>)[key]);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(",")}}`;
  }
  // Primitives: JSON.stringify writes numbers in ECMAScript's shortest form
  // (`1e+21`, `-0` as `0`) and leaves out what JSON cannot hold.
  return JSON.stringify(value);
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

/**
 * Query key of the local context instance `id` (`name?{json}`, as listed in `$local`); an id
 * without arguments is the instance with no arguments (`{}`).
 */
export function localContextKeyOfId(id: string): LocalContextKey {
  const { name, args } = parseInvalidationKey(id);
  return [QUERY_KEY_ROOT, "local", name, args ?? canonicalJson({})];
}

/**
 * The local context query key an invalidation target covers: the prefix of every instance of
 * `name` when it names no arguments, that one instance's key otherwise.
 */
export function invalidatedLocalKey(target: InvalidationTarget): LocalContextKey {
  return target.args === undefined
    ? [QUERY_KEY_ROOT, "local", target.name]
    : [QUERY_KEY_ROOT, "local", target.name, target.args];
}
