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
    await store.transaction('erase', async (tx) => markHolderOfErased(tx, 'omar', erasedAt));
    const asked = (agent: string, now: string) => store.transaction(`agent:${agent}`, (tx) => wasErased(tx, 'telegram', '9001:77', agent, new Date(now)));
    expect(await asked('omar', '2026-12-05T05:00:02Z')).toBe(true);
    expect(await asked('omar', '2026-12-06T04:59:00Z')).toBe(true);
    // A day on, his Reply on a message the store does not know goes as any agent's does.
    expect(await asked('omar', '2026-12-06T05:00:01Z')).toBe(false);
    // An agent who held none of the erased customer's conversations was never concerned.
    expect(await asked('lina', '2026-12-05T05:00:02Z')).toBe(false);
    await store.close();
  });
});
