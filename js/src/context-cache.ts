/**
 * How context values are cached, without a cache library: the query options of the global
 * bundle and of local instances, the retry policy of context fetches, the entries
 * server-rendered data provides, and what an `invalidate` list refreshes. The React layer
 * applies these to a TanStack QueryClient; any other cache can apply them the same way.
 */
import type { MizanClient } from "./client.js";
import { ABORTED_ERROR, contextFailure, isMizanError, NETWORK_ERROR, type MizanError } from "./error.js";
import {
  GLOBAL_CONTEXTS_KEY,
  invalidatedLocalKey,
  localContextKey,
  localContextKeyOfId,
  parseInvalidationKey,
  type LocalContextKey,
} from "./keys.js";
import { globalContextsOf, localContextsOf, type SsrData } from "./ssr-data.js";

/** The bundle of all global context values, keyed by name. */
export type GlobalContexts = Record<string, unknown>;

/** A context cache key: the global bundle's, or a local instance's (or prefix). */
export type ContextCacheKey = typeof GLOBAL_CONTEXTS_KEY | LocalContextKey;

/**
 * Query options of the global context bundle. Contexts change only when the
 * server says so (an `invalidate` list), hence `staleTime: Infinity`.
 */
export function globalContextsQuery(client: MizanClient) {
  return {
    queryKey: GLOBAL_CONTEXTS_KEY,
    queryFn: ({ signal }: { signal: AbortSignal }) => client.globalContexts({ signal }),
    staleTime: Infinity,
  } as const;
}

/** Query options of one local context instance; fresh until invalidated, like global ones. */
export function localContextQuery<T>(client: MizanClient, name: string, args: unknown) {
  return {
    queryKey: localContextKey(name, args),
    queryFn: ({ signal }: { signal: AbortSignal }) => client.localContext<T>(name, args, { signal }),
    staleTime: Infinity,
  } as const;
}

/**
 * Retry policy of context fetches: up to two retries of transient failures
 * (network, 502–504, `UNAVAILABLE`), none for anything the server answered
 * deliberately or for cancellations.
 */
export function retryTransient(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2 || !isMizanError(error)) return false;
  const e: MizanError = error;
  if (e.code === ABORTED_ERROR) return false;
  return e.code === NETWORK_ERROR || e.code === "UNAVAILABLE" || e.status === 502 || e.status === 504;
}

/**
 * The cache entries server-rendered data provides: the global bundle first, then every local
 * instance of `$local`, in order. A cache takes an entry only when it has no value for its key
 * (existing entries, and earlier entries for the same key, win).
 */
export function ssrCacheEntries(ssrData: SsrData): [ContextCacheKey, unknown][] {
  const entries: [ContextCacheKey, unknown][] = [[GLOBAL_CONTEXTS_KEY, globalContextsOf(ssrData)]];
  for (const [id, value] of Object.entries(localContextsOf(ssrData))) {
    entries.push([localContextKeyOfId(id), value]);
  }
  return entries;
}

/** What an `invalidate` list refreshes; see {@link planInvalidation}. */
export interface InvalidationPlan {
  /** Local context keys (prefixes of every instance, or one instance) to invalidate, in list order. */
  local: LocalContextKey[];
  /** The global bundle is refetched (once, however many global contexts were named). */
  refetchGlobals: boolean;
}

/**
 * Plans an `invalidate` list against the cached global bundle (`undefined` when not loaded):
 * every distinct key invalidates the matching local contexts (`name` → all instances,
 * `name?{json}` → one); a key without arguments that names a global context (any such key
 * while the bundle is not loaded) refetches the bundle.
 */
export function planInvalidation(keys: readonly string[], bundle: GlobalContexts | undefined): InvalidationPlan {
  const local: LocalContextKey[] = [];
  let refetchGlobals = false;
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const target = parseInvalidationKey(key);
    if (target.args === undefined && (bundle === undefined || hasOwn(bundle, target.name))) {
      refetchGlobals = true;
    }
    local.push(invalidatedLocalKey(target));
  }
  return { local, refetchGlobals };
}

function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * The entry of the global context `name` in `bundle`, `undefined` when the bundle is not
 * loaded or has no such entry. A context that failed on the server has its `$error` entry
 * here; see {@link contextFailure}.
 */
export function globalContextEntry(bundle: GlobalContexts | undefined, name: string): unknown {
  return bundle !== undefined && hasOwn(bundle, name) ? bundle[name] : undefined;
}

/**
 * The value of the global context `name` in a loaded bundle. Throws an Error naming the
 * contexts the server sent when `name` is not one of them, and the context's MizanError when
 * it failed on the server.
 */
export function requireGlobalContext(bundle: GlobalContexts, name: string): unknown {
  if (!hasOwn(bundle, name)) {
    throw new Error(`Unknown global context "${name}": the server sent ${Object.keys(bundle).join(", ") || "none"}`);
  }
  const value = bundle[name];
  const failure = contextFailure(name, value);
  if (failure !== undefined) throw failure;
  return value;
}
