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
} from "./protocol.gen.js";

// React-free core.
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
  localContextId,
  localContextKey,
  parseInvalidationKey,
  type InvalidationTarget,
  type LocalContextKey,
} from "./keys.js";
export { readSsrData, type SsrData } from "./ssr-data.js";

// Validation: the server's rules as predicates, and the Zod the generated schemas use.
export * as rules from "./rules.js";
export { z } from "zod";

// React layer.
export {
  useChannel,
  type ChannelOptions,
  type ChannelState,
  type ChannelStatus,
} from "./react/channel.js";
export {
  useMizanForm,
  type FormChoice,
  type FormDefinition,
  type FormFieldMeta,
  type FormStatus,
  type FormValidationMode,
  type FormWidget,
  type UseMizanFormOptions,
  type UseMizanFormReturn,
} from "./react/form.js";
export type { FieldValues } from "react-hook-form";
export { createLocalContext, type LocalContext, type LocalProviderProps } from "./react/local.js";
export { PageMeta, PageStatus, PageTitle } from "./react/page.js";
export { createMizanQueryClient, MizanProvider, type MizanProviderProps } from "./react/provider.js";
export {
  useCall,
  useGlobalContext,
  useGlobalContextQuery,
  useLocalContextQuery,
  useMizanClient,
  type ContextQueryResult,
  type ServerFunction,
  type CallState,
} from "./react/hooks.js";
