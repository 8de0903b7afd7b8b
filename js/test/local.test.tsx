import { act, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  callFunction,
  createLocalContext,
  fetchContext,
  MizanClient,
  MizanProvider,
  useCall,
  useGlobalContext,
  type CallOptions,
  type SsrData,
} from "../src/index.js";
import { deferred, fakeFetch, json, settle, type FakeFetch, type FakeResponse, type RecordedRequest } from "./helpers.js";

// What codegen emits for `#[mizan::client(context = "local")] async fn greet(name: String)`.
interface GreetInput {
  name: string;
}
interface Greeting {
  greeting: string;
}
const GreetContext = createLocalContext<GreetInput, Greeting>("greet", { provider: "GreetProvider", hook: "useGreet" });
const GreetProvider = GreetContext.Provider;
const useGreet = GreetContext.use;

function Greeting({ id }: { id: string }) {
  const { data, isLoading, isFetching, error } = useGreet();
  const text = error !== null ? `error ${error.code}: ${error.message}` : isLoading ? "loading" : (data?.greeting ?? "");
  return (
    <p data-testid={id} data-fetching={String(isFetching)}>
      {text}
    </p>
  );
}

function argsOf(request: RecordedRequest): unknown {
  return JSON.parse(new URL(request.url, "http://x").searchParams.get("args") ?? "null");
}

function greetRequests(fetch: FakeFetch): unknown[] {
  return fetch.requests.filter((r) => r.url.startsWith("/api/mizan/context/greet")).map(argsOf);
}

/** Answers greet requests with "Hello, <name>" plus a suffix that can change between tests. */
function greetServer(suffix = "") {
  return fakeFetch((request) => {
    const args = argsOf(request) as GreetInput;
    return json({ greeting: `Hello, ${args.name}${suffix}` });
  });
}

const ANN = 'greet?{"name":"Ann"}';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("local context providers", () => {
  it("render at once from the page's $local data, without a request", async () => {
    const fetch = greetServer(" (fetched)");
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{ $local: { [ANN]: { greeting: "Hello, Ann" } } }}>
        <GreetProvider name="Ann">
          <Greeting id="ann" />
        </GreetProvider>
      </MizanProvider>,
    );
    expect(screen.getByTestId("ann").textContent).toBe("Hello, Ann");
    await act(() => settle(30));
    expect(fetch.requests).toHaveLength(0);
  });

  it("fetch their arguments when the page did not carry them, exposing the loading state", async () => {
    const reply = deferred<FakeResponse>();
    const fetch = fakeFetch(() => reply.promise);
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <GreetProvider name="Zoë & co">
          <Greeting id="zoe" />
        </GreetProvider>
      </MizanProvider>,
    );
    expect(screen.getByTestId("zoe").textContent).toBe("loading");
    await act(() => settle(5));
    expect(fetch.requests.map((r) => r.url)).toEqual([
      `/api/mizan/context/greet?args=${encodeURIComponent('{"name":"Zoë & co"}')}`,
    ]);
    expect(fetch.requests[0]!.method).toBe("GET");
    await act(async () => reply.resolve(json({ greeting: "Hi Zoë" })));
    expect(await screen.findByText("Hi Zoë")).toBeTruthy();
  });

  it("share one request between providers with the same arguments, in any key order", async () => {
    const Two = createLocalContext<{ a: number; b: number }, number>("sum", { provider: "SumProvider", hook: "useSum" });
    function Sum({ id }: { id: string }) {
      return <p data-testid={id}>{String(Two.use().data ?? "")}</p>;
    }
    const sumFetch = fakeFetch((request) =>
      request.url.includes("/sum") ? json(3) : json({ greeting: `Hello, ${(argsOf(request) as GreetInput).name}` }),
    );
    render(
      <MizanProvider client={new MizanClient({ fetch: sumFetch })} ssrData={{}}>
        <GreetProvider name="Ann">
          <Greeting id="one" />
        </GreetProvider>
        <GreetProvider name="Ann">
          <Greeting id="two" />
        </GreetProvider>
        <Two.Provider a={1} b={2}>
          <Sum id="s1" />
        </Two.Provider>
        <Two.Provider b={2} a={1}>
          <Sum id="s2" />
        </Two.Provider>
      </MizanProvider>,
    );
    expect(await screen.findAllByText("Hello, Ann")).toHaveLength(2);
    expect(screen.getByTestId("s2").textContent).toBe("3");
    const urls = sumFetch.requests.map((r) => r.url);
    expect(urls.filter((u) => u.includes("/greet"))).toHaveLength(1);
    expect(urls.filter((u) => u.includes("/sum"))).toEqual([
      `/api/mizan/context/sum?args=${encodeURIComponent('{"a":1,"b":2}')}`,
    ]);
  });

  it("report a failed fetch and a failure recorded by the server render as MizanErrors", async () => {
    const fetch = fakeFetch(() =>
      json({ error: { code: "VALIDATION", message: "the arguments are not valid", fields: { name: ["too long"] }, id: "x" } }, 400),
    );
    render(
      <MizanProvider
        client={new MizanClient({ fetch })}
        ssrData={{ $local: { [ANN]: { $error: { code: "UNAVAILABLE", message: "database is down" } } } }}
      >
        <GreetProvider name="Ann">
          <Greeting id="ann" />
        </GreetProvider>
        <GreetProvider name="Bob">
          <Greeting id="bob" />
        </GreetProvider>
      </MizanProvider>,
    );
    expect(screen.getByTestId("ann").textContent).toBe("error UNAVAILABLE: database is down");
    expect(await screen.findByText("error VALIDATION: the arguments are not valid")).toBeTruthy();
    expect(greetRequests(fetch)).toEqual([{ name: "Bob" }]);
  });

  it("throw a clear error when the hook is used outside its provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() =>
      render(
        <MizanProvider client={new MizanClient({ fetch: greetServer() })} ssrData={{}}>
          <Greeting id="x" />
        </MizanProvider>,
      ),
    ).toThrow("useGreet() must be used inside <GreetProvider>");
  });

  it("are named for React's devtools", () => {
    expect(GreetProvider.name).toBe("GreetProvider");
  });
});

describe("invalidation of local contexts", () => {
  const SSR: SsrData = {
    $local: { [ANN]: { greeting: "Hello, Ann" }, 'greet?{"name":"Bob"}': { greeting: "Hello, Bob" } },
  };

  function Page() {
    return (
      <>
        <GreetProvider name="Ann">
          <Greeting id="ann" />
        </GreetProvider>
        <GreetProvider name="Bob">
          <Greeting id="bob" />
        </GreetProvider>
      </>
    );
  }

  it("refetches one instance for a keyed name and every mounted instance for a bare name", async () => {
    const fetch = greetServer(" again");
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={SSR}>
        <Page />
      </MizanProvider>,
    );
    await act(async () => client.invalidate(['greet?{"name":"Ann"}']));
    expect(await screen.findByText("Hello, Ann again")).toBeTruthy();
    expect(screen.getByTestId("bob").textContent).toBe("Hello, Bob");
    expect(greetRequests(fetch)).toEqual([{ name: "Ann" }]);

    await act(async () => client.invalidate(["greet"]));
    expect(await screen.findByText("Hello, Bob again")).toBeTruthy();
    expect(greetRequests(fetch)).toEqual([{ name: "Ann" }, { name: "Ann" }, { name: "Bob" }]);
  });

  it("matches keys whose arguments the server wrote in another order or spacing", async () => {
    const Two = createLocalContext<{ a: number; b: number }, string>("pair", { provider: "P", hook: "usePair" });
    function Pair() {
      return <p data-testid="pair">{Two.use().data}</p>;
    }
    let answer = "first";
    const pairFetch = fakeFetch(() => json(answer));
    const pairClient = new MizanClient({ fetch: pairFetch });
    render(
      <MizanProvider client={pairClient} ssrData={{ $local: { 'pair?{"b": 2, "a": 1}': "first" } }}>
        <Two.Provider a={1} b={2}>
          <Pair />
        </Two.Provider>
      </MizanProvider>,
    );
    expect(screen.getByTestId("pair").textContent).toBe("first");
    answer = "second";
    await act(async () => pairClient.invalidate(['pair?{ "b":2,"a":1 }']));
    expect(await screen.findByText("second")).toBeTruthy();
    expect(pairFetch.requests).toHaveLength(1);
  });

  it("refetches once when a key is declared by the mutation and sent by the server", async () => {
    let counter = 1;
    const fetch = fakeFetch((request) => {
      if (request.url === "/api/mizan/context") return json({ counter });
      if (request.url.startsWith("/api/mizan/context/greet")) return json({ greeting: "Hello again, Ann" });
      counter += 1;
      return json({ result: counter, invalidate: ["counter", ANN] });
    });
    const client = new MizanClient({ fetch });
    // What codegen emits for `#[mizan::client(invalidates = ["counter"])] async fn increment(...)`.
    const increment = (input: { by: number }, options?: CallOptions) =>
      callFunction<number>("increment", input, options, ["counter", ANN]);
    function Counter() {
      const value = useGlobalContext<number>("counter");
      const call = useCall(increment);
      return (
        <button type="button" onClick={() => call.mutate({ by: 1 })}>
          {`count ${value}`}
        </button>
      );
    }
    render(
      <MizanProvider client={client} ssrData={{ counter: 1, $local: { [ANN]: { greeting: "Hello, Ann" } } }}>
        <Counter />
        <GreetProvider name="Ann">
          <Greeting id="ann" />
        </GreetProvider>
      </MizanProvider>,
    );
    fireEvent.click(screen.getByText("count 1"));
    expect(await screen.findByText("count 2")).toBeTruthy();
    expect(await screen.findByText("Hello again, Ann")).toBeTruthy();
    await act(() => settle(30));
    expect(fetch.requests.filter((r) => r.url === "/api/mizan/context")).toHaveLength(1);
    expect(greetRequests(fetch)).toEqual([{ name: "Ann" }]);
  });

  it("applies a mutation's declared invalidations even when the server names none", async () => {
    const fetch = fakeFetch((request) =>
      request.url.startsWith("/api/mizan/context") ? json({ greeting: "Hello, Ann (new)" }) : json({ result: null }),
    );
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={SSR}>
        <Page />
      </MizanProvider>,
    );
    await act(async () => {
      await callFunction("rename", {}, { client }, [ANN]);
    });
    expect(await screen.findByText("Hello, Ann (new)")).toBeTruthy();
    expect(greetRequests(fetch)).toEqual([{ name: "Ann" }]);
  });
});

describe("ordering of responses", () => {
  it("keeps the newest value when an older refetch of the same instance answers last", async () => {
    const replies: Array<ReturnType<typeof deferred<FakeResponse>>> = [];
    const fetch = fakeFetch(() => {
      const reply = deferred<FakeResponse>();
      replies.push(reply);
      return reply.promise;
    });
    const client = new MizanClient({ fetch });
    render(
      <MizanProvider client={client} ssrData={{ $local: { [ANN]: { greeting: "v0" } } }}>
        <GreetProvider name="Ann">
          <Greeting id="ann" />
        </GreetProvider>
      </MizanProvider>,
    );
    await act(async () => client.invalidate([ANN]));
    await act(async () => client.invalidate([ANN]));
    await act(() => settle(5));
    expect(replies).toHaveLength(2);
    expect(fetch.requests[0]!.signal?.aborted).toBe(true);
    await act(async () => replies[1]!.resolve(json({ greeting: "v2" })));
    expect(await screen.findByText("v2")).toBeTruthy();
    await act(async () => replies[0]!.resolve(json({ greeting: "v1 (stale)" })));
    await act(() => settle(20));
    expect(screen.getByTestId("ann").textContent).toBe("v2");
  });

  it("shows the current arguments' value when an earlier argument set answers last", async () => {
    const replies = new Map<string, ReturnType<typeof deferred<FakeResponse>>>();
    const fetch = fakeFetch((request) => {
      const reply = deferred<FakeResponse>();
      replies.set((argsOf(request) as GreetInput).name, reply);
      return reply.promise;
    });
    function Typing() {
      const [name, setName] = useState("A");
      return (
        <>
          <input data-testid="name" value={name} onChange={(e) => setName(e.target.value)} />
          <GreetProvider name={name}>
            <Greeting id="typed" />
          </GreetProvider>
        </>
      );
    }
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <Typing />
      </MizanProvider>,
    );
    await act(() => settle(5));
    fireEvent.change(screen.getByTestId("name"), { target: { value: "An" } });
    await act(() => settle(5));
    expect([...replies.keys()]).toEqual(["A", "An"]);
    await act(async () => replies.get("An")!.resolve(json({ greeting: "Hello, An" })));
    expect(await screen.findByText("Hello, An")).toBeTruthy();
    await act(async () => replies.get("A")!.resolve(json({ greeting: "Hello, A" })));
    await act(() => settle(20));
    expect(screen.getByTestId("typed").textContent).toBe("Hello, An");
  });
});

describe("fetchContext", () => {
  it("fetches a context once, uncached, through the given client", async () => {
    const fetch = greetServer();
    const client = new MizanClient({ fetch });
    await expect(fetchContext<Greeting>("greet", { name: "Ann" }, { client })).resolves.toEqual({
      greeting: "Hello, Ann",
    });
    await expect(fetchContext<Greeting>("greet", { name: "Ann" }, { client })).resolves.toEqual({
      greeting: "Hello, Ann",
    });
    expect(greetRequests(fetch)).toEqual([{ name: "Ann" }, { name: "Ann" }]);
  });
});
