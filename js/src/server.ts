import type { ReactElement } from "react";
// The browser build needs no Node.js APIs: it runs in the embedded engine.
import { renderToString } from "react-dom/server.browser";
import { collectRender, type RenderScope } from "./ssr-collect.js";
import type { SsrData } from "./ssr-data.js";
import { isRecord } from "./json.js";

/** What the server asks the renderer for, as JSON. */
export interface RenderRequest {
  /** Path and query of the page, e.g. `/posts?page=2`. */
  url: string;
  /** Context values to render with; pass them to `<MizanProvider ssrData>`. */
  ssrData: SsrData;
}

/** What the renderer answers, as JSON. */
export interface RenderResult {
  /** Markup of the app, to put inside the page's root element. */
  html: string;
  /** HTTP status of the page. */
  status: number;
  /** Extra markup for `<head>`. */
  head: string;
  /**
   * Local contexts the page asked for without having their data, as
   * `name?{canonical json args}`; the server resolves them and renders again.
   */
  missing: string[];
}

/** The function the server calls: a JSON `RenderRequest` in, a JSON `RenderResult` out. */
export type RenderFunction = (requestJson: string) => string;

/** Parses and checks a render request. */
export function parseRenderRequest(requestJson: string): RenderRequest {
  const parsed: unknown = JSON.parse(requestJson);
  if (!isRecord(parsed) || typeof parsed["url"] !== "string") {
    throw new TypeError("Mizan render request must be a JSON object with a string `url`");
  }
  const ssrData = parsed["ssrData"];
  return { url: parsed["url"], ssrData: isRecord(ssrData) ? (ssrData as SsrData) : {} };
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The `<head>` tags `<PageTitle>` and `<PageMeta>` asked for. */
function headOf(scope: RenderScope): string {
  let head = scope.title === undefined ? "" : `<title>${escapeHtml(scope.title)}</title>`;
  for (const [name, content] of scope.meta) {
    head += `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`;
  }
  return head;
}

/** Builds the render function without installing it. */
export function createRenderer(render: (request: RenderRequest) => ReactElement): RenderFunction {
  return (requestJson) => {
    const request = parseRenderRequest(requestJson);
    const { result: html, scope } = collectRender(() => renderToString(render(request)));
    const result: RenderResult = { html, status: scope.status ?? 200, head: headOf(scope), missing: [...scope.missing] };
    return JSON.stringify(result);
  };
}

/**
 * Installs the app's renderer as `globalThis.__mizanRender`, which the server
 * calls for every page. `render` returns the app's root element, wrapped by
 * the app in `<MizanProvider ssrData={request.ssrData}>`.
 */
export function installRenderer(render: (request: RenderRequest) => ReactElement): void {
  (globalThis as { __mizanRender?: RenderFunction }).__mizanRender = createRenderer(render);
}
