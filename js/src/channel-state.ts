/**
 * The state of one channel subscription as a UI follows it, and its transitions: pure
 * functions from the previous state to the next (returning the previous state itself when
 * nothing changes), for a framework's state holder to apply as socket events arrive.
 */
import { MizanError, NETWORK_ERROR, NO_STATUS } from "./error.js";
import { canonicalJson } from "./keys.js";
import type { SocketStatus } from "./socket.js";

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

/** How many messages a subscription keeps unless told otherwise. */
export const DEFAULT_MAX_MESSAGES = 100;

/** The state of one subscription; `key` says which (see {@link channelKey}, or null when disabled). */
export interface ChannelSubscriptionState<Server> {
  key: string | null;
  /** The messages received, oldest first. */
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

/**
 * Says which subscription: the channel and the canonical JSON of its params, so params equal
 * as JSON (whatever their key order) make the same subscription.
 */
export function channelKey(channel: string, params: unknown): string {
  return `${channel}\n${canonicalJson(params)}`;
}

/** A new subscription's state: nothing received, not accepted, on a socket in state `socket`. */
export function initialChannelState<Server>(
  key: string | null,
  socket: SocketStatus = "idle",
): ChannelSubscriptionState<Server> {
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

/** The status a state shows. */
export function channelStatusOf(state: ChannelSubscriptionState<unknown>): ChannelStatus {
  if (state.key === null) return "connecting";
  if (state.socket === "closed") return "closed";
  if (state.refused) return "refused";
  if (state.accepted) return "subscribed";
  if (state.wasAccepted || state.socket === "reconnecting") return "reconnecting";
  return "connecting";
}

/** The latest `max` of `messages` (none when `max` is not positive); `messages` itself when it fits. */
export function keepLatestMessages<T>(messages: readonly T[], max: number): readonly T[] {
  if (!(max > 0)) return messages.length === 0 ? messages : [];
  return messages.length > max ? messages.slice(messages.length - max) : messages;
}

/**
 * The state of a subscription that could not be made because the socket could not be had
 * (`cause`, as a MizanError: `NETWORK` unless it already is one): `closed`, with that error.
 */
export function channelSocketFailed<Server>(key: string | null, cause: unknown): ChannelSubscriptionState<Server> {
  const error =
    cause instanceof MizanError ? cause : new MizanError({ code: NETWORK_ERROR, message: String(cause), status: NO_STATUS });
  return { ...initialChannelState<Server>(key, "closed"), error };
}

/** The socket's status changed: acceptance holds only while it stays open. */
export function channelSocketChanged<Server>(
  prev: ChannelSubscriptionState<Server>,
  status: SocketStatus,
): ChannelSubscriptionState<Server> {
  return { ...prev, socket: status, accepted: status === "open" && prev.accepted };
}

/** Catches up with the socket's current status (`prev` itself when it already shows it). */
export function channelSocketSynced<Server>(
  prev: ChannelSubscriptionState<Server>,
  status: SocketStatus,
): ChannelSubscriptionState<Server> {
  return prev.socket === status ? prev : { ...prev, socket: status };
}

/** A message arrived: appended (keeping the latest `max`) and made `lastMessage`. */
export function channelMessageReceived<Server>(
  prev: ChannelSubscriptionState<Server>,
  message: Server,
  max: number,
): ChannelSubscriptionState<Server> {
  return { ...prev, messages: keepLatestMessages([...prev.messages, message], max), lastMessage: message };
}

/** The server accepted the subscription: any refusal and error are cleared. */
export function channelSubscribed<Server>(prev: ChannelSubscriptionState<Server>): ChannelSubscriptionState<Server> {
  return { ...prev, accepted: true, wasAccepted: true, refused: false, error: undefined };
}

/**
 * The server refused the subscription or one of its messages (`error`); `ended` when the
 * subscription itself is over (refused, or ended by the server).
 */
export function channelFailed<Server>(
  prev: ChannelSubscriptionState<Server>,
  error: MizanError,
  ended: boolean,
): ChannelSubscriptionState<Server> {
  return { ...prev, refused: prev.refused || ended, accepted: prev.accepted && !ended, error };
}

/** Empties `messages` (`prev` itself when already empty); `lastMessage` is kept. */
export function channelMessagesCleared<Server>(prev: ChannelSubscriptionState<Server>): ChannelSubscriptionState<Server> {
  return prev.messages.length === 0 ? prev : { ...prev, messages: [] };
}
