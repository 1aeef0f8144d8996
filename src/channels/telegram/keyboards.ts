// The inline keyboard still under a question in each customer's chat: once the customer types instead of pressing,
// the question is answered (or asked again, with a keyboard of its own), and a button left there would only invite a
// late press. Kept in memory: after a restart, or on another process, an old keyboard stays, and a press of it is
// still refused with a clear line by the runtime.

/** Chats whose keyboard is remembered at most: past this many, the oldest are forgotten (their keyboards stay). */
const MAX_CHATS = 10_000;

/**
 * The message carrying the last keyboard the bot sent to each private chat.
 *
 *     keyboards.sent('5001', 42);                   // a question with buttons went out
 *     const shown = keyboards.shown('5001');        // 42, read before the customer's typed message is delivered
 */
export class OpenKeyboards {
  readonly #byChat = new Map<string, number>();

  /** The bot sent the message `messageId` with an inline keyboard to the private chat `chat`. */
  sent(chat: string, messageId: number): void {
    this.#byChat.delete(chat);
    this.#byChat.set(chat, messageId);
    if (this.#byChat.size > MAX_CHATS) this.#byChat.delete(this.#byChat.keys().next().value!);
  }

  /** The message whose keyboard the chat shows now, if one is remembered. */
  shown(chat: string): number | undefined {
    return this.#byChat.get(chat);
  }

  /** The keyboard of `messageId` is being removed: forgotten, unless a newer one was sent since. */
  removed(chat: string, messageId: number): void {
    if (this.#byChat.get(chat) === messageId) this.#byChat.delete(chat);
  }
}
