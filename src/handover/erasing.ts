// What the desk does about a contact an admin erases (data protection): the agents who held their open conversations
// stop writing to no one in particular (their next plain message waits for them to choose whom it is for), are told,
// and take the queued customers the freed seats let in; a desk thread of those conversations is told too, and closed.
import type { Conversation, Tx } from '../store/types.ts';
import { markHolderOfErased } from '../store/erased-relays.ts';
import { agentState, saveAgentState } from './agent-state.ts';
import { drainFor } from './assignment/assign.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word } from './lines.ts';
import { heldBy, holderOf, threadLanguage } from './lookups.ts';
import { toAgent } from './outgoing.ts';
import type { Agent } from './team.ts';

/**
 * In the transaction before the erase of the customer `contactId` (of `conversations`): an agent holding one of them
 * whose plain messages went to it, or would go to whichever customer they hold once it is gone (they had not picked
 * another one with /use), must choose whom they write to before a plain message reaches anyone once it is gone
 * (`AgentState.erased`). And a Reply of any holder on a message the store does not know goes to no one once the
 * customer is gone: it may be the customer's last words, relayed while the erase ran (`markHolderOfErased`).
 * Both marks hold only once the conversation or the customer is gone: an erase that fails before its delete (a
 * process killed, a database restarted) leaves the agent writing to that customer as before, until it is asked again.
 *
 *     await beforeErase(ctx, tx, contact.id, await store.conversationsOfContacts([contact.id]));
 */
export async function beforeErase(ctx: DeskContext, tx: Tx, contactId: string, conversations: readonly ErasedConversation[]): Promise<void> {
  for (const conversation of conversations) {
    const holder = conversation.status === 'open' ? holderOf(ctx, conversation) : undefined;
    if (!holder) continue;
    await markHolderOfErased(tx, holder.id, contactId, ctx.now());
    const state = await agentState(tx, holder, stamp(ctx));
    const elsewhere = state.current !== undefined && state.current !== conversation.id && 'conversation' in (await heldBy(ctx, tx, holder, state.current));
    if (elsewhere) continue;
    // Their pick (`current`) stays: it names a conversation that is gone once the erase is done, and the one they
    // were writing to if it never is.
    state.erased = conversation.id;
    saveAgentState(tx, holder, state);
  }
}

/** What the desk needs of an erased conversation to tell its agent and desk thread: no word of the customer. */
export type ErasedConversation = Pick<Conversation, 'id' | 'status' | 'stage' | 'agentId' | 'team' | 'deskThread'>;

/** Where what is left to tell of an erase waits, by contact id, until its agents are told (`tellErased`). */
export const ERASE_NOTICES = 'erase-notices';

/** What is left to tell of an erase: who asked it, the conversations it removed, and those `unmarked` before it. */
export interface EraseNotice {
  by: string;
  conversations: ErasedConversation[];
  unmarked: number[];
}

/**
 * The notice an erase by `by` keeps, in its own step, of the conversations it `removed` (those not among `before`, the
 * ones `beforeErase` was given, opened while it ran): told once by `tellErased`, after a crash too.
 *
 *     await store.eraseContact(id, { notice: { collection: ERASE_NOTICES, key: id, value: (removed) => eraseNotice('Nadia', removed, before) } });
 */
export function eraseNotice(by: string, removed: readonly Conversation[], before: ReadonlySet<number>): EraseNotice {
  return {
    by,
    conversations: removed.map(({ id, status, stage, agentId, team, deskThread }) => ({ id, status, stage, ...(agentId !== undefined ? { agentId } : {}), ...(team !== undefined ? { team } : {}), ...(deskThread ? { deskThread } : {}) })),
    unmarked: removed.filter((conversation) => !before.has(conversation.id)).map((conversation) => conversation.id),
  };
}

/**
 * Tells what the erase of the contact `contactId` left to tell (`eraseNotice`), if anything, and drops it in the same
 * transaction: its agents and desk threads are told once, whoever runs it (the process that erased, or one that
 * starts after a crash).
 *
 *     await tellErased(ctx, tx, contact.id, fx);
 */
export async function tellErased(ctx: DeskContext, tx: Tx, contactId: string, fx: DeskEffects): Promise<void> {
  const notice = await tx.doc<EraseNotice>(ERASE_NOTICES, contactId);
  if (!notice) return;
  tx.deleteDoc(ERASE_NOTICES, contactId);
  const unmarked = new Set(notice.unmarked);
  await afterErase(ctx, tx, contactId, notice.conversations, notice.conversations.filter((conversation) => unmarked.has(conversation.id)), notice.by, fx);
}

/**
 * Once the customer `contactId` was erased by `by`, with `conversations` (as the erase found them when it removed
 * them): the holders of those `unmarked` before the erase (opened while it ran) are marked now, as `beforeErase` does;
 * each agent who held an open one is told in their language, and offered the queued conversations the freed seat lets
 * in; each desk thread of one is told in its team's language, and closed. Nothing is tied to the erased
 * conversations, and nothing but their number is said.
 *
 *     await afterErase(ctx, tx, contact.id, removed, [], 'Nadia', fx);
 */
export async function afterErase(
  ctx: DeskContext, tx: Tx, contactId: string, conversations: readonly ErasedConversation[], unmarked: readonly ErasedConversation[], by: string, fx: DeskEffects,
): Promise<void> {
  await beforeErase(ctx, tx, contactId, unmarked);
  const freed = new Map<string, Agent>();
  for (const conversation of conversations.filter((each) => each.status === 'open')) {
    const said = line('erasedBy', conversation.id, by);
    const holder = holderOf(ctx, conversation);
    if (holder) {
      await toAgent(ctx, tx, holder, word(said, holder.language), fx);
      freed.set(holder.id, holder);
    }
    const thread = conversation.deskThread;
    if (thread) {
      fx.send({ channel: thread.channel, address: thread.address, direction: 'out', from: 'bot', text: word(said, threadLanguage(ctx, conversation)), at: stamp(ctx), status: 'pending' });
      fx.closeThread(thread.channel, thread.address);
    }
  }
  for (const agent of freed.values()) await drainFor(ctx, tx, agent, fx);
}
