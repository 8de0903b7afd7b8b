// @vitest-environment node
// The React-free entry, `@mizan/react/core`, on its own: no DOM, and the React-side packages
// made unloadable, so anything here that needed them would fail to import.
import { describe, expect, it, vi } from "vitest";
import {
  canonicalJson,
  channelFailed,
  channelKey,
  channelMessageReceived,
  channelMessagesCleared,
  channelSocketChanged,
  channelSocketFailed,
  channelSocketSynced,
  channelStatusOf,
  channelSubscribed,
  DEFAULT_MAX_MESSAGES,
  ERROR_CODES,
  ERROR_STATUS,
  FORM_ERROR_KEY,
  formDefaultValues,
  formSchemaValues,
  GLOBAL_CONTEXTS_KEY,
  globalContextEntry,
  initialChannelState,
  isMizanError,
  keepLatestMessages,
  localContextKeyOfId,
  MizanClient,
  MizanError,
  planInvalidation,
  requireGlobalContext,
  retryTransient,
  rules,
  splitFormFailure,
  ssrCacheEntries,
  z,
  type FormFieldMeta,
} from "../src/core.js";
import { fakeFetch, json } from "./helpers.js";

// Hoisted above the imports: importing any of these throws.
vi.mock("react", () => {
  throw new Error("@mizan/react/core loaded react");
});
vi.mock("react-dom", () => {
  throw new Error("@mizan/react/core loaded react-dom");
});
vi.mock("@tanstack/react-query", () => {
  throw new Error("@mizan/react/core loaded @tanstack/react-query");
});
vi.mock("react-hook-form", () => {
  throw new Error("@mizan/react/core loaded react-hook-form");
});
vi.mock("@hookform/resolvers/zod", () => {
  throw new Error("@mizan/react/core loaded @hookform/resolvers");
});

describe("@mizan/react/core", () => {
  it("calls server functions through MizanClient", async () => {
    const fetch = fakeFetch(() => json({ result: { echoed: "hi" }, invalidate: ["server_time"] }));
    const client = new MizanClient({ fetch });
    const invalidated: (readonly string[])[] = [];
    client.onInvalidate((keys) => invalidated.push(keys));
    await expect(client.call("echo", { message: "hi" })).resolves.toEqual({ echoed: "hi" });
    expect(fetch.requests[0]).toMatchObject({ url: "/api/mizan/call/echo", method: "POST", body: '{"message":"hi"}' });
    expect(invalidated).toEqual([["server_time"]]);
  });

  it("reports failures as MizanErrors with the protocol's codes and statuses", async () => {
    const client = new MizanClient({
      fetch: fakeFetch(() => json({ error: { code: "NOT_FOUND", message: "no such function" } }, 404)),
    });
    const error: unknown = await client.call("missing", {}).catch((e: unknown) => e);
    expect(isMizanError(error)).toBe(true);
    expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
    expect(ERROR_CODES).toContain("VALIDATION");
    expect(ERROR_STATUS.VALIDATION).toBe(400);
  });

  it("writes canonical JSON and the cache keys", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: "x" })).toBe('{"a":"x","b":[1,{"c":2,"d":1}]}');
    expect(localContextKeyOfId('post?{"id":1}')).toEqual(["mizan", "local", "post", '{"id":1}']);
    expect(localContextKeyOfId("inbox")).toEqual(["mizan", "local", "inbox", "{}"]);
  });

  it("has the server's validation rules and Zod", () => {
    expect(rules.email("ada@example.com")).toBe(true);
    expect(rules.email("not an email")).toBe(false);
    expect(rules.length({ max: 2 })("日本")).toBe(true);
    expect(z.string().refine(rules.url).safeParse("https://example.com").success).toBe(true);
  });

});

describe("context caching", () => {
  it("plans invalidations: local keys once each, the global bundle once when a global is named", () => {
    const bundle = { user: { name: "ada" }, theme: "dark" };
    expect(planInvalidation(["user", "post?{\"id\":1}", "user", "comments"], bundle)).toEqual({
      local: [
        ["mizan", "local", "user"],
        ["mizan", "local", "post", '{"id":1}'],
        ["mizan", "local", "comments"],
      ],
      refetchGlobals: true,
    });
    expect(planInvalidation(["comments"], bundle).refetchGlobals).toBe(false);
    // Without a loaded bundle, any key without arguments may name a global context.
    expect(planInvalidation(["comments"], undefined).refetchGlobals).toBe(true);
    expect(planInvalidation(['post?{"id":1}'], undefined).refetchGlobals).toBe(false);
  });

  it("lists the entries server-rendered data seeds, the global bundle first", () => {
    expect(ssrCacheEntries({ theme: "dark", $local: { 'post?{"id":1}': { title: "hi" }, inbox: [] } })).toEqual([
      [GLOBAL_CONTEXTS_KEY, { theme: "dark" }],
      [["mizan", "local", "post", '{"id":1}'], { title: "hi" }],
      [["mizan", "local", "inbox", "{}"], []],
    ]);
  });

  it("reads global contexts from the bundle", () => {
    const bundle = { theme: "dark", broken: { $error: { code: "FORBIDDEN", message: "no" } } };
    expect(globalContextEntry(bundle, "theme")).toBe("dark");
    expect(globalContextEntry(undefined, "theme")).toBeUndefined();
    expect(requireGlobalContext(bundle, "theme")).toBe("dark");
    expect(() => requireGlobalContext(bundle, "broken")).toThrow(MizanError);
    expect(() => requireGlobalContext(bundle, "nope")).toThrow('Unknown global context "nope": the server sent theme, broken');
  });

  it("retries only transient failures, at most twice", () => {
    const network = new MizanError({ code: "NETWORK", message: "down", status: 0 });
    expect(retryTransient(0, network)).toBe(true);
    expect(retryTransient(2, network)).toBe(false);
    expect(retryTransient(0, new MizanError({ code: "NOT_FOUND", message: "", status: 404 }))).toBe(false);
    expect(retryTransient(0, new MizanError({ code: "ABORTED", message: "", status: 0 }))).toBe(false);
    expect(retryTransient(0, new Error("other"))).toBe(false);
  });
});

describe("channel subscription state", () => {
  it("follows a subscription from connecting to subscribed, reconnecting and refused", () => {
    const key = channelKey("chat", { room: "a", lang: "en" });
    expect(key).toBe(channelKey("chat", { lang: "en", room: "a" }));
    let state = initialChannelState<string>(key, "connecting");
    expect(channelStatusOf(state)).toBe("connecting");
    state = channelSocketChanged(state, "open");
    state = channelSubscribed(state);
    expect(channelStatusOf(state)).toBe("subscribed");
    state = channelMessageReceived(state, "hi", DEFAULT_MAX_MESSAGES);
    expect(state.messages).toEqual(["hi"]);
    state = channelSocketChanged(state, "reconnecting");
    expect(channelStatusOf(state)).toBe("reconnecting");
    state = channelSocketChanged(state, "open");
    expect(channelStatusOf(state)).toBe("reconnecting");
    state = channelSubscribed(state);
    const refusal = new MizanError({ code: "FORBIDDEN", message: "no", status: 403 });
    expect(channelStatusOf(channelFailed(state, refusal, false))).toBe("subscribed");
    state = channelFailed(state, refusal, true);
    expect(channelStatusOf(state)).toBe("refused");
    expect(state.error).toBe(refusal);
    expect(channelStatusOf(initialChannelState(null, "open"))).toBe("connecting");
  });

  it("keeps the latest messages and returns the same state when nothing changes", () => {
    let state = initialChannelState<number>("k", "open");
    for (const n of [1, 2, 3]) state = channelMessageReceived(state, n, 2);
    expect(state.messages).toEqual([2, 3]);
    expect(state.lastMessage).toBe(3);
    expect(keepLatestMessages([1, 2], 0)).toEqual([]);
    const empty = channelMessagesCleared(state);
    expect(empty.messages).toEqual([]);
    expect(empty.lastMessage).toBe(3);
    expect(channelMessagesCleared(empty)).toBe(empty);
    expect(channelSocketSynced(empty, "open")).toBe(empty);
  });

  it("is closed with a NETWORK error when the socket cannot be had", () => {
    const state = channelSocketFailed("k", new Error("no location"));
    expect(channelStatusOf(state)).toBe("closed");
    expect(state.error).toMatchObject({ code: "NETWORK", message: "Error: no location" });
  });
});

describe("server forms", () => {
  const fields: FormFieldMeta[] = [
    { name: "email", label: "Email", widget: "email", required: true },
    { name: "age", label: "Age", widget: "number", required: false },
    { name: "plan", label: "Plan", widget: "select", required: true, choices: [{ value: 2, label: "Two" }] },
    { name: "terms", label: "Terms", widget: "checkbox", required: true },
  ];

  it("starts from the overrides, the initial values, then empty values", () => {
    expect(formDefaultValues(fields, { plan: 2 })).toEqual({ email: "", age: undefined, plan: "2", terms: false });
  });

  it("converts input values to what the schema expects", () => {
    expect(formSchemaValues(fields, { email: "a@b.c", age: " 42 ", plan: "2", terms: true })).toEqual({
      email: "a@b.c",
      age: 42,
      plan: 2,
      terms: true,
    });
    expect(formSchemaValues(fields, { email: "", age: "", plan: "", terms: false })).toEqual({
      email: "",
      plan: "",
      terms: false,
    });
  });

  it("splits a failed submit's messages between the fields and the form", () => {
    const failure = new MizanError({
      code: "VALIDATION",
      message: "invalid",
      status: 400,
      fields: { plan: ["Pick one."], email: ["Taken.", "Really."], [FORM_ERROR_KEY]: ["Try later."], other: ["Bad."] },
    });
    expect(splitFormFailure(failure, fields)).toEqual({
      fieldMessages: [
        ["email", "Taken. Really."],
        ["plan", "Pick one."],
      ],
      formError: "Try later. other: Bad.",
    });
    expect(splitFormFailure(new MizanError({ code: "INTERNAL", message: "boom", status: 500 }), fields)).toEqual({
      fieldMessages: [],
      formError: "boom",
    });
  });
});
