// Hands one Telegram update to the runtime, whichever way it came (webhook.ts, polling.ts): decodes it, brings a
// message's file into the media store, delivers, and answers a button press so its spinner stops. Resolving means
// the update may be acknowledged (stored, deliberately ignored, or refused for good); rejecting means it was not
// stored and must come back.
import type { Api } from 'grammy';
import { FilesHeldBack, type ChannelHost } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { decodeUpdate, type Decoded } from './decode.ts';
import type { OpenKeyboards } from './keyboards.ts';
import { fetchFile, type FileOptions } from './files.ts';
import { deskLanguage, line, word } from '../../handover/lines.ts';

/** How many times a message whose files were held back is delivered again at once when they turn out to reach a customer. */
const HELD_BACK_ROUNDS = 3;

/**
 * The updates the bot asks Telegram for: messages, button presses, customers' edits and reactions (for the agent), and
 * the bot's own membership of a chat (`my_chat_member`: a customer blocked or unblocked it).
 */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'message_reaction', 'my_chat_member'] as const;

export interface ReceiveContext {
  api: Api;
  host: ChannelHost;
  log: Logger;
  /** True for a supergroup that is a team desk: its topic messages are delivered. */
  isDesk: (chatId: string) => boolean;
  /** The bot was removed from a team desk's group (`present`: false), or is in it again (desks.ts). */
  deskMembership?: (group: string, present: boolean, title?: string) => void;
  /** How files are fetched, the media store aside (it is the host's). */
  files: Omit<FileOptions, 'api' | 'media' | 'log'>;
  /** Runs a Bot API call in the background (answers to button presses): a failure is only logged. */
  track: (what: string, work: () => Promise<unknown>) => void;
  /**
   * The messages of each person still being received (`inOrderOf`), when updates may come in at once (a webhook takes
   * up to 40 of Telegram's requests at a time): without it, each is received as it comes.
   */
  senders?: Map<string, Promise<unknown>>;
  /** The keyboards still under questions: one is removed once its customer types instead of pressing. */
  keyboards?: OpenKeyboards;
  /**
   * The latest edit received of each message edited lately (`<chat>:<message id>` to its edit_date): a webhook takes
   * several of Telegram's requests at once, so an older edit can come after a newer one, and would undo it.
   */
  edits?: Map<string, number>;
  /** A later message of the same person came with this one (one getUpdates answer): `InboundMessage.followed`. */
  followed?: true;
}

/** How many messages' latest edits are remembered (a few hundred KB at most). */
const MAX_EDITS_REMEMBERED = 10_000;

/**
 * Runs `work` for a message of `sender` once their messages that came before it are received (stored or failed): an
 * album's photos come as one update each, all at once, and a small one downloaded sooner would otherwise be stored
 * first, the captioned first photo reaching the customer last. Other people's messages (a colleague's in the same desk
 * group) do not wait.
 *
 *     await inOrderOf(senders, '9001', () => deliverIt());
 */
export function inOrderOf<T>(senders: Map<string, Promise<unknown>>, sender: string, work: () => Promise<T>): Promise<T> {
  const mine = (senders.get(sender) ?? Promise.resolve()).then(work);
  const done = mine.catch(() => undefined);
  senders.set(sender, done);
  void done.then(() => {
    if (senders.get(sender) === done) senders.delete(sender);
  });
  return mine;
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
  if (decoded.kind === 'desk') {
    log[decoded.present ? 'info' : 'error']({ update: updateId(update), group: decoded.group }, decoded.present ? 'the bot is in the team desk group again' : 'the bot was removed from a team desk group');
    context.deskMembership?.(decoded.group, decoded.present, decoded.title);
    return;
  }
  if (decoded.kind === 'blocked') {
    // After the messages she sent before it: the agent reads them first.
    const { senders } = context;
    const tell = () => host.blocked?.(decoded.address, decoded.blocked) ?? Promise.resolve();
    await (senders ? inOrderOf(senders, decoded.address, tell) : tell());
    return;
  }
  if (decoded.kind === 'message') {
    if (context.followed) decoded.inbound.followed = true;
    const { senders } = context;
    return senders ? inOrderOf(senders, decoded.inbound.from.id, () => receiveMessage(decoded, context)) : receiveMessage(decoded, context);
  }
  try {
    await host.deliver(decoded.inbound);
  } catch (error) {
    // The button press was not stored: stop the spinner, keep the keyboard so it can be pressed again.
    // Said in the language of the customer's Telegram app: the store, where their own is kept, did not answer.
    const text = word(line('pressNotTaken'), deskLanguage(decoded.inbound.from.language));
    track('answerCallbackQuery', () => api.answerCallbackQuery(decoded.queryId, { text }));
    throw error;
  }
  track('answerCallbackQuery', () => api.answerCallbackQuery(decoded.queryId));
  const { chatId, messageId } = decoded;
  if (chatId !== undefined && messageId !== undefined) context.keyboards?.remove(chatId, messageId);
}

/** Brings a message's file into the media store (where it reaches a customer) and delivers the message. */
async function receiveMessage(decoded: Extract<Decoded, { kind: 'message' }>, context: ReceiveContext): Promise<undefined> {
  const { api, host, log } = context;
  const { inbound, file } = decoded;
  // What answers no question (an edit, a reaction, /start, a poll) leaves the keyboard the customer saw.
  const answers = inbound.place === undefined && !inbound.edit && !inbound.reaction && !inbound.menu && inbound.unsupported === undefined;
  const typed = answers ? Number(inbound.id.slice(inbound.id.lastIndexOf(':') + 1)) : NaN;
  // An edit's id ends in its edit_date: one older than an edit of the same message already received says what the
  // message no longer says.
  const edited = inbound.edit ? Number(inbound.id.slice(inbound.id.lastIndexOf(':') + 1)) : NaN;
  const newest = inbound.edit ? context.edits?.get(inbound.edit.of) : undefined;
  if (inbound.edit && newest !== undefined && edited < newest) {
    log.debug({ id: inbound.id, newest }, 'Telegram edit older than one already received: not delivered');
    return undefined;
  }
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
      // Typed, not pressed: the question is answered (or asked again, with buttons of its own).
      if (Number.isSafeInteger(typed)) context.keyboards?.answered(Number(inbound.from.id), typed);
      if (inbound.edit && context.edits && Number.isSafeInteger(edited)) remember(context.edits, inbound.edit.of, edited);
      return;
    } catch (error) {
      // Its transaction found the file reaches a customer after all (the conversation passed to its writer since the
      // check): asked again, it is fetched this time. Past a few rounds, the update comes back later.
      if (!(error instanceof FilesHeldBack) || attempt >= HELD_BACK_ROUNDS) throw error;
    }
  }
}

/** The update's id, for log lines, when it has one. */
export function updateId(update: unknown): number | undefined {
  return typeof update === 'object' && update !== null && Number.isSafeInteger((update as { update_id?: unknown }).update_id)
    ? Number((update as { update_id: number }).update_id)
    : undefined;
}

/** Remembers `date` as the latest edit of the message `of`, forgetting the message edited longest ago past the bound. */
function remember(edits: Map<string, number>, of: string, date: number): void {
  edits.delete(of);
  edits.set(of, date);
  if (edits.size > MAX_EDITS_REMEMBERED) edits.delete(edits.keys().next().value!);
}
