// What the store keeps of a customer erased since, for agents' Replies: an agent who held them has a Reply on a
// message the store does not know taken for one about that customer for a day after the erase, and no longer.
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { markHolderOfErased, wasErased } from '../../src/store/erased-relays.ts';
import { tempDirs } from './helpers.ts';

describe('erased relays', () => {
  it("takes an unknown message an agent who held an erased customer replies to for that customer's, for a day", async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const erasedAt = new Date('2026-12-05T05:00:00Z');
    await store.transaction('erase', async (tx) => markHolderOfErased(tx, 'omar', 'c-gone', erasedAt));
    const asked = (agent: string, now: string) => store.transaction(`agent:${agent}`, (tx) => wasErased(tx, 'telegram', '9001:77', agent, new Date(now)));
    expect(await asked('omar', '2026-12-05T05:00:02Z')).toBe(true);
    expect(await asked('omar', '2026-12-06T04:59:00Z')).toBe(true);
    // A day on, his Reply on a message the store does not know goes as any agent's does.
    expect(await asked('omar', '2026-12-06T05:00:01Z')).toBe(false);
    // An agent who held none of the erased customer's conversations was never concerned.
    expect(await asked('lina', '2026-12-05T05:00:02Z')).toBe(false);
    await store.close();
  });

  it('takes none for a customer whose erase failed before its delete (still there), and does once they are erased', async () => {
    const store = await openStore({ dir: await tempDirs.make() });
    const at = '2026-12-05T05:00:00.000Z';
    await store.transaction('setup', async (tx) => tx.putContact({ id: 'layla', identities: [{ channel: 'telegram', id: '5001' }], fields: {}, tags: [], createdAt: at, updatedAt: at }));
    await store.transaction('erase', async (tx) => markHolderOfErased(tx, 'omar', 'layla', new Date(at)));
    const asked = () => store.transaction('agent:omar', (tx) => wasErased(tx, 'telegram', '9001:77', 'omar', new Date('2026-12-05T05:00:02Z')));
    expect(await asked()).toBe(false);
    await store.eraseContact('layla');
    expect(await asked()).toBe(true);
    await store.close();
  });
});
