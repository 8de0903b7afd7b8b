/**
 * What a server render learns while it runs, besides its markup.
 *
 * - Local contexts it asked for but did not have: every local context hook
 *   that finds no data reports its key; the render result lists them as
 *   `missing`, the server resolves them and renders again with them.
 * - The page's HTTP status and head tags, set by `<PageStatus>`,
 *   `<PageTitle>` and `<PageMeta>`.
 *
 * The scope lives on `globalThis` (not in module state) so it is shared even
 * if a bundle ends up with two copies of this module; rendering is
 * synchronous, so one scope per runtime is enough.
 */

const SLOT = Symbol.for("mizan.ssr.scope");

export interface RenderScope {
  missing: Set<string>;
  status: number | undefined;
  title: string | undefined;
  meta: Map<string, string>;
}

type Slot = { [SLOT]?: RenderScope | undefined };

function current(): RenderScope | undefined {
  return (globalThis as Slot)[SLOT];
}

/** Runs `render` in a fresh scope; returns its result and what the scope collected. */
export function collectRender<T>(render: () => T): { result: T; scope: RenderScope } {
  const slot = globalThis as Slot;
  const previous = slot[SLOT];
  const scope: RenderScope = { missing: new Set(), status: undefined, title: undefined, meta: new Map() };
  slot[SLOT] = scope;
  try {
    return { result: render(), scope };
  } finally {
    slot[SLOT] = previous;
  }
}

/** True while a server render is collecting (i.e. this code runs inside one). */
export function isCollecting(): boolean {
  return current() !== undefined;
}

/** Records that the render needs the local context `id` (`name?{canonical json}`). */
export function reportMissing(id: string): void {
  current()?.missing.add(id);
}

/** Sets the page's status, title or a meta tag (the last one rendered wins). */
export function reportPage(update: { status?: number; title?: string; meta?: [string, string] }): void {
  const scope = current();
  if (scope === undefined) return;
  if (update.status !== undefined) scope.status = update.status;
  if (update.title !== undefined) scope.title = update.title;
  if (update.meta !== undefined) scope.meta.set(update.meta[0], update.meta[1]);
}
