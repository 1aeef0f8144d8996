// The agent commands in the bot's menu: set (setMyCommands, scoped to the chat) in the private chat of each agent
// with a Telegram id, once per chat, and again as soon as team.yaml changes: for agents added to it, and for an agent
// whose menu now reads otherwise (their `language:` changed).
import type { Api } from 'grammy';
import type { CommandDescription } from '../../types.ts';

/**
 * Gives the agents the menu. Calls go through `track`, so a failure is logged without holding up the start.
 *
 *     const menu = new CommandMenu(api, () => host.commands, track);
 *     menu.give(['9001', '9002']);
 */
export class CommandMenu {
  readonly #api: Api;
  /** The menu of a chat: its descriptions in the language of the agent it belongs to. */
  readonly #commandsOf: (chatId: string) => readonly CommandDescription[];
  readonly #track: (what: string, work: () => Promise<unknown>) => void;
  /** The menu each agent chat was given, as sent: a chat is given it again only when it would read otherwise. */
  readonly #given = new Map<string, string>();

  constructor(api: Api, commandsOf: (chatId: string) => readonly CommandDescription[], track: (what: string, work: () => Promise<unknown>) => void) {
    this.#api = api;
    this.#commandsOf = commandsOf;
    this.#track = track;
  }

  /** Sets the menu in each of `chatIds` that does not have it yet, or has it in other words (another language). */
  give(chatIds: readonly string[]): void {
    for (const chatId of chatIds) {
      const commands = this.#commandsOf(chatId);
      const menu = JSON.stringify(commands);
      if (this.#given.get(chatId) === menu) continue;
      this.#given.set(chatId, menu);
      this.#track('setMyCommands', () => this.#api.setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } }));
    }
  }
}
