import { describe, expect, it } from "vitest";
import STRINGS from "./fixtures/ssr-escaping.json" with { type: "json" };
import PAGE from "./fixtures/ssr-escaping.html?raw";

// The page is what the server sent for a global context returning STRINGS
// (`any_string_survives_embedding_in_the_page` in framework/tests/it/pages.rs writes and checks it).
describe("the SSR data script, read by an HTML parser", () => {
  it("decodes to exactly the strings the server embedded", () => {
    const document = new DOMParser().parseFromString(PAGE, "text/html");
    const scripts = [...document.querySelectorAll("script")].map((script) => script.textContent ?? "");
    const data = scripts.find((text) => text.startsWith("window.__MIZAN_SSR_DATA__ = "));
    expect(data).toBeDefined();
    const json = data!.slice("window.__MIZAN_SSR_DATA__ = ".length).replace(/;$/, "");
    const parsed = JSON.parse(json) as { nasty: string[] };
    expect(parsed.nasty).toEqual(STRINGS);
    expect(parsed.nasty).toHaveLength(STRINGS.length);
  });

  it("has no element the strings could have opened", () => {
    const document = new DOMParser().parseFromString(PAGE, "text/html");
    // The shell's own scripts only: nothing in the data started a new element or comment.
    const walker = document.createTreeWalker(document, 128 /* NodeFilter.SHOW_COMMENT */);
    expect(walker.nextNode()).toBeNull();
    expect(document.querySelectorAll("script:not([src])")).toHaveLength(1);
  });
});
