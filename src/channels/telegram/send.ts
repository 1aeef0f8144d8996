// Sends one OutboundMessage: makes the calls render.ts turned it into, in order, to a chat or to a topic of a group.
// When a call fails after some went out, the outbox tries the message again; the calls already made are
// remembered by stored message id, so the retry resumes after them instead of repeating them to the customer.
import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import { ChannelSendError, type MediaStore, type OutboundMessage } from '../../types.ts';
import { toSendError } from './errors.ts';
import { botReaction } from './reactions.ts';
import { renderMessage, type Part } from './render.ts';
import type { OpenKeyboards } from './keyboards.ts';

/** Messages the outbox gave up on are never sent again: past this many, the oldest memories are dropped. */
const MAX_REMEMBERED = 1000;

/**
 * The sender of one channel. Telegram reports no deliveries or reads, so a message's story ends with the id `send`
 * resolves to: there is nothing to hand `ChannelHost.report`.
 *
 *     const sender = new Sender(api, keyboards);
 *     const id = await sender.send('5001', { text: 'Hi!' }, host.media); // '5001:120'
 */
export class Sender {
  readonly #api: Api;
  /** Calls already made for a message whose later call failed, by stored message id. */
  readonly #done = new Map<number, { count: number; last: string }>();
  /** Where a keyboard sent to a private chat is remembered, to be removed once the customer types instead, or a newer one goes. */
  readonly #keyboards: OpenKeyboards | undefined;

  constructor(api: Api, keyboards?: OpenKeyboards) {
    this.#api = api;
    this.#keyboards = keyboards;
  }

  /**
   * Sends `message` to `to` (a chat id, or `<chat>/<topic>` for a desk topic) and resolves to `<chat>:<message id>`
   * of the last call; fails with `ChannelSendError`. `media` is the host's, undefined before the channel started
   * (a text still goes out then; a file cannot). `sentPart` is told each part's id as it goes out.
   */
  async send(to: string, message: OutboundMessage, media: MediaStore | undefined, sentPart?: (id: string) => void): Promise<string> {
    try {
      return await this.#send(to, message, media, sentPart);
    } catch (error) {
      throw toSendError(error);
    }
  }

  async #send(to: string, message: OutboundMessage, media: MediaStore | undefined, sentPart?: (id: string) => void): Promise<string> {
    if (message.reaction) return this.#react(to, message.reaction);
    const parts = await renderMessage(message, media);
    const [chat, thread] = to.split('/') as [string, string | undefined];
    const done = message.id !== undefined ? this.#done.get(message.id) : undefined;
    let last = done?.last;
    // A quoted message of this chat (`<chat>:<message id>`) is quoted by the first part; gone by now, the part goes plain.
    const quoted = message.replyTo?.startsWith(`${chat}:`) ? Number(message.replyTo.slice(chat.length + 1)) : undefined;
    const reply = quoted !== undefined && Number.isSafeInteger(quoted) && quoted > 0 ? { reply_parameters: { message_id: quoted, allow_sending_without_reply: true } } : {};
    for (let index = done?.count ?? 0; index < parts.length; index++) {
      const sent = await this.#call(chat, thread, parts[index]!, index === 0 ? reply : {});
      last = `${chat}:${sent.message_id}`;
      sentPart?.(last);
      if (thread === undefined && parts[index]!.payload.reply_markup !== undefined) await this.#keyboards?.sent(chat, sent.message_id);
      if (message.id !== undefined && index < parts.length - 1) {
        this.#done.set(message.id, { count: index + 1, last });
        if (this.#done.size > MAX_REMEMBERED) this.#done.delete(this.#done.keys().next().value!);
      }
    }
    if (message.id !== undefined) this.#done.delete(message.id);
    return last ?? `${to}:unsent`;
  }

  /**
   * Puts the bot's reaction on the message `to` (`<chat>:<message id>`) of the chat `chat`, or takes it back (''):
   * resolves to an id naming the reaction, since it is no message of its own.
   */
  async #react(chat: string, reaction: { emoji: string; to: string }): Promise<string> {
    const message = reaction.to.startsWith(`${chat}:`) ? Number(reaction.to.slice(chat.length + 1)) : Number.NaN;
    if (!Number.isSafeInteger(message) || message <= 0) throw new ChannelSendError(`no message ${reaction.to} in chat ${chat} to react to`, { permanent: true });
    const emoji = botReaction(reaction.emoji);
    if (emoji === undefined) throw new ChannelSendError(`Telegram takes no ${reaction.emoji} reaction from a bot`, { permanent: true });
    await this.#api.raw.setMessageReaction({ chat_id: chat, message_id: message, reaction: emoji === '' ? [] : [{ type: 'emoji', emoji: emoji as never }] });
    return `${chat}:reaction:${message}`;
  }

  #call(chat: string, thread: string | undefined, part: Part, extra: object): Promise<Message> {
    const payload = { chat_id: chat, ...(thread ? { message_thread_id: Number(thread) } : {}), ...extra, ...part.payload };
    // Each part's payload matches its method (Part pairs them); TypeScript cannot follow the pairing through an index.
    const call = this.#api.raw[part.method] as (payload: object) => Promise<Message>;
    return call(payload);
  }
}
