import { getDefaultClient, type MizanClient, type RequestOptions } from "./client.js";

export interface CallOptions {
  /** Cancels the call; the promise then rejects with an `ABORTED` MizanError. */
  signal?: AbortSignal;
  /** The client to call through. Defaults to {@link getDefaultClient}. */
  client?: MizanClient;
}

/**
 * Calls the server function `name` with `input` and resolves with its result.
 * `invalidates` are the contexts the function declares it changes; they are
 * refetched with the ones the server names. Generated wrappers are built on this.
 */
export function callFunction<T>(
  name: string,
  input: object,
  options: CallOptions = {},
  invalidates: readonly string[] = [],
): Promise<T> {
  const client = options.client ?? getDefaultClient();
  return client.call<T>(name, input, requestOptions(options), invalidates);
}

/**
 * Fetches the context `name` for `input` (`GET {baseUrl}/context/{name}`)
 * without caching; generated `fetch<Name>()` functions are built on this.
 */
export function fetchContext<T>(name: string, input: object, options: CallOptions = {}): Promise<T> {
  const client = options.client ?? getDefaultClient();
  return client.localContext<T>(name, input, requestOptions(options));
}

function requestOptions(options: CallOptions): RequestOptions {
  return options.signal === undefined ? {} : { signal: options.signal };
}
