/**
 * Reads one cookie from a `document.cookie`-style string. Returns `undefined`
 * when the cookie is absent or `cookies` is undefined.
 */
export function readCookie(cookies: string | undefined, name: string): string | undefined {
  if (cookies === undefined || cookies === "") return undefined;
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** The browser's cookies, or `undefined` where there is no `document` (server rendering). */
export function documentCookies(): string | undefined {
  const doc = (globalThis as { document?: { cookie?: unknown } }).document;
  return typeof doc?.cookie === "string" ? doc.cookie : undefined;
}
