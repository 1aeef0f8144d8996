// Sends one OutboundMessage. Every send is proactive: the person's conversation reference, kept by the core from
// their last message (ChannelHost.referenceOf), is rebuilt and the adapter continues that conversation with one
// activity. Someone who never wrote to the bot cannot be reached: the Bot Framework lets a bot open a conversation
// only where it was installed or spoken to.
import { randomUUID } from 'node:crypto';
import { ChannelSendError, type ChannelHost, type OutboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import type { AppTokens, BotAdapter } from './auth.ts';
import { tokenRefused, toSendError } from './errors.ts';
import { limitRequests } from './pipeline.ts';
import { rebuild } from './reference.ts';
import { renderMessage } from './render.ts';

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

  /** Sends `message` to the person at `to`; fails with `ChannelSendError`. `host` is undefined before the channel started. */
  async send(to: string, message: OutboundMessage, host: ChannelHost | undefined): Promise<string> {
    if (!host) throw new ChannelSendError('the Bot Framework channel is not started', { permanent: false });
    const reference = rebuild(await host.referenceOf(to));
    if (!reference) throw new ChannelSendError(`no conversation reference for ${to}; the person must write to the bot first`, { permanent: true, known: 'writeFirst' });
    const activity = await renderMessage(message, reference.channelId, host.media);
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
      throw toSendError(error, this.#log, { files: (message.attachments?.length ?? 0) > 0 });
    } finally {
      clearTimeout(timer);
    }
    // Teams, Web Chat and Direct Line answer with the activity's id; a channel that gives none still gets a unique one.
    return `${reference.conversation.id}:${sent || `local-${randomUUID()}`}`;
  }
}
