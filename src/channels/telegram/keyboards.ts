// The inline keyboard still under a question in each customer's chat, and taking it off once it means nothing: the
// customer typed instead of pressing (the question is answered, or asked again with a keyboard of its own), or the same
// question went out again with new buttons (/start, a re-ask) and the earlier set would only invite a refused press.
// Kept where the host keeps it (the store: through a restart, for every process), else in memory.
import type { Api } from 'grammy';
import type { KeptKeyboards } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';

/** Chats whose keyboard is remembered at most in memory: past this many, the oldest are forgotten (their keyboards stay). */
const MAX_CHATS = 10_000;

/** The keyboards of a channel without the host's store (a host that keeps none): in this process's memory. */
class KeyboardsInMemory implements KeptKeyboards {
  readonly #byChat = new Map<string, string>();

  async shown(chat: string): Promise<string | undefined> {
    return this.#byChat.get(chat);
  }

  async sent(chat: string, message: string): Promise<string | undefined> {
    const before = this.#byChat.get(chat);
    this.#byChat.delete(chat);
    this.#byChat.set(chat, message);
    if (this.#byChat.size > MAX_CHATS) this.#byChat.delete(this.#byChat.keys().next().value!);
    return before !== message ? before : undefined;
  }

  async removed(chat: string, message: string): Promise<void> {
    if (this.#byChat.get(chat) === message) this.#byChat.delete(chat);
  }
}

/**
 * The message carrying the last keyboard the bot sent to each private chat, and the calls that take keyboards off.
 * Nothing here fails a send or a delivery: a keyboard not taken off is refused with a clear line when pressed.
 *
 *     await keyboards.sent('5001', 42);              // a question with buttons went out: the earlier set goes
 *     keyboards.answered(5001, 43);                  // the customer's typed message 43 was delivered: 42's set goes
 */
export class OpenKeyboards {
  readonly #api: Api;
  readonly #log: Logger;
  readonly #track: (what: string, work: () => Promise<unknown>) => void;
  readonly #kept: () => KeptKeyboards | undefined;
  readonly #memory = new KeyboardsInMemory();

  /** `kept` is the host's, once the channel started. */
  constructor(api: Api, log: Logger, track: (what: string, work: () => Promise<unknown>) => void, kept: () => KeptKeyboards | undefined) {
    this.#api = api;
    this.#log = log;
    this.#track = track;
    this.#kept = kept;
  }

  get #keyboards(): KeptKeyboards {
    return this.#kept() ?? this.#memory;
  }

  /** The bot sent the message `messageId` with an inline keyboard to the private chat `chat`: the keyboard shown before it goes. */
  async sent(chat: string, messageId: number): Promise<void> {
    try {
      const before = await this.#keyboards.sent(chat, String(messageId));
      if (before !== undefined) this.remove(Number(chat), Number(before));
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'could not keep which message of a chat shows a keyboard');
    }
  }

  /** The message whose keyboard the chat shows now, if one is kept (none when it cannot be read). */
  async shown(chat: string): Promise<number | undefined> {
    try {
      const message = await this.#keyboards.shown(chat);
      return message !== undefined ? Number(message) : undefined;
    } catch (error) {
      this.#log.warn({ err: String(error) }, 'could not read which message of a chat shows a keyboard');
      return undefined;
    }
  }

  /**
   * The customer's message `typed` (delivered) answered the question whose buttons the chat showed when they typed it:
   * those buttons go, in the background. Which ones is read after the delivery, not before it, so that a store that
   * does not answer holds up no webhook; the ids of a private chat's messages grow, so a set the bot sent in answer (a
   * question asked again) is newer than `typed` and stays.
   */
  answered(chat: number, typed: number): void {
    this.#track('take off an answered keyboard', async () => {
      const shown = await this.shown(String(chat));
      if (shown !== undefined && shown < typed) this.remove(chat, shown);
    });
  }

  /**
   * Takes the buttons off `messageId`, once, in the background: a failure (the message deleted, or too old to edit) is
   * only logged, and the buttons left are refused if pressed.
   */
  remove(chat: number, messageId: number): void {
    // Forgotten first (its transaction queued now, before a newer keyboard's), so a keyboard sent next has none to take off.
    this.#track('forget a keyboard', () => this.#keyboards.removed(String(chat), String(messageId)));
    this.#track('editMessageReplyMarkup', () =>
      this.#api.editMessageReplyMarkup(chat, messageId, { reply_markup: { inline_keyboard: [] } }).catch((error: unknown) => {
        this.#log.debug({ err: String(error) }, 'could not remove the keyboard of a message');
      }),
    );
  }
}
