/**
 * Local contexts a server render asked for but did not have.
 *
 * While the server renders a page, every local context hook that finds no
 * data reports its key here; the render result lists them as `missing`, the
 * server resolves them and renders again with them under `$local`. The list
 * lives on `globalThis` (not in module state) so it is shared even if a bundle
 * ends up with two copies of this module; rendering is synchronous, so one
 * list per runtime is enough.
 */

const SLOT = Symbol.for("mizan.ssr.missing");

type Slot = { [SLOT]?: Set<string> | undefined };

/** Runs `render` while collecting missing local contexts; returns both. */
export function collectMissing<T>(render: () => T): { result: T; missing: string[] } {
  const slot = globalThis as Slot;
  const previous = slot[SLOT];
  const missing = new Set<string>();
  slot[SLOT] = missing;
  try {
    const result = render();
    return { result, missing: [...missing] };
  } finally {
    slot[SLOT] = previous;
  }
}

/** True while a server render is collecting (i.e. this code runs inside one). */
export function isCollecting(): boolean {
  return (globalThis as Slot)[SLOT] !== undefined;
}

/** Records that the render needs the local context `id` (`name?{canonical json}`). */
export function reportMissing(id: string): void {
  (globalThis as Slot)[SLOT]?.add(id);
}
