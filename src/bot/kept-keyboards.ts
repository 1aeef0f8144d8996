// Which message's buttons each customer's chat still shows, kept in the store for the channels that take a question's
// buttons off once they mean nothing (Telegram): a typed answer after a restart, or handled by another process on
// PostgreSQL, still finds them. One document a chat, deleted once its buttons are taken off, and with the contact.
import type { KeptKeyboards } from '../types.ts';
import type { Store, Tx } from '../store/types.ts';

/** The store's collection of the messages whose buttons chats still show, by `openKeyboardKey`. */
export const OPEN_KEYBOARDS = 'open-keyboards';

interface OpenKeyboard {
  message: string;
}

/** The document key of a chat's open keyboard; the erase of a contact deletes it for each of their identities. */
export function openKeyboardKey(channel: string, address: string): string {
  return `${channel}:${address}`;
}

/**
 * The host's `keyboards` for `channel`, on `store`.
 *
 *     const keyboards = keptKeyboards(store, 'telegram');
 *     await keyboards.sent('5001', '42');
 */
export function keptKeyboards(store: Store, channel: string): KeptKeyboards {
  const key = (address: string) => openKeyboardKey(channel, address);
  const inTransaction = <T>(address: string, work: (tx: Tx) => Promise<T>) => store.transaction(`${OPEN_KEYBOARDS}:${key(address)}`, work);
  return {
    async shown(address) {
      return (await store.doc<OpenKeyboard>(OPEN_KEYBOARDS, key(address)))?.message;
    },
    sent(address, message) {
      return inTransaction(address, async (tx) => {
        const before = (await tx.doc<OpenKeyboard>(OPEN_KEYBOARDS, key(address)))?.message;
        tx.putDoc(OPEN_KEYBOARDS, key(address), { message } satisfies OpenKeyboard);
        return before !== message ? before : undefined;
      });
    },
    removed(address, message) {
      return inTransaction(address, async (tx) => {
        if ((await tx.doc<OpenKeyboard>(OPEN_KEYBOARDS, key(address)))?.message === message) tx.deleteDoc(OPEN_KEYBOARDS, key(address));
      });
    },
  };
}
