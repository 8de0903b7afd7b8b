import type { QueryClient } from "@tanstack/react-query";
import type { MizanClient } from "../client.js";
import { ABORTED_ERROR, isMizanError, NETWORK_ERROR, type MizanError } from "../error.js";
import {
  canonicalJson,
  GLOBAL_CONTEXTS_KEY,
  localContextKey,
  parseInvalidationKey,
  QUERY_KEY_ROOT,
} from "../keys.js";
import { globalContextsOf, localContextsOf, type SsrData } from "../ssr-data.js";

export type GlobalContexts = Record<string, unknown>;

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
 * Retry policy of the provider's own QueryClient for context fetches: up to
 * two retries of transient failures (network, 502–504, `UNAVAILABLE`), none
 * for anything the server answered deliberately or for cancellations.
 */
export function retryTransient(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2 || !isMizanError(error)) return false;
  const e: MizanError = error;
  if (e.code === ABORTED_ERROR) return false;
  return e.code === NETWORK_ERROR || e.code === "UNAVAILABLE" || e.status === 502 || e.status === 504;
}

/**
 * Puts server-rendered context values into `queryClient` so the first render
 * (on the server and when hydrating) needs no request. Existing entries win.
 */
export function seedQueryClient(queryClient: QueryClient, ssrData: SsrData): void {
  if (queryClient.getQueryData(GLOBAL_CONTEXTS_KEY) === undefined) {
    queryClient.setQueryData(GLOBAL_CONTEXTS_KEY, globalContextsOf(ssrData));
  }
  for (const [id, value] of Object.entries(localContextsOf(ssrData))) {
    const { name, args } = parseInvalidationKey(id);
    const key = [QUERY_KEY_ROOT, "local", name, args ?? canonicalJson({})] as const;
    if (queryClient.getQueryData(key) === undefined) queryClient.setQueryData(key, value);
  }
}

/**
 * Applies an `invalidate` list: keys naming a global context refetch the
 * global bundle (once, however many were named); every key also invalidates
 * the matching local contexts (`name` → all instances, `name?{json}` → one).
 */
export function applyInvalidation(queryClient: QueryClient, keys: readonly string[]): void {
  const bundle = queryClient.getQueryData<GlobalContexts>(GLOBAL_CONTEXTS_KEY);
  let refetchGlobals = false;
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) continue;
    seen.add(key);
    const { name, args } = parseInvalidationKey(key);
    if (args === undefined && (bundle === undefined || Object.prototype.hasOwnProperty.call(bundle, name))) {
      refetchGlobals = true;
    }
    const queryKey = args === undefined ? [QUERY_KEY_ROOT, "local", name] : [QUERY_KEY_ROOT, "local", name, args];
    void queryClient.invalidateQueries({ queryKey });
  }
  if (refetchGlobals) {
    void queryClient.invalidateQueries({ queryKey: GLOBAL_CONTEXTS_KEY, exact: true });
  }
}
