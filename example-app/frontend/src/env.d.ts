// Stylesheets are bundled by esbuild into dist/client-<hash>.css.
declare module "*.css";
