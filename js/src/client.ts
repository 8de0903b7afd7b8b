import { documentCookies, readCookie } from "./cookie.js";
import { errorFromFetchFailure, errorFromResponse, MizanError, NETWORK_ERROR, NO_STATUS } from "./error.js";
import { API_PREFIX, CSRF_COOKIE, CSRF_HEADER, HOST_COOKIE_PREFIX, SOCKET_HEADER } from "./protocol.gen.js";
import { MizanSocket, socketUrl, type ReconnectOptions, type WebSocketFactory } from "./socket.js";
import { isRecord } from "./json.js";

export type FetchFunction = typeof fetch;

export interface MizanClientOptions {
  /** URL prefix of the Mizan API. Defaults to `/api/mizan`. */
  baseUrl?: string;
  /**
   * The `fetch` to use. Defaults to `globalThis.fetch`, looked up at request
   * time, so a client can be built where there is no `fetch` (server rendering).
   */
  fetch?: FetchFunction;
  /** The channel socket's URL. Defaults to `{baseUrl}/ws` on the page's host. */
  socketUrl?: string;
  /** Creates the channel socket's WebSocket. Defaults to the global `WebSocket`. */
  connectSocket?: WebSocketFactory;
  /** Reconnection backoff of the channel socket. */
  reconnect?: ReconnectOptions;
}

export interface RequestOptions {
  /** Cancels the request; the promise then rejects with an `ABORTED` MizanError. */
  signal?: AbortSignal;
}

/** Receives the keys of an `invalidate` list sent with a call result. */
export type InvalidationListener = (keys: readonly string[]) => void;

function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (typeof report === "function") report(error);
  else console.error(error);
}

/**
 * React-free client of the Mizan HTTP API. Never retries; every failure
 * rejects with a {@link MizanError}.
 */
export class MizanClient {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchFunction | undefined;
  private readonly listeners = new Set<InvalidationListener>();
  private readonly options: MizanClientOptions;
  private channelSocket: MizanSocket | undefined;

  constructor(options: MizanClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? API_PREFIX).replace(/\/+$/, "");
    this.fetchImpl = options.fetch;
    this.options = options;
  }

  /**
   * The channel socket (one per client), created on first use; the
   * invalidation keys the server pushes on it reach {@link onInvalidate}
   * listeners like those of call results.
   */
  socket(): MizanSocket {
    if (this.channelSocket === undefined) {
      let url = this.options.socketUrl;
      if (url === undefined) {
        const location = (globalThis as { location?: { protocol: string; host: string } }).location;
        if (location === undefined) {
          throw new MizanError({ code: NETWORK_ERROR, message: "channels need a browser (no location)", status: NO_STATUS });
        }
        url = socketUrl(this.baseUrl, location);
      }
      const options: ConstructorParameters<typeof MizanSocket>[0] = { url, onInvalidate: (keys) => this.invalidate(keys) };
      if (this.options.connectSocket !== undefined) options.connect = this.options.connectSocket;
      if (this.options.reconnect !== undefined) options.reconnect = this.options.reconnect;
      this.channelSocket = new MizanSocket(options);
    }
    return this.channelSocket;
  }

  /**
   * Calls the server function `fn` (`POST {baseUrl}/call/{fn}`) with `args` as
   * its JSON input and resolves with its `result`. The answer's `invalidate`
   * list, merged with the function's declared `invalidates` (without
   * duplicates), is passed to the {@link onInvalidate} listeners once: a key
   * named by both is refetched once, not twice.
   */
  async call<T>(
    fn: string,
    args: object,
    options: RequestOptions = {},
    invalidates: readonly string[] = [],
  ): Promise<T> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      "Content-Type": "application/json",
    };
    const csrf = csrfToken(documentCookies());
    if (csrf !== undefined) headers[CSRF_HEADER] = csrf;
    // This tab's socket gets the call's invalidations in the answer, not pushed as well.
    const socketName = this.channelSocket?.name;
    if (socketName !== undefined) headers[SOCKET_HEADER] = socketName;

    const body = await this.request(`/call/${encodeURIComponent(fn)}`, {
      method: "POST",
      headers,
      body: JSON.stringify(args),
      signal: options.signal,
    });
    if (!isRecord(body.json) || !("result" in body.json)) {
      throw malformed(body.status);
    }
    const invalidate = body.json["invalidate"];
    const keys = new Set(invalidates);
    if (Array.isArray(invalidate)) {
      for (const key of invalidate) if (typeof key === "string") keys.add(key);
    }
    if (keys.size > 0) this.invalidate([...keys]);
    return body.json["result"] as T;
  }

  /** Fetches every global context (`GET {baseUrl}/context`), keyed by context name. */
  async globalContexts(options: RequestOptions = {}): Promise<Record<string, unknown>> {
    const body = await this.request("/context", {
      method: "GET",
      headers: { Accept: "application/json" },
      signal: options.signal,
    });
    if (!isRecord(body.json)) throw malformed(body.status);
    return body.json;
  }

  /** Fetches one local context (`GET {baseUrl}/context/{fn}?args=…`). */
  async localContext<T>(fn: string, args: unknown, options: RequestOptions = {}): Promise<T> {
    const query = `?args=${encodeURIComponent(JSON.stringify(args ?? {}))}`;
    const body = await this.request(`/context/${encodeURIComponent(fn)}${query}`, {
      method: "GET",
      headers: { Accept: "application/json" },
      signal: options.signal,
    });
    return body.json as T;
  }

  /** Subscribes to invalidation keys; returns the unsubscribe function. */
  onInvalidate(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Passes `keys` to every invalidation listener, as if a call had returned
   * them. A throwing listener is reported and does not stop the others.
   */
  invalidate(keys: readonly string[]): void {
    const frozen = Object.freeze([...keys]);
    for (const listener of [...this.listeners]) {
      try {
        listener(frozen);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  private async request(
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal | undefined },
  ): Promise<{ status: number; json: unknown }> {
    const fetchFn = this.fetchImpl ?? (globalThis as { fetch?: FetchFunction }).fetch;
    if (typeof fetchFn !== "function") {
      throw new MizanError({
        code: NETWORK_ERROR,
        message: "fetch is not available in this environment",
        status: NO_STATUS,
      });
    }
    const requestInit: RequestInit = {
      method: init.method,
      headers: init.headers,
      credentials: "same-origin",
    };
    if (init.body !== undefined) requestInit.body = init.body;
    if (init.signal !== undefined) requestInit.signal = init.signal;

    let status: number;
    let text: string;
    try {
      init.signal?.throwIfAborted();
      // Called as a plain function: a browser's fetch must not get the client as `this`.
      const response = await fetchFn(this.baseUrl + path, requestInit);
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw errorFromFetchFailure(error, init.signal);
    }

    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status < 200 || status >= 300) throw errorFromResponse(status, json);
    if (json === undefined) throw malformed(status);
    return { status, json };
  }
}

function malformed(status: number): MizanError {
  return new MizanError({
    code: NETWORK_ERROR,
    message: `Malformed response from the server (HTTP ${status})`,
    status,
  });
}

let defaultClient: MizanClient | undefined;

/** The client used when none is given: created on first use with default options. */
export function getDefaultClient(): MizanClient {
  defaultClient ??= new MizanClient();
  return defaultClient;
}

/** Replaces the default client (e.g. to change `baseUrl` or `fetch`). */
export function setDefaultClient(client: MizanClient): void {
  defaultClient = client;
}

/**
 * The CSRF token among `cookies`: over HTTPS the server names the cookie
 * `__Host-mizan_csrf` (and reads only that one), over plain HTTP `mizan_csrf`.
 */
export function csrfToken(cookies: string | undefined): string | undefined {
  return readCookie(cookies, HOST_COOKIE_PREFIX + CSRF_COOKIE) ?? readCookie(cookies, CSRF_COOKIE);
}
