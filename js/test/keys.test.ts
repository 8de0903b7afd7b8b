// @vitest-environment node
import { describe, expect, it } from "vitest";
import CASES from "./fixtures/context-keys.json" with { type: "json" };
import { canonicalJson, localContextId, localContextKey, parseInvalidationKey } from "../src/index.js";

describe("canonicalJson", () => {
  it("sorts object keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe("local context keys", () => {
  it("builds query keys and ids from canonical arguments", () => {
    expect(localContextKey("cart")).toEqual(["mizan", "local", "cart"]);
    expect(localContextKey("cart", { z: 1, a: 2 })).toEqual(["mizan", "local", "cart", '{"a":2,"z":1}']);
    expect(localContextId("cart", { z: 1, a: 2 })).toBe('cart?{"a":2,"z":1}');
  });

  it("parses invalidation keys with and without arguments", () => {
    expect(parseInvalidationKey("server_time")).toEqual({ name: "server_time" });
    expect(parseInvalidationKey('cart?{"z":1,"a":2}')).toEqual({ name: "cart", args: '{"a":2,"z":1}' });
    expect(parseInvalidationKey("cart?not-json")).toEqual({ name: "cart", args: "not-json" });
  });
});

describe("keys shared with the server", () => {
  // The server's `mizan::context_key` is tested against the same file.
  const cases = CASES as Array<{ name: string; args: unknown; key: string }>;

  it.each(cases)("$key", ({ name, args, key }) => {
    expect(localContextId(name, args)).toBe(key);
    expect(parseInvalidationKey(key)).toEqual({ name, args: canonicalJson(args) });
  });
});
