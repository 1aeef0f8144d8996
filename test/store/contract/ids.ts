// Message ids: given at commit, increasing in commit order and stable across restarts, so a reader that polls
// `messagesOfAddress(after = last id seen)` (a web chat page) never skips a message.
import { expect, it } from 'vitest';
import type { Message } from '../../../src/store/types.ts';
import { contact, conversation, inbound, outbound } from '../helpers.ts';
import type { OpenStore } from './harness.ts';
import { delay, pause } from './timing.ts';

/** Message ids in commit order, on stores from `open`. */
export function ids(open: OpenStore): void {
  it('never skips a message to a reader polling messagesOfAddress after the last id it saw, while 50 transactions commit concurrently', async () => {
    const { store, reopen } = await open();
    await store.transaction('setup', async (tx) => {
      tx.putContact(contact('ann'));
      tx.putConversation(conversation(1, 'ann'));
      tx.putDoc('desk', 'replies', 0);
    });
    let writersDone = false;
    const seen: Message[] = [];
    const reader = (async () => {
      let last = 0;
      for (;;) {
        const finished = writersDone;
        const page = await store.messagesOfAddress('webchat', 'ann', last, 7);
        seen.push(...page);
        last = page.at(-1)?.id ?? last;
        if (page.length > 0) continue;
        if (finished) return;
        await pause();
      }
    })();
    let runs = 0;
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        store.transaction(`agent-${n}`, async (tx) => {
          runs += 1;
          tx.addMessage(outbound('ann', 1, `${n}: first part`));
          // Half of them contend for one doc, so transactions commit in another order than they added messages,
          // some only after their work ran again; the others take their time.
          if (n % 2 === 0) {
            const replies = (await tx.doc<number>('desk', 'replies')) ?? 0;
            await delay(n % 3);
            tx.putDoc('desk', 'replies', replies + 1);
          } else {
            await delay(n % 4);
          }
          tx.addMessage({ ...outbound('ann', 1, `${n}: second part`), from: 'agent', agentId: `agent-${n}` });
        }),
      ),
    );
    writersDone = true;
    await reader;
    expect(runs).toBeGreaterThan(50);
    const all = await store.messagesOfAddress('webchat', 'ann');
    expect(all).toHaveLength(100);
    expect(seen).toEqual(all);
    // A transaction's messages get adjacent ids, in the order it added them.
    for (let index = 0; index < all.length; index += 2) {
      const [writer] = all[index]?.text.split(':') ?? [];
      expect([all[index]?.text, all[index + 1]?.text]).toEqual([`${writer}: first part`, `${writer}: second part`]);
      expect(all[index + 1]?.id).toBeGreaterThan(all[index]?.id ?? Infinity);
    }
    expect(await (await reopen()).messagesOfAddress('webchat', 'ann')).toEqual(all);
  });

  it("gives ids that grow in the order a key's transactions commit, and keeps them after a restart", async () => {
    const { store, reopen } = await open();
    await Promise.all(
      Array.from({ length: 20 }, (_, n) => store.transaction(`k${n % 4}`, async (tx) => tx.addMessage(inbound('c', 1, `m${n}`)))),
    );
    const stored = await store.messagesOfContact('c');
    expect(stored).toHaveLength(20);
    const idOf = new Map(stored.map((message) => [message.channelMessageId, message.id]));
    for (let key = 0; key < 4; key++) {
      const ofKey = Array.from({ length: 5 }, (_, round) => idOf.get(`m${key + 4 * round}`) ?? 0);
      expect(ofKey, `k${key}`).toEqual([...ofKey].sort((a, b) => a - b));
    }
    expect(await (await reopen()).messagesOfContact('c')).toEqual(stored);
  });

  it('pages the messages of an address with after and limit, and keeps equal addresses of two channels apart', async () => {
    const { store } = await open();
    for (let n = 1; n <= 4; n++) await store.transaction('ann', async (tx) => tx.addMessage(inbound('ann', 1, `m${n}`)));
    await store.transaction('tg', async (tx) => tx.addMessage({ ...inbound('ann-tg', 2, 'tg-1'), channel: 'telegram', address: 'ann' }));
    await store.transaction('ann', async (tx) => tx.addMessage(outbound('ann', 1, 'reply')));
    const all = await store.messagesOfAddress('webchat', 'ann');
    expect(all.map((m) => m.channelMessageId ?? m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'reply']);
    const [first, , third, fourth, reply] = all.map((m) => m.id);
    expect(await store.messagesOfAddress('webchat', 'ann', first, 2)).toEqual(all.slice(1, 3));
    expect((await store.messagesOfAddress('webchat', 'ann', third)).map((m) => m.id)).toEqual([fourth, reply]);
    expect(await store.messagesOfAddress('webchat', 'ann', reply)).toEqual([]);
    expect((await store.messagesOfAddress('telegram', 'ann')).map((m) => m.channelMessageId)).toEqual(['tg-1']);
    expect(await store.messagesOfAddress('webchat', 'nobody')).toEqual([]);
  });
}
