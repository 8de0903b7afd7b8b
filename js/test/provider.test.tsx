import { act, render, screen } from "@testing-library/react";
import { Component, Suspense, type ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  MizanClient,
  MizanProvider,
  useGlobalContext,
  useGlobalContextQuery,
  useLocalContextQuery,
  type SsrData,
} from "../src/index.js";
import { deferred, fakeFetch, json, settle, type FakeResponse } from "./helpers.js";

interface ServerTime {
  iso: string;
}

const SSR: SsrData = { server_time: { iso: "2026-01-01T00:00:00Z" }, site: "Mizan" };

function Time({ log }: { log?: string[] }) {
  const time = useGlobalContext<ServerTime>("server_time");
  log?.push(time.iso);
  return <p data-testid="time">{time.iso}</p>;
}

function Site() {
  const site = useGlobalContext<string>("site");
  return <p data-testid="site">{site}</p>;
}

class Boundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  override render() {
    return this.state.error ? <p data-testid="caught">{this.state.error.message}</p> : this.props.children;
  }
}

function contextRequests(fetch: ReturnType<typeof fakeFetch>) {
  return fetch.requests.filter((r) => r.url === "/api/mizan/context");
}

afterEach(() => {
  delete (window as unknown as Record<string, unknown>)["__MIZAN_SSR_DATA__"];
});

describe("MizanProvider with server-rendered data", () => {
  it("renders global contexts on the first render without any request", async () => {
    const fetch = fakeFetch(() => json({ server_time: { iso: "fetched" }, site: "fetched" }));
    const log: string[] = [];
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={SSR}>
        <Time log={log} />
        <Site />
      </MizanProvider>,
    );
    expect(log[0]).toBe("2026-01-01T00:00:00Z");
    expect(screen.getByTestId("time").textContent).toBe("2026-01-01T00:00:00Z");
    expect(screen.getByTestId("site").textContent).toBe("Mizan");
    await act(() => settle(50));
    expect(fetch.requests).toHaveLength(0);
    expect(screen.getByTestId("time").textContent).toBe("2026-01-01T00:00:00Z");
  });

  it("reads window.__MIZAN_SSR_DATA__ when no ssrData is given", async () => {
    (window as unknown as Record<string, unknown>)["__MIZAN_SSR_DATA__"] = {
      server_time: { iso: "from-window" },
      $local: {},
    };
    const fetch = fakeFetch(() => json({ server_time: { iso: "fetched" } }));
    render(
      <MizanProvider client={new MizanClient({ fetch })}>
        <Time />
      </MizanProvider>,
    );
    expect(screen.getByTestId("time").textContent).toBe("from-window");
    await act(() => settle(30));
    expect(fetch.requests).toHaveLength(0);
  });

  it("does not expose $local as a global context", () => {
    function Probe() {
      const { data } = useGlobalContextQuery<unknown>("$local");
      return <p data-testid="probe">{data === undefined ? "absent" : "present"}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch: fakeFetch(() => json({})) })} ssrData={{ ...SSR, $local: {} }}>
        <Probe />
      </MizanProvider>,
    );
    expect(screen.getByTestId("probe").textContent).toBe("absent");
  });
});

describe("MizanProvider without server-rendered data", () => {
  it("fetches the global bundle exactly once for several contexts", async () => {
    const fetch = fakeFetch(() => json({ server_time: { iso: "fetched-time" }, site: "fetched-site" }));
    render(
      <MizanProvider client={new MizanClient({ fetch })}>
        <Suspense fallback={<p>loading</p>}>
          <Time />
          <Site />
        </Suspense>
      </MizanProvider>,
    );
    expect(await screen.findByText("fetched-time")).toBeTruthy();
    expect(screen.getByTestId("site").textContent).toBe("fetched-site");
    await act(() => settle(30));
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]!.method).toBe("GET");
    expect(fetch.requests[0]!.url).toBe("/api/mizan/context");
  });

  it("reports loading and data through useGlobalContextQuery", async () => {
    const answer = deferred<FakeResponse>();
    const fetch = fakeFetch(() => answer.promise);
    function Status() {
      const { data, isLoading, error } = useGlobalContextQuery<string>("site");
      if (error) return <p data-testid="status">error {error.code}</p>;
      return <p data-testid="status">{isLoading ? "loading" : data}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch })}>
        <Status />
      </MizanProvider>,
    );
    expect(screen.getByTestId("status").textContent).toBe("loading");
    answer.resolve(json({ site: "Mizan" }));
    expect(await screen.findByText("Mizan")).toBeTruthy();
  });

  it("reports a failed bundle fetch as a MizanError", async () => {
    const fetch = fakeFetch(() => json({ error: { code: "FORBIDDEN", message: "No" } }, 403));
    function Status() {
      const { error } = useGlobalContextQuery<string>("site");
      return <p data-testid="status">{error ? `${error.code} ${error.status}` : "none"}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch })}>
        <Status />
      </MizanProvider>,
    );
    expect(await screen.findByText("FORBIDDEN 403")).toBeTruthy();
    expect(fetch.requests).toHaveLength(1);
  });
});

describe("invalidation", () => {
  it("refetches the global bundle once when a call invalidates global contexts", async () => {
    let bundle = { server_time: { iso: "after" }, site: "Mizan 2" };
    const fetch = fakeFetch((request) => {
      if (request.url === "/api/mizan/context") return json(bundle);
      return json({ result: "ok", invalidate: ["server_time", "site", "server_time"] });
    });
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={SSR}>
        <Time />
        <Site />
      </MizanProvider>,
    );
    expect(screen.getByTestId("time").textContent).toBe("2026-01-01T00:00:00Z");

    await act(async () => {
      await client.call("touch", {});
    });
    expect(await screen.findByText("after")).toBeTruthy();
    expect(screen.getByTestId("site").textContent).toBe("Mizan 2");
    await act(() => settle(30));
    expect(contextRequests(fetch)).toHaveLength(1);

    bundle = { server_time: { iso: "again" }, site: "Mizan 3" };
    await act(async () => {
      client.invalidate(["site"]);
    });
    expect(await screen.findByText("Mizan 3")).toBeTruthy();
    expect(contextRequests(fetch)).toHaveLength(2);
  });

  it("leaves global contexts alone for keys that are not global", async () => {
    const fetch = fakeFetch(() => json({ server_time: { iso: "refetched" }, site: "x" }));
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={SSR}>
        <Time />
      </MizanProvider>,
    );
    await act(async () => {
      client.invalidate(["cart", 'cart?{"id":1}']);
      await settle(30);
    });
    expect(fetch.requests).toHaveLength(0);
    expect(screen.getByTestId("time").textContent).toBe("2026-01-01T00:00:00Z");
  });

  it("stops listening when the provider unmounts", async () => {
    const fetch = fakeFetch(() => json({ server_time: { iso: "refetched" }, site: "x" }));
    const client = new MizanClient({ fetch });
    const { unmount } = render(
      <MizanProvider client={client} ssrData={SSR}>
        <Time />
      </MizanProvider>,
    );
    unmount();
    client.invalidate(["server_time"]);
    await settle(30);
    expect(fetch.requests).toHaveLength(0);
  });
});

describe("local contexts", () => {
  function Cart({ id }: { id: number }) {
    const { data, isLoading } = useLocalContextQuery<{ items: number }>("cart", { id });
    return <p data-testid={`cart-${id}`}>{isLoading ? "loading" : String(data?.items)}</p>;
  }

  it("uses $local server data and refetches only the invalidated instance", async () => {
    const fetch = fakeFetch((request) => {
      const args = new URL(request.url, "http://x").searchParams.get("args");
      return json({ items: args === '{"id":1}' ? 10 : 20 });
    });
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={{ ...SSR, $local: { 'cart?{"id":1}': { items: 1 }, 'cart?{"id":2}': { items: 2 } } }}>
        <Cart id={1} />
        <Cart id={2} />
      </MizanProvider>,
    );
    expect(screen.getByTestId("cart-1").textContent).toBe("1");
    expect(screen.getByTestId("cart-2").textContent).toBe("2");
    await act(() => settle(30));
    expect(fetch.requests).toHaveLength(0);

    await act(async () => {
      client.invalidate(['cart?{"id":1}']);
    });
    expect(await screen.findByText("10")).toBeTruthy();
    expect(screen.getByTestId("cart-2").textContent).toBe("2");
    expect(fetch.requests.map((r) => r.url)).toEqual([
      `/api/mizan/context/cart?args=${encodeURIComponent('{"id":1}')}`,
    ]);

    await act(async () => {
      client.invalidate(["cart"]);
    });
    expect(await screen.findByText("20")).toBeTruthy();
    expect(fetch.requests).toHaveLength(3);
  });
});

describe("a global context that failed on the server", () => {
  const failed: SsrData = {
    ...SSR,
    counter: { $error: { code: "UNAVAILABLE", message: "database is down" } },
  };

  it("is reported as a MizanError by useGlobalContextQuery, other contexts unaffected", () => {
    function Counter() {
      const { data, error } = useGlobalContextQuery<number>("counter");
      return <p data-testid="counter">{error ? `${error.code} ${error.status} ${error.message}` : String(data)}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch: fakeFetch(() => json({})) })} ssrData={failed}>
        <Counter />
        <Time />
      </MizanProvider>,
    );
    expect(screen.getByTestId("counter").textContent).toBe("UNAVAILABLE 503 database is down");
    expect(screen.getByTestId("time").textContent).toBe("2026-01-01T00:00:00Z");
  });

  it("is thrown to the error boundary by useGlobalContext", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    function Counter() {
      return <p>{useGlobalContext<number>("counter")}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch: fakeFetch(() => json({})) })} ssrData={failed}>
        <Boundary>
          <Counter />
        </Boundary>
      </MizanProvider>,
    );
    expect(screen.getByTestId("caught").textContent).toBe("database is down");
  });
});

describe("misuse", () => {
  // React logs errors caught by boundaries; keep the output readable.
  const quiet = () => vi.spyOn(console, "error").mockImplementation(() => {});

  it("throws a clear error outside the provider", () => {
    quiet();
    render(
      <Boundary>
        <Time />
      </Boundary>,
    );
    expect(screen.getByTestId("caught").textContent).toBe("useGlobalContext() must be used inside <MizanProvider>");
  });

  it("throws a clear error for an unknown global context", () => {
    quiet();
    function Missing() {
      useGlobalContext("nope");
      return null;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch: fakeFetch(() => json({})) })} ssrData={SSR}>
        <Boundary>
          <Missing />
        </Boundary>
      </MizanProvider>,
    );
    expect(screen.getByTestId("caught").textContent).toContain('Unknown global context "nope"');
  });
});
