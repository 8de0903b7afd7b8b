/**
 * `@mizan/react/core`: everything of the runtime that does not need React — the protocol
 * constants, errors, the client and its calls, the channel socket, cache keys, server-rendered
 * data, validation rules, and the pure logic the React layer is built on (context caching,
 * channel subscription state, server forms). Nothing here imports React, TanStack Query,
 * react-hook-form or the Hookform resolvers; `zod` is its only dependency.
 */

// Protocol constants shared with the server.
export {
  API_PREFIX,
  CONTEXT_ERROR_KEY,
  CSRF_COOKIE,
  CSRF_HEADER,
  ERROR_CODES,
  ERROR_STATUS,
  FORM_ERROR_KEY,
  FORM_WIDGETS,
  HOST_COOKIE_PREFIX,
  SSR_DATA_GLOBAL,
  SSR_LOCAL_KEY,
  type ErrorCode,
  type FormWidget,
} from "./protocol.gen.js";

export {
  ABORTED_ERROR,
  contextFailure,
  isAbortError,
  isMizanError,
  isProtocolErrorCode,
  MizanError,
  NETWORK_ERROR,
  toMizanError,
  type ClientErrorCode,
  type FieldErrors,
  type MizanErrorCode,
  type MizanErrorInit,
} from "./error.js";
export {
  getDefaultClient,
  MizanClient,
  setDefaultClient,
  type FetchFunction,
  type InvalidationListener,
  type MizanClientOptions,
  type RequestOptions,
} from "./client.js";
export { callFunction, fetchContext, type CallOptions } from "./call.js";
export {
  MizanSocket,
  socketUrl,
  type MizanSocketOptions,
  type ReconnectOptions,
  type SocketStatus,
  type Subscription,
  type SubscriptionHandlers,
  type WebSocketFactory,
  type WebSocketLike,
} from "./socket.js";
export {
  canonicalJson,
  GLOBAL_CONTEXTS_KEY,
  invalidatedLocalKey,
  localContextId,
  localContextKey,
  localContextKeyOfId,
  parseInvalidationKey,
  type InvalidationTarget,
  type LocalContextKey,
} from "./keys.js";
export { readSsrData, type SsrData } from "./ssr-data.js";

// Context caching: query options, retries, server-rendered entries, invalidation.
export {
  globalContextEntry,
  globalContextsQuery,
  localContextQuery,
  planInvalidation,
  requireGlobalContext,
  retryTransient,
  ssrCacheEntries,
  type ContextCacheKey,
  type GlobalContexts,
  type InvalidationPlan,
} from "./context-cache.js";

// Channel subscriptions: their state and its transitions.
export {
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
} from "./channel-state.js";

// Server forms: definitions, start values, value conversion, failure messages.
export {
  formDefaultValues,
  formSchemaValue,
  formSchemaValues,
  splitFormFailure,
  type FormChoice,
  type FormDefinition,
  type FormFailureMessages,
  type FormFieldMeta,
  type FormStatus,
  type FormValues,
} from "./form-state.js";

// Validation: the server's rules as predicates, and the Zod the generated schemas use.
export * as rules from "./rules.js";
export { z } from "zod";
