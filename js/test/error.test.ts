// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  contextFailure,
  ERROR_STATUS,
  isAbortError,
  isMizanError,
  isProtocolErrorCode,
  MizanError,
  toMizanError,
} from "../src/index.js";

describe("isMizanError", () => {
  it("accepts MizanErrors and rejects everything else", () => {
    const error = new MizanError({ code: "NOT_FOUND", message: "No such post", status: 404 });
    expect(isMizanError(error)).toBe(true);
    expect(isMizanError(new Error("plain"))).toBe(false);
    expect(isMizanError({ name: "MizanError", code: "NOT_FOUND", status: 404, message: "x" })).toBe(false);
    expect(isMizanError(null)).toBe(false);
    expect(isMizanError("NOT_FOUND")).toBe(false);
  });

  it("narrows the type so code and status can be read", () => {
    const caught: unknown = new MizanError({ code: "FORBIDDEN", message: "No", status: 403 });
    if (!isMizanError(caught)) throw new Error("guard rejected a MizanError");
    expect(caught.code).toBe("FORBIDDEN");
    expect(caught.status).toBe(ERROR_STATUS.FORBIDDEN);
    expect(caught.name).toBe("MizanError");
  });
});

describe("toMizanError", () => {
  it("passes MizanErrors through", () => {
    const error = new MizanError({ code: "RATE_LIMITED", message: "Slow down", status: 429 });
    expect(toMizanError(error)).toBe(error);
  });

  it("marks raw abort errors as ABORTED", () => {
    const error = toMizanError(new DOMException("aborted", "AbortError"));
    expect(error.code).toBe("ABORTED");
    expect(isAbortError(error)).toBe(true);
  });

  it("wraps other errors as INTERNAL with status 0 and the cause", () => {
    const bug = new RangeError("oops");
    const error = toMizanError(bug);
    expect(error.code).toBe("INTERNAL");
    expect(error.status).toBe(0);
    expect(error.message).toBe("oops");
    expect(error.cause).toBe(bug);
    expect(isAbortError(error)).toBe(false);
  });
});

describe("isProtocolErrorCode", () => {
  it("knows the generated codes only", () => {
    expect(isProtocolErrorCode("VALIDATION")).toBe(true);
    expect(isProtocolErrorCode("NETWORK")).toBe(false);
    expect(isProtocolErrorCode("OUT_OF_STOCK")).toBe(false);
  });
});

describe("contextFailure", () => {
  it("reads the $error marker of a failed global context", () => {
    const error = contextFailure("counter", { $error: { code: "FORBIDDEN", message: "Not yours" } });
    expect(isMizanError(error)).toBe(true);
    expect(error?.code).toBe("FORBIDDEN");
    expect(error?.status).toBe(403);
    expect(error?.message).toBe("Not yours");
  });

  it("gives unknown codes status 500 and a default message", () => {
    const error = contextFailure("counter", { $error: { code: "QUOTA" } });
    expect(error?.status).toBe(500);
    expect(error?.message).toBe('The context "counter" failed');
  });

  it("returns undefined for real values", () => {
    expect(contextFailure("n", 3)).toBeUndefined();
    expect(contextFailure("n", null)).toBeUndefined();
    expect(contextFailure("n", { error: "not the marker" })).toBeUndefined();
  });
});
