// An agent's queue drained (on /online, say) from copies of the queue: a conversation the copy shows queued may have
// been given to another agent (a claim on another process) before this transaction reads it. It is not given twice.
import { expect, it } from 'vitest';
import { drainFor } from '../../../src/handover/assignment/assign.ts';
import type { DeskContext, DeskEffects } from '../../../src/handover/context.ts';
import type { Conversation, Tx } from '../../../src/store/types.ts';
import { agent, conversation, queued } from '../helpers.ts';

const lina = agent('Lina', ['Support'], { maxOpen: 3 });

/** A transaction over one conversation whose queue copies are older than its record. */
function txWith(record: Conversation, copy: Conversation): { tx: Tx; putConversations: Conversation[] } {
  const putConversations: Conversation[] = [];
  const docs = new Map<string, unknown>([['agents/lina', { status: 'online', since: '2025-03-03T09:00:00.000Z' }]]);
  const tx = {
    doc: async (collection: string, key: string) => structuredClone(docs.get(`${collection}/${key}`)),
    putDoc: (collection: string, key: string, value: unknown) => void docs.set(`${collection}/${key}`, value),
    // Each conversation given counts toward the agent's max_open (3): a drain that gives one again and again stops.
    countOpenConversations: async () => putConversations.length,
    openConversations: async () => [structuredClone(copy)],
    conversation: async (id: number) => (id === record.id ? record : undefined),
    putConversation: (put: Conversation) => void putConversations.push(put),
    contact: async () => undefined,
    recentMessages: async () => [],
  } as unknown as Tx;
  return { tx, putConversations };
}

const ctx = { directory: { team: () => undefined }, now: () => new Date('2025-03-03T10:00:00.000Z'), log: { warn() {}, error() {} } } as unknown as DeskContext;
const fx = { send() {}, emit() {}, noticesNow: async () => {}, placeInLine() {}, closed() {}, openThread() {}, closeThread() {} } as DeskEffects;

it('does not take a conversation the queue copy shows queued once the record read says another agent has it', async () => {
  const withSara = conversation(5, { stage: 'assigned', team: 'Support', agentId: 'sara', queuedAt: '2025-03-03T09:30:00.000Z' });
  const { tx, putConversations } = txWith(withSara, queued(5, 'Support', '2025-03-03T09:30:00.000Z'));
  await drainFor(ctx, tx, lina, fx);
  expect(putConversations).toEqual([]);
  expect(withSara.agentId).toBe('sara');
});

it('takes it when the record read is still queued', async () => {
  const waiting = queued(5, 'Support', '2025-03-03T09:30:00.000Z');
  const { tx, putConversations } = txWith(waiting, structuredClone(waiting));
  await drainFor(ctx, tx, lina, fx);
  expect(putConversations.length).toBeGreaterThan(0);
  expect(waiting).toMatchObject({ stage: 'assigned', agentId: 'lina' });
});
