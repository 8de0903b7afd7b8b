import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { getDefaultClient, type MizanClient } from "../client.js";
import { retryTransient } from "../context-cache.js";
import { readSsrData, type SsrData } from "../ssr-data.js";
import { MizanContext, type MizanContextValue } from "./context.js";
import { applyInvalidation, seedQueryClient } from "./queries.js";

export interface MizanProviderProps {
  /** Client for calls and context fetches. Defaults to {@link getDefaultClient}. */
  client?: MizanClient;
  /**
   * Context values the page was rendered with. Defaults to
   * `window.__MIZAN_SSR_DATA__` in the browser; on the server, pass the
   * render request's `ssrData`.
   */
  ssrData?: SsrData;
  /**
   * Opens the channel socket as soon as the app mounts, so that contexts the
   * server invalidates for everyone (`ctx.invalidate_for_all`) or for this user
   * (`ctx.invalidate_for_user`) are refetched here too, without a reload.
   * Default false: the socket opens with the first channel subscription.
   */
  live?: boolean;
  /** TanStack QueryClient to use. By default the provider creates its own, once. */
  queryClient?: QueryClient;
  children?: ReactNode;
}

/** Creates the QueryClient a provider uses when none is given. */
export function createMizanQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: retryTransient },
      mutations: { retry: false },
    },
  });
}

/**
 * Root of a Mizan React app: provides the client and a TanStack QueryClient,
 * seeds the context cache with `ssrData` before the first render (so no
 * request is made for data the server already rendered with), and applies the
 * server's invalidation lists to the cache.
 */
export function MizanProvider(props: MizanProviderProps): ReactNode {
  const { children } = props;
  const client = props.client ?? getDefaultClient();
  const [ssrData] = useState<SsrData | undefined>(() => props.ssrData ?? readSsrData());
  const [initialQueryClient] = useState<QueryClient>(() => props.queryClient ?? createMizanQueryClient());
  const queryClient = props.queryClient ?? initialQueryClient;

  // Seeding runs during render, before any child reads the cache; it is
  // idempotent (existing entries win), so repeated renders are harmless.
  const [seeded] = useState(() => new WeakSet<QueryClient>());
  if (ssrData !== undefined && !seeded.has(queryClient)) {
    seeded.add(queryClient);
    seedQueryClient(queryClient, ssrData);
  }

  useEffect(
    () => client.onInvalidate((keys) => applyInvalidation(queryClient, keys)),
    [client, queryClient],
  );

  const live = props.live === true;
  useEffect(() => {
    if (live) client.socket().connect();
  }, [client, live]);

  const value = useMemo<MizanContextValue>(() => ({ client, ssrData }), [client, ssrData]);

  return (
    <QueryClientProvider client={queryClient}>
      <MizanContext.Provider value={value}>{children}</MizanContext.Provider>
    </QueryClientProvider>
  );
}
