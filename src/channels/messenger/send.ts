// Sends one OutboundMessage through the Send API (POST me/messages with the Page's token), under Messenger's
// messaging window: within 24 hours of the person's last message anything goes out as a RESPONSE; from then until
// 7 days only a human agent's reply may, tagged HUMAN_AGENT (a bot says nothing that late: a message sent then was
// written by an agent; with the tag turned off, nothing); after 7 days nothing does, and the message fails at once without calling Meta, so the agent
// who wrote it is told. The first message after each of the person's messages is preceded by `mark_seen` and
// `typing_on` (best effort). When a part fails after some went out, the retry resumes after them.
import { ChannelSendError, type ChannelHost, type OutboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { WHILE_REFUSED } from '../../shared/reply-ages.ts';
import { GraphError, type GraphApi } from '../meta/graph.ts';
import { toSendError } from './errors.ts';
import { OWN_METADATA, type OwnSends } from './own-sends.ts';
import type { Platform } from './platforms.ts';
import { renderMessage, type Part } from './render.ts';

/** The standard messaging window: anything may be sent. */
const RESPONSE_WINDOW_MS = 24 * 3_600_000;
/** The HUMAN_AGENT tag's window: an agent's reply may still be sent. */
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;
/** Messages the outbox gave up on are never sent again, and people are many: past this many, the oldest are forgotten. */
const MAX_REMEMBERED = 1000;

export interface SenderOptions {
  graph: GraphApi;
  platform: Platform;
  sends: OwnSends;
  log: Logger;
  now: () => Date;
  /**
   * Whether an agent's reply 24 hours to 7 days after the customer's last message goes tagged HUMAN_AGENT (true by
   * default); off (`MESSENGER_HUMAN_AGENT_TAG=off`, for an app without Meta's App Review of the tag) it fails at once,
   * its agent told the customer's app takes nothing until they write again.
   */
  humanAgentTag?: boolean;
}

/** How a message may go out now. */
type Messaging = { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' };

/**
 * The sender of one platform.
 *
 *     const sender = new Sender({ graph, platform: MESSENGER, sends, log, now: () => new Date() });
 *     const mid = await sender.send('6789012345678901', { text: 'Hi!' }, host);
 */
export class Sender {
  readonly #options: SenderOptions;
  /** Parts already sent of a message whose later part failed, by stored message id. */
  readonly #done = new Map<number, { count: number; last: string }>();
  /** The last message of each person our `mark_seen` answered (their lastInboundAt). */
  readonly #seen = new Map<string, string>();
  /** The token was refused: said once in the log until a send works again. */
  #tokenRefused = false;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  /** Sends `message` to `to` (a page- or Instagram-scoped id); resolves to the mid of its last part (`sentPart` is told each part's mid). */
  async send(to: string, message: OutboundMessage, host: ChannelHost | undefined, sentPart?: (id: string) => void): Promise<string> {
    const { platform, log } = this.#options;
    try {
      if (!host) throw new ChannelSendError(`the ${platform.label} channel is not started`, { permanent: false });
      const last = await host.lastInboundAt(to);
      if (last === undefined) throw new ChannelSendError(`the customer has not written on ${platform.label}; ${platform.label} allows no message before they do`, { permanent: true, known: 'writeFirst' });
      const messaging = this.#messaging(last, message.byAgent === true);
      if (message.reaction) return await this.#react(to, message.reaction);
      const parts = await renderMessage(message, platform, host.media);
      const done = message.id !== undefined ? this.#done.get(message.id) : undefined;
      if (!done) await this.#seenAndTyping(to, last);
      let sent = done?.last;
      for (let index = done?.count ?? 0; index < parts.length; index++) {
        sent = await this.#call(to, parts[index]!, messaging);
        sentPart?.(sent);
        if (message.id !== undefined && index < parts.length - 1) this.#remember(this.#done, message.id, { count: index + 1, last: sent });
      }
      if (message.id !== undefined) this.#done.delete(message.id);
      this.#tokenRefused = false;
      if (sent === undefined) throw new ChannelSendError('nothing to send', { permanent: true });
      return sent;
    } catch (error) {
      if (error instanceof GraphError && error.badToken && !this.#tokenRefused) {
        this.#tokenRefused = true;
        log.error({ code: error.code, status: error.status }, `the Page access token has expired or was revoked: replace MESSENGER_PAGE_TOKEN; on Messenger and Instagram, ${WHILE_REFUSED}`);
      }
      throw toSendError(error);
    }
  }

  /** RESPONSE within 24 hours of the person's last message, HUMAN_AGENT (a person's reply only) within 7 days, else refused for good. */
  #messaging(last: string, byAgent: boolean): Messaging {
    const { label } = this.#options.platform;
    const age = this.#options.now().getTime() - Date.parse(last);
    if (age <= RESPONSE_WINDOW_MS) return { messaging_type: 'RESPONSE' };
    if (!byAgent) throw new ChannelSendError(`the customer last wrote more than 24 hours ago; ${label} lets only a person answer now (the HUMAN_AGENT tag), not the bot`, { permanent: true });
    if (this.#options.humanAgentTag === false) {
      throw new ChannelSendError(`the customer last wrote more than 24 hours ago; only a reply tagged HUMAN_AGENT may go now, and MESSENGER_HUMAN_AGENT_TAG=off`, { permanent: true, known: 'writeFirst' });
    }
    if (age <= HUMAN_AGENT_WINDOW_MS) return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
    throw new ChannelSendError(`the customer last wrote more than 7 days ago; ${label} allows no reply now`, { permanent: true, known: 'writeFirst' });
  }

  /** `mark_seen` and `typing_on` before the first message after each of the person's messages; failures are ignored. */
  async #seenAndTyping(to: string, last: string): Promise<void> {
    if (this.#seen.get(to) === last) return;
    this.#remember(this.#seen, to, last);
    for (const action of ['mark_seen', 'typing_on']) {
      try {
        await this.#options.graph.post('me/messages', { recipient: { id: to }, sender_action: action });
      } catch (error) {
        this.#options.log.debug({ err: error instanceof Error ? error.message : String(error), action }, `${this.#options.platform.label} sender action not sent; the message goes on`);
        return;
      }
    }
  }

  /**
   * Puts the Page's reaction on the customer's message `to` (a mid), or takes it back (''): a sender action, which has
   * no mid of its own, so it resolves to an id naming the reaction.
   */
  async #react(to: string, reaction: { emoji: string; to: string }): Promise<string> {
    await this.#options.graph.post('me/messages', reaction.emoji === ''
      ? { recipient: { id: to }, sender_action: 'unreact', payload: { message_id: reaction.to } }
      : { recipient: { id: to }, sender_action: 'react', payload: { message_id: reaction.to, reaction: reaction.emoji } });
    this.#tokenRefused = false;
    return `reaction:${reaction.to}`;
  }

  async #call(to: string, part: Part, messaging: Messaging): Promise<string> {
    const { graph, platform, sends, now } = this.#options;
    const message: Record<string, unknown> = { ...part.message };
    if (part.upload) message.attachment = { type: part.upload.type, payload: { attachment_id: await this.#upload(part.upload) } };
    if (platform.echoMetadata) message.metadata = OWN_METADATA;
    // Echoes of this message may come before its answer: they wait for it (own-sends.ts).
    const finish = sends.begin(to);
    const at = now().getTime();
    try {
      const answer = await graph.post<{ message_id?: unknown }>('me/messages', { recipient: { id: to }, ...messaging, message });
      const mid = answer.message_id;
      if (typeof mid !== 'string' || mid === '') throw new ChannelSendError(`the ${platform.label} Send API answered without a message id`, { permanent: false });
      sends.sent(to, mid, at);
      return mid;
    } catch (error) {
      // No answer, or one that broke off: Meta may have sent it, and its echo is ours, not a person's takeover.
      const lost = error instanceof ChannelSendError ? !error.permanent : error instanceof GraphError && error.answerLost;
      if (lost) sends.unsure(to, typeof message.text === 'string' ? message.text : undefined, at);
      throw error;
    } finally {
      finish();
    }
  }

  /** Uploads a file's bytes (POST me/message_attachments, multipart `filedata`); resolves to its attachment id. */
  async #upload(upload: NonNullable<Part['upload']>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of upload.bytes()) chunks.push(Buffer.from(chunk));
    const form = new FormData();
    for (const [name, value] of Object.entries(this.#options.platform.uploadFields)) form.set(name, value);
    form.set('message', JSON.stringify({ attachment: { type: upload.type, payload: { is_reusable: false } } }));
    form.set('filedata', new Blob([Buffer.concat(chunks)], { type: upload.mime }), upload.name ?? 'file');
    const answer = await this.#options.graph.post<{ attachment_id?: unknown }>('me/message_attachments', form);
    const id = answer.attachment_id;
    if (typeof id !== 'string' || id === '') throw new ChannelSendError(`the ${this.#options.platform.label} upload answered without an attachment id`, { permanent: false });
    return id;
  }

  #remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
  }
}
