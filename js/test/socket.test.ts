// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MizanClient, MizanSocket, socketUrl, type MizanError, type SocketStatus } from "../src/index.js";
import { fakeFetch, FakeSocket, json } from "./helpers.js";

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

function socket(onInvalidate?: (keys: readonly string[]) => void) {
  return new MizanSocket({
    url: "ws://test/api/mizan/ws",
    connect: (url) => new FakeSocket(url),
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 },
    ...(onInvalidate === undefined ? {} : { onInvalidate }),
  });
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("MizanSocket", () => {
  it("connects on the first subscription and multiplexes subscriptions over one socket", () => {
    const s = socket();
    expect(FakeSocket.all).toHaveLength(0);
    const lobby: unknown[] = [];
    const kitchen: unknown[] = [];
    s.subscribe("chat", { room: "lobby" }, { onMessage: (m) => lobby.push(m) });
    s.subscribe("chat", { room: "kitchen" }, { onMessage: (m) => kitchen.push(m) });
    expect(FakeSocket.all).toHaveLength(1);
    expect(s.status).toBe("connecting");
    last().open();
    expect(last().sent).toEqual([
      { type: "subscribe", id: 1, channel: "chat", params: { room: "lobby" } },
      { type: "subscribe", id: 2, channel: "chat", params: { room: "kitchen" } },
    ]);
    last().receive({ type: "message", id: 2, data: { text: "dinner" } });
    last().receive({ type: "message", id: 1, data: { text: "hi" } });
    expect(lobby).toEqual([{ text: "hi" }]);
    expect(kitchen).toEqual([{ text: "dinner" }]);
  });

  it("sends client messages only once the subscription is accepted", () => {
    const s = socket();
    const subscribed = vi.fn();
    const sub = s.subscribe<unknown, { text: string }>("chat", { room: "a" }, { onMessage: () => {}, onSubscribed: subscribed });
    expect(sub.send({ text: "too early" })).toBe(false);
    last().open();
    expect(sub.send({ text: "still early" })).toBe(false);
    last().receive({ type: "subscribed", id: sub.id });
    expect(subscribed).toHaveBeenCalledOnce();
    expect(sub.send({ text: "hello" })).toBe(true);
    expect(last().sent.at(-1)).toEqual({ type: "send", id: sub.id, data: { text: "hello" } });
  });

  it("reports a refused subscription as a MizanError and forgets it", () => {
    const s = socket();
    const errors: MizanError[] = [];
    const messages: unknown[] = [];
    const sub = s.subscribe("chat", { room: "vip" }, { onMessage: (m) => messages.push(m), onError: (e) => errors.push(e) });
    last().open();
    last().receive({ type: "error", id: sub.id, error: { code: "FORBIDDEN", message: "members only", id: "abc" } });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe("FORBIDDEN");
    expect(errors[0]!.status).toBe(403);
    expect(errors[0]!.message).toBe("members only");
    last().receive({ type: "message", id: sub.id, data: "late" });
    expect(messages).toEqual([]);
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent, "a refused subscription is not retried after reconnecting").toEqual([]);
  });

  it("keeps an accepted subscription when one of its messages is refused", () => {
    const s = socket();
    const errors: MizanError[] = [];
    const messages: unknown[] = [];
    const sub = s.subscribe("chat", {}, { onMessage: (m) => messages.push(m), onError: (e) => errors.push(e) });
    last().open();
    last().receive({ type: "subscribed", id: sub.id });
    last().receive({ type: "error", id: sub.id, error: { code: "VALIDATION", message: "too long", fields: { text: ["too long"] } } });
    expect(errors[0]!.fields).toEqual({ text: ["too long"] });
    last().receive({ type: "message", id: sub.id, data: 1 });
    expect(messages).toEqual([1]);
  });

  it("forgets an accepted subscription the server ended, and does not make it again", () => {
    const s = socket();
    const errors: [MizanError, boolean][] = [];
    const messages: unknown[] = [];
    const sub = s.subscribe<unknown, string>("chat", { room: "staff" }, {
      onMessage: (m) => messages.push(m),
      onError: (e, ended) => errors.push([e, ended]),
    });
    last().open();
    last().receive({ type: "subscribed", id: sub.id });
    last().receive({ type: "message", id: sub.id, data: 1 });
    last().receive({ type: "error", id: sub.id, ended: true, error: { code: "FORBIDDEN", message: "no longer allowed" } });
    expect(errors).toHaveLength(1);
    expect(errors[0]![0].code).toBe("FORBIDDEN");
    expect(errors[0]![1], "the subscription is over").toBe(true);
    last().receive({ type: "message", id: sub.id, data: 2 });
    expect(messages).toEqual([1]);
    expect(sub.send("hello")).toBe(false);
    last().drop();
    vi.advanceTimersByTime(100);
    last().open();
    expect(last().sent, "an ended subscription is not made again after reconnecting").toEqual([]);
  });

  it("tells handlers whether an error ended the subscription", () => {
    const s = socket();
    const ended: boolean[] = [];
    const accepted = s.subscribe("chat", {}, { onMessage: () => {}, onError: (_, over) => ended.push(over) });
    const refused = s.subscribe("chat", {}, { onMessage: () => {}, onError: (_, over) => ended.push(over) });
    last().open();
    last().receive({ type: "subscribed", id: accepted.id });
    last().receive({ type: "error", id: accepted.id, error: { code: "BAD_REQUEST", message: "bad message" } });
    last().receive({ type: "error", id: refused.id, error: { code: "FORBIDDEN", message: "no" } });
    expect(ended).toEqual([false, true]);
  });

  it("unsubscribes on the server and stops delivering", () => {
    const s = socket();
    const messages: unknown[] = [];
    const sub = s.subscribe("chat", {}, { onMessage: (m) => messages.push(m) });
    last().open();
    sub.unsubscribe();
    sub.unsubscribe();
    expect(last().sent.filter((f) => f["type"] === "unsubscribe")).toEqual([{ type: "unsubscribe", id: sub.id }]);
    last().receive({ type: "message", id: sub.id, data: "after" });
    expect(messages).toEqual([]);
  });

  it("reconnects with exponential backoff and resubscribes", () => {
    const s = socket();
    const statuses: SocketStatus[] = [];
    s.onStatus((status) => statuses.push(status));
    s.subscribe("chat", { room: "a" }, { onMessage: () => {} });
    last().open();
    last().drop();
    expect(s.status).toBe("reconnecting");
    vi.advanceTimersByTime(99);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    last().drop();
    vi.advanceTimersByTime(199);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3);
    last().drop();
    vi.advanceTimersByTime(400);
    last().drop();
    vi.advanceTimersByTime(800);
    last().drop();
    vi.advanceTimersByTime(999);
    expect(FakeSocket.all).toHaveLength(5);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all, "the delay stops growing at maxDelayMs").toHaveLength(6);
    last().open();
    expect(s.status).toBe("open");
    expect(last().sent).toEqual([{ type: "subscribe", id: 1, channel: "chat", params: { room: "a" } }]);
    // A successful connection resets the backoff.
    last().drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(7);
    expect(statuses).toEqual(["connecting", "open", "reconnecting", "open", "reconnecting"]);
  });

  it("passes server-pushed invalidation keys on, and ignores malformed frames", () => {
    const keys: Array<readonly string[]> = [];
    const s = socket((k) => keys.push(k));
    s.subscribe("chat", {}, { onMessage: () => {} });
    last().open();
    last().receive({ type: "invalidate", keys: ["counter", 'greet?{"name":"Ann"}', 7] });
    last().receive("not json");
    last().receive({ type: "message" });
    last().receive([1, 2]);
    expect(keys).toEqual([["counter", 'greet?{"name":"Ann"}']]);
  });

  it("connect() opens without a subscription, stays open for pushed invalidations and reconnects", () => {
    const keys: Array<readonly string[]> = [];
    const s = socket((k) => keys.push(k));
    s.connect();
    s.connect();
    expect(FakeSocket.all).toHaveLength(1);
    last().open();
    expect(s.status).toBe("open");
    expect(last().sent).toEqual([]);
    last().receive({ type: "invalidate", keys: ["counter"] });
    expect(keys).toEqual([["counter"]]);
    last().drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    last().open();
    last().receive({ type: "invalidate", keys: ["current_user"] });
    expect(keys).toEqual([["counter"], ["current_user"]]);
    s.close();
    s.connect();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("stays closed after close(): no reconnection, new subscriptions fail at once", () => {
    const s = socket();
    s.subscribe("chat", {}, { onMessage: () => {} });
    last().open();
    const socketBefore = last();
    s.close();
    expect(socketBefore.closedWith).toBe(1000);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    const errors: MizanError[] = [];
    s.subscribe("chat", {}, { onMessage: () => {}, onError: (e) => errors.push(e) });
    expect(errors[0]!.code).toBe("NETWORK");
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe("the client's socket", () => {
  it("is one per client, at {baseUrl}/ws, and feeds the invalidation listeners", () => {
    const client = new MizanClient({ socketUrl: "ws://host/api/mizan/ws", connectSocket: (url) => new FakeSocket(url) });
    expect(client.socket()).toBe(client.socket());
    const seen: Array<readonly string[]> = [];
    client.onInvalidate((keys) => seen.push(keys));
    client.socket().subscribe("chat", {}, { onMessage: () => {} });
    expect(last().url).toBe("ws://host/api/mizan/ws");
    last().open();
    last().receive({ type: "invalidate", keys: ["current_user"] });
    expect(seen).toEqual([["current_user"]]);
  });

  it("names its socket in calls, so the invalidations they push skip this tab", async () => {
    const fetch = fakeFetch(() => json({ result: 1, invalidate: ["counter"] }));
    const client = new MizanClient({ fetch, socketUrl: "ws://host/api/mizan/ws", connectSocket: (url) => new FakeSocket(url) });
    await client.call("increment", {});
    expect(fetch.requests[0]!.headers["X-Mizan-Socket"]).toBeUndefined();
    client.socket().connect();
    last().open();
    expect(client.socket().name).toBeUndefined();
    last().receive({ type: "welcome", socket: "abc.7" });
    expect(client.socket().name).toBe("abc.7");
    await client.call("increment", {});
    expect(fetch.requests[1]!.headers["X-Mizan-Socket"]).toBe("abc.7");
    last().drop();
    expect(client.socket().name).toBeUndefined();
    await client.call("increment", {});
    expect(fetch.requests[2]!.headers["X-Mizan-Socket"]).toBeUndefined();
  });

  it("derives the URL from the page's location", () => {
    expect(socketUrl("/api/mizan/", { protocol: "https:", host: "example.com" })).toBe("wss://example.com/api/mizan/ws");
    expect(socketUrl("/api/mizan", { protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/api/mizan/ws");
  });

  it("refuses to open where there is no page (server rendering)", () => {
    expect(() => new MizanClient().socket()).toThrow(/browser/);
  });
});
