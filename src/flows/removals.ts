// A flow being removed (`DELETE /api/flows/:name`), marked in the store while the removal makes sure no open
// conversation runs on it. Every start of a flow reads the mark in its own transaction, so a start under way in any
// process either committed before the mark was written (and the removal counts it, and is refused) or is run again
// by the store (what it read changed; a mark taken off again is a change too) and finds the flow going: it starts no
// flow. A start in a process whose flows were read before the file went finds the file gone
// (`FlowLibrary.stillOnDisk`), looked at after the mark: a mark read as off once the removal ended means the file is
// gone by then. Looked at before, a whole removal could run between the two (the file there, the mark off again), and
// a customer went on in the removed flow after its 204 (seen once in CI, PostgreSQL, two processes, a loaded machine).
import type { Store, Tx } from '../store/types.ts';

/** The collection of the marks, keyed by the flow's name (`flow:` in its file). */
const REMOVALS = 'flow-removals';
/** A mark older than this was left by a removal cut short (its process stopped): starts no longer heed it. */
const MARK_HEEDED_MS = 60_000;

interface RemovalMark {
  at: string;
}

/**
 * Runs `work` (the count of the flow's open conversations, then the file's removal) with the flow marked as going, and
 * takes the mark off after it, whatever it decided.
 *
 *     await whileRemoving(store, 'greeting', new Date(), async () => countThenRemove());
 */
export async function whileRemoving<T>(store: Store, flow: string, now: Date, work: () => Promise<T>): Promise<T> {
  await store.transaction(`${REMOVALS}:${flow}`, async (tx) => tx.putDoc(REMOVALS, flow, { at: now.toISOString() } satisfies RemovalMark));
  try {
    return await work();
  } finally {
    await store.transaction(`${REMOVALS}:${flow}`, async (tx) => tx.deleteDoc(REMOVALS, flow));
  }
}

/**
 * Whether `flow` is being removed: a start reads it in its transaction (see the header), and starts no flow when it is.
 *
 *     if (await beingRemoved(tx, 'greeting', turn.now)) return;
 */
export async function beingRemoved(tx: Tx, flow: string, now: Date): Promise<boolean> {
  const mark = await tx.doc<RemovalMark>(REMOVALS, flow);
  return mark !== undefined && now.getTime() - Date.parse(mark.at) < MARK_HEEDED_MS;
}
