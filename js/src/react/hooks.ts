import { useMutation, useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { CallOptions } from "../call.js";
import type { MizanClient, RequestOptions } from "../client.js";
import {
  globalContextEntry,
  globalContextsQuery,
  localContextQuery,
  requireGlobalContext,
  type GlobalContexts,
} from "../context-cache.js";
import { contextFailure, toMizanError, type MizanError } from "../error.js";
import { localContextId } from "../keys.js";
import { isCollecting, reportMissing } from "../ssr-collect.js";
import { useMizanContext } from "./context.js";

/** The provider's client. */
export function useMizanClient(): MizanClient {
  return useMizanContext("useMizanClient").client;
}

/**
 * The value of the global context `name`.
 *
 * With server-rendered data (always the case for pages rendered by Mizan) the
 * value is there synchronously, on the server and when hydrating. Otherwise
 * the component suspends while the bundle of all global contexts is fetched
 * (one `GET {baseUrl}/context` shared by every caller), so render it under a
 * `<Suspense>` boundary. A failed fetch, or a failure of this context on the
 * server (its `$error` entry), is thrown as a MizanError to the nearest error
 * boundary. Throws if `name` is not in the bundle.
 */
export function useGlobalContext<T>(name: string): T {
  const { client } = useMizanContext("useGlobalContext");
  const { data } = useSuspenseQuery(globalContextsQuery(client));
  return requireGlobalContext(data, name) as T;
}

export interface ContextQueryResult<T> {
  /** The value, `undefined` until loaded. */
  data: T | undefined;
  /** True while the first load is in flight. */
  isLoading: boolean;
  /** True while any load (first or refetch) is in flight. */
  isFetching: boolean;
  error: MizanError | null;
  /** Loads the value again. */
  refetch: () => Promise<unknown>;
}

/**
 * Non-suspending access to the global context `name`: shares the bundle
 * query with {@link useGlobalContext} and reports its loading and error state.
 * A failure of this context on the server is reported as `error`.
 */
export function useGlobalContextQuery<T>(name: string): ContextQueryResult<T> {
  const { client } = useMizanContext("useGlobalContextQuery");
  const query = useQuery<GlobalContexts, MizanError>(globalContextsQuery(client));
  const value = globalContextEntry(query.data, name);
  const failure = useMemo(() => contextFailure(name, value), [name, value]);
  return {
    data: failure === undefined ? (value as T | undefined) : undefined,
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    error: failure ?? query.error,
    refetch: query.refetch,
  };
}

/**
 * The local context `name` for `args` (`GET {baseUrl}/context/{name}?args=…`),
 * cached under `["mizan", "local", name, canonicalJson(args)]` and seeded from
 * the page's `$local` data. Refetched when an `invalidate` list names it;
 * concurrent users of one instance share one request, and a response that
 * arrives after a newer one for the same instance is discarded.
 *
 * During a server render, an instance without data is reported to the server,
 * which resolves it and renders the page again with it: pages come out of the
 * server complete, and the client hydrates them without fetching.
 */
export function useLocalContextQuery<T>(name: string, args: unknown): ContextQueryResult<T> {
  const { client } = useMizanContext("useLocalContextQuery");
  const query = useQuery<unknown, MizanError>(localContextQuery<unknown>(client, name, args));
  if (query.data === undefined && isCollecting()) reportMissing(localContextId(name, args));
  const failure = useMemo(() => contextFailure(name, query.data), [name, query.data]);
  return {
    data: failure === undefined ? (query.data as T | undefined) : undefined,
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    error: failure ?? query.error,
    refetch: query.refetch,
  };
}

/** A server function wrapper, as generated in `mizan.gen.ts`. */
export type ServerFunction<I, O> = (input: I, options?: CallOptions) => Promise<O>;

export interface CallState<I, O> {
  /**
   * Calls the function; resolves with its result, rejects with a MizanError
   * (`ABORTED` when `options.signal` cancels it). The state below follows
   * the latest call.
   */
  call: (input: I, options?: RequestOptions) => Promise<O>;
  /** Like `call`, without a promise: the outcome is only seen in `data` / `error`. */
  mutate: (input: I, options?: RequestOptions) => void;
  /** Result of the latest successful call. */
  data: O | undefined;
  /** Error of the latest failed call. */
  error: MizanError | null;
  /** True while the latest call is in flight. */
  isPending: boolean;
  isSuccess: boolean;
  isError: boolean;
  /** Clears `data`, `error` and the flags. */
  reset: () => void;
}

interface CallVariables<I> {
  input: I;
  signal: AbortSignal | undefined;
}

/**
 * Wraps a server function in a TanStack mutation, calling it through the
 * provider's client. Calls are never retried.
 */
export function useCall<I, O>(fn: ServerFunction<I, O>): CallState<I, O> {
  const { client } = useMizanContext("useCall");
  const mutation = useMutation<O, MizanError, CallVariables<I>>({
    mutationFn: async ({ input, signal }) => {
      try {
        return await fn(input, signal === undefined ? { client } : { client, signal });
      } catch (error) {
        throw toMizanError(error);
      }
    },
    retry: false,
  });
  const { mutateAsync, mutate: fire } = mutation;
  const call = useCallback(
    (input: I, options?: RequestOptions) => mutateAsync({ input, signal: options?.signal }),
    [mutateAsync],
  );
  const mutate = useCallback(
    (input: I, options?: RequestOptions) => fire({ input, signal: options?.signal }),
    [fire],
  );
  return {
    call,
    mutate,
    data: mutation.data,
    error: mutation.error,
    isPending: mutation.isPending,
    isSuccess: mutation.isSuccess,
    isError: mutation.isError,
    reset: mutation.reset,
  };
}
