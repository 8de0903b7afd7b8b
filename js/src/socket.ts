import { errorFromResponse, isProtocolErrorCode, MizanError, NETWORK_ERROR, NO_STATUS } from "./error.js";
import { ERROR_STATUS } from "./protocol.gen.js";
import { isRecord } from "./json.js";

/**
 * The channel socket: one WebSocket per client (per browser tab) at
 * `{baseUrl}/ws`, multiplexing channel subscriptions with the protocol of
 * DESIGN.md (`subscribe` / `subscribed` / `message` / `send` / `unsubscribe` /
 * `error`, and server-pushed `invalidate`). An `error` with `"ended": true`
 * ends a subscription the server had accepted (its user may no longer follow
 * it, e.g. after losing a permission). It connects on the first
 * subscription, reconnects with exponential backoff when the connection drops,
 * and subscribes again to everything that was subscribed.
 */

/** What the socket needs of a WebSocket (the browser's, or a test double). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

/** `connecting` (first connection), `open`, `reconnecting` (after a drop), `closed` (by `close()`). */
export type SocketStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface ReconnectOptions {
  /** First delay after a drop, in ms. Default 500. */
  initialDelayMs?: number;
  /** Longest delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Random spread of each delay, 0..1 (0.2 = ±20 %). Default 0.2. */
  jitter?: number;
}

export interface MizanSocketOptions {
  /** The WebSocket URL, e.g. `wss://example.com/api/mizan/ws`. */
  url: string;
  /** Creates the WebSocket. Defaults to the global `WebSocket`. */
  connect?: WebSocketFactory;
  reconnect?: ReconnectOptions;
  /** Receives server-pushed invalidation keys. */
  onInvalidate?: (keys: readonly string[]) => void;
}

export interface SubscriptionHandlers<M> {
  /** A message the server sent to the channel's group. */
  onMessage: (data: M) => void;
  /** The server accepted the subscription (again, after each reconnection). */
  onSubscribed?: () => void;
  /**
   * The server refused the subscription (`authorize`, invalid params), ended
   * it (`ended` is true for both: it is over and not made again), or refused
   * one of its messages (`ended` is false: the subscription stays).
   */
  onError?: (error: MizanError, ended: boolean) => void;
}

export interface Subscription<C> {
  readonly id: number;
  /**
   * Sends a client message to the channel. Returns false (and sends nothing)
   * while the socket is not connected or the subscription not yet accepted.
   */
  send: (data: C) => boolean;
  /** Stops receiving; tells the server when connected. */
  unsubscribe: () => void;
}

interface Entry {
  channel: string;
  params: unknown;
  handlers: SubscriptionHandlers<unknown>;
  subscribed: boolean;
}

const OPEN = 1;

export class MizanSocket {
  private readonly options: MizanSocketOptions;
  private socket: WebSocketLike | undefined;
  private readonly entries = new Map<number, Entry>();
  private readonly statusListeners = new Set<(status: SocketStatus) => void>();
  private nextId = 1;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private currentStatus: SocketStatus = "idle";
  private currentName: string | undefined;

  constructor(options: MizanSocketOptions) {
    this.options = options;
  }

  /**
   * The connection's name, from the server's `welcome` frame; calls send it
   * (`X-Mizan-Socket`) so that the invalidations they push to every client
   * skip this one, which has them in the call's answer. Undefined while not
   * connected.
   */
  get name(): string | undefined {
    return this.currentName;
  }

  /** The connection's state. */
  get status(): SocketStatus {
    return this.currentStatus;
  }

  /** Follows the connection's state; returns the unsubscribe function. */
  onStatus(listener: (status: SocketStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /** Subscribes to `channel` with `params`, connecting if needed. */
  subscribe<M, C = never>(channel: string, params: unknown, handlers: SubscriptionHandlers<M>): Subscription<C> {
    const id = this.nextId++;
    this.entries.set(id, { channel, params, handlers: handlers as SubscriptionHandlers<unknown>, subscribed: false });
    if (this.currentStatus === "closed") {
      // A closed socket stays closed; tell the subscriber rather than hang.
      handlers.onError?.(notConnected("the channel socket was closed"), true);
    } else if (this.socket?.readyState === OPEN) {
      this.sendSubscribe(id);
    } else if (this.socket === undefined && this.timer === undefined) {
      this.open();
    }
    return {
      id,
      send: (data: C) => {
        const entry = this.entries.get(id);
        if (entry === undefined || !entry.subscribed || this.socket?.readyState !== OPEN) return false;
        this.socket.send(JSON.stringify({ type: "send", id, data }));
        return true;
      },
      unsubscribe: () => {
        if (!this.entries.delete(id)) return;
        if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify({ type: "unsubscribe", id }));
      },
    };
  }

  /**
   * Connects now, without a subscription, and stays connected (reconnecting
   * after drops): to receive the invalidations the server pushes. Does
   * nothing when already connected or connecting, or after {@link close}.
   */
  connect(): void {
    if (this.currentStatus === "closed" || this.socket !== undefined || this.timer !== undefined) return;
    this.open();
  }

  /** Closes the connection for good: no reconnection, subscriptions dropped. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.entries.clear();
    const socket = this.socket;
    this.socket = undefined;
    this.currentName = undefined;
    this.setStatus("closed");
    socket?.close(1000, "closed by the client");
  }

  private open(): void {
    this.setStatus(this.attempt === 0 ? "connecting" : "reconnecting");
    let socket: WebSocketLike;
    try {
      socket = (this.options.connect ?? defaultConnect)(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.setStatus("open");
      for (const id of this.entries.keys()) this.sendSubscribe(id);
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.currentName = undefined;
      for (const entry of this.entries.values()) entry.subscribed = false;
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // A `close` event follows; reconnection is handled there.
    };
  }

  private scheduleReconnect(): void {
    if (this.currentStatus === "closed") return;
    this.setStatus("reconnecting");
    const { initialDelayMs = 500, maxDelayMs = 30_000, jitter = 0.2 } = this.options.reconnect ?? {};
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt);
    const delay = base * (1 + jitter * (Math.random() * 2 - 1));
    this.attempt += 1;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.open();
    }, delay);
  }

  private sendSubscribe(id: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined || this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify({ type: "subscribe", id, channel: entry.channel, params: entry.params }));
  }

  private receive(raw: unknown): void {
    let frame: unknown;
    try {
      frame = typeof raw === "string" ? JSON.parse(raw) : undefined;
    } catch {
      frame = undefined;
    }
    if (!isRecord(frame)) return;
    const id = typeof frame["id"] === "number" ? frame["id"] : undefined;
    const entry = id === undefined ? undefined : this.entries.get(id);
    switch (frame["type"]) {
      case "subscribed":
        if (entry !== undefined) {
          entry.subscribed = true;
          entry.handlers.onSubscribed?.();
        }
        break;
      case "message":
        if (entry !== undefined) entry.handlers.onMessage(frame["data"]);
        break;
      case "error": {
        // The envelope of an HTTP error, without the HTTP status: the code's status stands in.
        const body = frame["error"];
        const code = isRecord(body) ? body["code"] : undefined;
        const status = typeof code === "string" && isProtocolErrorCode(code) ? ERROR_STATUS[code] : NO_STATUS;
        const error = errorFromResponse(status, { error: body });
        if (entry !== undefined) {
          // A refused or ended subscription is over; a refused message leaves it in place.
          const ended = !entry.subscribed || frame["ended"] === true;
          if (ended) this.entries.delete(id!);
          entry.handlers.onError?.(error, ended);
        }
        break;
      }
      case "welcome": {
        const name = frame["socket"];
        if (typeof name === "string") this.currentName = name;
        break;
      }
      case "invalidate": {
        const keys = Array.isArray(frame["keys"]) ? frame["keys"].filter((k): k is string => typeof k === "string") : [];
        if (keys.length > 0) this.options.onInvalidate?.(keys);
        break;
      }
      default:
        break;
    }
  }

  private setStatus(status: SocketStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}

function defaultConnect(url: string): WebSocketLike {
  const WebSocketClass = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  if (WebSocketClass === undefined) throw notConnected("WebSocket is not available in this environment");
  return new WebSocketClass(url);
}

function notConnected(message: string): MizanError {
  return new MizanError({ code: NETWORK_ERROR, message, status: NO_STATUS });
}

/** The channel socket URL for an API prefix, on the page's own host (`ws:` or `wss:`). */
export function socketUrl(baseUrl: string, location: { protocol: string; host: string }): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${baseUrl.replace(/\/+$/, "")}/ws`;
}
