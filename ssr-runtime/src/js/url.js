// Mizan SSR: `URL` and `URLSearchParams` after the WHATWG URL Standard, for engines without
// them. Covers what server-rendered apps and routers use: special schemes (http, https, ws,
// wss, ftp, file) with hosts, IPv4/IPv6 addresses, ports, userinfo, dot segments, relative
// resolution against a base, the standard's percent-encoding sets, setters, and a
// `searchParams` kept in step with its URL. Not covered: IDNA mapping beyond NFC and lower
// case (non-ASCII labels are Punycode-encoded as they are), Windows drive letters in file URLs.
((globalThis) => {
  "use strict";

  const SPECIAL = { "ftp:": 21, "file:": null, "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };
  const isSpecialScheme = (scheme) => Object.prototype.hasOwnProperty.call(SPECIAL, scheme);

  // Percent-encode sets (code points below 0x80 that are encoded; every other one is too).
  const set = (chars) => {
    const codes = new Set();
    for (let c = 0; c < 0x20; c++) codes.add(c);
    codes.add(0x7f);
    for (const ch of chars) codes.add(ch.charCodeAt(0));
    return codes;
  };
  const C0 = set("");
  const FRAGMENT = set(' "<>`');
  const QUERY = set(' "#<>');
  const SPECIAL_QUERY = set(" \"#<>'");
  const PATH = set(' "#<>?`{}');
  const USERINFO = set(' "#<>?`{}/:;=@[\\]^|');
  const FORM = set(" \"#<>?`{}/:;=@[\\]^|$%&+,!'()~");

  const hex = (byte) => "%" + (byte < 16 ? "0" : "") + byte.toString(16).toUpperCase();

  /** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
  const utf8 = (text) => {
    const out = [];
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        } else c = 0xfffd;
      } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) out.push(c);
      else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return out;
  };

  /** UTF-8 decoding with U+FFFD for every invalid sequence (the Encoding Standard's way). */
  const fromUtf8 = (bytes) => {
    let out = "";
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i];
      let need = 0;
      let c = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (b < 0x80) {
        out += String.fromCharCode(b);
        i++;
        continue;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        c = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        c = b & 0xf;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        c = b & 0x7;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        out += "\ufffd";
        i++;
        continue;
      }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        const next = bytes[j];
        if (next === undefined || next < lower || next > upper) {
          ok = false;
          break;
        }
        lower = 0x80;
        upper = 0xbf;
        c = (c << 6) | (next & 0x3f);
      }
      if (ok) {
        out += String.fromCodePoint(c);
        i = j;
      } else {
        out += "\ufffd";
        i = j;
      }
    }
    return out;
  };

  const percentEncode = (text, encodeSet, spaceAsPlus = false) => {
    let out = "";
    for (const ch of text) {
      const c = ch.codePointAt(0);
      if (spaceAsPlus && c === 0x20) out += "+";
      else if (c < 0x80 && !encodeSet.has(c)) out += ch;
      else for (const byte of utf8(ch)) out += hex(byte);
    }
    return out;
  };

  const isHex = (c) => /^[0-9A-Fa-f]$/.test(c);
  /** Percent-decodes to bytes (malformed escapes stay as they are). */
  const percentDecodeBytes = (text) => {
    const bytes = utf8(text);
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (
        b === 0x25 &&
        i + 2 < bytes.length &&
        isHex(String.fromCharCode(bytes[i + 1])) &&
        isHex(String.fromCharCode(bytes[i + 2]))
      ) {
        out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
        i += 2;
      } else out.push(b);
    }
    return out;
  };

  const invalid = (input) => {
    const error = new TypeError(`Invalid URL: ${input}`);
    error.code = "ERR_INVALID_URL";
    return error;
  };

  // --- Hosts ---------------------------------------------------------------------------

  const parseIPv6 = (input) => {
    const pieces = [0, 0, 0, 0, 0, 0, 0, 0];
    let index = 0;
    let compress = null;
    let p = 0;
    const at = (i) => input[i];
    if (at(p) === ":") {
      if (at(p + 1) !== ":") return null;
      p += 2;
      index++;
      compress = index;
    }
    while (p < input.length) {
      if (index === 8) return null;
      if (at(p) === ":") {
        if (compress !== null) return null;
        p++;
        index++;
        compress = index;
        continue;
      }
      let value = 0;
      let length = 0;
      while (length < 4 && p < input.length && isHex(at(p))) {
        value = value * 16 + parseInt(at(p), 16);
        p++;
        length++;
      }
      if (at(p) === ".") {
        if (length === 0) return null;
        p -= length;
        if (index > 6) return null;
        let seen = 0;
        while (p < input.length) {
          let v4 = null;
          if (seen > 0) {
            if (at(p) === "." && seen < 4) p++;
            else return null;
          }
          if (!/[0-9]/.test(at(p) ?? "")) return null;
          while (/[0-9]/.test(at(p) ?? "")) {
            const n = Number(at(p));
            if (v4 === null) v4 = n;
            else if (v4 === 0) return null;
            else v4 = v4 * 10 + n;
            if (v4 > 255) return null;
            p++;
          }
          pieces[index] = pieces[index] * 0x100 + v4;
          seen++;
          if (seen === 2 || seen === 4) index++;
        }
        if (seen !== 4) return null;
        break;
      } else if (at(p) === ":") {
        p++;
        if (p >= input.length) return null;
      } else if (p < input.length) return null;
      pieces[index] = value;
      index++;
    }
    if (compress !== null) {
      let swaps = index - compress;
      index = 7;
      while (index !== 0 && swaps > 0) {
        const other = compress + swaps - 1;
        [pieces[index], pieces[other]] = [pieces[other], pieces[index]];
        index--;
        swaps--;
      }
    } else if (index !== 8) return null;
    return pieces;
  };

  const serializeIPv6 = (pieces) => {
    // The longest run (first if tied) of two or more zero pieces is compressed.
    let best = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; ) {
      if (pieces[i] !== 0) {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && pieces[j] === 0) j++;
      if (j - i > bestLength) {
        best = i;
        bestLength = j - i;
      }
      i = j;
    }
    let out = "";
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
      if (ignore0 && pieces[i] === 0) continue;
      ignore0 = false;
      if (best === i) {
        out += i === 0 ? "::" : ":";
        ignore0 = true;
        continue;
      }
      out += pieces[i].toString(16);
      if (i !== 7) out += ":";
    }
    return `[${out}]`;
  };

  const parseIPv4Number = (part) => {
    if (part === "") return null;
    let radix = 10;
    if (/^0[xX]/.test(part)) {
      part = part.slice(2);
      radix = 16;
    } else if (part.length > 1 && part[0] === "0") {
      part = part.slice(1);
      radix = 8;
    }
    if (part === "") return 0;
    const digits = radix === 16 ? /^[0-9A-Fa-f]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!digits.test(part)) return null;
    return parseInt(part, radix);
  };

  const endsInNumber = (host) => {
    const parts = host.split(".");
    if (parts[parts.length - 1] === "") {
      if (parts.length === 1) return false;
      parts.pop();
    }
    const last = parts[parts.length - 1];
    if (last !== "" && /^[0-9]+$/.test(last)) return true;
    return parseIPv4Number(last) !== null;
  };

  /** The IPv4 address as a number, or null when the host is not a valid IPv4 address. */
  const parseIPv4 = (host) => {
    const parts = host.split(".");
    if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const numbers = parts.map(parseIPv4Number);
    if (numbers.some((n) => n === null)) return null;
    const last = numbers.pop();
    if (numbers.some((n) => n > 255)) return null;
    if (last >= 256 ** (5 - parts.length)) return null;
    let ipv4 = last;
    numbers.forEach((n, i) => {
      ipv4 += n * 256 ** (3 - i);
    });
    return ipv4;
  };

  const serializeIPv4 = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

  // Punycode (RFC 3492) for non-ASCII labels.
  const punycode = (label) => {
    const base = 36;
    const digit = (d) => String.fromCharCode(d < 26 ? 97 + d : 22 + d);
    const adapt = (delta, points, first) => {
      delta = first ? Math.floor(delta / 700) : delta >> 1;
      delta += Math.floor(delta / points);
      let k = 0;
      for (; delta > 455; k += base) delta = Math.floor(delta / 35);
      return k + Math.floor((36 * delta) / (delta + 38));
    };
    const input = Array.from(label, (ch) => ch.codePointAt(0));
    let output = input.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join("");
    const basic = output.length;
    let handled = basic;
    if (basic > 0) output += "-";
    let n = 128;
    let delta = 0;
    let bias = 72;
    while (handled < input.length) {
      const m = Math.min(...input.filter((c) => c >= n));
      delta += (m - n) * (handled + 1);
      n = m;
      for (const c of input) {
        if (c < n) delta++;
        if (c === n) {
          let q = delta;
          for (let k = base; ; k += base) {
            const t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
            if (q < t) break;
            output += digit(t + ((q - t) % (base - t)));
            q = Math.floor((q - t) / (base - t));
          }
          output += digit(q);
          bias = adapt(delta, handled + 1, handled === basic);
          delta = 0;
          handled++;
        }
      }
      delta++;
      n++;
    }
    return "xn--" + output;
  };

  const FORBIDDEN_HOST = /[\u0000\t\n\r #/:<>?@[\\\]^|]/;
  const FORBIDDEN_DOMAIN = /[\u0000-\u001f #/:<>?@[\\\]^|%\u007f]/;

  /** Parses a host; returns its serialization or null when it is invalid. */
  const parseHost = (input, special) => {
    if (input.startsWith("[")) {
      if (!input.endsWith("]")) return null;
      const pieces = parseIPv6(input.slice(1, -1));
      return pieces === null ? null : serializeIPv6(pieces);
    }
    if (!special) {
      if (FORBIDDEN_HOST.test(input)) return null;
      return percentEncode(input, C0);
    }
    const domain = fromUtf8(percentDecodeBytes(input));
    let ascii = domain
      .normalize("NFC")
      .toLowerCase()
      .replace(/[\u3002\uff0e\uff61]/g, ".");
    if (/[^\u0000-\u007f]/.test(ascii)) {
      ascii = ascii
        .split(".")
        .map((label) => (/[^\u0000-\u007f]/.test(label) ? punycode(label) : label))
        .join(".");
    }
    if (ascii === "" || FORBIDDEN_DOMAIN.test(ascii)) return null;
    if (endsInNumber(ascii)) {
      const ipv4 = parseIPv4(ascii);
      return ipv4 === null ? null : serializeIPv4(ipv4);
    }
    return ascii;
  };

  // --- Parsing -------------------------------------------------------------------------

  /**
   * A parsed URL record: { scheme, username, password, host (null when none), port (null or a
   * number), path (array of segments, or a string when opaque), query, fragment (null or strings) }.
   */
  const isSingleDot = (s) => s === "." || s.toLowerCase() === "%2e";
  const isDoubleDot = (s) => {
    const lower = s.toLowerCase();
    return lower === ".." || lower === ".%2e" || lower === "%2e." || lower === "%2e%2e";
  };

  /** Appends path segments of `text` (already without query and fragment) to `path`. */
  const appendPath = (path, text, special) => {
    const segments = special ? text.split(/[/\\]/) : text.split("/");
    segments.forEach((segment, i) => {
      const last = i === segments.length - 1;
      if (isDoubleDot(segment)) {
        if (path.length > 0) path.pop();
        if (last) path.push("");
      } else if (isSingleDot(segment)) {
        if (last) path.push("");
      } else {
        path.push(percentEncode(segment, PATH));
      }
    });
  };

  /** Splits the part after the authority into path, query and fragment text. */
  const splitRest = (rest) => {
    let fragment = null;
    let query = null;
    const hash = rest.indexOf("#");
    if (hash !== -1) {
      fragment = rest.slice(hash + 1);
      rest = rest.slice(0, hash);
    }
    const question = rest.indexOf("?");
    if (question !== -1) {
      query = rest.slice(question + 1);
      rest = rest.slice(0, question);
    }
    return { pathText: rest, query, fragment };
  };

  const encodeQuery = (query, special) => (query === null ? null : percentEncode(query, special ? SPECIAL_QUERY : QUERY));
  const encodeFragment = (fragment) => (fragment === null ? null : percentEncode(fragment, FRAGMENT));

  /** Parses `authority` into the record; false when it is invalid. */
  const parseAuthority = (record, authority, special, original) => {
    const at = authority.lastIndexOf("@");
    if (at !== -1) {
      const userinfo = authority.slice(0, at);
      authority = authority.slice(at + 1);
      const colon = userinfo.indexOf(":");
      const user = colon === -1 ? userinfo : userinfo.slice(0, colon);
      const pass = colon === -1 ? "" : userinfo.slice(colon + 1);
      record.username = percentEncode(user, USERINFO);
      record.password = percentEncode(pass, USERINFO);
      if (authority === "") throw invalid(original);
    }
    let hostText = authority;
    let portText = "";
    const bracket = authority.lastIndexOf("]");
    const colon = authority.lastIndexOf(":");
    if (colon > bracket) {
      hostText = authority.slice(0, colon);
      portText = authority.slice(colon + 1);
    }
    if (hostText === "") {
      if (special && record.scheme !== "file:") throw invalid(original);
      if (portText !== "" || at !== -1) throw invalid(original);
      record.host = "";
      return;
    }
    const host = parseHost(hostText, special);
    if (host === null) throw invalid(original);
    record.host = record.scheme === "file:" && host === "localhost" ? "" : host;
    if (portText !== "") {
      if (!/^[0-9]+$/.test(portText)) throw invalid(original);
      const port = Number(portText);
      if (port > 65535) throw invalid(original);
      record.port = port === SPECIAL[record.scheme] ? null : port;
    }
  };

  const cleanInput = (input) =>
    String(input)
      .replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "")
      .replace(/[\t\n\r]/g, "");

  const parse = (rawInput, base) => {
    const input = cleanInput(rawInput);
    const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+\-.]*):/.exec(input);
    const record = {
      scheme: "",
      username: "",
      password: "",
      host: null,
      port: null,
      path: [],
      query: null,
      fragment: null,
    };
    let rest;
    if (schemeMatch) {
      record.scheme = schemeMatch[1].toLowerCase() + ":";
      rest = input.slice(schemeMatch[0].length);
      const special = isSpecialScheme(record.scheme);
      if (special && base && base.scheme === record.scheme && !/^[/\\]/.test(rest)) {
        // "http:foo" against an http base is relative.
        return resolve(rest, base, record.scheme, rawInput);
      }
    } else {
      if (!base) throw invalid(rawInput);
      return resolve(input, base, base.scheme, rawInput);
    }
    const special = isSpecialScheme(record.scheme);
    if (special) {
      if (record.scheme === "file:") {
        if (/^[/\\]{2}/.test(rest)) return withAuthority(record, rest.slice(2), true, rawInput);
        return withPath(record, rest, true, true);
      }
      return withAuthority(record, rest.replace(/^[/\\]*/, ""), true, rawInput);
    }
    if (rest.startsWith("//")) return withAuthority(record, rest.slice(2), false, rawInput);
    if (rest.startsWith("/")) return withPath(record, rest, false, true);
    // Opaque path ("mailto:a@b", "data:...").
    const { pathText, query, fragment } = splitRest(rest);
    record.path = percentEncode(pathText, C0).replace(/ +$/, query === null && fragment === null ? "" : "$&");
    record.query = encodeQuery(query, false);
    record.fragment = encodeFragment(fragment);
    return record;
  };

  const withAuthority = (record, rest, special, original) => {
    const end = rest.search(special ? /[/\\?#]/ : /[/?#]/);
    const authority = end === -1 ? rest : rest.slice(0, end);
    parseAuthority(record, authority, special, original);
    return withPath(record, end === -1 ? "" : rest.slice(end), special, false);
  };

  const withPath = (record, rest, special, replaceHost) => {
    if (replaceHost && record.scheme === "file:") record.host = "";
    const { pathText, query, fragment } = splitRest(rest);
    record.path = [];
    if (pathText !== "" || special) appendPath(record.path, pathText.replace(special ? /^[/\\]/ : /^\//, ""), special);
    if (!special && pathText === "") record.path = [];
    record.query = encodeQuery(query, special);
    record.fragment = encodeFragment(fragment);
    return record;
  };

  /** Resolves relative `input` against the base record. */
  const resolve = (input, base, scheme, original) => {
    const special = isSpecialScheme(scheme);
    const record = {
      scheme,
      username: base.username,
      password: base.password,
      host: base.host,
      port: base.port,
      path: Array.isArray(base.path) ? base.path.slice() : base.path,
      query: base.query,
      fragment: null,
    };
    if (typeof base.path === "string") {
      // A base with an opaque path only takes a fragment.
      if (!input.startsWith("#")) throw invalid(original);
      record.fragment = encodeFragment(input.slice(1));
      return record;
    }
    const slash = special ? /^[/\\]/ : /^\//;
    const doubleSlash = special ? /^[/\\]{2}/ : /^\/\//;
    if (doubleSlash.test(input)) {
      record.username = "";
      record.password = "";
      record.port = null;
      return withAuthority(record, input.slice(2), special, original);
    }
    if (slash.test(input)) {
      const { pathText, query, fragment } = splitRest(input);
      record.path = [];
      appendPath(record.path, pathText.slice(1), special);
      record.query = encodeQuery(query, special);
      record.fragment = encodeFragment(fragment);
      return record;
    }
    if (input === "" || input.startsWith("?") || input.startsWith("#")) {
      const { query, fragment } = splitRest(input);
      if (query !== null) record.query = encodeQuery(query, special);
      else if (!input.startsWith("#") && input !== "") record.query = null;
      record.fragment = encodeFragment(fragment);
      return record;
    }
    const { pathText, query, fragment } = splitRest(input);
    record.path.pop();
    appendPath(record.path, pathText, special);
    record.query = encodeQuery(query, special);
    record.fragment = encodeFragment(fragment);
    return record;
  };

  const serializePath = (record) =>
    typeof record.path === "string"
      ? record.path
      : (record.host === null && record.path.length > 1 && record.path[0] === "" ? "/." : "") +
        record.path.map((segment) => "/" + segment).join("");

  const serialize = (record, excludeFragment = false) => {
    let out = record.scheme;
    if (record.host !== null) {
      out += "//";
      if (record.username !== "" || record.password !== "") {
        out += record.username;
        if (record.password !== "") out += ":" + record.password;
        out += "@";
      }
      out += record.host;
      if (record.port !== null) out += ":" + record.port;
    }
    out += serializePath(record);
    if (record.query !== null) out += "?" + record.query;
    if (!excludeFragment && record.fragment !== null) out += "#" + record.fragment;
    return out;
  };

  // --- URLSearchParams ------------------------------------------------------------------

  const parseForm = (text) => {
    const list = [];
    for (const piece of text.split("&")) {
      if (piece === "") continue;
      const eq = piece.indexOf("=");
      const name = eq === -1 ? piece : piece.slice(0, eq);
      const value = eq === -1 ? "" : piece.slice(eq + 1);
      list.push([
        fromUtf8(percentDecodeBytes(name.replace(/\+/g, " "))),
        fromUtf8(percentDecodeBytes(value.replace(/\+/g, " "))),
      ]);
    }
    return list;
  };
  const serializeForm = (list) =>
    list.map(([name, value]) => percentEncode(name, FORM, true) + "=" + percentEncode(value, FORM, true)).join("&");

  const LIST = Symbol("list");
  const URL_OBJECT = Symbol("url");
  const RECORD = Symbol("record");

  /** Writes a URLSearchParams' list back to its URL. */
  const update = (params) => {
    const url = params[URL_OBJECT];
    if (!url) return;
    const text = serializeForm(params[LIST]);
    url[RECORD].query = text === "" ? null : text;
  };

  class URLSearchParams {
    constructor(init = "") {
      this[LIST] = [];
      this[URL_OBJECT] = null;
      if (init instanceof URLSearchParams) {
        this[LIST] = init[LIST].map(([name, value]) => [name, value]);
      } else if (init !== null && (typeof init === "object" || typeof init === "function")) {
        if (typeof init[Symbol.iterator] === "function") {
          for (const pair of init) {
            const entry = Array.from(pair);
            if (entry.length !== 2) throw new TypeError("Each query pair must be an iterable [name, value] tuple");
            this[LIST].push([String(entry[0]), String(entry[1])]);
          }
        } else {
          for (const key of Reflect.ownKeys(init)) {
            if (typeof key !== "string" || !Object.prototype.propertyIsEnumerable.call(init, key)) continue;
            this[LIST].push([key, String(init[key])]);
          }
        }
      } else {
        const text = String(init);
        this[LIST] = parseForm(text.startsWith("?") ? text.slice(1) : text);
      }
    }
    get size() {
      return this[LIST].length;
    }
    append(name, value) {
      this[LIST].push([String(name), String(value)]);
      update(this);
    }
    delete(name, value) {
      name = String(name);
      const all = value === undefined;
      value = String(value);
      this[LIST] = this[LIST].filter(([n, v]) => !(n === name && (all || v === value)));
      update(this);
    }
    get(name) {
      name = String(name);
      const entry = this[LIST].find(([n]) => n === name);
      return entry ? entry[1] : null;
    }
    getAll(name) {
      name = String(name);
      return this[LIST].filter(([n]) => n === name).map(([, v]) => v);
    }
    has(name, value) {
      name = String(name);
      const any = value === undefined;
      value = String(value);
      return this[LIST].some(([n, v]) => n === name && (any || v === value));
    }
    set(name, value) {
      name = String(name);
      value = String(value);
      const index = this[LIST].findIndex(([n]) => n === name);
      if (index === -1) this[LIST].push([name, value]);
      else {
        this[LIST][index][1] = value;
        this[LIST] = this[LIST].filter(([n], i) => i <= index || n !== name);
      }
      update(this);
    }
    sort() {
      // Stable, by UTF-16 code units.
      this[LIST] = this[LIST]
        .map((entry, i) => [entry, i])
        .sort(([a, i], [b, j]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : i - j))
        .map(([entry]) => entry);
      update(this);
    }
    forEach(callback, thisArg) {
      for (let i = 0; i < this[LIST].length; i++) {
        const [name, value] = this[LIST][i];
        callback.call(thisArg, value, name, this);
      }
    }
    *keys() {
      for (let i = 0; i < this[LIST].length; i++) yield this[LIST][i][0];
    }
    *values() {
      for (let i = 0; i < this[LIST].length; i++) yield this[LIST][i][1];
    }
    *entries() {
      for (let i = 0; i < this[LIST].length; i++) yield [this[LIST][i][0], this[LIST][i][1]];
    }
    [Symbol.iterator]() {
      return this.entries();
    }
    toString() {
      return serializeForm(this[LIST]);
    }
    get [Symbol.toStringTag]() {
      return "URLSearchParams";
    }
  }

  // --- URL -------------------------------------------------------------------------------

  const PARAMS = Symbol("params");
  const reparse = (url, href) => {
    url[RECORD] = parse(href, null);
    syncParams(url);
  };
  const syncParams = (url) => {
    const params = url[PARAMS];
    if (params) params[LIST] = parseForm(url[RECORD].query ?? "");
  };
  const isSpecial = (url) => isSpecialScheme(url[RECORD].scheme);
  /** Reparses the URL with one part replaced; a change that does not parse is ignored. */
  const tryChange = (url, change) => {
    const record = { ...url[RECORD], path: Array.isArray(url[RECORD].path) ? url[RECORD].path.slice() : url[RECORD].path };
    change(record);
    try {
      reparse(url, serialize(record));
    } catch {
      // Setters ignore values that do not parse.
    }
  };

  class URL {
    constructor(url, base) {
      let baseRecord = null;
      if (base !== undefined) baseRecord = parse(base instanceof URL ? base.href : base, null);
      this[RECORD] = parse(url instanceof URL ? url.href : url, baseRecord);
      this[PARAMS] = null;
    }
    static canParse(url, base) {
      try {
        new URL(url, base);
        return true;
      } catch {
        return false;
      }
    }
    static parse(url, base) {
      try {
        return new URL(url, base);
      } catch {
        return null;
      }
    }
    get href() {
      return serialize(this[RECORD]);
    }
    set href(value) {
      reparse(this, String(value));
    }
    get origin() {
      const r = this[RECORD];
      if (r.scheme === "blob:" && typeof r.path === "string") {
        try {
          const inner = new URL(r.path);
          if (inner.protocol === "http:" || inner.protocol === "https:") return inner.origin;
        } catch {
          // an opaque origin
        }
        return "null";
      }
      if (!isSpecialScheme(r.scheme) || r.scheme === "file:") return "null";
      return r.scheme + "//" + r.host + (r.port === null ? "" : ":" + r.port);
    }
    get protocol() {
      return this[RECORD].scheme;
    }
    set protocol(value) {
      const scheme = /^([a-zA-Z][a-zA-Z0-9+\-.]*)/.exec(String(value));
      if (!scheme) return;
      const next = scheme[1].toLowerCase() + ":";
      if (isSpecialScheme(next) !== isSpecial(this)) return;
      if (next === "file:" && (this[RECORD].username || this[RECORD].password || this[RECORD].port !== null)) return;
      tryChange(this, (r) => {
        r.scheme = next;
        if (r.port === SPECIAL[next]) r.port = null;
      });
    }
    get username() {
      return this[RECORD].username;
    }
    set username(value) {
      const r = this[RECORD];
      if (r.host === null || r.host === "" || r.scheme === "file:") return;
      r.username = percentEncode(String(value), USERINFO);
    }
    get password() {
      return this[RECORD].password;
    }
    set password(value) {
      const r = this[RECORD];
      if (r.host === null || r.host === "" || r.scheme === "file:") return;
      r.password = percentEncode(String(value), USERINFO);
    }
    get host() {
      const r = this[RECORD];
      if (r.host === null) return "";
      return r.port === null ? r.host : r.host + ":" + r.port;
    }
    set host(value) {
      const r = this[RECORD];
      if (typeof r.path === "string") return;
      const text = String(value).split(/[/?#\\]/)[0];
      if (text === "") return;
      const special = isSpecial(this);
      const bracket = text.lastIndexOf("]");
      const colon = text.lastIndexOf(":");
      const hostText = colon > bracket ? text.slice(0, colon) : text;
      const portText = colon > bracket ? /^[0-9]*/.exec(text.slice(colon + 1))[0] : null;
      const host = parseHost(hostText, special);
      if (host === null || host === "") return;
      r.host = host;
      if (portText) {
        const port = Number(portText);
        if (port <= 65535) r.port = port === SPECIAL[r.scheme] ? null : port;
      }
    }
    get hostname() {
      return this[RECORD].host ?? "";
    }
    set hostname(value) {
      const r = this[RECORD];
      if (typeof r.path === "string") return;
      const text = String(value).split(/[/?#\\]/)[0];
      const host = text.startsWith("[") ? parseHost(text, true) : parseHost(text.split(":")[0], isSpecial(this));
      if (host === null || (host === "" && isSpecial(this))) return;
      r.host = host;
    }
    get port() {
      const port = this[RECORD].port;
      return port === null ? "" : String(port);
    }
    set port(value) {
      const r = this[RECORD];
      if (r.host === null || r.host === "" || r.scheme === "file:") return;
      const text = String(value);
      if (text === "") {
        r.port = null;
        return;
      }
      const digits = /^[0-9]+/.exec(text);
      if (!digits) return;
      const port = Number(digits[0]);
      if (port > 65535) return;
      r.port = port === SPECIAL[r.scheme] ? null : port;
    }
    get pathname() {
      return serializePath(this[RECORD]).replace(/^\/\.(?=\/)/, "");
    }
    set pathname(value) {
      const r = this[RECORD];
      if (typeof r.path === "string") return;
      const special = isSpecial(this);
      const text = String(value);
      r.path = [];
      appendPath(r.path, special || text.startsWith("/") ? text.replace(/^[/\\]/, "") : text, special);
      if (!special && text === "") r.path = [];
    }
    get search() {
      const query = this[RECORD].query;
      return query === null || query === "" ? "" : "?" + query;
    }
    set search(value) {
      const r = this[RECORD];
      const text = String(value);
      if (text === "") {
        r.query = null;
      } else {
        r.query = percentEncode(text.startsWith("?") ? text.slice(1) : text, isSpecial(this) ? SPECIAL_QUERY : QUERY);
      }
      syncParams(this);
    }
    get searchParams() {
      if (!this[PARAMS]) {
        const params = new URLSearchParams(this[RECORD].query ?? "");
        params[URL_OBJECT] = this;
        this[PARAMS] = params;
      }
      return this[PARAMS];
    }
    get hash() {
      const fragment = this[RECORD].fragment;
      return fragment === null || fragment === "" ? "" : "#" + fragment;
    }
    set hash(value) {
      const text = String(value);
      this[RECORD].fragment = text === "" ? null : encodeFragment(text.startsWith("#") ? text.slice(1) : text);
    }
    toString() {
      return this.href;
    }
    toJSON() {
      return this.href;
    }
    get [Symbol.toStringTag]() {
      return "URL";
    }
  }

  for (const Class of [URL, URLSearchParams]) {
    for (const key of Object.getOwnPropertyNames(Class.prototype)) {
      if (key !== "constructor") {
        const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, key);
        Object.defineProperty(Class.prototype, key, { ...descriptor, enumerable: true });
      }
    }
  }
  Object.defineProperty(URLSearchParams.prototype, Symbol.iterator, {
    value: URLSearchParams.prototype.entries,
    writable: true,
    configurable: true,
  });

  const define = (name, value) =>
    Object.defineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
  define("URL", URL);
  define("URLSearchParams", URLSearchParams);
})(globalThis);
