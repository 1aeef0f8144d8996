// Sends one OutboundMessage through the Cloud API, within WhatsApp's 24-hour customer service window: free-form
// messages only reach a person who wrote in the last 24 hours; after that only an approved template does. The
// window is checked before any call (Meta would refuse with 131047 and still count the attempt). An agent's notice
// goes out as WHATSAPP_NOTICE_TEMPLATE when their window is closed. When a part fails after some went out, the
// retry resumes after them, as the Telegram sender does.
import { ChannelSendError, type ChannelHost, type MessageTemplate, type OutboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { WHILE_REFUSED } from '../../shared/reply-ages.ts';
import { oneLine } from '../../shared/text.ts';
import { GraphError, type GraphApi } from '../meta/graph.ts';
import { toSendError } from './errors.ts';
import { DEFAULT_TEMPLATE_LANGUAGE, renderMessage, type Part } from './render.ts';

/** WhatsApp's customer service window. */
export const WINDOW_MS = 24 * 3_600_000;
/** Messages the outbox gave up on are never sent again: past this many, the oldest memories are dropped. */
const MAX_REMEMBERED = 1000;
/** The excerpt of a notice that fits in the notice template's one parameter. */
const MAX_EXCERPT = 100;
/** A business-scoped user id (US.13491208655302741918, US.ENT.…): sent to as `recipient`, a wa_id as `to`. */
const BSUID = /^[A-Z]{2}\.[A-Za-z0-9.]+$/;

export const CLOSED_WINDOW = 'the customer last wrote more than 24 hours ago; only an approved template can reach them now: /template <name>';

export interface SenderOptions {
  graph: GraphApi;
  phoneNumberId: string;
  log: Logger;
  now: () => Date;
  /** WHATSAPP_NOTICE_TEMPLATE: reaches an agent whose window is closed, with an excerpt of the notice. */
  noticeTemplate?: string;
  /** WHATSAPP_TEMPLATES: the notice template's language, when it is listed with one. */
  templates?: readonly { name: string; language?: string }[];
}

/**
 * The sender of one WhatsApp number.
 *
 *     const sender = new Sender({ graph, phoneNumberId, log, now: () => new Date() });
 *     const wamid = await sender.send('16505551234', { text: 'Hi!' }, host);
 */
export class Sender {
  readonly #options: SenderOptions;
  /** Parts already sent of a message whose later part failed, by stored message id. */
  readonly #done = new Map<number, { count: number; last: string }>();
  /** The token was refused: said once in the log until a send works again. */
  #tokenRefused = false;

  constructor(options: SenderOptions) {
    this.#options = options;
  }

  /**
   * Sends `message` to `to` (a wa_id or a business-scoped user id) and resolves to the wamid of its last part;
   * fails with `ChannelSendError`. `host` is undefined before the channel started (a text may still go out then,
   * outside any window check; a file cannot). `sentPart` is told each part's wamid as it goes out.
   */
  async send(to: string, message: OutboundMessage, host: ChannelHost | undefined, sentPart?: (id: string) => void): Promise<string> {
    try {
      const ready = await this.#withinWindow(to, message, host);
      const id = await this.#send(to, ready, host, sentPart);
      this.#tokenRefused = false;
      return id;
    } catch (error) {
      if (error instanceof GraphError && error.badToken && !this.#tokenRefused) {
        this.#tokenRefused = true;
        this.#options.log.error({ code: error.code, status: error.status }, `the WhatsApp access token has expired or was revoked: replace WHATSAPP_TOKEN; ${WHILE_REFUSED}`);
      }
      throw toSendError(error);
    }
  }

  /** The message as it may go out now: as it is, as the notice template, or refused for good. */
  async #withinWindow(to: string, message: OutboundMessage, host: ChannelHost | undefined): Promise<OutboundMessage> {
    if (message.template || !host) return message;
    const last = await host.lastInboundAt(to);
    const open = last !== undefined && this.#options.now().getTime() - Date.parse(last) < WINDOW_MS;
    if (open) return message;
    if (!message.toAgent) throw new ChannelSendError(CLOSED_WINDOW, { permanent: true, known: 'windowClosed' });
    const notice = this.#options.noticeTemplate;
    if (notice === undefined) {
      throw new ChannelSendError('outside the 24-hour window: the agent has not written to this WhatsApp number in 24 hours, and no WHATSAPP_NOTICE_TEMPLATE is set', { permanent: true });
    }
    const language = this.#options.templates?.find((template) => template.name === notice)?.language ?? DEFAULT_TEMPLATE_LANGUAGE;
    const template: MessageTemplate = { name: notice, language, params: [oneLine(message.text, MAX_EXCERPT)] };
    return { ...message, template };
  }

  async #send(to: string, message: OutboundMessage, host: ChannelHost | undefined, sentPart?: (id: string) => void): Promise<string> {
    // A reaction is a message of its own type on the customer's message ('' takes it back).
    if (message.reaction) return this.#call(to, { payload: { type: 'reaction', reaction: { message_id: message.reaction.to, emoji: message.reaction.emoji } } }, {});
    const parts = await renderMessage(message, host?.media);
    const done = message.id !== undefined ? this.#done.get(message.id) : undefined;
    let last = done?.last;
    // The first part quotes the message it answers (a wamid of this chat); a template goes out as approved.
    const quote = message.replyTo !== undefined && !message.template ? { context: { message_id: message.replyTo } } : {};
    for (let index = done?.count ?? 0; index < parts.length; index++) {
      last = await this.#call(to, parts[index]!, index === 0 ? quote : {});
      sentPart?.(last);
      if (message.id !== undefined && index < parts.length - 1) {
        this.#done.set(message.id, { count: index + 1, last });
        if (this.#done.size > MAX_REMEMBERED) this.#done.delete(this.#done.keys().next().value!);
      }
    }
    if (message.id !== undefined) this.#done.delete(message.id);
    if (last === undefined) throw new ChannelSendError('nothing to send', { permanent: true });
    return last;
  }

  async #call(to: string, part: Part, extra: Record<string, unknown>): Promise<string> {
    const { graph, phoneNumberId } = this.#options;
    const payload: Record<string, unknown> = { ...extra, ...part.payload };
    if (part.upload) {
      const type = part.payload.type;
      payload[type] = { ...(part.payload[type] as Record<string, unknown>), id: await this.#upload(part.upload) };
    }
    const answer = await graph.post<{ messages?: { id?: unknown }[] }>(`${encodeURIComponent(phoneNumberId)}/messages`, {
      messaging_product: 'whatsapp',
      ...(BSUID.test(to) ? { recipient: to } : { recipient_type: 'individual', to }),
      ...payload,
    });
    const id = answer.messages?.[0]?.id;
    if (typeof id !== 'string' || id === '') throw new ChannelSendError('the Cloud API answered without a message id', { permanent: false });
    return id;
  }

  /** Uploads a file's bytes (POST /{phone number id}/media, multipart); resolves to its media id. */
  async #upload(upload: NonNullable<Part['upload']>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of upload.bytes()) chunks.push(Buffer.from(chunk));
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', upload.mime);
    form.set('file', new Blob([Buffer.concat(chunks)], { type: upload.mime }), upload.name ?? 'file');
    const answer = await this.#options.graph.post<{ id?: unknown }>(`${encodeURIComponent(this.#options.phoneNumberId)}/media`, form);
    if (typeof answer.id !== 'string' || answer.id === '') throw new ChannelSendError('the Cloud API answered an upload without a media id', { permanent: false });
    return answer.id;
  }
}

