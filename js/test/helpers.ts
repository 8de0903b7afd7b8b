import type { FetchFunction } from "../src/client.js";

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
}

export interface FakeResponse {
  status: number;
  body: string;
}

export type Handler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

export type FakeFetch = FetchFunction & { requests: RecordedRequest[] };

/** A JSON response. */
export function json(body: unknown, status = 200): FakeResponse {
  return { status, body: JSON.stringify(body) };
}

/** A recording stand-in for `fetch`: stores every request, answers with `handler`. */
export function fakeFetch(handler: Handler): FakeFetch {
  const requests: RecordedRequest[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((init?.headers ?? {}) as Record<string, string>)) headers[k] = v;
    const request: RecordedRequest = {
      url: String(input),
      method: init?.method ?? "GET",
      headers,
      body: typeof init?.body === "string" ? init.body : undefined,
      credentials: init?.credentials,
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    const answer = await handler(request);
    return { status: answer.status, text: async () => answer.body } as Response;
  };
  return Object.assign(fn, { requests }) as FakeFetch;
}

/** A promise with its resolve function exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets pending promises and timers run. */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
