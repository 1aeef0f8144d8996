// The store's queries: open conversations (filtered and counted), messages by channel message id, by conversation
// and by address, contacts and documents; live, inside a transaction, and after a restart.
import { describe, expect, it } from 'vitest';
import type { Conversation, Message, OpenConversationFilter } from '../../../src/store/types.ts';
import { contact, conversation, handleMessage, inbound, outbound, storedMessages } from '../helpers.ts';
import type { OpenStore } from './harness.ts';

/** A message on an agent's private chat with the bot: it concerns no customer. */
function toAgent(chat: string, text: string): Omit<Message, 'id'> {
  return { channel: 'telegram', address: chat, agentId: 'omar', direction: 'out', from: 'bot', text, at: '2025-01-01T00:00:00.000Z', status: 'pending' };
}

/** Every query of Store and Tx, on stores from `open`. */
export function queries(open: OpenStore): void {
  describe('openConversations', () => {
    it('lists open conversations oldest first as they open, close and reopen, also after a restart', async () => {
      const { store, reopen } = await open();
      expect(await store.openConversations()).toEqual([]);
      await store.transaction('setup', async (tx) => {
        for (const who of ['ann', 'bob', 'cid']) tx.putContact(contact(who));
        tx.putConversation(conversation(3, 'cid'));
        tx.putConversation(conversation(1, 'ann'));
        tx.putConversation(conversation(2, 'bob', 'closed'));
      });
      expect((await store.openConversations()).map((c) => c.id)).toEqual([1, 3]);

      await store.transaction('ann', async (tx) => tx.putConversation({ ...conversation(1, 'ann'), status: 'closed', closedAt: 'now' }));
      expect((await store.openConversations()).map((c) => c.id)).toEqual([3]);
      // An old conversation opened again goes back to its place by id.
      await store.transaction('bob', async (tx) => tx.putConversation(conversation(2, 'bob')));
      await store.transaction('ann', async (tx) => tx.putConversation(conversation(4, 'ann')));
      const listed = await store.openConversations();
      expect(listed.map((c) => [c.id, c.contactId, c.status])).toEqual([
        [2, 'bob', 'open'],
        [3, 'cid', 'open'],
        [4, 'ann', 'open'],
      ]);
      // Copies: changing what it returned changes nothing stored.
      if (listed[0]) listed[0].status = 'closed';
      expect((await store.openConversations()).map((c) => c.id)).toEqual([2, 3, 4]);

      const reopened = await reopen();
      expect(await reopened.openConversations()).toEqual((await reopened.conversations()).filter((c) => c.status === 'open'));
      expect((await reopened.openConversations()).map((c) => c.id)).toEqual([2, 3, 4]);
    });

    it('shows a transaction the conversations it opened and closed itself, and nobody else before it commits', async () => {
      const { store } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putContact(contact('ann'));
        tx.putContact(contact('bob'));
        tx.putConversation(conversation(1, 'ann'));
        tx.putConversation(conversation(2, 'bob'));
      });
      await store.transaction('ann', async (tx) => {
        tx.putConversation({ ...conversation(1, 'ann'), status: 'closed' });
        tx.putConversation(conversation(await tx.newConversationId(), 'ann'));
        tx.putConversation({ ...conversation(2, 'bob'), stage: 'queued' });
        const seen = await tx.openConversations();
        expect(seen.map((c) => [c.id, c.stage])).toEqual([
          [2, 'queued'],
          [3, 'bot'],
        ]);
        expect((await store.openConversations()).map((c) => [c.id, c.stage])).toEqual([
          [1, 'bot'],
          [2, 'bot'],
        ]);
      });
      expect((await store.openConversations()).map((c) => [c.id, c.stage])).toEqual([
        [2, 'queued'],
        [3, 'bot'],
      ]);
      // A transaction that fails leaves the index as it was.
      await expect(
        store.transaction('bob', async (tx) => {
          tx.putConversation({ ...conversation(2, 'bob'), status: 'closed' });
          expect((await tx.openConversations()).map((c) => c.id)).toEqual([3]);
          throw new Error('step crashed');
        }),
      ).rejects.toThrow('step crashed');
      expect((await store.openConversations()).map((c) => c.id)).toEqual([2, 3]);
    });

    it('filters open conversations by stage with team or agent, and counts what it lists, outside and inside a transaction', async () => {
      const { store, reopen } = await open();
      const shapes: Partial<Conversation>[] = [
        { stage: 'queued', team: 'Billing' },
        { stage: 'assigned', team: 'Billing', agentId: 'omar' },
        { stage: 'queued', team: 'Sales' },
        { stage: 'assigned', team: 'Sales', agentId: 'omar' },
        { stage: 'assigned', team: 'Billing', agentId: 'lina' },
        { stage: 'bot' },
        { stage: 'queued', team: 'Billing', status: 'closed' },
      ];
      await store.transaction('setup', async (tx) => {
        shapes.forEach((shape, index) => {
          tx.putContact(contact(`c${index + 1}`));
          tx.putConversation({ ...conversation(index + 1, `c${index + 1}`), ...shape });
        });
      });
      const filters: [OpenConversationFilter | undefined, number[]][] = [
        [undefined, [1, 2, 3, 4, 5, 6]],
        [{ stage: 'queued' }, [1, 3]],
        [{ stage: 'queued', team: 'Billing' }, [1]],
        [{ stage: 'assigned', agentId: 'omar' }, [2, 4]],
        [{ stage: 'assigned', team: 'Billing', agentId: 'omar' }, [2]],
        [{ agentId: 'lina' }, [5]],
        [{ team: 'Sales' }, [3, 4]],
        [{ stage: 'bot', team: 'Billing' }, []],
      ];
      for (const [filter, expected] of filters) {
        expect((await store.openConversations(filter)).map((c) => c.id), JSON.stringify(filter)).toEqual(expected);
        expect(await store.countOpenConversations(filter), JSON.stringify(filter)).toBe(expected.length);
        expect(await store.transaction('count', (tx) => tx.countOpenConversations(filter)), JSON.stringify(filter)).toBe(expected.length);
      }
      await store.transaction('agent:omar', async (tx) => {
        // Omar takes the Billing queue's conversation: the transaction's own lists and counts follow.
        const [queued] = await tx.openConversations({ stage: 'queued', team: 'Billing' });
        if (!queued) throw new Error('the Billing queue is empty');
        queued.stage = 'assigned';
        queued.agentId = 'omar';
        tx.putConversation(queued);
        const afterClaim: [OpenConversationFilter | undefined, number[]][] = [
          [undefined, [1, 2, 3, 4, 5, 6]],
          [{ stage: 'queued' }, [3]],
          [{ stage: 'queued', team: 'Billing' }, []],
          [{ stage: 'assigned', agentId: 'omar' }, [1, 2, 4]],
          [{ stage: 'assigned', team: 'Billing', agentId: 'omar' }, [1, 2]],
          [{ team: 'Billing' }, [1, 2, 5]],
        ];
        for (const [filter, expected] of afterClaim) {
          expect((await tx.openConversations(filter)).map((c) => c.id), JSON.stringify(filter)).toEqual(expected);
          expect(await tx.countOpenConversations(filter), JSON.stringify(filter)).toBe(expected.length);
        }
      });
      const reopened = await reopen();
      expect((await reopened.openConversations({ stage: 'assigned', agentId: 'omar' })).map((c) => c.id)).toEqual([1, 2, 4]);
      expect(await reopened.openConversations({ stage: 'queued', team: 'Billing' })).toEqual([]);
      expect(await reopened.countOpenConversations({ stage: 'assigned', agentId: 'omar' })).toBe(3);
      expect(await reopened.countOpenConversations({ stage: 'queued', team: 'Billing' })).toBe(0);
    });

    it('filters open conversations by how long they have waited for their customer (openedAt without awaitingCustomerSince), outside and inside a transaction', async () => {
      const { store, reopen } = await open();
      const shapes: Partial<Conversation>[] = [
        { openedAt: '2026-11-01T08:00:00.000Z', awaitingCustomerSince: '2026-11-02T09:00:00.000Z' },
        { openedAt: '2026-11-01T08:00:00.000Z', awaitingCustomerSince: '2026-11-03T09:00:00.000Z' },
        { openedAt: '2026-11-01T08:00:00.000Z' },
        { openedAt: '2026-11-04T08:00:00.000Z' },
        { openedAt: '2026-11-01T08:00:00.000Z', stage: 'queued', team: 'Billing' },
        { openedAt: '2026-11-01T08:00:00.000Z', status: 'closed' },
      ];
      await store.transaction('setup', async (tx) => {
        shapes.forEach((shape, index) => {
          tx.putContact(contact(`c${index + 1}`));
          tx.putConversation({ ...conversation(index + 1, `c${index + 1}`), ...shape });
        });
      });
      const filters: [OpenConversationFilter, number[]][] = [
        [{ stage: 'bot', awaitingCustomerBefore: '2026-11-03T09:00:00.000Z' }, [1, 3]],
        [{ stage: 'bot', awaitingCustomerBefore: '2026-11-03T09:00:00.001Z' }, [1, 2, 3]],
        [{ awaitingCustomerBefore: '2026-11-05T00:00:00.000Z' }, [1, 2, 3, 4, 5]],
        [{ stage: 'bot', awaitingCustomerBefore: '2026-11-01T08:00:00.000Z' }, []],
      ];
      for (const [filter, expected] of filters) {
        expect((await store.openConversations(filter)).map((c) => c.id), JSON.stringify(filter)).toEqual(expected);
        expect(await store.countOpenConversations(filter), JSON.stringify(filter)).toBe(expected.length);
        expect(await store.transaction('count', (tx) => tx.countOpenConversations(filter)), JSON.stringify(filter)).toBe(expected.length);
      }
      await store.transaction('c1', async (tx) => {
        // The customer of #1 answers: the transaction's own list follows.
        const first = await tx.conversation(1);
        if (!first) throw new Error('no conversation 1');
        first.awaitingCustomerSince = '2026-11-04T10:00:00.000Z';
        tx.putConversation(first);
        const filter = { stage: 'bot', awaitingCustomerBefore: '2026-11-04T00:00:00.000Z' } as const;
        expect((await tx.openConversations(filter)).map((c) => c.id)).toEqual([2, 3]);
        expect((await tx.openConversations(filter, { live: false })).map((c) => c.id)).toEqual([2, 3]);
        expect(await tx.countOpenConversations(filter)).toBe(2);
      });
      const reopened = await reopen();
      expect((await reopened.openConversations({ stage: 'bot', awaitingCustomerBefore: '2026-11-04T09:00:00.000Z' })).map((c) => c.id)).toEqual([2, 3, 4]);
    });
  });

  describe('conversationsBefore', () => {
    it('pages through every conversation newest first, open and closed alike, also after a restart', async () => {
      const { store, reopen } = await open();
      expect(await store.conversationsBefore(undefined, 10)).toEqual([]);
      await store.transaction('setup', async (tx) => {
        for (const who of ['ann', 'bob']) tx.putContact(contact(who));
        for (let id = 1; id <= 9; id++) tx.putConversation(conversation(id, id % 2 ? 'ann' : 'bob', id === 9 || id === 4 ? 'open' : 'closed'));
      });
      // Closed ones kept as text and open ones as objects interleave by id; one closed meanwhile keeps its place.
      await store.transaction('bob', async (tx) => tx.putConversation({ ...conversation(4, 'bob'), status: 'closed', closedAt: 'now' }));
      await store.transaction('ann', async (tx) => tx.putConversation(conversation(await tx.newConversationId(), 'ann', 'closed')));
      const newest = (await store.conversations()).at(-1)!.id;
      const [first] = await store.conversationsBefore(10, 1);
      if (first) first.status = 'closed';
      expect((await store.conversation(9))?.status).toBe('open');
      for (let reader of [store, reopen]) {
        if (typeof reader === 'function') reader = await reader();
        const pages: number[][] = [];
        let before: number | undefined;
        for (;;) {
          const page = await reader.conversationsBefore(before, 3);
          if (page.length === 0) break;
          pages.push(page.map((c) => c.id));
          before = page.at(-1)!.id;
        }
        expect(pages.flat()).toEqual([newest, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        expect(pages.every((page) => page.length <= 3)).toBe(true);
        expect((await reader.conversationsBefore(5, 2)).map((c) => [c.id, c.status])).toEqual([[4, 'closed'], [3, 'closed']]);
        expect((await reader.conversationsBefore(1, 5))).toEqual([]);
        expect(await reader.conversationsBefore(undefined, 100)).toEqual([...(await reader.conversations())].reverse());
      }
    });
  });

  describe('conversationsSaying', () => {
    it('finds the conversations whose transcript says a text, lower-cased, newest first, below `before`', async () => {
      const { store, reopen } = await open();
      const said: Record<number, string[]> = {
        1: ['I was CHARGED twice', 'refund please'],
        2: ['Where is my parcel?', 'He said "refund" twice'],
        3: ['أين طلبي؟', 'شكرا'],
        4: ['Ça coûte trop cher', 'a back\\slash and a\nnew line'],
        5: ['hello', '5 \u212am away, in İstanbul'],
        6: ['emoji 😀 refund 😀'],
      };
      await store.transaction('setup', async (tx) => {
        for (const [id, texts] of Object.entries(said)) {
          const n = Number(id);
          tx.putContact(contact(`c${n}`));
          tx.putConversation(conversation(n, `c${n}`, 'closed'));
          texts.forEach((text, index) => tx.addMessage(index % 2 === 0 ? inbound(`c${n}`, n, `m${n}-${index}`, text) : outbound(`c${n}`, n, text)));
        }
        // A copy relayed to an agent is not what was said in conversation 6.
        tx.addMessage({ ...outbound('c6', 6, '#6 relayed-to-agent-only'), address: 'agent-omar', toAgent: true, contactId: undefined });
      });
      const check = async (reader: typeof store) => {
        if (!reader.conversationsSaying) return;
        const transcripts = new Map<number, string[]>();
        for (let n = 1; n <= 6; n++) transcripts.set(n, (await reader.messagesOfConversation(n)).filter((m) => !m.toAgent).map((m) => m.text.toLowerCase()));
        const expected = (text: string) => [...transcripts].filter(([, texts]) => texts.some((t) => t.includes(text))).map(([id]) => id).sort((a, b) => b - a);
        for (const text of ['refund', 'charged twice', 'twice', 'طلبي', 'ça coûte', '"refund"', 'back\\slash', 'a\nnew', 'km away', 'stanbul', '😀 refund', 'relayed-to-agent', 'nobody said this', 'e']) {
          expect(await reader.conversationsSaying(text, { limit: 10 }), text).toEqual(expected(text));
        }
        expect(await reader.conversationsSaying('refund', { before: 6, limit: 10 })).toEqual(expected('refund').filter((id) => id < 6));
        expect(await reader.conversationsSaying('refund', { limit: 2 })).toEqual(expected('refund').slice(0, 2));
        expect(await reader.conversationsSaying('e', { before: 2, limit: 10 })).toEqual([1]);
      };
      await check(store);
      expect(await store.conversationsSaying?.('refund', { before: 6, limit: 10 })).toEqual([2, 1]);
      // More said since, in memory or in an archive alike.
      await store.transaction('c3', async (tx) => tx.addMessage(inbound('c3', 3, 'm3-late', 'A REFUND after all')));
      await check(store);
      await check(await reopen());
    });
  });

  describe('messageByChannelId', () => {
    it('finds inbound messages, and outbound ones once markDelivery recorded their id, also after a restart', async () => {
      const { store, reopen } = await open();
      await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'in-1'));
      const [received, first, second] = await storedMessages(store, 'ann', 'in-1');
      expect(await store.messageByChannelId('webchat', 'in-1')).toEqual(received);
      expect(await store.messageByChannelId('telegram', 'in-1')).toBeUndefined();
      expect(await store.messageByChannelId('webchat', 'wire-1')).toBeUndefined();

      await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-1' });
      await store.markDelivery(second?.id ?? 0, { error: 'blocked by user' });
      const sent = await store.messageByChannelId('webchat', 'wire-1');
      expect(sent).toMatchObject({ id: first?.id, direction: 'out', status: 'sent', channelMessageId: 'wire-1', text: first?.text });
      // A message sent again under a new channel id is found by the new one only.
      await store.markDelivery(first?.id ?? 0, { channelMessageId: 'wire-2' });
      expect(await store.messageByChannelId('webchat', 'wire-1')).toBeUndefined();
      expect((await store.messageByChannelId('webchat', 'wire-2'))?.id).toBe(first?.id);
      await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'in-2'));
      const expected = {
        in1: await store.messageByChannelId('webchat', 'in-1'),
        in2: await store.messageByChannelId('webchat', 'in-2'),
        wire2: await store.messageByChannelId('webchat', 'wire-2'),
      };
      expect(expected.in2).toMatchObject({ direction: 'in', contactId: (await store.contactByIdentity('webchat', 'bob'))?.id });

      const reopened = await reopen();
      expect({
        in1: await reopened.messageByChannelId('webchat', 'in-1'),
        in2: await reopened.messageByChannelId('webchat', 'in-2'),
        wire2: await reopened.messageByChannelId('webchat', 'wire-2'),
      }).toEqual(expected);
      expect(await reopened.messageByChannelId('webchat', 'wire-1')).toBeUndefined();
      const inTx = await reopened.transaction('ann', async (tx) => ({
        wire2: await tx.messageByChannelId('webchat', 'wire-2'),
        in1: await tx.messageByChannelId('webchat', 'in-1'),
      }));
      expect(inTx).toEqual({ wire2: expected.wire2, in1: expected.in1 });
    });

    it('finds committed messages only, inside a transaction too, while hasInbound sees the inbound ones it added itself', async () => {
      const { store } = await open();
      await store.transaction('ann', async (tx) => {
        tx.addMessage(inbound('ann', 1, 'in-9'));
        tx.addMessage({ ...outbound('ann', 1, 'already sent'), status: 'sent', channelMessageId: 'out-9' });
        expect(await tx.hasInbound('webchat', 'in-9')).toBe(true);
        expect(await tx.hasInbound('webchat', 'out-9')).toBe(false);
        expect(await tx.messageByChannelId('webchat', 'in-9')).toBeUndefined();
        expect(await tx.messageByChannelId('webchat', 'out-9')).toBeUndefined();
        expect(await store.messageByChannelId('webchat', 'in-9')).toBeUndefined();
      });
      const [received, sent] = await store.messagesOfContact('ann');
      expect(received).toMatchObject({ channelMessageId: 'in-9', direction: 'in' });
      expect(await store.messageByChannelId('webchat', 'in-9')).toEqual(received);
      expect(await store.messageByChannelId('webchat', 'out-9')).toEqual(sent);
      expect(await store.transaction('bob', async (tx) => [await tx.hasInbound('webchat', 'in-9'), await tx.hasInbound('webchat', 'out-9')])).toEqual([
        true,
        false,
      ]);
    });

    it('returns the newest message when two share a channel message id, the same way after a restart', async () => {
      const { store, reopen } = await open();
      await store.transaction('ann', async (tx) => tx.addMessage(outbound('ann', 1, 'older')));
      const [pending] = await store.pendingOutbound();
      await store.transaction('ann', async (tx) => tx.addMessage(inbound('ann', 1, 'same-id', 'newer')));
      // Recorded after the newer one arrived: the newer one still wins.
      await store.markDelivery(pending?.id ?? 0, { channelMessageId: 'same-id' });
      expect((await store.messageByChannelId('webchat', 'same-id'))?.text).toBe('newer');
      const reopened = await reopen();
      expect((await reopened.messageByChannelId('webchat', 'same-id'))?.text).toBe('newer');
    });
  });

  describe('messages of a conversation, a contact, an address', () => {
    it("reads a conversation's recent messages and all of them, and a contact's latest conversation once closed", async () => {
      const { store, reopen } = await open();
      for (const n of [1, 2, 3]) await store.transaction('ann', (tx) => handleMessage(tx, 'ann', `ann-${n}`));
      const annId = (await store.contactByIdentity('webchat', 'ann'))?.id ?? '';
      const [first] = await store.conversations();
      if (!first) throw new Error('no conversation was opened');
      const all = await store.messagesOfConversation(first.id);
      expect(all.map((m) => m.text)).toEqual([1, 2, 3].flatMap((n) => [`text of ann-${n}`, `reply 1 to ann-${n}`, `reply 2 to ann-${n}`]));
      expect(await store.messagesOfContact(annId)).toEqual(all);
      await store.transaction('ann', async (tx) => {
        expect(await tx.recentMessages(first.id, 4)).toEqual(all.slice(-4));
        expect(await tx.recentMessages(first.id, 100)).toEqual(all);
        // The ones the transaction added come last, without an id until the commit.
        const note: Omit<Message, 'id'> = { ...outbound(annId, first.id, 'closing note', 'ann'), from: 'note' };
        tx.addMessage(note);
        expect(await tx.recentMessages(first.id, 2)).toEqual([all.at(-1), note]);
        expect(await tx.recentMessages(99, 5)).toEqual([]);
        const current = await tx.openConversationOf(annId);
        if (!current) throw new Error(`contact ${annId} has no open conversation`);
        current.status = 'closed';
        tx.putConversation(current);
        expect(await tx.openConversationOf(annId)).toBeUndefined();
        expect(await tx.latestConversationOf(annId)).toBe(current);
      });
      await store.transaction('ann', (tx) => handleMessage(tx, 'ann', 'ann-4'));
      const [, second] = await store.conversations();
      expect(second).toMatchObject({ contactId: annId, status: 'open' });
      expect((await store.messagesOfConversation(second?.id ?? 0)).map((m) => m.text)).toEqual(['text of ann-4', 'reply 1 to ann-4', 'reply 2 to ann-4']);
      // A contact's conversations, oldest first, as copies; nobody else's.
      await store.transaction('bob', (tx) => handleMessage(tx, 'bob', 'bob-1'));
      const ofAnn = await store.conversationsOfContacts([annId]);
      expect(ofAnn.map((c) => [c.id, c.status])).toEqual([[first.id, 'closed'], [second?.id, 'open']]);
      (ofAnn[1] as Conversation).stage = 'queued';
      expect((await store.conversationsOfContacts([annId]))[1]?.stage).toBe(second?.stage);
      expect(await store.conversationsOfContacts(['nobody'])).toEqual([]);
      const bobId = (await store.contactByIdentity('webchat', 'bob'))?.id ?? '';
      expect((await store.conversationsOfContacts([bobId, annId, 'nobody'])).map((c) => c.contactId)).toEqual([annId, annId, bobId]);
      const reopened = await reopen();
      expect((await reopened.conversationsOfContacts([annId])).map((c) => c.id)).toEqual([first.id, second?.id]);
      expect((await reopened.messagesOfConversation(first.id)).map((m) => m.text)).toEqual([...all.map((m) => m.text), 'closing note']);
      expect(await reopened.transaction('ann', async (tx) => (await tx.latestConversationOf(annId))?.id)).toBe(second?.id);
    });

    it("keeps the messages of an address under no contact (an agent's chat with the bot) apart by channel, across a restart", async () => {
      const { store, reopen } = await open();
      await store.transaction('agent:omar', async (tx) => {
        tx.addMessage(toAgent('1001', 'You are online.'));
        tx.addMessage({ ...toAgent('1001', '/online'), direction: 'in', from: 'agent', channelMessageId: 'tg-1' });
        tx.addMessage({ ...toAgent('1002', 'You are away.'), agentId: 'lina' });
      });
      await store.transaction('webchat:1001', async (tx) => tx.addMessage(inbound('c1', 1, 'wc-1', 'same address, other channel', '1001')));
      const omars = await store.messagesOfAddress('telegram', '1001');
      expect(omars.map((m) => [m.text, m.contactId])).toEqual([
        ['You are online.', undefined],
        ['/online', undefined],
      ]);
      expect((await store.messagesOfAddress('webchat', '1001')).map((m) => m.text)).toEqual(['same address, other channel']);
      expect(await store.messageByChannelId('telegram', 'tg-1')).toEqual(omars[1]);
      // Where a reader of the address starts: its newest message, whatever other addresses hold.
      expect(await store.lastMessageIdOfAddress('telegram', '1001')).toBe(omars[1]?.id);
      expect(await store.lastMessageIdOfAddress('telegram', '1003')).toBe(0);
      const reopened = await reopen();
      expect(await reopened.lastMessageIdOfAddress('telegram', '1001')).toBe(omars[1]?.id);
      expect(await reopened.messagesOfAddress('telegram', '1001')).toEqual(omars);
      expect((await reopened.messagesOfAddress('telegram', '1002')).map((m) => m.text)).toEqual(['You are away.']);
      expect(await reopened.transaction('agent:omar', (tx) => tx.hasInbound('telegram', 'tg-1'))).toBe(true);
      expect(await reopened.messageCount()).toBe(4);
    });
  });

  describe('contacts', () => {
    it('lists every contact in the order first stored, as copies, also after a restart', async () => {
      const { store, reopen } = await open();
      expect(await store.contacts()).toEqual([]);
      await store.transaction('a', async (tx) => {
        tx.putContact(contact('zed'));
        tx.putContact(contact('amy'));
      });
      await store.transaction('b', async (tx) => tx.putContact(contact('bob')));
      await store.transaction('a', async (tx) => tx.putContact({ ...contact('zed'), name: 'Zed Z.' }));
      const all = await store.contacts();
      expect(all.map((c) => [c.id, c.name])).toEqual([
        ['zed', 'Zed Z.'],
        ['amy', 'Name amy'],
        ['bob', 'Name bob'],
      ]);
      all[0]?.tags.push('changed outside');
      expect((await store.contact('zed'))?.tags).toEqual([]);
      const reopened = await reopen();
      expect(await reopened.contacts()).toEqual(await Promise.all(['zed', 'amy', 'bob'].map((id) => reopened.contact(id))));
    });

    it('pages through contacts, the last stored first, from any contact on, also after a restart', async () => {
      const { store, reopen } = await open();
      expect(await store.contactsBefore(undefined, 10)).toEqual([]);
      const ids = Array.from({ length: 7 }, (_, n) => `c${n}`);
      await store.transaction('a', async (tx) => {
        for (const id of ids.slice(0, 4)) tx.putContact(contact(id));
      });
      for (const id of ids.slice(4)) await store.transaction(id, async (tx) => tx.putContact(contact(id)));
      // A contact changed later keeps its place; an erased one is gone from every page.
      await store.transaction('a', async (tx) => tx.putContact({ ...contact('c1'), name: 'Changed' }));
      await store.eraseContact('c5');
      const newestFirst = ['c6', 'c4', 'c3', 'c2', 'c1', 'c0'];
      // Copies, as every read gives.
      const [first] = await store.contactsBefore(undefined, 1);
      first?.tags.push('changed outside');
      expect((await store.contact('c6'))?.tags).toEqual([]);
      for (let reader of [store, reopen]) {
        if (typeof reader === 'function') reader = await reader();
        expect((await reader.contactsBefore(undefined, 4)).map((c) => c.id)).toEqual(newestFirst.slice(0, 4));
        expect((await reader.contactsBefore('c3', 4)).map((c) => c.id)).toEqual(['c2', 'c1', 'c0']);
        expect((await reader.contactsBefore('c0', 4))).toEqual([]);
        expect((await reader.contactsBefore('nobody', 4))).toEqual([]);
        expect((await reader.contactsBefore('c2', 1))[0]).toEqual({ ...contact('c1'), name: 'Changed' });
        expect((await reader.contactsBefore(undefined, 100)).map((c) => c.id)).toEqual((await reader.contacts()).map((c) => c.id).reverse());
      }
    });

    it('gives every new contact its own id', async () => {
      const { store } = await open();
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          store.transaction(`webchat:s${n}`, async (tx) => {
            const id = await tx.newContactId();
            tx.putContact(contact(id, 'webchat', `s${n}`));
            return id;
          }),
        ),
      );
      expect(new Set(made).size).toBe(20);
      expect((await store.contacts()).map((c) => c.id).sort()).toEqual([...made].sort());
    });
  });

  describe('documents', () => {
    it('replaces, deletes and lists documents by collection, inside a transaction and after a restart', async () => {
      const { store, reopen } = await open();
      await store.transaction('setup', async (tx) => {
        tx.putDoc('agents', 'omar', { status: 'online' });
        tx.putDoc('agents', 'lina', { status: 'away' });
        tx.putDoc('agents', '__proto__', { status: 'odd key' });
        tx.putDoc('leases', 'sweep', { owner: 'p1' });
      });
      await store.transaction('k', async (tx) => {
        tx.putDoc('agents', 'omar', { status: 'away', since: 'now' });
        tx.deleteDoc('agents', 'lina');
        expect(await tx.doc('agents', 'lina')).toBeUndefined();
        expect(await tx.doc('agents', 'omar')).toEqual({ status: 'away', since: 'now' });
        tx.deleteDoc('agents', 'nobody');
      });
      const expected = new Map<string, unknown>([
        ['omar', { status: 'away', since: 'now' }],
        ['__proto__', { status: 'odd key' }],
      ]);
      expect(await store.docs('agents')).toEqual(expected);
      expect(await store.doc('agents', 'lina')).toBeUndefined();
      expect(await store.docs('nothing')).toEqual(new Map());
      const reopened = await reopen();
      expect(await reopened.docs('agents')).toEqual(expected);
      expect(await reopened.doc('leases', 'sweep')).toEqual({ owner: 'p1' });
    });
  });
}
