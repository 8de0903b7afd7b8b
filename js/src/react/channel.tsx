import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { getDefaultClient } from "../client.js";
import { MizanError, NETWORK_ERROR, NO_STATUS } from "../error.js";
import { canonicalJson } from "../keys.js";
import type { MizanSocket, SocketStatus, Subscription } from "../socket.js";
import { MizanContext } from "./context.js";

/**
 * Where a channel subscription stands:
 *
 * - `connecting` — not yet accepted by the server (also while disabled, and
 *   during server rendering);
 * - `subscribed` — the server accepted it; messages flow and `send` works;
 * - `reconnecting` — the socket dropped and is reconnecting; the subscription
 *   is made again on its own, and becomes `subscribed` when accepted again;
 * - `refused` — the server refused it (`authorize`, invalid params) or ended it
 *   (its user may no longer follow it, e.g. after losing a permission), see
 *   `error`; it is not retried until the channel or the params change;
 * - `closed` — the socket was closed for good (`MizanSocket.close()`).
 */
export type ChannelStatus = "connecting" | "subscribed" | "reconnecting" | "refused" | "closed";

export interface ChannelOptions<Server> {
  /** How many messages `messages` keeps; the oldest are dropped. Default 100. */
  maxMessages?: number;
  /**
   * Called with every message as it arrives. The latest function passed is
   * used; changing it does not subscribe again.
   */
  onMessage?: (message: Server) => void;
  /** Subscribe only while true. Default true. */
  enabled?: boolean;
}

export interface ChannelState<Server, Client> {
  /** The messages received on this subscription, oldest first (at most `maxMessages`). */
  messages: readonly Server[];
  /** The latest message received on this subscription (kept by `clear()`). */
  lastMessage: Server | undefined;
  /** Sends a client message; false (and nothing sent) unless `status` is `subscribed`. */
  send: (message: Client) => boolean;
  status: ChannelStatus;
  /**
   * The latest refusal of this subscription or of one of its messages;
   * cleared when the server accepts the subscription again.
   */
  error: MizanError | undefined;
  /** Empties `messages`. */
  clear: () => void;
}

const DEFAULT_MAX_MESSAGES = 100;

/** The state of one subscription; `key` says which (channel and canonical params, or null when disabled). */
interface Tracked<Server> {
  key: string | null;
  messages: readonly Server[];
  lastMessage: Server | undefined;
  /** Accepted by the server on the current connection. */
  accepted: boolean;
  /** Accepted at least once (a drop then means `reconnecting`). */
  wasAccepted: boolean;
  refused: boolean;
  error: MizanError | undefined;
  socket: SocketStatus;
}

function initial<Server>(key: string | null, socket: SocketStatus = "idle"): Tracked<Server> {
  return {
    key,
    messages: [],
    lastMessage: undefined,
    accepted: false,
    wasAccepted: false,
    refused: false,
    error: undefined,
    socket,
  };
}

function statusOf(state: Tracked<unknown>): ChannelStatus {
  if (state.key === null) return "connecting";
  if (state.socket === "closed") return "closed";
  if (state.refused) return "refused";
  if (state.accepted) return "subscribed";
  if (state.wasAccepted || state.socket === "reconnecting") return "reconnecting";
  return "connecting";
}

function keep<T>(messages: readonly T[], max: number): readonly T[] {
  if (!(max > 0)) return messages.length === 0 ? messages : [];
  return messages.length > max ? messages.slice(messages.length - max) : messages;
}

/**
 * Subscribes to the channel `channel` with `params` on the client's channel
 * socket (the provider's client, or the default client outside a provider)
 * while the component is mounted, and follows the subscription.
 *
 * A new subscription (the old one unsubscribed, messages cleared) is made only
 * when `channel`, the canonical JSON of `params` or the client changes, or when
 * `enabled` turns true again: params written inline are fine. Nothing happens
 * during server rendering (the state is the initial one: `connecting`, no
 * messages).
 */
export function useChannel<Params, Server, Client = never>(
  channel: string,
  params: Params,
  options: ChannelOptions<Server> = {},
): ChannelState<Server, Client> {
  const client = useContext(MizanContext)?.client ?? getDefaultClient();
  const enabled = options.enabled ?? true;
  const paramsKey = canonicalJson(params);
  const key = enabled ? `${channel}\n${paramsKey}` : null;
  const max = options.maxMessages ?? DEFAULT_MAX_MESSAGES;

  const [tracked, setTracked] = useState<Tracked<Server>>(() => initial(key));
  // The latest options, so changing them does not subscribe again.
  const latest = useRef({ onMessage: options.onMessage, max });
  latest.current = { onMessage: options.onMessage, max };
  // The live subscription, with the key it was made for.
  const subscription = useRef<{ key: string; sub: Subscription<Client> } | undefined>(undefined);
  const currentKey = useRef(key);
  currentKey.current = key;

  useEffect(() => {
    if (key === null) {
      setTracked((prev) => (prev.key === null ? prev : initial(null)));
      return;
    }
    let active = true;
    const update = (change: (prev: Tracked<Server>) => Tracked<Server>) => {
      if (active) setTracked(change);
    };
    let socket: MizanSocket;
    try {
      socket = client.socket();
    } catch (cause) {
      const error =
        cause instanceof MizanError
          ? cause
          : new MizanError({ code: NETWORK_ERROR, message: String(cause), status: NO_STATUS });
      setTracked({ ...initial<Server>(key, "closed"), error });
      return;
    }
    setTracked(initial(key, socket.status));
    const stopStatus = socket.onStatus((status) =>
      update((prev) => ({ ...prev, socket: status, accepted: status === "open" && prev.accepted })),
    );
    const sub = socket.subscribe<Server, Client>(channel, params, {
      onMessage: (message) => {
        if (!active) return;
        const max = latest.current.max;
        update((prev) => ({ ...prev, messages: keep([...prev.messages, message], max), lastMessage: message }));
        latest.current.onMessage?.(message);
      },
      onSubscribed: () =>
        update((prev) => ({ ...prev, accepted: true, wasAccepted: true, refused: false, error: undefined })),
      onError: (error, ended) =>
        update((prev) => ({ ...prev, refused: prev.refused || ended, accepted: prev.accepted && !ended, error })),
    });
    const live = { key, sub };
    subscription.current = live;
    // The socket may have changed state while subscribing (opening the connection).
    update((prev) => (prev.socket === socket.status ? prev : { ...prev, socket: socket.status }));
    return () => {
      active = false;
      stopStatus();
      sub.unsubscribe();
      if (subscription.current === live) subscription.current = undefined;
    };
    // `params` is represented by `key` (its canonical JSON).
  }, [client, channel, key]);

  // Until the effect has caught up with a new key, show a new subscription's state.
  const state = tracked.key === key ? tracked : initial<Server>(key);
  const messages = useMemo(() => keep(state.messages, max), [state.messages, max]);

  const send = useCallback((message: Client) => {
    const live = subscription.current;
    // Not through a subscription the component has moved away from (before the effect catches up).
    return live !== undefined && live.key === currentKey.current && live.sub.send(message);
  }, []);
  const clear = useCallback(
    () => setTracked((prev) => (prev.messages.length === 0 ? prev : { ...prev, messages: [] })),
    [],
  );

  return {
    messages,
    lastMessage: state.lastMessage,
    send,
    status: statusOf(state),
    error: state.error,
    clear,
  };
}
