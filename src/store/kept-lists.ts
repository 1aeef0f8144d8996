// Things that came before what they belong to (a customer's edit before its message, a failure reported before its
// send's id was stored), kept in a document of the store until it comes: every process sharing the store sees them,
// and a restart keeps them. Bounded by age and number, since what they wait for may never come.
import type { Tx } from './types.ts';

/** One thing kept: `id` tells the same one delivered again; `at`, how old it is. */
export interface Kept {
  id: string;
  at: string;
}

/** How long a list keeps a thing (counted back from the newest), and how many at most: past either, the oldest go. */
export interface KeptBounds {
  keptMs: number;
  max: number;
}

/**
 * Adds `item` to the list in document `collection`/`key`; the same id delivered again is kept once.
 *
 *     await keepInList(tx, 'early-changes', 'whatsapp-cloud:16505551234', change, { keptMs: 7 * 86_400_000, max: 20 });
 */
export async function keepInList<T extends Kept>(tx: Tx, collection: string, key: string, item: T, bounds: KeptBounds): Promise<void> {
  const kept = (await tx.doc<T[]>(collection, key)) ?? [];
  if (kept.some((each) => each.id === item.id)) return;
  const fresh = kept.filter((each) => Date.parse(item.at) - Date.parse(each.at) < bounds.keptMs);
  tx.putDoc(collection, key, [...fresh, item].slice(-bounds.max));
}

/**
 * The things `which` picks from the list in document `collection`/`key`, in the order they were kept, no longer kept
 * (the document goes with its last thing). Two transactions taking the same thing: one gets it (`Tx.doc` is read at commit).
 *
 *     const taken = await takeFromList<EarlyChange>(tx, 'early-changes', key, (change) => change.of === id);
 */
export async function takeFromList<T extends Kept>(tx: Tx, collection: string, key: string, which: (item: T) => boolean): Promise<T[]> {
  const kept = await tx.doc<T[]>(collection, key);
  const taken = kept?.filter(which) ?? [];
  if (!kept || taken.length === 0) return [];
  const left = kept.filter((each) => !which(each));
  if (left.length > 0) tx.putDoc(collection, key, left);
  else tx.deleteDoc(collection, key);
  return taken;
}
