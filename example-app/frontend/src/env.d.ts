// Stylesheets are bundled by esbuild into dist/client.css.
declare module "*.css";
