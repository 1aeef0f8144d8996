// Hands one Telegram update to the runtime, whichever way it came (webhook.ts, polling.ts): decodes it, brings a
// message's file into the media store, delivers, and answers a button press so its spinner stops. Resolving means
// the update may be acknowledged (stored, deliberately ignored, or refused for good); rejecting means it was not
// stored and must come back.
import type { Api } from 'grammy';
import { FilesHeldBack, type ChannelHost } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { decodeUpdate } from './decode.ts';
import { fetchFile, type FileOptions } from './files.ts';

/** How many times a message whose files were held back is delivered again at once when they turn out to reach a customer. */
const HELD_BACK_ROUNDS = 3;

/** The updates the bot asks Telegram for: messages, button presses, and customers' edits and reactions (for the agent). */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'message_reaction'] as const;

export interface ReceiveContext {
  api: Api;
  host: ChannelHost;
  log: Logger;
  /** True for a supergroup that is a team desk: its topic messages are delivered. */
  isDesk: (chatId: string) => boolean;
  /** How files are fetched, the media store aside (it is the host's). */
  files: Omit<FileOptions, 'api' | 'media' | 'log'>;
  /** Runs a Bot API call in the background (answers to button presses): a failure is only logged. */
  track: (what: string, work: () => Promise<unknown>) => void;
}

/**
 * Receives one update; resolves to the reason it was refused, if it was, so a webhook can say so.
 *
 *     const refused = await receiveUpdate(req.body, context);
 *     res.status(200).json({ ok: true, ...(refused ? { refused } : {}) });
 */
export async function receiveUpdate(update: unknown, context: ReceiveContext): Promise<string | undefined> {
  const { api, host, log, track } = context;
  const decoded = decodeUpdate(update, { isDesk: context.isDesk, receivedAt: new Date() });
  if (decoded.kind === 'refused') {
    log.warn({ update: updateId(update), reason: decoded.reason }, 'Telegram update refused');
    return decoded.reason;
  }
  if (decoded.kind === 'ignored') {
    log[decoded.level]({ update: updateId(update), reason: decoded.reason }, 'Telegram update ignored');
    return;
  }
  if (decoded.kind === 'callback-ignored') {
    log.debug({ update: updateId(update), reason: decoded.reason }, 'Telegram callback query ignored');
    track('answerCallbackQuery', () => api.answerCallbackQuery(decoded.queryId));
    return;
  }
  if (decoded.kind === 'message') {
    const { inbound, file } = decoded;
    for (let attempt = 1; ; attempt++) {
      // The bytes go into the media store first: a delivered message names them by ref. One that would reach no customer
      // (a desk group's topic no conversation has, a colleague's) is not downloaded: the message still says a file came.
      if (file && inbound.place !== undefined && host.filesReachCustomer && !(await host.filesReachCustomer(inbound))) {
        inbound.attachments = [{ ...file.attachment, refused: 'not fetched: it reaches no customer', refusal: { kind: 'notFetched' } }];
        inbound.filesHeldBack = true;
      } else if (file) {
        inbound.attachments = [await fetchFile(file, { ...context.files, api, media: host.media, log })];
        delete inbound.filesHeldBack;
      }
      try {
        await host.deliver(inbound);
        return;
      } catch (error) {
        // Its transaction found the file reaches a customer after all (the conversation passed to its writer since the
        // check): asked again, it is fetched this time. Past a few rounds, the update comes back later.
        if (!(error instanceof FilesHeldBack) || attempt >= HELD_BACK_ROUNDS) throw error;
      }
    }
  }
  try {
    await host.deliver(decoded.inbound);
  } catch (error) {
    // The button press was not stored: stop the spinner, keep the keyboard so it can be pressed again.
    track('answerCallbackQuery', () => api.answerCallbackQuery(decoded.queryId, { text: 'Sorry, please try again in a moment.' }));
    throw error;
  }
  track('answerCallbackQuery', () => api.answerCallbackQuery(decoded.queryId));
  const { chatId, messageId } = decoded;
  if (chatId !== undefined && messageId !== undefined) {
    track('editMessageReplyMarkup', () =>
      api.editMessageReplyMarkup(chatId, messageId, { reply_markup: { inline_keyboard: [] } }).catch((error: unknown) => {
        log.debug({ err: String(error) }, 'could not remove the keyboard of an answered message');
      }),
    );
  }
}

/** The update's id, for log lines, when it has one. */
export function updateId(update: unknown): number | undefined {
  return typeof update === 'object' && update !== null && Number.isSafeInteger((update as { update_id?: unknown }).update_id)
    ? Number((update as { update_id: number }).update_id)
    : undefined;
}
