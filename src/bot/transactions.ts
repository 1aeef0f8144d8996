// Running the runtime's decisions as store transactions: on a key (a contact's, so their messages stay in
// order), with the effects of the committed attempt announced and carried out after the commit.
import type { Conversation, Store, Tx } from '../store/types.ts';
import type { Logger } from '../shared/log.ts';
import { Effects } from './effects.ts';

export type Decide<T> = (tx: Tx, fx: Effects) => Promise<T>;

/**
 * Runs decisions in transactions and hands their committed effects on.
 *
 *     const transactions = new Transactions({ store, log, afterCommit: (fx) => announce(fx) });
 *     await transactions.run(`telegram:${chat}`, (tx, fx) => decide(tx, fx));
 */
export class Transactions {
  constructor(
    private readonly options: {
      store: Store;
      log: Logger;
      /** What every decision adds before its commit (the customer notices its events call for). */
      beforeCommit?: (tx: Tx, effects: Effects) => Promise<void>;
      /** Adds the customer notices of the events not yet noticed, when a decision asks for them early (`noticesNow`). */
      notices?: (tx: Tx, effects: Effects) => Promise<void>;
      afterCommit: (effects: Effects) => void;
      /**
       * What follows a commit in transactions of its own, waited for before `run` resolves: placing the queues the
       * decision queued conversations in. It does not fail: the decision is on disk whatever happens to it.
       */
      followUp?: (effects: Effects) => Promise<void>;
    },
  ) {}

  /**
   * Runs `decide` in a transaction on `key` (the store decides it again, in the key's place, when another
   * transaction changed what it read), then hands on what the committed attempt produced. A decision that
   * returns false produced nothing to announce (a repeated delivery). `opening`: see `TransactionOptions.opening`.
   */
  async run<T>(key: string, decide: Decide<T>, options: { opening?: boolean } = {}): Promise<T> {
    // The outbox claims right after the commit (afterCommit kicks it): the store may claim the replies in the commit.
    const { value, effects } = await this.options.store.transaction(key, async (tx) => {
      const fx = new Effects(tx, this.options.notices);
      const value = await decide(tx, fx);
      if (value !== false) await this.options.beforeCommit?.(tx, fx);
      return { value, effects: fx };
    }, { claim: true, ...(options.opening === true ? { opening: true } : {}) });
    if (value !== false) {
      this.options.afterCommit(effects);
      await this.options.followUp?.(effects);
    }
    return value;
  }

  /**
   * A transaction on the key of the customer of `conversation`, so it is ordered with their messages. A failure
   * is logged; the check that called it finds the conversation again next time.
   */
  async onCustomerKey(conversation: Conversation, decide: Decide<void>): Promise<void> {
    const { store, log } = this.options;
    const contact = await store.contact(conversation.contactId);
    const identity = contact?.identities.find((i) => i.channel === conversation.channel) ?? contact?.identities[0];
    const key = identity ? `${identity.channel}:${identity.id}` : `conversation:${conversation.id}`;
    await this.run(key, decide).catch((error: unknown) => {
      log.error({ err: error, conversation: conversation.id }, 'a timed action failed; it is retried at the next check');
    });
  }
}
