// Hands what the client reports to the runtime: a customer's or an agent's message (`message`), edit of one
// (`message_edit`), deletion of one for everyone (`message_revoke_everyone`) or reaction to one (`message_reaction`), a message a person at the business typed on the phone (`message_create` from us that this channel
// did not send: a takeover), and acknowledgements of what was sent (`message_ack`). Each chat's messages are handled
// one at a time in the order they came, so a photo being downloaded is not overtaken by the text written after it.
// WhatsApp Web never sends a message twice on request: one that could not be stored is tried a few more times, then
// logged as lost.
import { DeliveryRefused, type Attachment, type ChannelHost, type DeliveryStatus, type InboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { MediaRefusedError, describeBytes } from '../../store/media.ts';
import type { ChoiceMemory } from './choices.ts';
import { addressOf } from './address.ts';
import type { WaMessage, WhatsAppClient } from './client.ts';
import { decodeEdit, decodeMessage, decodeReaction, decodeRevoke, decodeUndecrypted, orderText, type Decoded, type PendingFile } from './decode.ts';
import { withTimeout, type Identities } from './identities.ts';
import type { OwnSends } from './own-sends.ts';

/** WhatsApp's acknowledgement levels, and the delivery status each one is. */
const ACK_STATUSES: Record<number, DeliveryStatus['status'] | undefined> = { [-1]: 'failed', 2: 'delivered', 3: 'read', 4: 'read' };

export interface ReceiverOptions {
  channel: string;
  host: ChannelHost;
  log: Logger;
  own: OwnSends;
  choices: ChoiceMemory;
  identities: Identities;
  /** The agents' WhatsApp numbers (digits with country code), as team.yaml gives them. */
  agentNumbers: () => readonly string[];
  /** Called with every person's address a message came from: it is on WhatsApp. */
  seen: (address: string) => void;
  /** Told of each message someone else wrote, once it is stored: the channel's mark moves on. */
  handled?: (message: WaMessage) => void;
  /** Pause before trying to store a message again (default 1000 ms, then doubled); three tries in all. */
  retryMs?: number;
  /** How long downloading one file may take (default 60 s). */
  downloadTimeoutMs?: number;
}

/**
 * The receiving side of the channel.
 *
 *     const receiver = new Receiver({ channel: 'whatsapp-web', host, log, own, choices, identities, agentNumbers, seen });
 *     client.on('message', (message) => receiver.received(client, message));
 */
export class Receiver {
  readonly #options: ReceiverOptions;
  /** The tail of each chat's line of messages. */
  readonly #chats = new Map<string, Promise<void>>();
  readonly #running = new Set<Promise<void>>();
  /** While a catch-up reads what was missed: what the client reports meanwhile waits, to come after it. */
  #held: [string, () => Promise<void>][] | undefined;
  #stopping = false;

  constructor(options: ReceiverOptions) {
    this.#options = options;
  }

  /** A message someone else wrote. */
  received(client: WhatsAppClient, message: WaMessage): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeMessage(message, { echo: false, receivedAt: new Date() }), false));
  }

  /**
   * Holds what the client reports until `release` is called, so that messages read again (`missed`) come in their
   * chat's line before anything newer.
   *
   *     const release = receiver.hold(); for (const message of unread) receiver.missed(client, message); release();
   */
  hold(): () => void {
    const held: [string, () => Promise<void>][] = [];
    this.#held = held;
    return () => {
      if (this.#held === held) this.#held = undefined;
      for (const [chatId, work] of held) this.#enqueue(chatId, work);
    };
  }

  /** A message someone else wrote while the session was away, read again: handled as if it had just come. */
  missed(client: WhatsAppClient, message: WaMessage): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeMessage(message, { echo: false, receivedAt: new Date() }), false), true);
  }

  /** A new message in any chat; only those the business wrote, and this channel did not send, are handed on. */
  created(client: WhatsAppClient, message: WaMessage): void {
    if (!message.fromMe) return;
    // Checked at once: our own send's create may arrive while its sendMessage is still running.
    if (this.#options.own.isOwn(message)) return;
    this.#enqueue(message.to, () => this.#handle(client, message, decodeMessage(message, { echo: true, receivedAt: new Date() }), true));
  }

  /** A message's text changed: a person's edit of what they sent, in line with the chat's messages. */
  edited(client: WhatsAppClient, message: WaMessage, newBody: string, prevBody: string): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeEdit(message, { newBody, prevBody }, { receivedAt: new Date() }), false));
  }

  /** A message its sender deleted for everyone, in line with the chat's messages. */
  revoked(client: WhatsAppClient, message: WaMessage): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeRevoke(message, { receivedAt: new Date() }), false));
  }

  /** A reaction someone added to a message, in line with the chat's messages. */
  reacted(client: WhatsAppClient, message: WaMessage): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeReaction(message, { receivedAt: new Date() }), false));
  }

  /** A message WhatsApp Web could not decrypt: the person wrote something nobody here can read. */
  undecrypted(client: WhatsAppClient, message: WaMessage): void {
    this.#enqueue(message.from, () => this.#handle(client, message, decodeUndecrypted(message, { receivedAt: new Date() }), false));
  }

  /**
   * A person's number changed from `oldId` to `newId` (WhatsApp's notice in their chat): their contact, and the
   * conversation an agent may hold, move to the new number, as on WhatsApp Cloud (ChannelHost.updateIdentity with
   * movedTo; a contact the new number already made is merged into theirs). In line with the new chat's messages, so
   * one it sent first is a contact before the move. A group's notice and an agent's change (team.yaml names agents by
   * number) move nothing.
   */
  changedNumber(oldId: string, newId: string, isContact: boolean): void {
    const [from, to] = [addressOf(oldId), addressOf(newId)];
    const { host, channel, log } = this.#options;
    if (!isContact || from === undefined || to === undefined || from === to) {
      log.debug({ from: oldId, to: newId, isContact }, 'a change of number that moves nothing');
      return;
    }
    if (this.#options.agentNumbers().includes(from)) {
      log.warn({ from, to }, 'an agent changed their WhatsApp number: write the new one in team.yaml');
      return;
    }
    this.#enqueue(newId, async () => {
      await host.updateIdentity({ channel, id: from, movedTo: to });
      log.info({ from, to }, 'a customer changed their WhatsApp number: their contact moved to the new one');
    });
  }

  /** A sent message's acknowledgement: delivered, read (or played), or failed. */
  acked(message: WaMessage, ack: number): void {
    const status = ACK_STATUSES[ack];
    if (!message.fromMe || status === undefined) return;
    const { host, channel, log } = this.#options;
    this.#track(
      host
        .report({ channel, messageId: message.id, status, ...(status === 'failed' ? { reason: 'WhatsApp could not deliver it' } : {}), at: new Date().toISOString() })
        .catch((error: unknown) => log.warn({ err: describe(error), messageId: message.id }, 'could not record a WhatsApp delivery status')),
    );
  }

  /** Stops taking new messages and waits for those under way. */
  async stop(): Promise<void> {
    this.#stopping = true;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #enqueue(chatId: string, work: () => Promise<void>, missed = false): void {
    if (this.#stopping) return;
    if (this.#held && !missed) {
      this.#held.push([chatId, work]);
      return;
    }
    const previous = this.#chats.get(chatId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => this.#options.log.error({ err: describe(error), chat: chatId }, 'WhatsApp message handling failed'));
    this.#chats.set(chatId, next);
    void next.finally(() => {
      if (this.#chats.get(chatId) === next) this.#chats.delete(chatId);
    });
    this.#track(next);
  }

  async #handle(client: WhatsAppClient, message: WaMessage, decoded: Decoded, echo: boolean): Promise<void> {
    const { log, identities, host, channel } = this.#options;
    if (decoded.kind === 'ignored') {
      log.debug({ messageId: message.id, reason: decoded.reason }, 'WhatsApp message ignored');
      return;
    }
    const { inbound, chatId, file } = decoded;
    const address = inbound.from.id;
    const other = await identities.otherAddress(client, chatId);
    const agents = this.#options.agentNumbers();
    const agentNumber = [address, other].find((candidate) => candidate !== undefined && agents.includes(candidate));
    if (echo) {
      // The business's own notes to itself, and what the phone's owner writes to an agent, are not takeovers.
      if (chatId === client.ownId()) return;
      if (agentNumber !== undefined) return;
    } else {
      this.#options.seen(address);
      // Agents are known by their number; one writing from a lid chat is recognised through it.
      if (agentNumber !== undefined) inbound.from.id = agentNumber;
      else if (inbound.text !== undefined && !file && !inbound.edit) {
        const choice = this.#options.choices.match(address, inbound.text);
        if (choice !== undefined) inbound.choice = choice;
      }
    }
    if (message.type === 'order' && !echo) await this.#orderItems(client, message, inbound);
    if (!(await this.#deliver(client, message, inbound, file))) return;
    if (!echo) this.#options.handled?.(message);
    if (agentNumber === undefined) await identities.tell(host, channel, address, other);
  }

  /** A cart's products and quantities, asked of WhatsApp: without them the agent still reads what the message told. */
  async #orderItems(client: WhatsAppClient, message: WaMessage, inbound: InboundMessage): Promise<void> {
    let items;
    try {
      items = await withTimeout(client.orderItems(message), this.#options.downloadTimeoutMs ?? 60_000);
    } catch (error) {
      this.#options.log.warn({ err: describe(error), messageId: message.id }, 'could not ask WhatsApp for the products of an order');
      return;
    }
    const text = items ? orderText(message.order ?? {}, items) : undefined;
    if (text === undefined) return;
    inbound.text = text;
    delete inbound.unsupported;
  }

  /** Fetches the file (if any) and delivers; tries three times in all when storing fails. */
  async #deliver(client: WhatsAppClient, message: WaMessage, inbound: InboundMessage, file: PendingFile | undefined): Promise<boolean> {
    const { host, log } = this.#options;
    const retryMs = this.#options.retryMs ?? 1_000;
    for (let attempt = 1; ; attempt++) {
      try {
        if (file) inbound.attachments = [await this.#fetch(client, message, file)];
        await host.deliver(inbound);
        return true;
      } catch (error) {
        const last = attempt >= 3 || this.#stopping || error instanceof DeliveryRefused;
        if (last) {
          log.error({ err: describe(error), messageId: message.id, from: inbound.from.id }, 'a WhatsApp message could not be stored and is lost (WhatsApp Web does not send it again)');
          return false;
        }
        log.warn({ err: describe(error), messageId: message.id, retryInMs: retryMs * 2 ** (attempt - 1) }, 'a WhatsApp message could not be stored; trying again');
        await new Promise((done) => setTimeout(done, retryMs * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * The file's bytes into the media store. A file that cannot be had (over the limit, gone from WhatsApp, a download
   * that fails) becomes the reason beside the message; only a failure of our own media store is thrown.
   */
  async #fetch(client: WhatsAppClient, message: WaMessage, file: PendingFile): Promise<Attachment> {
    const { host, log } = this.#options;
    const { attachment, size } = file;
    const limit = host.media.maxBytes;
    if (size !== undefined && size > limit) return { ...attachment, size, refused: `the file is larger than ${describeBytes(limit)}`, refusal: { kind: 'tooLarge', limitBytes: limit } };
    let media;
    try {
      media = await withTimeout(client.downloadMedia(message), this.#options.downloadTimeoutMs ?? 60_000);
    } catch (error) {
      log.warn({ err: describe(error), messageId: message.id }, 'could not download a WhatsApp file');
      return { ...attachment, refused: 'the file could not be downloaded from WhatsApp', refusal: { kind: 'notFetched' } };
    }
    if (!media) return { ...attachment, refused: 'the file is no longer available on WhatsApp', refusal: { kind: 'notFetched' } };
    const bytes = Buffer.from(media.data, 'base64');
    const name = attachment.name ?? media.filename;
    const put = (mime: string | undefined) => host.media.put(bytes, { ...(mime ? { mime } : {}), ...(name ? { name } : {}) });
    try {
      let stored;
      try {
        stored = await put(media.mimetype || attachment.mime);
      } catch (error) {
        // A MIME type WhatsApp got wrong does not cost the file.
        if (!(error instanceof MediaRefusedError && error.reason === 'bad-type')) throw error;
        stored = await put('application/octet-stream');
      }
      return { ...attachment, ref: stored.ref, size: stored.size, mime: stored.mime, ...(stored.name ? { name: stored.name } : {}) };
    } catch (error) {
      if (error instanceof MediaRefusedError) return { ...attachment, size: bytes.byteLength, refused: error.message, refusal: error.refusal };
      throw error;
    }
  }

  #track(work: Promise<void>): void {
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
