// The web globals of the SSR runtime, case by case. Evaluated as a plain script, it defines
// `runEnvCases()`, which returns { caseName: JSON-able result }. The same file runs in Node.js
// (its own URL, AbortController, ...), in Node on the runtime's polyfills, and in the embedded
// engine (the Rust test `web_globals_match_node`); all must give `expected.json`.
// Regenerate that file from Node: `MIZAN_BLESS=1 node --test ssr-runtime/tests/env/`.
function runEnvCases() {
  "use strict";
  const results = {};
  /** Runs a case; a throw is recorded as the error's name (and DOMException code). */
  const test = (name, fn) => {
    try {
      results[name] = fn();
    } catch (error) {
      const threw = { threw: error && error.name };
      if (typeof DOMException === "function" && error instanceof DOMException) threw.code = error.code;
      if (error instanceof TypeError) threw.typeError = true;
      results[name] = threw;
    }
  };
  const parts = (u) => ({
    href: u.href,
    origin: u.origin,
    protocol: u.protocol,
    username: u.username,
    password: u.password,
    host: u.host,
    hostname: u.hostname,
    port: u.port,
    pathname: u.pathname,
    search: u.search,
    hash: u.hash,
  });

  // --- URL parsing -------------------------------------------------------------------------
  const urls = [
    "https://example.com",
    "HTTPS://User:Pa ss@EXAMPLE.com:443/a/b?x=1#frag",
    "http://example.com:8080/path/to/page.html?q=a b&c=d#top",
    "http://example.com:80/",
    "http://[2001:db8::1]:8080/x",
    "http://[::ffff:192.168.0.1]/",
    "http://[2001:0db8:0000:0000:0000:0000:0000:0001]/",
    "http://[1:0:0:2:0:0:0:3]/",
    "http://192.168.0.1/",
    "http://0x7f.1/",
    "http://3232235521/",
    "http://exa%41mple.com/",
    "http://example.com/a/./b/../c/%2e%2E/d",
    "http://example.com/caf\u00e9/\u{1F600}?caf\u00e9=\u{1F600}#caf\u00e9",
    "http://example.com/a%20b/%zz?%41",
    "http://example.com/\"quotes\"<>`{}?'\"<>#\"<>`",
    "http://example.com\\a\\b",
    "  http://example.com/\ttab\n  ",
    "http://b\u00fccher.example/",
    "ws://example.com:80/socket",
    "wss://example.com:443/",
    "ftp://ftp.example.com:21/file",
    "file:///etc/passwd",
    "file://localhost/etc/hosts",
    "mailto:someone@example.com?subject=hi there",
    "data:text/plain,hello world",
    "custom://host:99/p?q#f",
    "custom:/only/path",
    "blob:https://example.com/uuid",
    "javascript:alert(1)",
    "http://user@example.com/",
    "http://example.com/?",
    "http://example.com/#",
  ];
  for (const input of urls) test(`URL ${JSON.stringify(input)}`, () => parts(new URL(input)));

  const invalid = ["", "example.com", "http://", "http://exa mple.com/", "http://example.com:99999/", "http://[::1/", "http://a:b@/", "https://[1:2:3:4:5:6:7:8:9]/", "http://999.1.1.1/"];
  for (const input of invalid) test(`invalid URL ${JSON.stringify(input)}`, () => parts(new URL(input)));

  // --- Relative resolution -----------------------------------------------------------------
  const base = "http://a.example/b/c/d;p?q#f";
  const relatives = [
    "g",
    "./g",
    "g/",
    "/g",
    "//g.example/x",
    "?y",
    "g?y",
    "#s",
    "g#s",
    "..",
    "../",
    "../g",
    "../..",
    "../../g",
    "../../../../g",
    "/./g",
    "/../g",
    "g.",
    ".g",
    "./../g",
    "g;x=1/../y",
    "",
    "https://other.example/",
    "http:g",
    "\\\\backslash.example\\p",
    "mailto:x@y",
  ];
  for (const input of relatives) test(`resolve ${JSON.stringify(input)}`, () => new URL(input, base).href);
  test("resolve against a URL object", () => new URL("../up?x#y", new URL("https://h.example/a/b/c")).href);
  test("resolve against an opaque base", () => new URL("x", "mailto:a@b").href);
  test("resolve a fragment against an opaque base", () => new URL("#x", "mailto:a@b").href);
  test("URL.canParse", () => [URL.canParse("https://a/"), URL.canParse("nope"), URL.canParse("/p", "https://a/")]);
  test("URL toJSON and toString", () => {
    const u = new URL("https://example.com/p?q#h");
    return [u.toString(), JSON.stringify({ u }), String(u)];
  });

  // --- URL setters -------------------------------------------------------------------------
  test("URL setters", () => {
    const u = new URL("https://example.com/a?b#c");
    const log = [];
    u.pathname = "/new path/ü";
    log.push(u.href);
    u.search = "?x=1 2";
    log.push(u.href);
    u.hash = "top frag";
    log.push(u.href);
    u.port = "8443";
    log.push(u.href);
    u.port = "443";
    log.push(u.href);
    u.hostname = "Other.Example";
    log.push(u.href);
    u.host = "third.example:81";
    log.push(u.href);
    u.username = "me@home";
    u.password = "p:w";
    log.push(u.href);
    u.protocol = "http";
    log.push(u.href);
    u.search = "";
    u.hash = "";
    log.push(u.href);
    u.href = "http://reset.example/";
    log.push(u.href);
    return log;
  });
  test("URL setter href rejects invalid", () => {
    const u = new URL("https://example.com/");
    u.href = "not a url";
    return u.href;
  });

  // --- searchParams, live-linked -----------------------------------------------------------
  test("searchParams reads the query", () => {
    const u = new URL("https://e.example/?a=1&b=two+words&a=3&c=%F0%9F%98%80&d&=e&f=%zz");
    const p = u.searchParams;
    return [p.get("a"), p.getAll("a"), p.get("b"), p.get("c"), p.get("d"), p.get(""), p.get("f"), p.get("missing"), p.has("d"), p.size];
  });
  test("searchParams writes back to the URL", () => {
    const u = new URL("https://e.example/path?a=1#h");
    const p = u.searchParams;
    const log = [];
    p.append("b", "x y");
    log.push(u.href);
    p.set("a", "é&=");
    log.push(u.href);
    p.delete("a");
    log.push(u.href);
    p.delete("b");
    log.push(u.href, u.search);
    u.search = "?z=9";
    log.push(p.get("z"), p.toString());
    return log;
  });
  test("searchParams is the same object", () => {
    const u = new URL("https://e.example/?a=1");
    return u.searchParams === u.searchParams;
  });

  // --- URLSearchParams ---------------------------------------------------------------------
  test("URLSearchParams from string", () => [...new URLSearchParams("?a=1&b=2&a=3")]);
  test("URLSearchParams from record", () => new URLSearchParams({ x: "1", y: 2, z: undefined }).toString());
  test("URLSearchParams from pairs", () => new URLSearchParams([["a", "1"], ["b", "2"], ["a", "3"]]).toString());
  test("URLSearchParams from another", () => {
    const a = new URLSearchParams("x=1");
    const b = new URLSearchParams(a);
    b.append("y", "2");
    return [a.toString(), b.toString()];
  });
  test("URLSearchParams bad pair", () => new URLSearchParams([["a", "1", "2"]]));
  test("URLSearchParams encoding", () =>
    new URLSearchParams({ s: "a b+c&d=e/f?g#h", t: "*-._~!'()", u: "é😀\u0000", v: "%41" }).toString());
  test("URLSearchParams sort is stable", () => {
    const p = new URLSearchParams("c=1&a=2&b=3&a=1&\u00e9=1&Z=0");
    p.sort();
    return p.toString();
  });
  test("URLSearchParams delete and has with value", () => {
    const p = new URLSearchParams("a=1&a=2&a=3&b=1");
    const before = [p.has("a", "2"), p.has("a", "9")];
    p.delete("a", "2");
    return [before, p.toString(), p.getAll("a")];
  });
  test("URLSearchParams set replaces the first, removes the rest", () => {
    const p = new URLSearchParams("a=1&b=2&a=3&a=4");
    p.set("a", "x");
    return p.toString();
  });
  test("URLSearchParams iteration", () => {
    const p = new URLSearchParams("a=1&b=2");
    const seen = [];
    p.forEach((value, key) => seen.push(`${key}:${value}`));
    return [seen, [...p.keys()], [...p.values()], [...p.entries()], Object.prototype.toString.call(p)];
  });
  test("URLSearchParams plus and percent", () => {
    const p = new URLSearchParams("q=1+1%3D2&r=%2B&s=%");
    return [p.get("q"), p.get("r"), p.get("s"), p.toString()];
  });

  // --- AbortController ---------------------------------------------------------------------
  test("AbortController abort", () => {
    const controller = new AbortController();
    const { signal } = controller;
    const log = [signal.aborted, signal.reason === undefined];
    signal.addEventListener("abort", (event) => log.push(`listener ${event.type} ${event.target === signal}`));
    signal.onabort = (event) => log.push(`onabort ${event.type}`);
    controller.abort();
    controller.abort("again");
    log.push(signal.aborted, signal.reason.name, signal.reason instanceof DOMException, signal.reason.code);
    try {
      signal.throwIfAborted();
    } catch (error) {
      log.push(`threw ${error.name}`);
    }
    return log;
  });
  test("AbortController custom reason", () => {
    const controller = new AbortController();
    controller.abort({ why: "custom" });
    return controller.signal.reason;
  });
  test("AbortSignal.abort", () => {
    const signal = AbortSignal.abort("done");
    return [signal.aborted, signal.reason, AbortSignal.abort().reason.name];
  });
  test("AbortSignal once listeners and removal", () => {
    const controller = new AbortController();
    const log = [];
    const listener = () => log.push("removed");
    controller.signal.addEventListener("abort", listener);
    controller.signal.removeEventListener("abort", listener);
    controller.signal.addEventListener("abort", () => log.push("once"), { once: true });
    controller.abort();
    return log;
  });
  test("AbortSignal.any", () => {
    const a = new AbortController();
    const b = new AbortController();
    const any = AbortSignal.any([a.signal, b.signal]);
    const before = any.aborted;
    b.abort("b");
    return [before, any.aborted, any.reason];
  });
  test("AbortSignal is not constructible", () => new AbortSignal());
  test("AbortSignal.timeout gives a signal", () => {
    const signal = AbortSignal.timeout(60_000);
    return [signal instanceof AbortSignal, signal.aborted];
  });
  test("signal is an EventTarget", () => new AbortController().signal instanceof EventTarget);
  test("EventTarget dispatch", () => {
    const target = new EventTarget();
    const log = [];
    const handler = { handleEvent: (event) => log.push(`object ${event.type}`) };
    target.addEventListener("ping", (event) => log.push(`first ${event.target === target} ${event.currentTarget === target}`));
    target.addEventListener("ping", handler);
    target.addEventListener("ping", handler);
    target.addEventListener("ping", (event) => {
      log.push("stops");
      event.stopImmediatePropagation();
    });
    target.addEventListener("ping", () => log.push("never"));
    const event = new Event("ping", { cancelable: true });
    target.addEventListener("ping", () => event.preventDefault());
    const result = target.dispatchEvent(event);
    return [log, result, event.defaultPrevented, event.currentTarget, new Event("x").cancelable];
  });

  // --- atob, btoa ----------------------------------------------------------------------------
  test("btoa", () => [btoa(""), btoa("f"), btoa("fo"), btoa("foo"), btoa("foobar"), btoa("\u0000\u00ff\u0080"), btoa(12)]);
  test("btoa of non-Latin1 throws", () => btoa("✓"));
  test("atob", () => [atob(""), atob("Zg=="), atob("Zm8="), atob("Zm9v"), atob(" Zm9v\nYmFy "), atob("Zg"), atob("AP+A")]);
  test("atob of bad input throws", () => atob("Zm9v!"));
  test("atob with bad length throws", () => atob("Zm9vY"));
  test("atob with inner padding throws", () => atob("Zg==Zg=="));
  test("atob round trip", () => {
    let all = "";
    for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
    return atob(btoa(all)) === all;
  });

  // --- structuredClone -----------------------------------------------------------------------
  test("structuredClone plain values", () => {
    const input = { a: 1, b: "two", c: [1, 2, { d: null }], e: true, f: undefined, g: -0, h: 1n };
    const copy = structuredClone(input);
    return [copy !== input, copy.c !== input.c, Object.is(copy.g, -0), typeof copy.h, String(copy.h), "f" in copy, copy.c[2]];
  });
  test("structuredClone Date, RegExp, Map, Set", () => {
    const date = new Date(Date.UTC(2024, 1, 29, 12));
    const copy = structuredClone({ date, re: /a+b/gi, map: new Map([[1, { x: 1 }]]), set: new Set(["a", "b"]) });
    return [
      copy.date instanceof Date,
      copy.date !== date,
      copy.date.toISOString(),
      copy.re instanceof RegExp,
      copy.re.source,
      copy.re.flags,
      copy.map instanceof Map,
      copy.map.get(1),
      copy.set instanceof Set,
      [...copy.set],
    ];
  });
  test("structuredClone typed arrays share a cloned buffer", () => {
    const buffer = new ArrayBuffer(8);
    const bytes = new Uint8Array(buffer);
    bytes.set([1, 2, 3, 4, 5, 6, 7, 8]);
    const words = new Uint16Array(buffer, 2, 2);
    const copy = structuredClone({ bytes, words, buffer });
    copy.bytes[0] = 99;
    return [
      bytes[0],
      copy.buffer[Symbol.toStringTag],
      copy.bytes.buffer === copy.buffer,
      copy.words.buffer === copy.buffer,
      copy.words.byteOffset,
      copy.words.length,
      Array.from(new Uint8Array(copy.buffer)),
      copy.words instanceof Uint16Array,
      Array.from(structuredClone(new Float64Array([1.5, -2]))),
    ];
  });
  test("structuredClone cycles", () => {
    const a = { name: "a", list: [] };
    a.self = a;
    a.list.push(a, a.list);
    const map = new Map();
    map.set("me", map);
    const copy = structuredClone({ a, map });
    return [copy.a.self === copy.a, copy.a.list[0] === copy.a, copy.a.list[1] === copy.a.list, copy.a !== a, copy.map.get("me") === copy.map];
  });
  test("structuredClone shared references stay shared", () => {
    const shared = { n: 1 };
    const copy = structuredClone([shared, shared]);
    return copy[0] === copy[1];
  });
  test("structuredClone class instances become plain objects", () => {
    class Point {
      constructor() {
        this.x = 1;
      }
      get y() {
        return 2;
      }
    }
    const copy = structuredClone(new Point());
    return [copy instanceof Point, Object.getPrototypeOf(copy) === Object.prototype, copy];
  });
  test("structuredClone boxed primitives", () => {
    const copy = structuredClone([Object(1), Object("s"), Object(false)]);
    return copy.map((value) => [typeof value, value.valueOf()]);
  });
  test("structuredClone errors", () => {
    const copy = structuredClone(new RangeError("too far"));
    return [copy instanceof RangeError, copy.message, copy.name];
  });
  test("structuredClone of a function throws", () => structuredClone({ f() {} }));
  test("structuredClone of a symbol throws", () => structuredClone(Symbol("s")));
  test("structuredClone of a WeakMap throws", () => structuredClone(new WeakMap()));
  test("structuredClone of a Promise throws", () => structuredClone(Promise.resolve(1)));
  test("structuredClone drops symbol keys", () => Object.getOwnPropertySymbols(structuredClone({ [Symbol("k")]: 1 })).length);

  // --- crypto -------------------------------------------------------------------------------
  test("crypto.getRandomValues fills and returns the array", () => {
    const bytes = new Uint8Array(64);
    const same = crypto.getRandomValues(bytes) === bytes;
    const other = crypto.getRandomValues(new Uint8Array(64));
    return [same, bytes.some((b) => b !== 0), bytes.join() !== other.join(), new Set(bytes).size > 16];
  });
  test("crypto.getRandomValues integer arrays", () =>
    [Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array].map(
      (T) => {
        const array = crypto.getRandomValues(new T(8));
        return array instanceof T && Array.from(array).some((v) => v !== 0 && v !== 0n);
      },
    ));
  test("crypto.getRandomValues a view of part of a buffer", () => {
    const buffer = new Uint8Array(32);
    crypto.getRandomValues(new Uint8Array(buffer.buffer, 8, 16));
    return [buffer.slice(0, 8).every((b) => b === 0), buffer.slice(24).every((b) => b === 0), buffer.slice(8, 24).some((b) => b !== 0)];
  });
  test("crypto.getRandomValues at the quota", () => crypto.getRandomValues(new Uint8Array(65536)).length);
  test("crypto.getRandomValues over the quota", () => crypto.getRandomValues(new Uint8Array(65537)));
  test("crypto.getRandomValues of floats", () => crypto.getRandomValues(new Float64Array(2)));
  test("crypto.getRandomValues of a DataView", () => crypto.getRandomValues(new DataView(new ArrayBuffer(4))));
  test("crypto.randomUUID", () => {
    const ids = Array.from({ length: 50 }, () => crypto.randomUUID());
    return [
      ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)),
      new Set(ids).size,
    ];
  });

  // --- performance --------------------------------------------------------------------------
  test("performance.now is monotonic and fine-grained", () => {
    const first = performance.now();
    let last = first;
    let monotonic = true;
    for (let i = 0; i < 2000; i++) {
      const now = performance.now();
      if (now < last) monotonic = false;
      last = now;
    }
    const origin = performance.timeOrigin;
    return [typeof first, first >= 0, monotonic, Math.abs(origin + performance.now() - Date.now()) < 1000];
  });

  // --- Intl (US English) ----------------------------------------------------------------------
  const numbers = [0, 1, -1, 1234.5, 1234567.891, 0.1 + 0.2, 1.005, 2.5, -0.0001, 999.9995, 1e21, 123456789012, NaN, Infinity, -Infinity];
  test("Intl.NumberFormat decimal", () => numbers.map((n) => new Intl.NumberFormat("en-US").format(n)));
  test("Intl.NumberFormat fraction digits", () =>
    numbers.map((n) => new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n)));
  test("Intl.NumberFormat no grouping", () => new Intl.NumberFormat("en-US", { useGrouping: false }).format(1234567.5));
  test("Intl.NumberFormat integer digits", () => new Intl.NumberFormat("en-US", { minimumIntegerDigits: 3 }).format(7));
  test("Intl.NumberFormat percent", () => [0, 0.256, 1, -0.5, 0.12345].map((n) => new Intl.NumberFormat("en-US", { style: "percent" }).format(n)));
  test("Intl.NumberFormat currency", () =>
    ["USD", "EUR", "GBP", "JPY"].map((currency) =>
      [1234.5, -5, 0.015].map((n) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(n)),
    ));
  test("Intl.NumberFormat bad options", () => new Intl.NumberFormat("en-US", { minimumFractionDigits: 3, maximumFractionDigits: 1 }));
  test("Number toLocaleString", () => [(1234567.891).toLocaleString("en-US"), (0.5).toLocaleString("en-US", { style: "percent" })]);
  const instants = [0, Date.UTC(2024, 1, 29, 13, 5, 9), Date.UTC(1999, 11, 31, 23, 59, 59), Date.UTC(2025, 6, 4, 12, 0, 0)];
  const dateOptions = [
    {},
    { dateStyle: "full" },
    { dateStyle: "long" },
    { dateStyle: "medium" },
    { dateStyle: "short" },
    { timeStyle: "short" },
    { timeStyle: "medium" },
    { dateStyle: "medium", timeStyle: "short" },
    { dateStyle: "long", timeStyle: "short" },
    { year: "numeric", month: "long", day: "numeric" },
    { year: "numeric", month: "short", day: "numeric" },
    { month: "short", day: "numeric" },
    { month: "long", year: "numeric" },
    { weekday: "long" },
    { weekday: "short", month: "short", day: "numeric" },
    { year: "numeric", month: "2-digit", day: "2-digit" },
    { hour: "numeric", minute: "2-digit" },
    { hour: "2-digit", minute: "2-digit", hour12: false },
    { hour: "numeric" },
    { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" },
  ];
  for (const options of dateOptions) {
    test(`Intl.DateTimeFormat ${JSON.stringify(options)}`, () =>
      instants.map((t) => new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" }).format(new Date(t))));
  }
  test("Date toLocale*String in UTC", () => {
    const date = new Date(Date.UTC(2024, 1, 29, 13, 5, 9));
    const utc = { timeZone: "UTC" };
    return [date.toLocaleString("en-US", utc), date.toLocaleDateString("en-US", utc), date.toLocaleTimeString("en-US", utc)];
  });

  // --- DOMException -------------------------------------------------------------------------
  test("DOMException", () => {
    const error = new DOMException("message", "AbortError");
    return [error.name, error.message, error.code, error instanceof Error, new DOMException("m").name, DOMException.ABORT_ERR];
  });

  return results;
}
