import { useEffect } from "react";
import { isCollecting, reportPage } from "../ssr-collect.js";

/**
 * Sets the HTTP status of a server-rendered page, e.g. `<PageStatus code={404} />`
 * in a not-found page. Renders nothing; in the browser it does nothing.
 */
export function PageStatus({ code }: { code: number }): null {
  if (isCollecting()) reportPage({ status: code });
  return null;
}

/**
 * Sets the page's `<title>`: in the server-rendered head, and in the browser
 * when the component mounts or the title changes.
 */
export function PageTitle({ children }: { children: string }): null {
  if (isCollecting()) reportPage({ title: children });
  useEffect(() => {
    document.title = children;
  }, [children]);
  return null;
}

/** Adds `<meta name={name} content={content}>` to the server-rendered head. */
export function PageMeta({ name, content }: { name: string; content: string }): null {
  if (isCollecting()) reportPage({ meta: [name, content] });
  return null;
}
