// Reading a whole history without holding up the customers: lists and reports walk the store a page at a time.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Contact, Conversation, Store } from '../../store/types.ts';

/** How many records one read takes: at 1,000,000 stored messages a page of conversations parses in about 2 ms. */
const PAGE_SIZE = 500;

/**
 * Every conversation, newest first (those below `before` with it), read a page at a time with a turn of the event
 * loop between pages: a list or a report over a long history delays a customer's message by one page, not by the
 * whole store (at 1,000,000 messages, reading them all at once held everything else up 250-600 ms).
 *
 *     for await (const conversation of conversationsNewestFirst(store)) if (wanted(conversation)) page.push(conversation);
 */
export function conversationsNewestFirst(store: Store, before?: number): AsyncGenerator<Conversation> {
  return newestFirst((after, size) => store.conversationsBefore(after, size), (conversation) => conversation.id, before);
}

/** Every contact, the last stored first (those stored before contact `before` with it), as `conversationsNewestFirst` reads. */
export function contactsNewestFirst(store: Store, before?: string): AsyncGenerator<Contact> {
  return newestFirst((after, size) => store.contactsBefore(after, size), (contact) => contact.id, before);
}

async function* newestFirst<T, K>(page: (before: K | undefined, size: number) => Promise<T[]>, keyOf: (item: T) => K, before: K | undefined): AsyncGenerator<T> {
  let previous: T[] = [];
  for (;;) {
    let items = await page(before, PAGE_SIZE);
    let read = items;
    // Nothing after the last record given: the end, or that record went meanwhile (a contact erased between two
    // pages, which a page cannot be asked from). Asked again from the latest of the page before that is still
    // there, leaving out what was given already.
    for (let k = previous.length - 2; items.length === 0 && previous.length === PAGE_SIZE && k >= 0; k--) {
      read = await page(keyOf(previous[k] as T), PAGE_SIZE);
      const given = new Set(previous.slice(k + 1).map(keyOf));
      items = read.filter((item) => !given.has(keyOf(item)));
      if (read.length > 0) break;
    }
    yield* items;
    if (read.length < PAGE_SIZE) return;
    previous = read;
    before = keyOf(read.at(-1) as T);
    await nextTurn();
  }
}
