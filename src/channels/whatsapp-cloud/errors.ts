// What a failed Cloud API send means for the outbox: Meta's refusals that the same call will get again (a closed
// 24-hour window, a bad parameter, a number not on WhatsApp) fail the message at once with Meta's words; rate
// limits wait as long as Meta asks for; Meta's own failures, the network and a token being replaced are tried again.
import { ChannelSendError, type KnownFailure } from '../../types.ts';
import { describeGraphError, toSendError as graphSendError, type ErrorPolicy } from '../meta/errors.ts';
import { GraphError } from '../meta/graph.ts';

/** Meta's code for a free-form message outside the customer's 24-hour window ("Re-engagement message"). */
export const WINDOW_CLOSED_CODE = 131047;

/**
 * Meta's error codes that may pass, with how long to wait before trying again when Meta's documentation says:
 * 4 and 80007 (the app's or the account's rate limit), 130429 (throughput), 131056 (too many messages to one
 * person: a minute), 131048 (spam rate limit), 131000, 131016 and 133004 (Meta's own failures), 1 and 2 (the API
 * unavailable).
 */
const POLICY: ErrorPolicy = {
  temporary: new Map<number, number | undefined>([
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
  ]),
  tokenRefused: 'the WhatsApp access token was refused',
  known: knownCodes(),
};

/**
 * Meta's codes an agent is told in their own words, in sends and in failed statuses alike: the closed window
 * (131047), the rate limits (4, 80007, 130429, 131048, 131056), a person WhatsApp cannot deliver to (131026, "Message
 * undeliverable": a number not on WhatsApp, an app too old, terms not accepted), a kind of message WhatsApp does not
 * take (131051).
 */
function knownCodes(): ReadonlyMap<number, KnownFailure> {
  return new Map<number, KnownFailure>([
    [WINDOW_CLOSED_CODE, 'windowClosed'],
    [131026, 'cannotReceive'],
    [131051, 'fileType'],
    ...[4, 80007, 130429, 131048, 131056].map((code) => [code, 'rateLimited'] as const),
  ]);
}

/**
 * What a Cloud API error code is known to mean, for a failed status as for a failed send.
 *
 *     knownFailure(131047); // 'windowClosed'
 */
export function knownFailure(code: number | undefined): KnownFailure | undefined {
  return code === undefined ? undefined : POLICY.known.get(code);
}

/**
 * The `ChannelSendError` a failed Cloud API call becomes.
 *
 *     try { await graph.post(path, payload); } catch (error) { throw toSendError(error); }
 *     toSendError(pairRateLimit).retryAfterMs; // 60000 for 131056
 *     toSendError(reEngagement).windowClosed; // true for 131047
 */
export function toSendError(error: unknown): ChannelSendError {
  // Meta's clock said the window had closed where ours did not: the agent is told as when ours says so.
  if (error instanceof GraphError && error.code === WINDOW_CLOSED_CODE && !error.badToken) {
    return new ChannelSendError(describeGraphError(error), { permanent: true, known: 'windowClosed', cause: error });
  }
  return graphSendError(error, POLICY);
}
