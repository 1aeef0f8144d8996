// What a failed send means for the outbox. botbuilder's HTTP pipeline has already retried the Bot Connector's 5xx
// answers and network failures up to three times within the send's time limit; a 429 reaches here at once, with the
// wait it asked for (pipeline.ts).
// A conversation that no longer exists (404), a person who blocked the bot, or an activity the channel refuses
// (400, 413) fails at once. The app's credentials refused (by Entra, or 401/403 from the Bot Connector) is the
// operator's to fix: the replies wait for the fix instead of failing, and the log says so loudly.
import { ChannelSendError, type KnownFailure } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { TokenError } from './auth.ts';
import { HELD_RETRY_AFTER, retryAfterMs } from './pipeline.ts';

/** The Bot Connector's 403 codes that say the person, or their admin, shut the bot out: sending again cannot help. */
const SHUT_OUT = new Set(['ConversationBlockedByUser', 'BotDisabledByAdmin', 'UserNotFound']);

/**
 * What botbuilder's pipeline rejects with: an Azure RestError, read by its fields. With an answer, `code` is the
 * Bot Connector's `{ error: { code } }`; without one, `statusCode` is absent.
 */
interface ConnectorFailure {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  response?: { headers?: { get?(name: string): string | undefined | null } };
}

/**
 * The `ChannelSendError` a failed send becomes; `log` hears loudly of credentials the Bot Framework refused.
 *
 *     try { await adapter.continueConversationAsync(appId, reference, logic); } catch (error) { throw toSendError(error, log, { files: false }); }
 *
 * `sent.files`: whether the activity carried files, which tells a 413's too large file from a text too long.
 */
export function toSendError(error: unknown, log: Logger, sent: { files: boolean } = { files: true }): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof TokenError) {
    if (error.refused) log.error({ err: error.message }, 'Bot Framework: Microsoft Entra refused the app\'s credentials; check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID for a single-tenant app). Replies wait until they are fixed');
    return new ChannelSendError(`the bot could not sign in to the Bot Framework: ${error.message}`, { permanent: false, cause: error });
  }
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ConnectorFailure;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : undefined;
  const said = describe(failure);
  if (status === undefined) return new ChannelSendError(`the Bot Connector could not be reached: ${said}`, { permanent: false, cause: error });
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  if (status === 403 && code !== undefined && SHUT_OUT.has(code)) {
    const known: KnownFailure | undefined = code === 'ConversationBlockedByUser' ? 'blocked' : code === 'UserNotFound' ? 'noChat' : undefined;
    return new ChannelSendError(`${said} (${code})`, { permanent: true, ...(known ? { known } : {}), cause: error });
  }
  if (status === 401 || status === 403) {
    log.error({ status, code, err: said }, 'Bot Framework: the Bot Connector refused the bot\'s token; check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD and the bot\'s registration. Replies wait until it is fixed');
    return new ChannelSendError(`the Bot Connector refused the bot's credentials (HTTP ${status}): ${said}`, { permanent: false, cause: error });
  }
  if (status === 404) return new ChannelSendError(`the conversation no longer exists (HTTP 404): ${said}`, { permanent: true, known: 'noChat', cause: error });
  if (status === 429) {
    // Moved out of the pipeline's sight (pipeline.ts), in milliseconds; Retry-After itself from a client without that step.
    const held = Number(failure.response?.headers?.get?.(HELD_RETRY_AFTER) ?? Number.NaN);
    const waitMs = Number.isFinite(held) ? held : retryAfterMs(failure.response?.headers?.get?.('retry-after'));
    return new ChannelSendError(`too many messages (HTTP 429): ${said}`, { permanent: false, known: 'rateLimited', ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}), cause: error });
  }
  if (status >= 500 || status === 408) return new ChannelSendError(`the Bot Connector failed (HTTP ${status}): ${said}`, { permanent: false, cause: error });
  return new ChannelSendError(`the Bot Connector refused the message (HTTP ${status}): ${said}`, { permanent: true, ...(status === 413 ? { known: sent.files ? 'fileTooLarge' as const : 'tooLong' as const } : {}), cause: error });
}

function describe(failure: ConnectorFailure): string {
  return typeof failure.message === 'string' && failure.message !== '' ? failure.message.split('\n')[0]! : 'no reason given';
}
