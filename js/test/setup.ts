import { afterEach } from "vitest";

// Testing Library unmounts rendered trees after each test only when test
// globals are enabled; do it explicitly (only where a DOM exists).
afterEach(async () => {
  if (typeof document === "undefined") return;
  const { cleanup } = await import("@testing-library/react");
  cleanup();
});
