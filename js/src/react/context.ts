import { createContext, useContext } from "react";
import type { MizanClient } from "../client.js";
import type { SsrData } from "../ssr-data.js";

export interface MizanContextValue {
  client: MizanClient;
  ssrData: SsrData | undefined;
}

export const MizanContext = createContext<MizanContextValue | null>(null);

/** The provider's value; throws a clear error outside `<MizanProvider>`. */
export function useMizanContext(hook: string): MizanContextValue {
  const value = useContext(MizanContext);
  if (value === null) {
    throw new Error(`${hook}() must be used inside <MizanProvider>`);
  }
  return value;
}
