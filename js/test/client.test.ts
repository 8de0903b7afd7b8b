import { afterEach, describe, expect, it, vi } from "vitest";
import {
  callFunction,
  getDefaultClient,
  isAbortError,
  isMizanError,
  MizanClient,
  MizanError,
  setDefaultClient,
} from "../src/index.js";
import { csrfToken } from "../src/client.js";
import { CSRF_COOKIE, HOST_COOKIE_PREFIX } from "../src/protocol.gen.js";
import { fakeFetch, json } from "./helpers.js";

function clearCookies(): void {
  for (const part of document.cookie.split(";")) {
    const name = part.split("=")[0]?.trim();
    if (name) document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`;
  }
}

async function rejection(promise: Promise<unknown>): Promise<MizanError> {
  try {
    await promise;
  } catch (error) {
    expect(isMizanError(error)).toBe(true);
    return error as MizanError;
  }
  throw new Error("expected the promise to reject");
}

afterEach(() => {
  clearCookies();
});

describe("MizanClient.call", () => {
  it("POSTs JSON to /api/mizan/call/{fn} and returns the result", async () => {
    const fetch = fakeFetch(() => json({ result: { message: "hi" } }));
    const client = new MizanClient({ fetch });

    const result = await client.call<{ message: string }>("echo", { text: "hi" });

    expect(result).toEqual({ message: "hi" });
    expect(fetch.requests).toHaveLength(1);
    const request = fetch.requests[0]!;
    expect(request.url).toBe("/api/mizan/call/echo");
    expect(request.method).toBe("POST");
    expect(request.headers["Content-Type"]).toBe("application/json");
    expect(request.credentials).toBe("same-origin");
    expect(JSON.parse(request.body ?? "")).toEqual({ text: "hi" });
  });

  it("returns a null result as null", async () => {
    const client = new MizanClient({ fetch: fakeFetch(() => json({ result: null })) });
    await expect(client.call("noop", {})).resolves.toBeNull();
  });

  it("sends the CSRF cookie value as X-CSRF-Token", async () => {
    document.cookie = "other=1";
    document.cookie = "mizan_csrf=tok%2Ben-123";
    const fetch = fakeFetch(() => json({ result: 1 }));
    await new MizanClient({ fetch }).call("echo", {});
    expect(fetch.requests[0]!.headers["X-CSRF-Token"]).toBe("tok+en-123");
  });

  it("sends the __Host- CSRF cookie served over HTTPS, before a plain one", async () => {
    // jsdom's page is plain http, where a browser keeps no `__Host-` cookie: read them as an
    // https page would see them.
    const cookies = vi
      .spyOn(document, "cookie", "get")
      .mockReturnValue("mizan_csrf=planted; __Host-mizan_csrf=tls%2Btoken");
    try {
      const fetch = fakeFetch(() => json({ result: 1 }));
      await new MizanClient({ fetch }).call("echo", {});
      expect(fetch.requests[0]!.headers["X-CSRF-Token"]).toBe("tls+token");
    } finally {
      cookies.mockRestore();
    }
  });

  it("reads the CSRF token under the name the server uses", () => {
    expect(csrfToken("__Host-mizan_csrf=a")).toBe("a");
    expect(csrfToken("mizan_csrf=b; __Host-mizan_csrf=a")).toBe("a");
    expect(csrfToken("mizan_csrf=b")).toBe("b");
    expect(csrfToken("Host-mizan_csrf=x; __host-mizan_csrf=y")).toBeUndefined();
    expect(csrfToken(undefined)).toBeUndefined();
    expect(HOST_COOKIE_PREFIX + CSRF_COOKIE).toBe("__Host-mizan_csrf");
  });

  it("sends no CSRF header without the cookie", async () => {
    const fetch = fakeFetch(() => json({ result: 1 }));
    await new MizanClient({ fetch }).call("echo", {});
    expect(fetch.requests[0]!.headers).not.toHaveProperty("X-CSRF-Token");
  });

  it("keeps dots in function names and encodes other characters", async () => {
    const fetch = fakeFetch(() => json({ result: true }));
    const client = new MizanClient({ fetch });
    await client.call("contact.submit", {});
    await client.call("a/b", {});
    expect(fetch.requests.map((r) => r.url)).toEqual([
      "/api/mizan/call/contact.submit",
      "/api/mizan/call/a%2Fb",
    ]);
  });

  it("uses a custom baseUrl without doubling slashes", async () => {
    const fetch = fakeFetch(() => json({ result: true }));
    await new MizanClient({ fetch, baseUrl: "https://api.test/m/" }).call("x.y", {});
    expect(fetch.requests[0]!.url).toBe("https://api.test/m/call/x.y");
  });

  it("turns the error envelope into a MizanError", async () => {
    const fetch = fakeFetch(() =>
      json(
        {
          error: {
            code: "VALIDATION",
            message: "Invalid input",
            fields: { email: ["is required", "must be an email"] },
            id: "err-42",
          },
        },
        400,
      ),
    );
    const error = await rejection(new MizanClient({ fetch }).call("contact.submit", {}));
    expect(error).toBeInstanceOf(MizanError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toBe("Invalid input");
    expect(error.status).toBe(400);
    expect(error.fields).toEqual({ email: ["is required", "must be an email"] });
    expect(error.id).toBe("err-42");
    expect(error.aborted).toBe(false);
  });

  it("keeps a function's own error code and data", async () => {
    const fetch = fakeFetch(() =>
      json({ error: { code: "OUT_OF_STOCK", message: "Sold out", data: { sku: "A1" } } }, 409),
    );
    const error = await rejection(new MizanClient({ fetch }).call("cart.add", {}));
    expect(error.code).toBe("OUT_OF_STOCK");
    expect(error.status).toBe(409);
    expect(error.data).toEqual({ sku: "A1" });
    expect(error.fields).toBeUndefined();
  });

  it("reports a non-JSON 502 as NETWORK with the status", async () => {
    const fetch = fakeFetch(() => ({ status: 502, body: "<html><body>Bad Gateway</body></html>" }));
    const error = await rejection(new MizanClient({ fetch }).call("echo", {}));
    expect(error.code).toBe("NETWORK");
    expect(error.status).toBe(502);
  });

  it("reports JSON that is not an error envelope as NETWORK", async () => {
    const fetch = fakeFetch(() => json({ message: "upstream down" }, 500));
    const error = await rejection(new MizanClient({ fetch }).call("echo", {}));
    expect(error.code).toBe("NETWORK");
    expect(error.status).toBe(500);
  });

  it("reports a success without `result` as NETWORK", async () => {
    const fetch = fakeFetch(() => ({ status: 200, body: "<!doctype html><p>app shell</p>" }));
    const error = await rejection(new MizanClient({ fetch }).call("echo", {}));
    expect(error.code).toBe("NETWORK");
    expect(error.status).toBe(200);
  });

  it("reports a rejected fetch as NETWORK with status 0 and the cause", async () => {
    const failure = new TypeError("Failed to fetch");
    const fetch = fakeFetch(() => {
      throw failure;
    });
    const error = await rejection(new MizanClient({ fetch }).call("echo", {}));
    expect(error.code).toBe("NETWORK");
    expect(error.status).toBe(0);
    expect(error.cause).toBe(failure);
    expect(error.message).toContain("Failed to fetch");
  });

  it("cancels through an AbortSignal, distinguishably from other failures", async () => {
    const fetch = fakeFetch(
      (request) =>
        new Promise((_, reject) => {
          request.signal?.addEventListener("abort", () =>
            reject(new DOMException("The operation was aborted.", "AbortError")),
          );
        }),
    );
    const controller = new AbortController();
    const pending = new MizanClient({ fetch }).call("slow", {}, { signal: controller.signal });
    await Promise.resolve();
    expect(fetch.requests[0]!.signal).toBe(controller.signal);
    controller.abort();

    const error = await rejection(pending);
    expect(error.code).toBe("ABORTED");
    expect(error.aborted).toBe(true);
    expect(error.status).toBe(0);
    expect(isAbortError(error)).toBe(true);
  });

  it("does not send a request when the signal is already aborted", async () => {
    const fetch = fakeFetch(() => json({ result: 1 }));
    const error = await rejection(
      new MizanClient({ fetch }).call("echo", {}, { signal: AbortSignal.abort() }),
    );
    expect(error.code).toBe("ABORTED");
    expect(fetch.requests).toHaveLength(0);
  });

  it("never retries", async () => {
    const fetch = fakeFetch(() => json({ error: { code: "UNAVAILABLE", message: "busy" } }, 503));
    const error = await rejection(new MizanClient({ fetch }).call("echo", {}));
    expect(error.code).toBe("UNAVAILABLE");
    expect(fetch.requests).toHaveLength(1);
  });
});

describe("invalidation", () => {
  it("passes a non-empty invalidate list to listeners until they unsubscribe", async () => {
    const fetch = fakeFetch(() => json({ result: "ok", invalidate: ["server_time", "cart?{\"id\":1}"] }));
    const client = new MizanClient({ fetch });
    const seen: (readonly string[])[] = [];
    const unsubscribe = client.onInvalidate((keys) => seen.push(keys));

    await expect(client.call("echo", {})).resolves.toBe("ok");
    expect(seen).toEqual([["server_time", "cart?{\"id\":1}"]]);

    unsubscribe();
    await client.call("echo", {});
    expect(seen).toHaveLength(1);
  });

  it("does not emit an empty list", async () => {
    const client = new MizanClient({ fetch: fakeFetch(() => json({ result: 1, invalidate: [] })) });
    const listener = vi.fn();
    client.onInvalidate(listener);
    await client.call("echo", {});
    expect(listener).not.toHaveBeenCalled();
  });

  it("keeps notifying other listeners when one throws", async () => {
    const client = new MizanClient({ fetch: fakeFetch(() => json({ result: 1, invalidate: ["a"] })) });
    const reportError = vi.fn();
    vi.stubGlobal("reportError", reportError);
    const second = vi.fn();
    client.onInvalidate(() => {
      throw new Error("listener bug");
    });
    client.onInvalidate(second);
    await expect(client.call("echo", {})).resolves.toBe(1);
    expect(second).toHaveBeenCalledWith(["a"]);
    expect(reportError).toHaveBeenCalledOnce();
    vi.unstubAllGlobals();
  });
});

describe("context requests", () => {
  it("GETs all global contexts from /api/mizan/context", async () => {
    const fetch = fakeFetch(() => json({ server_time: { iso: "x" }, site: "Mizan" }));
    const contexts = await new MizanClient({ fetch }).globalContexts();
    expect(contexts).toEqual({ server_time: { iso: "x" }, site: "Mizan" });
    expect(fetch.requests[0]!.method).toBe("GET");
    expect(fetch.requests[0]!.url).toBe("/api/mizan/context");
  });

  it("GETs a local context with JSON-encoded args", async () => {
    const fetch = fakeFetch(() => json({ items: 2 }));
    const value = await new MizanClient({ fetch }).localContext("cart", { id: 7, tag: "a&b" });
    expect(value).toEqual({ items: 2 });
    expect(fetch.requests[0]!.url).toBe(
      `/api/mizan/context/cart?args=${encodeURIComponent('{"id":7,"tag":"a&b"}')}`,
    );
    expect(fetch.requests[0]!.method).toBe("GET");
  });
});

describe("environment without fetch", () => {
  it("constructs fine and rejects requests with NETWORK", async () => {
    vi.stubGlobal("fetch", undefined);
    const client = new MizanClient();
    const error = await rejection(client.call("echo", {}));
    expect(error.code).toBe("NETWORK");
    vi.unstubAllGlobals();
  });

  it("looks up the global fetch at request time", async () => {
    const client = new MizanClient();
    const fetch = fakeFetch(() => json({ result: 5 }));
    vi.stubGlobal("fetch", fetch);
    await expect(client.call("n", {})).resolves.toBe(5);
    expect(fetch.requests).toHaveLength(1);
    vi.unstubAllGlobals();
  });
});

describe("callFunction and the default client", () => {
  it("calls through the default client unless one is given", async () => {
    const previous = getDefaultClient();
    const defaultFetch = fakeFetch(() => json({ result: "default" }));
    const otherFetch = fakeFetch(() => json({ result: "other" }));
    setDefaultClient(new MizanClient({ fetch: defaultFetch }));
    try {
      await expect(callFunction("echo", { text: "a" })).resolves.toBe("default");
      await expect(
        callFunction("echo", { text: "b" }, { client: new MizanClient({ fetch: otherFetch }) }),
      ).resolves.toBe("other");
      expect(defaultFetch.requests).toHaveLength(1);
      expect(otherFetch.requests).toHaveLength(1);
      expect(JSON.parse(otherFetch.requests[0]!.body ?? "")).toEqual({ text: "b" });
    } finally {
      setDefaultClient(previous);
    }
  });

  it("creates the default client once", () => {
    expect(getDefaultClient()).toBe(getDefaultClient());
    expect(getDefaultClient().baseUrl).toBe("/api/mizan");
  });
});
