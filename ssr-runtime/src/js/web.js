// Mizan SSR: web globals beyond React's needs, the same on every engine: `DOMException` (when
// the engine lacks it), `Event`/`EventTarget`, `AbortController`/`AbortSignal`, `atob`/`btoa`,
// `structuredClone`, `crypto.getRandomValues`/`randomUUID` and `performance.now`.
//
// Randomness comes from the operating system through the runtime's `op_mizan_fill_random`
// (never `Math.random`); `performance.now()` is deno_core's monotonic clock (`op_timer_now`).
// Timers never fire during a server render, so `AbortSignal.timeout(ms)` gives a signal that
// does not abort there (in a browser it does, after `ms`).
((globalThis) => {
  "use strict";
  const ops = (globalThis.Deno && globalThis.Deno.core && globalThis.Deno.core.ops) || {};
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value, writable: true, enumerable: false, configurable: true });

  // --- DOMException ----------------------------------------------------------------------
  if (typeof globalThis.DOMException !== "function") {
    const CODES = {
      IndexSizeError: 1,
      HierarchyRequestError: 3,
      WrongDocumentError: 4,
      InvalidCharacterError: 5,
      NoModificationAllowedError: 7,
      NotFoundError: 8,
      NotSupportedError: 9,
      InvalidStateError: 11,
      SyntaxError: 12,
      InvalidModificationError: 13,
      NamespaceError: 14,
      InvalidAccessError: 15,
      TypeMismatchError: 17,
      SecurityError: 18,
      NetworkError: 19,
      AbortError: 20,
      URLMismatchError: 21,
      QuotaExceededError: 22,
      TimeoutError: 23,
      InvalidNodeTypeError: 24,
      DataCloneError: 25,
    };
    class DOMException extends Error {
      #name;
      constructor(message = "", name = "Error") {
        super(String(message));
        this.#name = String(name);
      }
      get name() {
        return this.#name;
      }
      get code() {
        return CODES[this.#name] ?? 0;
      }
    }
    for (const [name, code] of Object.entries(CODES)) {
      const constant = name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase().replace(/_ERROR$/, "_ERR");
      Object.defineProperty(DOMException, constant, { value: code, enumerable: true });
    }
    define(globalThis, "DOMException", DOMException);
  }
  const DOMException = globalThis.DOMException;

  // --- Event, EventTarget ----------------------------------------------------------------
  const LISTENERS = Symbol("listeners");
  /** Events whose listeners stopped the dispatch (`stopImmediatePropagation`). */
  const stopped = new WeakSet();
  class Event {
    #type;
    #cancelable;
    #bubbles;
    #defaultPrevented = false;
    constructor(type, init = {}) {
      if (arguments.length === 0) throw new TypeError('The "type" argument must be specified');
      this.#type = String(type);
      this.#cancelable = Boolean(init && init.cancelable);
      this.#bubbles = Boolean(init && init.bubbles);
      this.target = null;
      this.currentTarget = null;
      this.timeStamp = globalThis.performance ? globalThis.performance.now() : 0;
      this.isTrusted = false;
    }
    get type() {
      return this.#type;
    }
    get cancelable() {
      return this.#cancelable;
    }
    get bubbles() {
      return this.#bubbles;
    }
    get defaultPrevented() {
      return this.#defaultPrevented;
    }
    preventDefault() {
      if (this.#cancelable) this.#defaultPrevented = true;
    }
    stopPropagation() {}
    stopImmediatePropagation() {
      stopped.add(this);
    }
  }
  class EventTarget {
    constructor() {
      Object.defineProperty(this, LISTENERS, { value: new Map() });
    }
    addEventListener(type, listener, options) {
      if (listener === null || listener === undefined) return;
      const once = typeof options === "object" && options !== null && Boolean(options.once);
      const capture = typeof options === "boolean" ? options : Boolean(options && options.capture);
      const signal = typeof options === "object" && options !== null ? options.signal : undefined;
      if (signal && signal.aborted) return;
      const list = this[LISTENERS].get(String(type)) ?? [];
      if (list.some((entry) => entry.listener === listener && entry.capture === capture)) return;
      const entry = { listener, once, capture, removed: false };
      list.push(entry);
      this[LISTENERS].set(String(type), list);
      if (signal) signal.addEventListener("abort", () => this.removeEventListener(type, listener, { capture }));
    }
    removeEventListener(type, listener, options) {
      const capture = typeof options === "boolean" ? options : Boolean(options && options.capture);
      const list = this[LISTENERS].get(String(type));
      if (!list) return;
      const index = list.findIndex((entry) => entry.listener === listener && entry.capture === capture);
      if (index !== -1) {
        list[index].removed = true;
        list.splice(index, 1);
      }
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError('The "event" argument must be an instance of Event');
      event.target = this;
      event.currentTarget = this;
      for (const entry of (this[LISTENERS].get(event.type) ?? []).slice()) {
        if (entry.removed) continue;
        if (entry.once) this.removeEventListener(event.type, entry.listener, { capture: entry.capture });
        const { listener } = entry;
        try {
          if (typeof listener === "function") listener.call(this, event);
          else if (listener && typeof listener.handleEvent === "function") listener.handleEvent(event);
        } catch (error) {
          // As in a browser: a throwing listener is reported, the others still run.
          if (globalThis.console) globalThis.console.error(error);
        }
        if (stopped.has(event)) break;
      }
      event.currentTarget = null;
      return !event.defaultPrevented;
    }
  }
  define(globalThis, "Event", Event);
  define(globalThis, "EventTarget", EventTarget);

  // --- AbortController, AbortSignal -----------------------------------------------------
  const ABORT = Symbol("abort");
  let constructing = false;
  class AbortSignal extends EventTarget {
    #aborted = false;
    #reason = undefined;
    #onabort = null;
    #handler = null;
    constructor() {
      if (!constructing) throw new TypeError("Illegal constructor");
      super();
    }
    get aborted() {
      return this.#aborted;
    }
    get reason() {
      return this.#reason;
    }
    get onabort() {
      return this.#onabort;
    }
    set onabort(value) {
      this.#onabort = typeof value === "function" || (typeof value === "object" && value !== null) ? value : null;
      if (this.#handler === null) {
        this.#handler = (event) => {
          const handler = this.#onabort;
          if (typeof handler === "function") handler.call(this, event);
        };
        this.addEventListener("abort", this.#handler);
      }
    }
    throwIfAborted() {
      if (this.#aborted) throw this.#reason;
    }
    [ABORT](reason) {
      if (this.#aborted) return;
      this.#aborted = true;
      this.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
      this.dispatchEvent(new Event("abort"));
    }
    static abort(reason) {
      const signal = newSignal();
      signal[ABORT](reason);
      return signal;
    }
    /** Aborts after `ms` in a browser; during a server render timers never fire, so it never does. */
    static timeout(ms) {
      const delay = Number(ms);
      if (!Number.isFinite(delay) || delay < 0) throw new RangeError(`The value of "delay" is out of range: ${ms}`);
      const signal = newSignal();
      globalThis.setTimeout(
        () => signal[ABORT](new DOMException("The operation was aborted due to timeout", "TimeoutError")),
        delay,
      );
      return signal;
    }
    static any(signals) {
      const signal = newSignal();
      const list = Array.from(signals);
      const aborted = list.find((s) => s.aborted);
      if (aborted) {
        signal[ABORT](aborted.reason);
        return signal;
      }
      for (const source of list) source.addEventListener("abort", () => signal[ABORT](source.reason), { once: true });
      return signal;
    }
    get [Symbol.toStringTag]() {
      return "AbortSignal";
    }
  }
  const newSignal = () => {
    constructing = true;
    try {
      return new AbortSignal();
    } finally {
      constructing = false;
    }
  };
  class AbortController {
    #signal = newSignal();
    get signal() {
      return this.#signal;
    }
    abort(reason) {
      this.#signal[ABORT](reason);
    }
    get [Symbol.toStringTag]() {
      return "AbortController";
    }
  }
  define(globalThis, "AbortSignal", AbortSignal);
  define(globalThis, "AbortController", AbortController);

  // --- atob, btoa ------------------------------------------------------------------------
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const INDEX = new Map(Array.from(ALPHABET, (ch, i) => [ch, i]));
  define(globalThis, "btoa", function btoa(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    const text = String(data);
    let out = "";
    for (let i = 0; i < text.length; i += 3) {
      const bytes = [text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2)];
      for (let j = 0; j < 3 && i + j < text.length; j++) {
        if (bytes[j] > 0xff) throw new DOMException("Invalid character", "InvalidCharacterError");
      }
      const [a, b = 0, c = 0] = bytes.map((byte, j) => (i + j < text.length ? byte : 0));
      const n = (a << 16) | (b << 8) | c;
      out += ALPHABET[(n >> 18) & 63] + ALPHABET[(n >> 12) & 63];
      out += i + 1 < text.length ? ALPHABET[(n >> 6) & 63] : "=";
      out += i + 2 < text.length ? ALPHABET[n & 63] : "=";
    }
    return out;
  });
  define(globalThis, "atob", function atob(data) {
    if (arguments.length === 0) throw new TypeError('The "data" argument must be specified');
    let text = String(data).replace(/[\t\n\f\r ]/g, "");
    if (text.length % 4 === 0) text = text.replace(/={1,2}$/, "");
    if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) {
      throw new DOMException("The string to be decoded is not correctly encoded.", "InvalidCharacterError");
    }
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (const ch of text) {
      buffer = (buffer << 6) | INDEX.get(ch);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out += String.fromCharCode((buffer >> bits) & 0xff);
      }
    }
    return out;
  });

  // --- structuredClone -------------------------------------------------------------------
  const TYPED_ARRAYS = [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ];
  const tag = (value) => Object.prototype.toString.call(value).slice(8, -1);
  const ERRORS = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
  const notCloneable = (value) => {
    let text;
    try {
      text = typeof value === "symbol" ? value.toString() : String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
    return new DOMException(`${text} could not be cloned.`, "DataCloneError");
  };
  define(globalThis, "structuredClone", function structuredClone(value, options) {
    if (arguments.length === 0) throw new TypeError('The "value" argument must be specified');
    if (options && options.transfer && Array.from(options.transfer).length > 0) {
      throw new DOMException("structuredClone cannot transfer objects during a server render", "DataCloneError");
    }
    const memory = new Map();
    const clone = (input) => {
      const type = typeof input;
      if (type === "function" || type === "symbol") throw notCloneable(input);
      if (input === null || type !== "object") return input;
      if (memory.has(input)) return memory.get(input);
      const kind = tag(input);
      let output;
      if (Array.isArray(input)) {
        output = new Array(input.length);
        memory.set(input, output);
        for (const key of Object.keys(input)) output[key] = clone(input[key]);
        return output;
      }
      switch (kind) {
        case "Date":
          output = new Date(input.getTime());
          break;
        case "RegExp":
          output = new RegExp(input.source, input.flags);
          break;
        case "Boolean":
        case "Number":
        case "String":
        case "BigInt":
          output = Object(input.valueOf());
          break;
        case "ArrayBuffer":
          output = input.slice(0);
          break;
        case "DataView": {
          const buffer = clone(input.buffer);
          output = new DataView(buffer, input.byteOffset, input.byteLength);
          break;
        }
        case "Map":
          output = new Map();
          memory.set(input, output);
          for (const [key, entry] of input) output.set(clone(key), clone(entry));
          return output;
        case "Set":
          output = new Set();
          memory.set(input, output);
          for (const entry of input) output.add(clone(entry));
          return output;
        case "Error": {
          const Constructor = ERRORS[input.name] ?? Error;
          output = Object.create(Constructor.prototype);
          memory.set(input, output);
          const message = Object.getOwnPropertyDescriptor(input, "message");
          if (message) define(output, "message", String(message.value));
          if (typeof input.stack === "string") define(output, "stack", input.stack);
          if ("cause" in input) define(output, "cause", clone(input.cause));
          return output;
        }
        default: {
          const typed = TYPED_ARRAYS.find((Constructor) => input instanceof Constructor);
          if (typed) {
            const buffer = clone(input.buffer);
            output = new typed(buffer, input.byteOffset, input.length);
            break;
          }
          // Platform objects, promises, weak collections, proxies of them: not cloneable.
          if (kind !== "Object") throw notCloneable(input);
          output = {};
          memory.set(input, output);
          for (const key of Object.keys(input)) output[key] = clone(input[key]);
          return output;
        }
      }
      memory.set(input, output);
      return output;
    };
    return clone(value);
  });

  // --- crypto ----------------------------------------------------------------------------
  const INTEGER_ARRAYS = [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    BigInt64Array,
    BigUint64Array,
  ];
  const fillRandom = (bytes) => {
    if (typeof ops.op_mizan_fill_random !== "function" || !ops.op_mizan_fill_random(bytes)) {
      throw new DOMException("no source of randomness is available", "OperationError");
    }
  };
  const crypto = {};
  define(crypto, "getRandomValues", function getRandomValues(array) {
    if (!INTEGER_ARRAYS.some((Constructor) => array instanceof Constructor)) {
      throw new DOMException("The data argument must be an integer-type TypedArray", "TypeMismatchError");
    }
    if (array.byteLength > 65536) {
      throw new DOMException(
        `The ArrayBuffer/ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`,
        "QuotaExceededError",
      );
    }
    if (array.byteLength > 0) fillRandom(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return array;
  });
  define(crypto, "randomUUID", function randomUUID() {
    const bytes = new Uint8Array(16);
    fillRandom(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hexText = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
    return `${hexText.slice(0, 8)}-${hexText.slice(8, 12)}-${hexText.slice(12, 16)}-${hexText.slice(16, 20)}-${hexText.slice(20)}`;
  });
  Object.defineProperty(crypto, Symbol.toStringTag, { value: "Crypto" });
  define(globalThis, "crypto", crypto);

  // --- performance -----------------------------------------------------------------------
  const clock = typeof ops.op_timer_now === "function" ? () => ops.op_timer_now() : null;
  const startedAt = Date.now();
  const performance = {};
  // Without the runtime's monotonic clock (not the case in Mizan's runtime), the wall clock.
  define(performance, "now", function now() {
    return clock ? clock() : Date.now() - startedAt;
  });
  Object.defineProperty(performance, "timeOrigin", {
    value: clock ? startedAt - clock() : startedAt,
    enumerable: true,
  });
  define(performance, "toJSON", function toJSON() {
    return { timeOrigin: this.timeOrigin };
  });
  Object.defineProperty(performance, Symbol.toStringTag, { value: "Performance" });
  define(globalThis, "performance", performance);
})(globalThis);
