// The agent commands in the bot's menu: set (setMyCommands, scoped to the chat) in the private chat of each agent
// with a Telegram id, once per chat, and for agents added to team.yaml later as soon as the list changes.
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
  /** Agent chats that already have it. */
  readonly #given = new Set<string>();

  constructor(api: Api, commandsOf: (chatId: string) => readonly CommandDescription[], track: (what: string, work: () => Promise<unknown>) => void) {
    this.#api = api;
    this.#commandsOf = commandsOf;
    this.#track = track;
  }

  /** Sets the menu in each of `chatIds` that does not have it yet. */
  give(chatIds: readonly string[]): void {
    for (const chatId of chatIds) {
      if (this.#given.has(chatId)) continue;
      this.#given.add(chatId);
      this.#track('setMyCommands', () => this.#api.setMyCommands(this.#commandsOf(chatId), { scope: { type: 'chat', chat_id: chatId } }));
    }
  }
}
