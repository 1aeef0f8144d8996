// What a failed Bot API send means for the outbox: a refusal that will not change (blocked, no such chat, a
// message Telegram will not take) fails the message at once; a flood wait says how long to wait; anything else
// (Telegram's own failures, the network) is worth another try.
import { GrammyError, HttpError } from 'grammy';
import { ChannelSendError, type KnownFailure } from '../../types.ts';

/**
 * Telegram's answers that the same call will get again: 400 (chat not found, message text is empty, wrong file
 * identifier…), 403 (blocked by the user, kicked, user deactivated) and 413 (a file over the upload limit).
 * A 401 or 404 is about the bot's token, not the message: temporary, so replies wait while the token is fixed (`WHILE_REFUSED` says how long).
 */
const PERMANENT = new Set([400, 403, 413]);

/**
 * The `ChannelSendError` a failed send throws, with Telegram's description as its message.
 *
 *     try { await api.sendMessage(chat, text); } catch (error) { throw toSendError(error); }
 *     toSendError(floodWait).retryAfterMs; // 75000 for "retry after 75"
 */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after;
    const known = knownFailure(error.error_code, error.description);
    return new ChannelSendError(error.description, {
      permanent: PERMANENT.has(error.error_code),
      ...(known ? { known } : {}),
      // auto-retry has already waited out the short flood waits: this one is the outbox's to wait, not a held call's.
      ...(error.error_code === 429 && typeof retryAfter === 'number' ? { retryAfterMs: retryAfter * 1000 } : {}),
      cause: error,
    });
  }
  if (error instanceof HttpError) return new ChannelSendError(`network error: ${error.message}`, { permanent: false, cause: error });
  return new ChannelSendError(error instanceof Error ? error.message : String(error), { permanent: false, cause: error });
}

/**
 * What Telegram's answer is known to mean, from its code and its description (Telegram names causes only in words).
 *
 *     knownFailure(403, 'Forbidden: bot was blocked by the user'); // 'blocked'
 *     knownFailure(400, 'Bad Request: chat not found');           // 'noChat'
 *     knownFailure(400, 'Bad Request: message is too long');      // 'tooLong'
 */
function knownFailure(code: number, description: string): KnownFailure | undefined {
  if (code === 429) return 'rateLimited';
  // A text or a caption over Telegram's limit (render.ts splits texts, but a caption or an edit can still be refused).
  if (/(text|message|caption) is too long|MESSAGE_TOO_LONG/i.test(description)) return 'tooLong';
  if (code === 413 || /too big|too large/i.test(description)) return 'fileTooLarge';
  if (/blocked by the user/i.test(description)) return 'blocked';
  // A person who never started the bot (or deleted the chat with it): nothing reaches them until they write.
  if (/can't initiate conversation/i.test(description)) return 'writeFirst';
  if (/chat not found|user is deactivated|PEER_ID_INVALID/i.test(description)) return 'noChat';
  if (/wrong type of|IMAGE_PROCESS_FAILED|PHOTO_INVALID_DIMENSIONS|VOICE_MESSAGES_FORBIDDEN|unsupported/i.test(description)) return 'fileType';
  return undefined;
}
