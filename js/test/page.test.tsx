import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { PageMeta, PageStatus, PageTitle } from "../src/index.js";

describe("page components in the browser", () => {
  it("set document.title and render nothing", () => {
    const { container, rerender } = render(
      <>
        <PageStatus code={404} />
        <PageTitle>First</PageTitle>
        <PageMeta name="robots" content="noindex" />
      </>,
    );
    expect(document.title).toBe("First");
    expect(container.innerHTML).toBe("");
    rerender(<PageTitle>Second</PageTitle>);
    expect(document.title).toBe("Second");
  });
});
