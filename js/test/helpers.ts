import type { FetchFunction } from "../src/client.js";
import type { WebSocketLike } from "../src/socket.js";

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

/** A WebSocket double: records frames, lets the test open, answer and drop it. */
export class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Array<Record<string, unknown>> = [];
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number) {
    this.closedWith = code;
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: "" });
  }
}
