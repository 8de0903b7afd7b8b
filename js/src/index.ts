/**
 * `@mizan/react`: the React adapter. It re-exports the whole React-free core
 * (`@mizan/react/core`) and adds the provider, hooks and components built on it.
 */

// The core: protocol, errors, client, socket, keys, rules, `z`, and the pure logic below React.
export * from "./core.js";

// The React layer, on TanStack Query and react-hook-form.
export { useChannel, type ChannelOptions, type ChannelState } from "./react/channel.js";
export {
  useMizanForm,
  type FormValidationMode,
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
