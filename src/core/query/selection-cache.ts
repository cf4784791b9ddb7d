import type { Rec } from '../state.ts'

/** Selections kept per collection version; the least recently used goes first. */
const MAX_SELECTIONS_PER_VERSION = 16

const selections = new WeakMap<readonly Rec[], Map<string, readonly Rec[]>>()

/**
 * The filtered and sorted records for `key`, computed once per version of a collection. A version is the
 * stored array itself: the store replaces it on every change and never mutates it, so a cached selection
 * can never be stale, and it is garbage-collected with its version.
 */
export function cachedSelection(
  records: readonly Rec[],
  key: string,
  select: () => readonly Rec[],
): readonly Rec[] {
  let byKey = selections.get(records)
  if (byKey === undefined) {
    byKey = new Map()
    selections.set(records, byKey)
  }
  const hit = byKey.get(key)
  if (hit !== undefined) {
    byKey.delete(key)
    byKey.set(key, hit)
    return hit
  }
  const selected = select()
  byKey.set(key, selected)
  if (byKey.size > MAX_SELECTIONS_PER_VERSION) byKey.delete(byKey.keys().next().value!)
  return selected
}
