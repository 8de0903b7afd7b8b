import { getDefaultClient, type MizanClient } from "./client.js";

export interface CallOptions {
  /** Cancels the call; the promise then rejects with an `ABORTED` MizanError. */
  signal?: AbortSignal;
  /** The client to call through. Defaults to {@link getDefaultClient}. */
  client?: MizanClient;
}

/**
 * Calls the server function `name` with `input` and resolves with its result.
 * Generated function wrappers are built on this.
 */
export function callFunction<T>(name: string, input: object, options: CallOptions = {}): Promise<T> {
  const client = options.client ?? getDefaultClient();
  return options.signal === undefined
    ? client.call<T>(name, input)
    : client.call<T>(name, input, { signal: options.signal });
}
