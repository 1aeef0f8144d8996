// What a failed send means for the outbox. botbuilder's HTTP pipeline has already retried the Bot Connector's 5xx
// answers and network failures up to three times within the send's time limit; a 429 reaches here at once, with the
// wait it asked for (pipeline.ts).
// A conversation that no longer exists (404), a person who blocked or removed the bot, or an activity the channel
// refuses (400, 413) fails at once; Teams' passing conflict (412) is tried again. A token the Bot Connector refuses
// (401) is dropped and asked anew at the next try (send.ts). The app's credentials refused (by Entra, or 403 from the
// Bot Connector) are the operator's to fix: the replies wait for the fix instead of failing, and the log says so loudly.
import { ChannelSendError, type KnownFailure } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { WHILE_REFUSED } from '../../shared/reply-ages.ts';
import { TokenError } from './auth.ts';
import { HELD_RETRY_AFTER, retryAfterMs } from './pipeline.ts';

/**
 * The Bot Connector's 403 codes that say the person, or their admin, shut the bot out: sending again cannot help, and
 * what the person must do, if anything (Teams' "Status codes from bot conversational APIs"). A Teams user who
 * removed the app from their chat leaves the bot out of its roster until they add it and write again.
 */
const SHUT_OUT = new Map<string, KnownFailure | undefined>([
  ['ConversationBlockedByUser', 'blocked'],
  ['BotDisabledByAdmin', undefined],
  ['UserNotFound', 'noChat'],
  ['BotNotInConversationRoster', 'writeFirst'],
  ['ForbiddenOperationException', 'writeFirst'],
]);

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
    if (error.refused) log.error({ err: error.message }, `Bot Framework: Microsoft Entra refused the app's credentials; check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID for a single-tenant app); ${WHILE_REFUSED}`);
    return new ChannelSendError(`the bot could not sign in to the Bot Framework: ${error.message}`, { permanent: false, cause: error });
  }
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ConnectorFailure;
  const status = typeof failure.statusCode === 'number' ? failure.statusCode : undefined;
  const said = describe(failure);
  if (status === undefined) return new ChannelSendError(`the Bot Connector could not be reached: ${said}`, { permanent: false, cause: error });
  const code = typeof failure.code === 'string' ? failure.code : undefined;
  if (status === 403 && code !== undefined && SHUT_OUT.has(code)) {
    const known = SHUT_OUT.get(code);
    return new ChannelSendError(`${said} (${code})`, { permanent: true, ...(known ? { known } : {}), cause: error });
  }
  if (status === 401) {
    log.error({ status, code, err: said }, 'Bot Framework: the Bot Connector refused the bot\'s token; the next try asks Microsoft Entra for a new one. If this repeats, check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD and the bot\'s registration');
    return new ChannelSendError(`the Bot Connector refused the bot's credentials (HTTP ${status}): ${said}`, { permanent: false, cause: error });
  }
  if (status === 403) {
    log.error({ status, code, err: said }, `Bot Framework: the Bot Connector refused the bot's token; check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD and the bot's registration; ${WHILE_REFUSED}`);
    return new ChannelSendError(`the Bot Connector refused the bot's credentials (HTTP ${status}): ${said}`, { permanent: false, cause: error });
  }
  if (status === 404) return new ChannelSendError(`the conversation no longer exists (HTTP 404): ${said}`, { permanent: true, known: 'noChat', cause: error });
  if (status === 429) {
    // Moved out of the pipeline's sight (pipeline.ts), in milliseconds; Retry-After itself from a client without that step.
    const held = Number(failure.response?.headers?.get?.(HELD_RETRY_AFTER) ?? Number.NaN);
    const waitMs = Number.isFinite(held) ? held : retryAfterMs(failure.response?.headers?.get?.('retry-after'));
    return new ChannelSendError(`too many messages (HTTP 429): ${said}`, { permanent: false, known: 'rateLimited', ...(waitMs !== undefined ? { retryAfterMs: waitMs } : {}), cause: error });
  }
  // 412: Teams' "precondition failed, please retry", concurrent operations on the same conversation.
  if (status >= 500 || status === 408 || status === 412) return new ChannelSendError(`the Bot Connector failed (HTTP ${status}): ${said}`, { permanent: false, cause: error });
  return new ChannelSendError(`the Bot Connector refused the message (HTTP ${status}): ${said}`, { permanent: true, ...(status === 413 ? { known: sent.files ? 'fileTooLarge' as const : 'tooLong' as const } : {}), cause: error });
}

/**
 * Whether the Bot Connector refused the bot's token (401), which may have expired before its time: the caller drops it.
 *
 *     if (tokenRefused(error)) tokens.forget();
 */
export function tokenRefused(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as ConnectorFailure).statusCode === 401;
}

function describe(failure: ConnectorFailure): string {
  return typeof failure.message === 'string' && failure.message !== '' ? failure.message.split('\n')[0]! : 'no reason given';
}
