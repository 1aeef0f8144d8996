// What a failed Graph API send means for the outbox, the rules Meta's channels share: a refused token waits for
// its replacement, the codes a channel lists as passing (rate limits, Meta's own failures) are tried again after
// the wait they name, no answer or Meta failing on its side is tried again, and any other refusal fails the message
// at once with Meta's words. Each channel states its own codes (whatsapp-cloud/errors.ts, messenger/errors.ts).
import { ChannelSendError, type KnownFailure } from '../../types.ts';
import { GraphError } from './graph.ts';

/** How one channel reads Meta's error codes. */
export interface ErrorPolicy {
  /** Codes that may pass, with how long to wait before trying again when Meta's documentation says. */
  temporary: ReadonlyMap<number, number | undefined>;
  /** Says a refused token, e.g. `the WhatsApp access token was refused` (Meta's reason follows). */
  tokenRefused: string;
  /** Codes whose meaning an agent is told in their own words (a rate limit, a person who cannot be reached). */
  known: ReadonlyMap<number, KnownFailure>;
  /** The same by Meta's `error_subcode`, where one code means several things (Messenger's 10, 100, 200). */
  knownSubcodes?: ReadonlyMap<number, KnownFailure>;
  /** Temporary codes tried again for minutes only, not the day an agent's reply waits (`ChannelSendError.briefly`). */
  briefly?: ReadonlySet<number>;
}

/**
 * The `ChannelSendError` a failed Graph API call becomes, with Meta's message (and its details, when it gave them).
 *
 *     try { await graph.post(path, payload); } catch (error) { throw toSendError(error, policy); }
 *     toSendError(rateLimited, { temporary: new Map([[613, 60_000]]), tokenRefused }).retryAfterMs; // 60000
 */
export function toSendError(error: unknown, policy: ErrorPolicy): ChannelSendError {
  if (error instanceof ChannelSendError) return error;
  if (!(error instanceof GraphError)) {
    return new ChannelSendError(error instanceof Error ? error.message : String(error), { permanent: false, cause: error });
  }
  const reason = describeGraphError(error);
  const known = (error.subcode !== undefined ? policy.knownSubcodes?.get(error.subcode) : undefined) ?? (error.code !== undefined ? policy.known.get(error.code) : undefined);
  const means = known ? { known } : {};
  // A token being replaced: the messages wait for it rather than fail.
  if (error.badToken) return new ChannelSendError(`${policy.tokenRefused}: ${reason}`, { permanent: false, cause: error });
  if (error.code !== undefined && policy.temporary.has(error.code)) {
    const retryAfterMs = policy.temporary.get(error.code);
    return new ChannelSendError(reason, { permanent: false, ...means, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), ...(policy.briefly?.has(error.code) ? { briefly: true } : {}), cause: error });
  }
  // No answer, or one lost (a 2xx whose body broke off: Meta may well have taken the call), or Meta failing on its
  // side: worth another try. The person may see the message twice, where failing it for good would tell the agent
  // it failed although the person got it.
  const status = error.status ?? 0;
  if (error.answerLost || status >= 500 || status === 408 || status === 429) {
    return new ChannelSendError(reason, { permanent: false, ...(status === 429 ? { known: 'rateLimited' as const } : means), cause: error });
  }
  return new ChannelSendError(reason, { permanent: true, ...means, cause: error });
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
