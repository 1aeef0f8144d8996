// Sends one OutboundMessage: the parts render.ts made, in order, to a person's chat. Each part is marked as this
// channel's own send while it runs (own-sends.ts), so its `message_create` is not taken for the phone owner typing.
// When a part fails after some went out, the outbox tries the message again; the parts already sent are remembered
// by stored message id, so the retry resumes after them instead of repeating them to the customer.
import { ChannelSendError, type MediaStore, type OutboundMessage } from '../../types.ts';
import { chatIdOf } from './address.ts';
import type { ChoiceMemory } from './choices.ts';
import type { OutgoingContent, WhatsAppClient } from './client.ts';
import type { OwnSends } from './own-sends.ts';
import { renderMessage } from './render.ts';

/** Messages the outbox gave up on are never sent again: past this many, the oldest memories are dropped. */
const MAX_REMEMBERED = 1000;
/** How long one part's send may take by default: a file's upload on a slow line included. */
const SEND_TIMEOUT_MS = 120_000;

export interface SenderOptions {
  /** The client when it is ready; otherwise why not, for the error. */
  client: () => WhatsAppClient | { notReady: string };
  own: OwnSends;
  choices: ChoiceMemory;
  /** True for an address known to be on WhatsApp (it wrote to us, or a lookup said so). */
  known: (address: string) => boolean;
  seen: (address: string) => void;
  /** The host's media store; undefined before the channel started. */
  media: () => MediaStore | undefined;
  /**
   * How long one part's `sendMessage`, or the lookup of a number before the first send to it, may take (default 120 s).
   * WhatsApp Web's page can stop answering without failing: a send that never settled held the customer's later
   * messages behind it for good.
   */
  timeoutMs?: number;
  /** Told when a send went unanswered and WhatsApp Web did not report it either: the page may be stuck. */
  unanswered?: () => void;
}

/**
 * The sender of the channel.
 *
 *     const sender = new Sender({ client, own, choices, known, seen, media });
 *     await sender.send('15551234567', { text: 'Hi!' }); // 'true_15551234567@c.us_3EB0…'
 */
export class Sender {
  readonly #options: SenderOptions;
  /** Parts already sent of a message whose later part failed, by stored message id. */
  readonly #done = new Map<number, { count: number; last: string }>();

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  /**
   * Sends `message` to `address`; resolves to the id of the last part sent (`sentPart` is told each part's id as it
   * goes out), fails with `ChannelSendError`.
   */
  async send(address: string, message: OutboundMessage, sentPart?: (id: string) => void): Promise<string> {
    try {
      return await this.#send(address, message, sentPart);
    } catch (error) {
      throw toSendError(error);
    }
  }

  async #send(address: string, message: OutboundMessage, sentPart?: (id: string) => void): Promise<string> {
    const { own } = this.#options;
    const chatId = chatIdOf(address);
    if (chatId === undefined) {
      throw new ChannelSendError(`"${address}" is not a WhatsApp address (a number's digits with the country code, or lid:<id>)`, { permanent: true });
    }
    const client = this.#options.client();
    if ('notReady' in client) throw new ChannelSendError(`WhatsApp Web is not connected: ${client.notReady}`, { permanent: false });
    await this.#checkNumber(client, address);
    const parts = await renderMessage(message, this.#options.media());
    const done = message.id !== undefined ? this.#done.get(message.id) : undefined;
    let last = done?.last;
    for (let index = done?.count ?? 0; index < parts.length; index++) {
      const part = parts[index]!;
      const mark = own.begin(chatId, part);
      let id: string | undefined;
      try {
        // The first part answers the message the reply quotes (an agent's Reply on its relay), as WhatsApp shows it.
        id = await this.#sendPart(client, chatId, part, index === 0 ? message.replyTo : undefined, mark);
      } finally {
        own.settle(mark, id);
      }
      if (id === undefined) throw new ChannelSendError(`WhatsApp has no chat with ${address}`, { permanent: true, known: 'noChat' });
      last = id;
      sentPart?.(id);
      if (message.id !== undefined && index < parts.length - 1) {
        this.#done.set(message.id, { count: index + 1, last });
        if (this.#done.size > MAX_REMEMBERED) this.#done.delete(this.#done.keys().next().value!);
      }
    }
    if (message.id !== undefined) this.#done.delete(message.id);
    this.#options.choices.offered(address, message.choices);
    return last!;
  }

  /**
   * One part's send, bounded by `timeoutMs`. When it fails or does not settle in time but WhatsApp Web reported the
   * message (its `message_create`: WhatsApp Web keeps such a message and sends it once connected), it went out: that
   * id is taken, so the outbox's retry does not send it twice (a page reloading under a send, a dropped connection).
   * Otherwise it failed for now.
   */
  async #sendPart(client: WhatsAppClient, chatId: string, part: OutgoingContent, quoted: string | undefined, mark: object): Promise<string | undefined> {
    const ms = this.#options.timeoutMs ?? SEND_TIMEOUT_MS;
    let result: { value: string | undefined } | 'late';
    try {
      result = await within(client.sendMessage(chatId, part, quoted), ms);
    } catch (error) {
      const reported = this.#options.own.reported(mark);
      if (reported !== undefined) return reported;
      throw error;
    }
    if (result !== 'late') return result.value;
    const reported = this.#options.own.reported(mark);
    if (reported !== undefined) return reported;
    this.#options.unanswered?.();
    throw new ChannelSendError(`WhatsApp Web did not answer the send within ${Math.round(ms / 1000)} s`, { permanent: false });
  }

  /** A number nobody on WhatsApp has fails for good; asked once per number, and not for one that wrote to us. */
  async #checkNumber(client: WhatsAppClient, address: string): Promise<void> {
    if (address.startsWith('lid:') || this.#options.known(address)) return;
    // Bounded as a send is: a page that stopped answering would hold the message, and those after it, for good.
    const ms = this.#options.timeoutMs ?? SEND_TIMEOUT_MS;
    const found = await within(client.numberId(address), ms);
    if (found === 'late') {
      this.#options.unanswered?.();
      throw new ChannelSendError(`WhatsApp Web did not answer whether +${address} is on WhatsApp within ${Math.round(ms / 1000)} s`, { permanent: false });
    }
    if (found.value === undefined) throw new ChannelSendError(`+${address} is not on WhatsApp`, { permanent: true, known: 'noChat' });
    this.#options.seen(address);
  }
}

/** `work`'s value, or `'late'` when it has not settled within `ms` (a rejection within it is thrown). */
async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => {
    timer = setTimeout(() => done('late'), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What a failed send means for the outbox. whatsapp-web.js fails with plain errors (or strings) from inside the page;
 * those that name an address WhatsApp does not know will fail the same way again. Anything else (the page reloading,
 * the browser gone, a timeout) may pass.
 *
 *     toSendError(new Error('No LID for user')).permanent; // true
 */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const permanent = /invalid wid|wid error|no lid for user|not a valid (phone|number|wid)/i.test(message);
  return new ChannelSendError(message.split('\n')[0]!.slice(0, 500), { permanent, cause: error });
}
