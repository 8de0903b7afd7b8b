// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createLocalContext,
  MizanClient,
  PageMeta,
  PageStatus,
  PageTitle,
  MizanProvider,
  useCall,
  useGlobalContext,
  type CallOptions,
} from "../src/index.js";
import { createRenderer, installRenderer, parseRenderRequest, type RenderRequest } from "../src/server.js";
import { fakeFetch, json } from "./helpers.js";

type RenderGlobal = { __mizanRender?: (requestJson: string) => string };

function Page({ url }: { url: string }) {
  const time = useGlobalContext<{ iso: string }>("server_time");
  const echo = useCall((input: { text: string }, options?: CallOptions) =>
    options!.client!.call<string>("echo", input),
  );
  return (
    <main>
      <h1>Page {url}</h1>
      <time>{time.iso}</time>
      <button disabled={echo.isPending}>Echo</button>
    </main>
  );
}

afterEach(() => {
  delete (globalThis as RenderGlobal).__mizanRender;
});

describe("installRenderer", () => {
  it("installs __mizanRender, which renders the app to an HTML string", () => {
    expect(typeof window).toBe("undefined");
    const fetch = fakeFetch(() => json({ server_time: { iso: "fetched" } }));
    const client = new MizanClient({ fetch });
    const seen: RenderRequest[] = [];
    installRenderer((request) => {
      seen.push(request);
      return (
        <MizanProvider ssrData={request.ssrData} client={client}>
          <Page url={request.url} />
        </MizanProvider>
      );
    });

    const render = (globalThis as RenderGlobal).__mizanRender;
    expect(typeof render).toBe("function");
    const output = render!(
      JSON.stringify({ url: "/posts?page=2", ssrData: { server_time: { iso: "2026-01-01T00:00:00Z" } } }),
    );
    const result = JSON.parse(output) as { html: string; status: number; head: string };

    expect(result.status).toBe(200);
    expect(result.head).toBe("");
    expect(result.html).toBe(
      "<main><h1>Page <!-- -->/posts?page=2</h1><time>2026-01-01T00:00:00Z</time><button>Echo</button></main>",
    );
    expect(seen).toEqual([{ url: "/posts?page=2", ssrData: { server_time: { iso: "2026-01-01T00:00:00Z" } } }]);
    expect(fetch.requests).toHaveLength(0);
  });

  it("renders with the default client when none is given, making no request", () => {
    const globalFetch = fakeFetch(() => json({ server_time: { iso: "fetched" } }));
    vi.stubGlobal("fetch", globalFetch);
    const render = createRenderer((request) => (
      <MizanProvider ssrData={request.ssrData}>
        <Page url={request.url} />
      </MizanProvider>
    ));
    const result = JSON.parse(render(JSON.stringify({ url: "/", ssrData: { server_time: { iso: "T" } } }))) as {
      html: string;
    };
    expect(result.html).toContain("<time>T</time>");
    expect(globalFetch.requests).toHaveLength(0);
    vi.unstubAllGlobals();
  });

  it("reports the local contexts a render lacked, and renders them once they are given", () => {
    const Greet = createLocalContext<{ name: string }, { greeting: string }>("greet", {
      provider: "GreetProvider",
      hook: "useGreet",
    });
    function Card() {
      const { data, isLoading } = Greet.use();
      return <p>{isLoading ? "loading" : data?.greeting}</p>;
    }
    const fetch = fakeFetch(() => json({ greeting: "fetched" }));
    const render = createRenderer((request) => (
      <MizanProvider ssrData={request.ssrData} client={new MizanClient({ fetch })}>
        <Greet.Provider name="Ann">
          <Card />
        </Greet.Provider>
        <Greet.Provider name="Bob">
          <Card />
        </Greet.Provider>
        <Greet.Provider name="Ann">
          <Card />
        </Greet.Provider>
      </MizanProvider>
    ));
    type Result = { html: string; missing: string[] };
    const first = JSON.parse(render(JSON.stringify({ url: "/", ssrData: {} }))) as Result;
    expect(first.missing).toEqual(['greet?{"name":"Ann"}', 'greet?{"name":"Bob"}']);
    expect(first.html).toBe("<p>loading</p><p>loading</p><p>loading</p>");

    const $local = { 'greet?{"name":"Ann"}': { greeting: "Hi Ann" }, 'greet?{"name":"Bob"}': { greeting: "Hi Bob" } };
    const second = JSON.parse(render(JSON.stringify({ url: "/", ssrData: { $local } }))) as Result;
    expect(second.missing).toEqual([]);
    expect(second.html).toBe("<p>Hi Ann</p><p>Hi Bob</p><p>Hi Ann</p>");
    expect(fetch.requests).toHaveLength(0);
  });

  it("takes the status and head tags from the rendered app, escaped", () => {
    const render = createRenderer((request) => (
      <MizanProvider ssrData={request.ssrData} client={new MizanClient({ fetch: fakeFetch(() => json({})) })}>
        {request.url === "/missing" ? (
          <main>
            <PageStatus code={404} />
            <PageTitle>{'Not found: </title><script>alert("x")</script>'}</PageTitle>
            <PageMeta name="robots" content={'noindex" onload="x'} />
            <p>Nothing here</p>
          </main>
        ) : (
          <PageTitle>Home</PageTitle>
        )}
      </MizanProvider>
    ));
    type Result = { html: string; status: number; head: string };
    const missing = JSON.parse(render(JSON.stringify({ url: "/missing", ssrData: {} }))) as Result;
    expect(missing.status).toBe(404);
    expect(missing.html).toBe("<main><p>Nothing here</p></main>");
    expect(missing.head).toBe(
      "<title>Not found: &lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>" +
        '<meta name="robots" content="noindex&quot; onload=&quot;x">',
    );
    const home = JSON.parse(render(JSON.stringify({ url: "/", ssrData: {} }))) as Result;
    expect(home).toMatchObject({ status: 200, head: "<title>Home</title>" });
  });

  it("rejects malformed requests", () => {
    expect(() => parseRenderRequest("[]")).toThrow(TypeError);
    expect(() => parseRenderRequest('{"ssrData":{}}')).toThrow(/url/);
    expect(parseRenderRequest('{"url":"/"}')).toEqual({ url: "/", ssrData: {} });
  });
});
