// What a failed Send API call means for the outbox, on Messenger and Instagram alike: rate limits wait a minute,
// Meta's passing failures and the network are tried again, a refused Page token waits for its replacement; a person
// who cannot be reached (551), a missing permission (10, 200-299) or a bad parameter (100) fails the message at once
// with Meta's words (meta/errors.ts holds the rules Meta's channels share).
import type { ChannelSendError, KnownFailure } from '../../types.ts';
import { toSendError as graphSendError, type ErrorPolicy } from '../meta/errors.ts';

/** How long a rate limit is waited out: Meta's documentation names no time, and its windows are rolling. */
const RATE_LIMIT_WAIT_MS = 60_000;

/**
 * Meta's codes that may pass: 4 (the app's rate limit), 17 (the user's), 32 (the Page's), 613 (calls within a
 * window), 1 and 2 (the API failing or unavailable), 1200 (a temporary send failure). Meta's "Common Error Codes"
 * say of 2 "Please retry your request later", and that it may also mean the customer blocked the business: so it is
 * tried again for minutes (the outbox's quick delays), not the day an agent's reply otherwise waits, and then the
 * agent reads that the customer may have blocked the Page (`mayHaveBlocked`).
 */
const POLICY: ErrorPolicy = {
  temporary: new Map<number, number | undefined>([
    [1, undefined],
    [2, undefined],
    [4, RATE_LIMIT_WAIT_MS],
    [17, RATE_LIMIT_WAIT_MS],
    [32, RATE_LIMIT_WAIT_MS],
    [613, RATE_LIMIT_WAIT_MS],
    [1200, undefined],
  ]),
  tokenRefused: 'the Page access token (MESSENGER_PAGE_TOKEN) was refused',
  // 551: "This person isn't available right now" (they turned off the Page's messages or blocked it; Meta says no more).
  known: new Map<number, KnownFailure>([[2, 'mayHaveBlocked'], [4, 'rateLimited'], [17, 'rateLimited'], [32, 'rateLimited'], [613, 'rateLimited'], [551, 'unavailable']]),
  // (#10) 2018278 "This message is sent outside of allowed window" (Meta's clock closed the window before ours did),
  // Instagram's (#10) 2534022 alike; (#100) 2018001 "No matching user found", Instagram's (#100) 2534014 alike;
  // (#200) 2018108 "This person isn't receiving messages from you right now".
  knownSubcodes: new Map<number, KnownFailure>([[2018278, 'writeFirst'], [2534022, 'writeFirst'], [2018001, 'noChat'], [2534014, 'noChat'], [2018108, 'blocked']]),
  briefly: new Set([2]),
};

/**
 * The `ChannelSendError` a failed Send API call becomes.
 *
 *     try { await graph.post('me/messages', body); } catch (error) { throw toSendError(error); }
 *     toSendError(unavailable).permanent; // true for 551: this person isn't available right now
 */
export function toSendError(error: unknown): ChannelSendError {
  return graphSendError(error, POLICY);
}
