import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import {
  callFunction,
  getDefaultClient,
  isMizanError,
  MizanClient,
  MizanProvider,
  useCall,
  useMizanClient,
  type CallOptions,
  type MizanError,
} from "../src/index.js";
import { deferred, fakeFetch, json, settle, type FakeResponse } from "./helpers.js";

interface EchoInput {
  text: string;
}
interface EchoOutput {
  message: string;
}

// Shaped like a generated wrapper in mizan.gen.ts.
function echo(input: EchoInput, options?: CallOptions): Promise<EchoOutput> {
  return callFunction<EchoOutput>("echo", input, options);
}

function Echo() {
  const { mutate, data, error, isPending, reset } = useCall(echo);
  return (
    <div>
      <button onClick={() => mutate({ text: "hello" })}>send</button>
      <button onClick={reset}>reset</button>
      <p data-testid="state">
        {isPending ? "pending" : error ? `error ${error.code}: ${error.message}` : data ? data.message : "idle"}
      </p>
    </div>
  );
}

describe("useCall", () => {
  it("exposes pending, then data, through the provider's client", async () => {
    const answer = deferred<FakeResponse>();
    const fetch = fakeFetch(() => answer.promise);
    const defaultFetchBefore = getDefaultClient();
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <Echo />
      </MizanProvider>,
    );
    expect(screen.getByTestId("state").textContent).toBe("idle");

    fireEvent.click(screen.getByText("send"));
    expect(await screen.findByText("pending")).toBeTruthy();
    expect(fetch.requests).toHaveLength(1);
    expect(fetch.requests[0]!.url).toBe("/api/mizan/call/echo");
    expect(JSON.parse(fetch.requests[0]!.body ?? "")).toEqual({ text: "hello" });

    answer.resolve(json({ result: { message: "hello back" } }));
    expect(await screen.findByText("hello back")).toBeTruthy();
    expect(getDefaultClient()).toBe(defaultFetchBefore);

    fireEvent.click(screen.getByText("reset"));
    expect(await screen.findByText("idle")).toBeTruthy();
  });

  it("exposes a failure as a MizanError, without retrying", async () => {
    const fetch = fakeFetch(() =>
      json({ error: { code: "VALIDATION", message: "text is required", fields: { text: ["required"] } } }, 400),
    );
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <Echo />
      </MizanProvider>,
    );
    fireEvent.click(screen.getByText("send"));
    expect(await screen.findByText("error VALIDATION: text is required")).toBeTruthy();
    await act(() => settle(30));
    expect(fetch.requests).toHaveLength(1);
  });

  it("call() resolves with the result and rejects with MizanError; a signal cancels it", async () => {
    const fetch = fakeFetch((request) => {
      const text = (JSON.parse(request.body ?? "{}") as EchoInput).text;
      if (text === "slow") {
        return new Promise((_, reject) => {
          request.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        });
      }
      if (text === "bad") return json({ error: { code: "FORBIDDEN", message: "no" } }, 403);
      return json({ result: { message: text.toUpperCase() } });
    });
    let hook: ReturnType<typeof useCall<EchoInput, EchoOutput>> | undefined;
    function Probe() {
      hook = useCall(echo);
      return <p data-testid="error">{hook.error?.code ?? "none"}</p>;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch })} ssrData={{}}>
        <Probe />
      </MizanProvider>,
    );

    let result: EchoOutput | undefined;
    await act(async () => {
      result = await hook!.call({ text: "ok" });
    });
    expect(result).toEqual({ message: "OK" });

    let failure: unknown;
    await act(async () => {
      failure = await hook!.call({ text: "bad" }).catch((e: unknown) => e);
    });
    expect(isMizanError(failure)).toBe(true);
    expect((failure as MizanError).status).toBe(403);
    // The mutation's state reaches the component through TanStack's batched notifications.
    await waitFor(() => expect(screen.getByTestId("error").textContent).toBe("FORBIDDEN"));

    const controller = new AbortController();
    let cancelled: Promise<unknown> | undefined;
    act(() => {
      cancelled = hook!.call({ text: "slow" }, { signal: controller.signal }).catch((e: unknown) => e);
    });
    await act(() => settle(10));
    expect(fetch.requests.at(-1)!.signal).toBe(controller.signal);
    controller.abort();
    const aborted = (await act(() => cancelled!)) as MizanError;
    expect(aborted.code).toBe("ABORTED");
    expect(aborted.aborted).toBe(true);
    expect(await screen.findByText("ABORTED")).toBeTruthy();
  });

  it("wraps non-Mizan failures of the wrapped function", async () => {
    const broken = (_: EchoInput): Promise<EchoOutput> => Promise.reject(new TypeError("bug in wrapper"));
    let hook: ReturnType<typeof useCall<EchoInput, EchoOutput>> | undefined;
    function Probe() {
      hook = useCall(broken);
      return null;
    }
    render(
      <MizanProvider client={new MizanClient({ fetch: fakeFetch(() => json({})) })} ssrData={{}}>
        <Probe />
      </MizanProvider>,
    );
    let failure: unknown;
    await act(async () => {
      failure = await hook!.call({ text: "x" }).catch((e: unknown) => e);
    });
    expect(isMizanError(failure)).toBe(true);
    expect((failure as MizanError).code).toBe("INTERNAL");
    expect((failure as MizanError).message).toBe("bug in wrapper");
  });
});

describe("useMizanClient", () => {
  it("returns the provider's client", () => {
    const client = new MizanClient({ fetch: fakeFetch(() => json({})) });
    let seen: MizanClient | undefined;
    function Reader() {
      seen = useMizanClient();
      return null;
    }
    render(
      <MizanProvider client={client} ssrData={{}}>
        <Reader />
      </MizanProvider>,
    );
    expect(seen).toBe(client);
  });
});
