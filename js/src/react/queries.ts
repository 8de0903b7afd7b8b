import type { QueryClient } from "@tanstack/react-query";
import { GLOBAL_CONTEXTS_KEY } from "../keys.js";
import type { SsrData } from "../ssr-data.js";
import { planInvalidation, ssrCacheEntries, type GlobalContexts } from "../context-cache.js";

/**
 * Puts server-rendered context values into `queryClient` so the first render
 * (on the server and when hydrating) needs no request. Existing entries win.
 */
export function seedQueryClient(queryClient: QueryClient, ssrData: SsrData): void {
  for (const [key, value] of ssrCacheEntries(ssrData)) {
    if (queryClient.getQueryData(key) === undefined) queryClient.setQueryData(key, value);
  }
}

/**
 * Applies an `invalidate` list: keys naming a global context refetch the
 * global bundle (once, however many were named); every key also invalidates
 * the matching local contexts (`name` → all instances, `name?{json}` → one).
 */
export function applyInvalidation(queryClient: QueryClient, keys: readonly string[]): void {
  const plan = planInvalidation(keys, queryClient.getQueryData<GlobalContexts>(GLOBAL_CONTEXTS_KEY));
  for (const queryKey of plan.local) void queryClient.invalidateQueries({ queryKey });
  if (plan.refetchGlobals) {
    void queryClient.invalidateQueries({ queryKey: GLOBAL_CONTEXTS_KEY, exact: true });
  }
}
