import { useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import {
  channelFailed,
  channelKey,
  channelMessageReceived,
  channelMessagesCleared,
  channelSocketChanged,
  channelSocketFailed,
  channelSocketSynced,
  channelStatusOf,
  channelSubscribed,
  DEFAULT_MAX_MESSAGES,
  initialChannelState,
  keepLatestMessages,
  type ChannelStatus,
  type ChannelSubscriptionState,
} from "../channel-state.js";
import { getDefaultClient } from "../client.js";
import type { MizanError } from "../error.js";
import type { MizanSocket, Subscription } from "../socket.js";
import { MizanContext } from "./context.js";

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
  const subscriptionKey = channelKey(channel, params);
  const key = enabled ? subscriptionKey : null;
  const max = options.maxMessages ?? DEFAULT_MAX_MESSAGES;

  const [tracked, setTracked] = useState<ChannelSubscriptionState<Server>>(() => initialChannelState(key));
  // The latest options, so changing them does not subscribe again.
  const latest = useRef({ onMessage: options.onMessage, max });
  latest.current = { onMessage: options.onMessage, max };
  // The live subscription, with the key it was made for.
  const subscription = useRef<{ key: string; sub: Subscription<Client> } | undefined>(undefined);
  const currentKey = useRef(key);
  currentKey.current = key;

  useEffect(() => {
    if (key === null) {
      setTracked((prev) => (prev.key === null ? prev : initialChannelState(null)));
      return;
    }
    let active = true;
    const update = (change: (prev: ChannelSubscriptionState<Server>) => ChannelSubscriptionState<Server>) => {
      if (active) setTracked(change);
    };
    let socket: MizanSocket;
    try {
      socket = client.socket();
    } catch (cause) {
      setTracked(channelSocketFailed<Server>(key, cause));
      return;
    }
    setTracked(initialChannelState(key, socket.status));
    const stopStatus = socket.onStatus((status) => update((prev) => channelSocketChanged(prev, status)));
    const sub = socket.subscribe<Server, Client>(channel, params, {
      onMessage: (message) => {
        if (!active) return;
        const max = latest.current.max;
        update((prev) => channelMessageReceived(prev, message, max));
        latest.current.onMessage?.(message);
      },
      onSubscribed: () => update(channelSubscribed),
      onError: (error, ended) => update((prev) => channelFailed(prev, error, ended)),
    });
    const live = { key, sub };
    subscription.current = live;
    // The socket may have changed state while subscribing (opening the connection).
    update((prev) => channelSocketSynced(prev, socket.status));
    return () => {
      active = false;
      stopStatus();
      sub.unsubscribe();
      if (subscription.current === live) subscription.current = undefined;
    };
    // `params` is represented by `key` (its canonical JSON).
  }, [client, channel, key]);

  // Until the effect has caught up with a new key, show a new subscription's state.
  const state = tracked.key === key ? tracked : initialChannelState<Server>(key);
  const messages = useMemo(() => keepLatestMessages(state.messages, max), [state.messages, max]);

  const send = useCallback((message: Client) => {
    const live = subscription.current;
    // Not through a subscription the component has moved away from (before the effect catches up).
    return live !== undefined && live.key === currentKey.current && live.sub.send(message);
  }, []);
  const clear = useCallback(() => setTracked(channelMessagesCleared), []);

  return {
    messages,
    lastMessage: state.lastMessage,
    send,
    status: channelStatusOf(state),
    error: state.error,
    clear,
  };
}
