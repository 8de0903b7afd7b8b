// Checks the built @mizan/react package as an app installed from npm would see it: every
// entry of its `exports` map resolves (without the `source` condition, so from dist/), has
// type declarations, and exports what the documentation promises.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "js");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const expected = {
  ".": ["MizanClient", "MizanError", "MizanProvider", "callFunction", "createLocalContext", "fetchContext", "isMizanError", "MizanSocket", "rules", "useCall", "useChannel", "useGlobalContext", "useLocalContextQuery", "useMizanForm", "z"],
  "./server": ["installRenderer", "createRenderer"],
};
let failures = 0;
for (const [entry, names] of Object.entries(expected)) {
  const target = pkg.exports[entry];
  for (const field of ["types", "import"]) {
    if (!existsSync(join(root, target[field]))) {
      console.error(`${entry}: ${target[field]} is missing; run \`npm run build -w js\``);
      failures += 1;
    }
  }
  const module = await import(join(root, target.import));
  for (const name of names) {
    if (!(name in module)) {
      console.error(`${entry}: no export named ${name}`);
      failures += 1;
    }
  }
  if ("default" in module) {
    console.error(`${entry}: has a default export; the package uses named exports only`);
    failures += 1;
  }
}
if (failures > 0) process.exit(1);
console.log(`@mizan/react: ${Object.keys(expected).length} entry points built, typed and exporting what they should`);
// The imported modules may keep timers alive; the check is done.
process.exit(0);
