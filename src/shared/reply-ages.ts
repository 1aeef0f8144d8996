// How long a reply is worth sending while its channel cannot take it (the outbox keeps to these), and the words a
// channel's log line uses to say it when its credentials are refused, so that what the log says is what happens.

/**
 * How long an agent's message to a customer is tried again while its channel fails for a reason that may pass:
 * a day (Chatwoot offers to retry a failed message for as long; WhatsApp's window is as long).
 */
export const AGENT_REPLY_TRIED_MS = 24 * 3_600_000;

/** How old a bot's message to a customer may be and still be sent: older, it comes out of context. */
export const BOT_REPLY_FRESH_MS = 15 * 60_000;

/**
 * What becomes of replies while a channel refuses its credentials, for its log line.
 *
 *     log.error({}, `the WhatsApp access token was revoked: replace WHATSAPP_TOKEN; ${WHILE_REFUSED}`);
 */
export const WHILE_REFUSED = 'agents\' replies wait until then (up to 24 hours); the bot\'s are dropped once 15 minutes old and its question asked again at the customer\'s next message';
