// Team desk threads: opened on the desk's channel after the commit that asked for one (a network call, so
// outside any transaction), the conversation's card posted there, and an opening that failed tried again at
// the next checks, a bounded number of times.
import type { Channel } from '../types.ts';
import type { Conversation, Store } from '../store/types.ts';
import type { Desk } from '../handover/desk.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import type { Team } from '../handover/team.ts';
import type { Logger } from '../shared/log.ts';
import type { Transactions } from './transactions.ts';

/** Attempts at opening a team desk's thread for one conversation, one per check, before giving up on it. */
const DESK_THREAD_ATTEMPTS = 5;

export interface DeskThreadsOptions {
  store: Store;
  directory: TeamDirectory;
  channels?: ReadonlyMap<string, Channel>;
  log: Logger;
  desk: Desk;
  transactions: Transactions;
}

/**
 * Opens and closes desk threads.
 *
 *     void threads.open(42, { channel: 'telegram', group: '-100500' }, '#42 Layla · Billing');
 */
export class DeskThreads {
  /** Threads being opened, and failed attempts per conversation. */
  readonly #opening = new Set<number>();
  readonly #attempts = new Map<number, number>();

  constructor(private readonly options: DeskThreadsOptions) {}

  /** Opens a thread for a conversation in the desk's group, then posts its card there. */
  async open(conversationId: number, desk: { channel: string; group: string }, title: string): Promise<void> {
    const { log, store, transactions } = this.options;
    const channel = this.options.channels?.get(desk.channel);
    if (!channel?.openThread) {
      log.warn({ conversation: conversationId, desk }, `the team has a ${desk.channel} desk but that channel is not running (or has no threads)`);
      return;
    }
    if (this.#opening.has(conversationId)) return;
    this.#opening.add(conversationId);
    try {
      let thread: string;
      try {
        thread = await channel.openThread(desk.group, title);
      } catch (error) {
        const attempts = (this.#attempts.get(conversationId) ?? 0) + 1;
        this.#attempts.set(conversationId, attempts);
        log.error(
          { conversation: conversationId, desk, attempt: attempts, err: String(error) },
          attempts >= DESK_THREAD_ATTEMPTS ? 'could not open the desk thread; giving up (the conversation stays in its queue, /claim takes it)' : 'could not open the desk thread; it is tried again at the next check',
        );
        return;
      }
      this.#attempts.delete(conversationId);
      let used = false;
      const conversation = await store.conversation(conversationId);
      if (conversation) {
        await transactions.onCustomerKey(conversation, async (tx, fx) => {
          const fresh = await tx.conversation(conversationId);
          used = fresh?.status === 'open' && !fresh.deskThread && !heldOutOfDesk(fresh);
          if (!fresh || !used) return;
          fresh.deskThread = { channel: desk.channel, address: thread };
          tx.putConversation(fresh);
          await this.options.desk.postCard(tx, fresh, fx);
        });
      }
      // Another process (or a closing) got there first: the thread is not needed.
      if (!used) await channel.closeThread?.(thread).catch(() => {});
    } finally {
      this.#opening.delete(conversationId);
    }
  }

  /** Closes a thread once its conversation is closed. */
  close(channelName: string, thread: string): void {
    void this.options.channels?.get(channelName)?.closeThread?.(thread).catch((error: unknown) => {
      this.options.log.warn({ thread, err: String(error) }, 'could not close the desk thread');
    });
  }

  /**
   * The bot is in the desk group `desk` again (it was removed from it): the threads of its teams' open conversations
   * that have none open now, oldest first, those given up on too (with their attempts afresh). One that has its
   * thread (opened meanwhile, or before a restart) gets none more, nor one an agent holds in their own chat (see
   * `heldOutOfDesk`).
   */
  async reopen(desk: { channel: string; group: string }): Promise<void> {
    await this.retry((team) => team.desk?.channel === desk.channel && team.desk.group === desk.group);
  }

  /**
   * Opens the threads whose opening failed (in this process or one that stopped), oldest conversation first, while
   * attempts are left; `afresh`, those of the teams it says, given up on or not.
   */
  async retry(afresh?: (team: Team) => boolean): Promise<void> {
    const { store, directory } = this.options;
    for (const team of directory.teams()) {
      if (!team.desk || (afresh && !afresh(team))) continue;
      const waiting = [...(await store.openConversations({ stage: 'queued', team: team.name })), ...(await store.openConversations({ stage: 'assigned', team: team.name }))];
      waiting.sort((a, b) => a.id - b.id);
      for (const conversation of waiting) {
        if (conversation.deskThread || heldOutOfDesk(conversation)) continue;
        if (afresh) this.#attempts.delete(conversation.id);
        else if ((this.#attempts.get(conversation.id) ?? 0) >= DESK_THREAD_ATTEMPTS) continue;
        const name = (await store.contact(conversation.contactId))?.name ?? 'customer';
        await this.open(conversation.id, team.desk, `#${conversation.id} ${name} · ${team.name}`);
      }
    }
  }
}

/** Whether an agent holds the conversation in their own chat, taken while its desk had no thread for it (see `Conversation.heldOutOfDesk`). */
function heldOutOfDesk(conversation: Conversation): boolean {
  return conversation.stage === 'assigned' && conversation.heldOutOfDesk !== undefined && conversation.heldOutOfDesk === conversation.agentId;
}
