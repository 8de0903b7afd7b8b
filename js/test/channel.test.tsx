import { act, renderHook } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  getDefaultClient,
  MizanClient,
  MizanError,
  MizanProvider,
  setDefaultClient,
  useChannel,
  type ChannelOptions,
  type ChannelState,
} from "../src/index.js";
import { FakeSocket } from "./helpers.js";

// Shaped like the generated hooks in mizan.gen.ts.
interface ChatParams {
  room: string;
  lang?: string;
}
interface ChatMessage {
  text: string;
}
interface ChatSend {
  text: string;
}

function useChatChannel(params: ChatParams, options?: ChannelOptions<ChatMessage>): ChannelState<ChatMessage, ChatSend> {
  return useChannel<ChatParams, ChatMessage, ChatSend>("chat", params, options);
}

function useTickerChannel(params: Record<string, never>): ChannelState<number, never> {
  return useChannel<Record<string, never>, number, never>("ticker", params);
}

const last = () => FakeSocket.all[FakeSocket.all.length - 1]!;

function newClient() {
  return new MizanClient({
    socketUrl: "ws://test/api/mizan/ws",
    connectSocket: (url) => new FakeSocket(url),
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 },
  });
}

interface Props {
  params: ChatParams;
  options?: ChannelOptions<ChatMessage>;
}

function renderChat(initialProps: Props, client = newClient()) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <MizanProvider client={client} ssrData={{}}>
      {children}
    </MizanProvider>
  );
  const hook = renderHook((props: Props) => useChatChannel(props.params, props.options), { initialProps, wrapper });
  return { ...hook, client };
}

/** Opens the fake connection and accepts every subscription sent on it. */
function openAndAccept() {
  act(() => last().open());
  const ids = last().sent.filter((f) => f["type"] === "subscribe").map((f) => f["id"]);
  act(() => {
    for (const id of ids) last().receive({ type: "subscribed", id });
  });
}

function receive(frame: unknown) {
  act(() => last().receive(frame));
}

function framesOf(type: string, socket = last()) {
  return socket.sent.filter((f) => f["type"] === type);
}

beforeEach(() => {
  FakeSocket.all = [];
});

afterEach(() => {
  vi.useRealTimers();
});

describe("useChannel", () => {
  it("subscribes once with the params and reaches subscribed", () => {
    const { result } = renderChat({ params: { room: "lobby" } });
    expect(result.current.status).toBe("connecting");
    expect(result.current.messages).toEqual([]);
    expect(FakeSocket.all).toHaveLength(1);
    expect(last().url).toBe("ws://test/api/mizan/ws");

    act(() => last().open());
    expect(last().sent).toEqual([{ type: "subscribe", id: 1, channel: "chat", params: { room: "lobby" } }]);
    expect(result.current.status, "not accepted yet").toBe("connecting");

    receive({ type: "subscribed", id: 1 });
    expect(result.current.status).toBe("subscribed");
    expect(result.current.error).toBeUndefined();
    expect(last().sent).toHaveLength(1);
  });

  it("accumulates messages in order, capped at maxMessages, and calls the latest onMessage", () => {
    const first = vi.fn();
    const { result, rerender } = renderChat({ params: { room: "a" }, options: { maxMessages: 3, onMessage: first } });
    openAndAccept();
    for (const text of ["1", "2"]) receive({ type: "message", id: 1, data: { text } });
    expect(result.current.messages).toEqual([{ text: "1" }, { text: "2" }]);
    expect(first.mock.calls).toEqual([[{ text: "1" }], [{ text: "2" }]]);

    const second = vi.fn();
    rerender({ params: { room: "a" }, options: { maxMessages: 3, onMessage: second } });
    expect(framesOf("subscribe"), "a new callback does not subscribe again").toHaveLength(1);
    for (const text of ["3", "4", "5"]) receive({ type: "message", id: 1, data: { text } });
    expect(result.current.messages).toEqual([{ text: "3" }, { text: "4" }, { text: "5" }]);
    expect(result.current.lastMessage).toEqual({ text: "5" });
    expect(first).toHaveBeenCalledTimes(2);
    expect(second.mock.calls).toEqual([[{ text: "3" }], [{ text: "4" }], [{ text: "5" }]]);

    rerender({ params: { room: "a" }, options: { maxMessages: 2 } });
    expect(result.current.messages, "a lower maxMessages applies at once").toEqual([{ text: "4" }, { text: "5" }]);

    act(() => result.current.clear());
    expect(result.current.messages).toEqual([]);
    expect(result.current.lastMessage).toEqual({ text: "5" });
    receive({ type: "message", id: 1, data: { text: "6" } });
    expect(result.current.messages).toEqual([{ text: "6" }]);
  });

  it("keeps 100 messages by default", () => {
    const { result } = renderChat({ params: { room: "a" } });
    openAndAccept();
    act(() => {
      for (let i = 0; i < 150; i++) last().receive({ type: "message", id: 1, data: { text: String(i) } });
    });
    expect(result.current.messages).toHaveLength(100);
    expect(result.current.messages[0]).toEqual({ text: "50" });
    expect(result.current.messages[99]).toEqual({ text: "149" });
  });

  it("sends only once subscribed", () => {
    const { result } = renderChat({ params: { room: "a" } });
    expect(result.current.send({ text: "before the connection" })).toBe(false);
    act(() => last().open());
    expect(result.current.send({ text: "before the answer" })).toBe(false);
    receive({ type: "subscribed", id: 1 });
    expect(result.current.send({ text: "hello" })).toBe(true);
    expect(framesOf("send")).toEqual([{ type: "send", id: 1, data: { text: "hello" } }]);
  });

  it("reports a refused subscription as refused, with the MizanError", () => {
    const { result } = renderChat({ params: { room: "vip" } });
    act(() => last().open());
    receive({ type: "error", id: 1, error: { code: "FORBIDDEN", message: "members only", id: "abc" } });
    expect(result.current.status).toBe("refused");
    expect(result.current.error).toBeInstanceOf(MizanError);
    expect(result.current.error?.code).toBe("FORBIDDEN");
    expect(result.current.error?.status).toBe(403);
    expect(result.current.error?.message).toBe("members only");
    expect(result.current.send({ text: "let me in" })).toBe(false);
    receive({ type: "message", id: 1, data: { text: "late" } });
    expect(result.current.messages).toEqual([]);
  });

  it("keeps the subscription when one of its messages is refused; the error clears on the next subscribe", () => {
    vi.useFakeTimers();
    const { result } = renderChat({ params: { room: "a" } });
    openAndAccept();
    receive({ type: "error", id: 1, error: { code: "VALIDATION", message: "too long", fields: { text: ["too long"] } } });
    expect(result.current.status).toBe("subscribed");
    expect(result.current.error?.fields).toEqual({ text: ["too long"] });
    expect(result.current.send({ text: "short" })).toBe(true);

    act(() => last().drop());
    act(() => vi.advanceTimersByTime(100));
    openAndAccept();
    expect(result.current.status).toBe("subscribed");
    expect(result.current.error).toBeUndefined();
  });

  it("becomes refused when the server ends an accepted subscription", () => {
    vi.useFakeTimers();
    const { result } = renderChat({ params: { room: "staff" } });
    openAndAccept();
    receive({ type: "message", id: 1, data: { text: "before" } });
    receive({ type: "error", id: 1, ended: true, error: { code: "FORBIDDEN", message: "no longer allowed" } });
    expect(result.current.status).toBe("refused");
    expect(result.current.error?.code).toBe("FORBIDDEN");
    expect(result.current.send({ text: "still there?" })).toBe(false);
    expect(result.current.messages, "what arrived before stays").toEqual([{ text: "before" }]);

    act(() => last().drop());
    act(() => vi.advanceTimersByTime(100));
    act(() => last().open());
    expect(framesOf("subscribe"), "not made again after reconnecting").toEqual([]);
    expect(result.current.status).toBe("refused");
  });

  it("does not subscribe again for equal params in a new object", () => {
    const { result, rerender } = renderChat({ params: { room: "a", lang: "en" } });
    openAndAccept();
    receive({ type: "message", id: 1, data: { text: "kept" } });
    rerender({ params: { lang: "en", room: "a" } });
    rerender({ params: { room: "a", lang: "en" } });
    expect(last().sent.map((f) => f["type"])).toEqual(["subscribe"]);
    expect(result.current.status).toBe("subscribed");
    expect(result.current.messages).toEqual([{ text: "kept" }]);
  });

  it("unsubscribes and subscribes with the new params when they change, clearing messages", () => {
    const { result, rerender } = renderChat({ params: { room: "a" } });
    openAndAccept();
    receive({ type: "message", id: 1, data: { text: "in a" } });
    act(() => rerender({ params: { room: "b" } }));
    expect(last().sent.slice(1)).toEqual([
      { type: "unsubscribe", id: 1 },
      { type: "subscribe", id: 2, channel: "chat", params: { room: "b" } },
    ]);
    expect(result.current.messages).toEqual([]);
    expect(result.current.lastMessage).toBeUndefined();
    expect(result.current.status).toBe("connecting");
    expect(result.current.send({ text: "too early" })).toBe(false);
    receive({ type: "message", id: 1, data: { text: "late, from a" } });
    receive({ type: "subscribed", id: 2 });
    receive({ type: "message", id: 2, data: { text: "in b" } });
    expect(result.current.status).toBe("subscribed");
    expect(result.current.messages).toEqual([{ text: "in b" }]);
    expect(FakeSocket.all, "one socket for every subscription").toHaveLength(1);
  });

  it("unsubscribes on unmount", () => {
    const { unmount } = renderChat({ params: { room: "a" } });
    openAndAccept();
    unmount();
    expect(framesOf("unsubscribe")).toEqual([{ type: "unsubscribe", id: 1 }]);
  });

  it("goes reconnecting when the connection drops, and subscribed again after resubscribing", () => {
    vi.useFakeTimers();
    const { result } = renderChat({ params: { room: "a" } });
    openAndAccept();
    receive({ type: "message", id: 1, data: { text: "before" } });

    act(() => last().drop());
    expect(result.current.status).toBe("reconnecting");
    expect(result.current.send({ text: "offline" })).toBe(false);

    act(() => vi.advanceTimersByTime(100));
    expect(FakeSocket.all).toHaveLength(2);
    expect(result.current.status).toBe("reconnecting");
    act(() => last().open());
    expect(last().sent).toEqual([{ type: "subscribe", id: 1, channel: "chat", params: { room: "a" } }]);
    expect(result.current.status, "until the server accepts again").toBe("reconnecting");
    receive({ type: "subscribed", id: 1 });
    expect(result.current.status).toBe("subscribed");
    expect(result.current.messages, "messages survive a reconnection").toEqual([{ text: "before" }]);
  });

  it("reports reconnecting when the first connection fails", () => {
    vi.useFakeTimers();
    const { result } = renderChat({ params: { room: "a" } });
    act(() => last().drop());
    expect(result.current.status).toBe("reconnecting");
    act(() => vi.advanceTimersByTime(100));
    openAndAccept();
    expect(result.current.status).toBe("subscribed");
  });

  it("is closed when the socket is closed for good", () => {
    const { result, client } = renderChat({ params: { room: "a" } });
    openAndAccept();
    act(() => client.socket().close());
    expect(result.current.status).toBe("closed");
    expect(result.current.send({ text: "nobody" })).toBe(false);
  });

  it("subscribes to nothing while disabled, and subscribes when enabled", () => {
    const { result, rerender, client } = renderChat({ params: { room: "a" }, options: { enabled: false } });
    expect(FakeSocket.all).toHaveLength(0);
    expect(result.current.status).toBe("connecting");
    expect(result.current.send({ text: "nobody" })).toBe(false);

    act(() => rerender({ params: { room: "a" }, options: { enabled: true } }));
    openAndAccept();
    expect(result.current.status).toBe("subscribed");
    receive({ type: "message", id: 1, data: { text: "hi" } });

    act(() => rerender({ params: { room: "a" }, options: { enabled: false } }));
    expect(framesOf("unsubscribe")).toEqual([{ type: "unsubscribe", id: 1 }]);
    expect(result.current.status).toBe("connecting");
    expect(result.current.messages).toEqual([]);
    expect(client.socket().status).toBe("open");
  });

  it("makes one live subscription under StrictMode", () => {
    const client = newClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <StrictMode>
        <MizanProvider client={client} ssrData={{}}>
          {children}
        </MizanProvider>
      </StrictMode>
    );
    const { result } = renderHook(() => useChatChannel({ room: "a" }), { wrapper });
    act(() => last().open());
    const subscribes = framesOf("subscribe");
    expect(subscribes).toHaveLength(1);
    receive({ type: "subscribed", id: subscribes[0]!["id"] });
    receive({ type: "message", id: subscribes[0]!["id"], data: { text: "once" } });
    expect(result.current.status).toBe("subscribed");
    expect(result.current.messages).toEqual([{ text: "once" }]);
  });

  it("uses the default client outside a provider", () => {
    const before = getDefaultClient();
    const client = newClient();
    setDefaultClient(client);
    try {
      const { result, unmount } = renderHook(() => useTickerChannel({}));
      act(() => last().open());
      expect(last().sent).toEqual([{ type: "subscribe", id: 1, channel: "ticker", params: {} }]);
      receive({ type: "subscribed", id: 1 });
      receive({ type: "message", id: 1, data: 42 });
      expect(result.current.lastMessage).toBe(42);
      expect(client.socket().status).toBe("open");
      unmount();
    } finally {
      setDefaultClient(before);
    }
  });

  it("renders its initial state on the server without touching the socket", () => {
    const client = newClient();
    const socket = vi.spyOn(client, "socket");
    const errors = vi.spyOn(console, "error");
    function Chat() {
      const { status, messages, lastMessage, error, send } = useChatChannel({ room: "a" });
      return (
        <p>
          {status} {messages.length} {String(lastMessage)} {String(error)} {String(send({ text: "x" }))}
        </p>
      );
    }
    const html = renderToString(
      <MizanProvider client={client} ssrData={{}}>
        <Chat />
      </MizanProvider>,
    );
    expect(html).toBe("<p>connecting<!-- --> <!-- -->0<!-- --> <!-- -->undefined<!-- --> <!-- -->undefined<!-- --> <!-- -->false</p>");
    expect(socket).not.toHaveBeenCalled();
    expect(FakeSocket.all).toHaveLength(0);
    expect(errors).not.toHaveBeenCalled();
  });
});
