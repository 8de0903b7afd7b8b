// Vite's `?raw` imports (file contents as a string), used by the tests.
declare module "*?raw" {
  const content: string;
  export default content;
}

// Vite's `import.meta.glob`, as the tests use it: every matching file's contents, eagerly.
interface ImportMeta {
  glob(pattern: string | string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, string>;
}
