// The Teams group chats and channels told that the bot answers one to one only. Teams delivers a group's message to
// the bot only when someone calls it by name; the first such call in a chat is answered there, the next ones are not
// (a chat where people keep calling the bot would read the same line after each of them). Kept in memory, as nothing of
// a group chat is stored: after a restart, or on another process, a chat may be told once more.
import type { Logger } from '../../shared/log.ts';
import { line, word, type DeskLanguage } from '../../handover/lines.ts';

/** Group chats remembered; past it the one told longest ago is forgotten (and may be told again). */
const MAX_REMEMBERED = 10_000;

/**
 * Tells each group chat once.
 *
 *     const groupChats = new GroupChats(log);
 *     await groupChats.tell('19:abc@thread.v2', 'en', (text) => context.sendActivity(text)); // says it
 *     await groupChats.tell('19:abc@thread.v2', 'en', (text) => context.sendActivity(text)); // says nothing
 */
export class GroupChats {
  readonly #told = new Set<string>();

  constructor(private readonly log: Logger) {}

  /** Says in `chat`, through `reply`, that the bot answers one to one only, unless it was said there; a failed send is logged and tried at the next call. */
  async tell(chat: string, language: DeskLanguage, reply: ((text: string) => Promise<unknown>) | undefined): Promise<void> {
    if (!reply || this.#told.has(chat)) return;
    this.#told.add(chat);
    try {
      await reply(word(line('oneToOneOnly'), language));
    } catch (error) {
      this.#told.delete(chat);
      this.log.warn({ chat, err: error instanceof Error ? error.message : String(error) }, 'Bot Framework: a group chat could not be told to write one to one');
      return;
    }
    if (this.#told.size > MAX_REMEMBERED) this.#told.delete(this.#told.values().next().value!);
  }
}
