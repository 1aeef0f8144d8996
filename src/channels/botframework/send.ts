// Sends one OutboundMessage. Every send is proactive: the person's conversation reference, kept by the core from
// their last message (ChannelHost.referenceOf), is rebuilt and the adapter continues that conversation with one
// activity. Someone who never wrote to the bot cannot be reached: the Bot Framework lets a bot open a conversation
// only where it was installed or spoken to.
import { randomUUID } from 'node:crypto';
import type { Activity, ConversationReference } from 'botbuilder';
import { ChannelSendError, type ChannelHost, type OutboundMessage } from '../../types.ts';
import { splitText } from '../../shared/text.ts';
import { partOffsets, within } from '../../shared/text-styles.ts';
import type { Logger } from '../../shared/log.ts';
import { TEAMS } from './address.ts';
import type { AppTokens, BotAdapter } from './auth.ts';
import { tokenRefused, toSendError } from './errors.ts';
import { limitRequests } from './pipeline.ts';
import { rebuild } from './reference.ts';
import { renderMessage } from './render.ts';

/**
 * Teams refuses a message over about 28 KB: a longer text goes in parts of at most this many UTF-16 units (at most
 * 21 KB of UTF-8, whatever the script), which leaves room for the rest of the activity.
 */
const MAX_TEAMS_TEXT = 7000;
/** Bytes of text that go in one message with an inline picture (at most 16 KB, 22 KB as base64) within Teams' 28 KB. */
const MAX_TEAMS_TEXT_BESIDE_FILES = 4 * 1024;
/** Messages whose parts sent so far are remembered for a retry. */
const MAX_REMEMBERED = 1000;

/**
 * The sender of the channel; ids are `<conversation id>:<activity id>`, as inbound messages' (a reaction names one).
 *
 *     const sender = new Sender({ adapter, appId, log });
 *     const id = await sender.send('webchat:dl_123', { text: 'Hi!' }, host); // 'conv-1:0000002'
 */
export class Sender {
  readonly #adapter: BotAdapter;
  readonly #appId: string;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #tokens: Pick<AppTokens, 'forget'> | undefined;
  /** Messages sent in part when a later part failed: how many parts went, and the last one's id. */
  readonly #done = new Map<number, { count: number; last: string }>();

  /**
   * `timeoutMs`: how long a send may wait for the Bot Connector (default 30 s); botbuilder sets no limit of its own.
   * `tokens`: the app's tokens, dropped when the Bot Connector refuses one (none when authentication is off).
   */
  constructor(options: { adapter: BotAdapter; appId: string; log: Logger; timeoutMs?: number; tokens?: Pick<AppTokens, 'forget'> | undefined }) {
    this.#adapter = options.adapter;
    this.#appId = options.appId;
    this.#log = options.log;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#tokens = options.tokens;
  }

  /**
   * Sends `message` to the person at `to`; fails with `ChannelSendError`. `host` is undefined before the channel started.
   * A text longer than Teams takes goes in parts (`sentPart` is told each part's id); a retry resumes after those sent.
   */
  async send(to: string, message: OutboundMessage, host: ChannelHost | undefined, sentPart?: (id: string) => void): Promise<string> {
    if (!host) throw new ChannelSendError('the Bot Framework channel is not started', { permanent: false });
    const reference = rebuild(await host.referenceOf(to));
    if (!reference) throw new ChannelSendError(`no conversation reference for ${to}; the person must write to the bot first`, { permanent: true, known: 'writeFirst' });
    const parts = reference.channelId === TEAMS ? teamsParts(message) : [message];
    const done = message.id !== undefined ? this.#done.get(message.id) : undefined;
    let sent = done?.last;
    for (let index = done?.count ?? 0; index < parts.length; index++) {
      const part = parts[index]!;
      const activity = await renderMessage(part, reference.channelId, host.media);
      sent = await this.#sendOne(reference, activity, (part.attachments?.length ?? 0) > 0);
      sentPart?.(sent);
      if (message.id !== undefined && index < parts.length - 1) this.#remember(message.id, { count: index + 1, last: sent });
    }
    if (message.id !== undefined) this.#done.delete(message.id);
    return sent!;
  }

  /** Parts of a message already sent, by its id, for a retry to resume after them; the oldest forgotten past a bound. */
  #remember(id: number, done: { count: number; last: string }): void {
    this.#done.delete(id);
    this.#done.set(id, done);
    if (this.#done.size > MAX_REMEMBERED) this.#done.delete(this.#done.keys().next().value!);
  }

  /** Sends one activity into the conversation of `reference`; resolves to its id, scoped by the conversation. */
  async #sendOne(reference: ConversationReference, activity: Partial<Activity>, files: boolean): Promise<string> {
    let sent: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    // A Bot Connector that never answers would hold this person's replies for ever: past the limit the send counts
    // as a temporary failure and is tried again, and botbuilder's request and its own retries are aborted, so that
    // none of them reaches the person after the outbox has counted the send as failed (if the Bot Connector took the
    // activity but had not answered by then, the person may still see it twice).
    const limit = new AbortController();
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new ChannelSendError(`the Bot Connector did not answer within ${this.#timeoutMs / 1000} s`, { permanent: false });
        reject(error);
        limit.abort(error);
      }, this.#timeoutMs);
    });
    try {
      await Promise.race([
        this.#adapter.continueConversationAsync(this.#appId, reference, async (context) => {
          limitRequests(context.turnState.get(this.#adapter.ConnectorClientKey), limit.signal);
          sent = (await context.sendActivity(activity))?.id;
        }),
        timedOut,
      ]);
    } catch (error) {
      // A token refused before its time would be shown again at every try until then: the outbox's next try asks anew.
      if (tokenRefused(error)) this.#tokens?.forget();
      throw toSendError(error, this.#log, { files });
    } finally {
      clearTimeout(timer);
    }
    // Teams, Web Chat and Direct Line answer with the activity's id; a channel that gives none still gets a unique one.
    return `${reference.conversation.id}:${sent || `local-${randomUUID()}`}`;
  }
}

/**
 * `message` as Teams takes it: one message, or, for a text longer than `MAX_TEAMS_TEXT`, its text in parts, each with
 * its own styles; the last keeps the choices and the files.
 */
function teamsParts(message: OutboundMessage): OutboundMessage[] {
  // A picture inline takes up to 22 KB of the message: a long text beside it goes first, on its own.
  const files = (message.attachments?.length ?? 0) > 0;
  if (files && Buffer.byteLength(message.text) > MAX_TEAMS_TEXT_BESIDE_FILES) {
    const { choices: _choices, attachments: _attachments, ...text } = message;
    return [...teamsParts(text), { ...message, text: '', styles: [] }].map((part) => (part.styles?.length === 0 ? withoutStyles(part) : part));
  }
  if (message.text.length <= MAX_TEAMS_TEXT) return [message];
  const texts = splitText(message.text, MAX_TEAMS_TEXT);
  const starts = partOffsets(message.text, texts);
  const styles = message.styles ?? [];
  return texts.map((text, index) => {
    const own = within(styles, starts[index]!, starts[index]! + text.length);
    const { choices: _choices, attachments: _attachments, styles: _styles, ...plain } = message;
    const part = index === texts.length - 1 ? { ...message, text } : { ...plain, text };
    if (own.length > 0) return { ...part, styles: own };
    const { styles: _none, ...unstyled } = part;
    return unstyled;
  });
}

function withoutStyles(message: OutboundMessage): OutboundMessage {
  const { styles: _styles, ...plain } = message;
  return plain;
}
