import { defineConfig } from "vitest/config";

export default defineConfig({
  // Generated test fixtures import "@mizan/react": this package's sources.
  resolve: { alias: { "@mizan/react": new URL("./src/index.ts", import.meta.url).pathname } },
  test: {
    environment: "jsdom",
    include: ["test/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    setupFiles: ["test/setup.ts"],
  },
});
