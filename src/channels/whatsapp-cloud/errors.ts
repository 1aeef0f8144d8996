// What a failed Cloud API send means for the outbox: Meta's refusals that the same call will get again (a closed
// 24-hour window, a bad parameter, a number not on WhatsApp) fail the message at once with Meta's words; rate
// limits wait as long as Meta asks for; Meta's own failures, the network and a token being replaced are tried again.
import { ChannelSendError } from '../../types.ts';
import { GraphError } from './graph.ts';

/**
 * Meta's error codes that may pass, with how long to wait before trying again when Meta's documentation says:
 * 4 and 80007 (the app's or the account's rate limit), 130429 (throughput), 131056 (too many messages to one
 * person: a minute), 131048 (spam rate limit), 131000, 131016 and 133004 (Meta's own failures), 1 and 2 (the API
 * unavailable).
 */
const TEMPORARY = new Map<number, number | undefined>([
  [1, undefined],
  [2, undefined],
  [4, 60_000],
  [80007, 60_000],
  [130429, 30_000],
  [131000, undefined],
  [131016, undefined],
  [131048, 60_000],
  [131056, 60_000],
  [133004, undefined],
]);

/**
 * The `ChannelSendError` a failed Graph API call becomes, with Meta's message (and its details, when it gave them).
 *
 *     try { await graph.post(path, payload); } catch (error) { throw toSendError(error); }
 *     toSendError(pairRateLimit).retryAfterMs; // 60000 for 131056
 */
export function toSendError(error: unknown): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (!(error instanceof GraphError)) {
    return new ChannelSendError(error instanceof Error ? error.message : String(error), { permanent: false, cause: error });
  }
  const reason = describeGraphError(error);
  // A token being replaced: the messages wait for it rather than fail.
  if (error.badToken) return new ChannelSendError(`the WhatsApp access token was refused: ${reason}`, { permanent: false, cause: error });
  if (error.code !== undefined && TEMPORARY.has(error.code)) {
    const retryAfterMs = TEMPORARY.get(error.code);
    return new ChannelSendError(reason, { permanent: false, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), cause: error });
  }
  // No answer, or Meta failing on its side: worth another try.
  if (error.status === undefined || error.status >= 500 || error.status === 408 || error.status === 429) {
    return new ChannelSendError(reason, { permanent: false, cause: error });
  }
  return new ChannelSendError(reason, { permanent: true, cause: error });
}

/**
 * Meta's message with its details, as an agent told of a failed message reads it.
 *
 *     describeGraphError(error); // '(#131047) Re-engagement message: Message failed to send because more than 24 hours…'
 */
export function describeGraphError(error: GraphError): string {
  const code = error.code !== undefined && !error.message.includes(`#${error.code}`) ? ` (#${error.code})` : '';
  const details = error.details !== undefined && error.details !== error.message ? `: ${error.details}` : '';
  return `${error.message}${code}${details}`;
}
