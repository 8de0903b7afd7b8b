// Mizan SSR prelude: the few web globals React's server renderer expects, installed before
// the app's server bundle. Rendering is synchronous, so timers and message ports never fire
// during a render: callbacks are queued and dropped after each render.
((globalThis) => {
  "use strict";
  if (typeof globalThis.window !== "undefined") {
    delete globalThis.window;
  }
  const pending = new Map();
  let nextTimer = 1;
  const schedule = (callback, ...args) => {
    const id = nextTimer++;
    pending.set(id, () => callback(...args));
    return id;
  };
  const cancel = (id) => {
    pending.delete(id);
  };
  globalThis.setTimeout = (callback, _ms, ...args) => schedule(callback, ...args);
  globalThis.setInterval = (callback, _ms, ...args) => schedule(callback, ...args);
  globalThis.setImmediate = (callback, ...args) => schedule(callback, ...args);
  globalThis.clearTimeout = cancel;
  globalThis.clearInterval = cancel;
  globalThis.clearImmediate = cancel;
  if (typeof globalThis.queueMicrotask !== "function") {
    globalThis.queueMicrotask = (callback) => {
      Promise.resolve().then(callback);
    };
  }

  class MessagePort {
    constructor() {
      this.onmessage = null;
      this.other = null;
    }
    postMessage(data) {
      const target = this.other;
      schedule(() => target && target.onmessage && target.onmessage({ data }));
    }
    start() {}
    close() {}
    addEventListener(type, listener) {
      if (type === "message") this.onmessage = listener;
    }
    removeEventListener() {}
  }
  globalThis.MessageChannel = class MessageChannel {
    constructor() {
      this.port1 = new MessagePort();
      this.port2 = new MessagePort();
      this.port1.other = this.port2;
      this.port2.other = this.port1;
    }
  };

  // UTF-8 encoder/decoder (React's server renderer encodes chunks).
  globalThis.TextEncoder = class TextEncoder {
    get encoding() {
      return "utf-8";
    }
    encode(input = "") {
      const s = String(input);
      const out = [];
      for (let i = 0; i < s.length; i++) {
        let c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
          const d = s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          } else {
            c = 0xfffd;
          }
        } else if (c >= 0xd800 && c <= 0xdfff) {
          c = 0xfffd;
        }
        if (c < 0x80) out.push(c);
        else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return new Uint8Array(out);
    }
    encodeInto(input, dest) {
      const bytes = this.encode(input);
      const n = Math.min(bytes.length, dest.length);
      dest.set(bytes.subarray(0, n));
      return { read: input.length, written: n };
    }
  };
  globalThis.TextDecoder = class TextDecoder {
    get encoding() {
      return "utf-8";
    }
    decode(input) {
      if (!input) return "";
      const bytes = input instanceof Uint8Array ? input : new Uint8Array(input.buffer || input);
      let s = "";
      for (let i = 0; i < bytes.length; ) {
        const b = bytes[i++];
        let c;
        if (b < 0x80) c = b;
        else if (b < 0xe0) c = ((b & 31) << 6) | (bytes[i++] & 63);
        else if (b < 0xf0) c = ((b & 15) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
        else c = ((b & 7) << 18) | ((bytes[i++] & 63) << 12) | ((bytes[i++] & 63) << 6) | (bytes[i++] & 63);
        s += String.fromCodePoint(c);
      }
      return s;
    }
  };

  // Called by the renderer after every render: drop what the render scheduled.
  // Isolation between renders: after the bundle is loaded the server seals the globals
  // (records every own property of globalThis); after each render, properties the render
  // added are deleted and ones it replaced are put back. The web API objects below, and
  // their prototypes, are frozen at that point (the bundle may still extend them while it
  // loads): a render cannot change them for the next one. Comparing their properties after
  // every render instead would cost about half a millisecond on QuickJS. (Other objects
  // reachable from globals are not copied: freeze what must not change.)
  const FROZEN = [
    "URL",
    "URLSearchParams",
    "AbortController",
    "AbortSignal",
    "Event",
    "EventTarget",
    "DOMException",
    "crypto",
    "performance",
    "Intl",
    "TextEncoder",
    "TextDecoder",
    "MessageChannel",
  ];
  let sealed = null;
  const sealGlobals = () => {
    sealed = new Map();
    for (const key of Reflect.ownKeys(globalThis)) sealed.set(key, Object.getOwnPropertyDescriptor(globalThis, key));
    for (const name of FROZEN) {
      const value = globalThis[name];
      if ((typeof value !== "object" && typeof value !== "function") || value === null) continue;
      Object.freeze(value);
      if (typeof value === "function" && value.prototype) Object.freeze(value.prototype);
    }
  };
  const restoreGlobals = () => {
    if (sealed === null) return;
    for (const key of Reflect.ownKeys(globalThis)) {
      if (!sealed.has(key)) {
        try {
          delete globalThis[key];
        } catch {
          // Non-configurable: cannot be removed.
        }
      }
    }
    for (const [key, original] of sealed) {
      const current = Object.getOwnPropertyDescriptor(globalThis, key);
      const same =
        current !== undefined &&
        current.value === original.value &&
        current.get === original.get &&
        current.set === original.set;
      if (!same) {
        try {
          Object.defineProperty(globalThis, key, original);
        } catch {
          // Non-configurable and changed: nothing can be done.
        }
      }
    }
  };
  Object.defineProperty(globalThis, "__mizanSealGlobals", { value: sealGlobals, enumerable: false });
  Object.defineProperty(globalThis, "__mizanAfterRender", {
    value: () => {
      pending.clear();
      restoreGlobals();
    },
    enumerable: false,
  });
})(globalThis);
