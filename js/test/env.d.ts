// Vite's `?raw` imports (file contents as a string), used by the tests.
declare module "*?raw" {
  const content: string;
  export default content;
}
