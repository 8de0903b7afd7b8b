import { createContext, useContext, type Context, type ReactNode } from "react";
import { useLocalContextQuery, type ContextQueryResult } from "./hooks.js";

/**
 * Props of a generated local context provider: the context's arguments, plus `children`.
 * A context without arguments (`Record<string, never>`) takes only `children`.
 */
export type LocalProviderProps<I extends object> = (string extends keyof I ? unknown : I) & { children?: ReactNode };

/** A local context's provider component and the hook that reads it. */
export interface LocalContext<I extends object, O> {
  /**
   * Fetches the context for the arguments given as props (or takes it from the
   * page's server-rendered `$local` data) and provides it to `use()` below.
   * Children render at once; `use()` reports loading and error states.
   */
  Provider: (props: LocalProviderProps<I>) => ReactNode;
  /** The nearest provider's value and state; throws outside a provider. */
  use: () => ContextQueryResult<O>;
}

/**
 * Builds the provider and hook of the local context `name`; generated code
 * exports them as `<NameProvider>` and `useName()`.
 */
export function createLocalContext<I extends object, O>(
  name: string,
  names: { provider: string; hook: string },
): LocalContext<I, O> {
  const ValueContext: Context<ContextQueryResult<O> | null> = createContext<ContextQueryResult<O> | null>(null);
  ValueContext.displayName = names.provider;

  function Provider(props: LocalProviderProps<I>): ReactNode {
    const { children, ...args } = props;
    const state = useLocalContextQuery<O>(name, args);
    return <ValueContext.Provider value={state}>{children}</ValueContext.Provider>;
  }
  Object.defineProperty(Provider, "name", { value: names.provider });

  function use(): ContextQueryResult<O> {
    const state = useContext(ValueContext);
    if (state === null) {
      throw new Error(`${names.hook}() must be used inside <${names.provider}>`);
    }
    return state;
  }

  return { Provider, use };
}
