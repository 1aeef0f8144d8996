// The relay: a customer's message to the agent holding the conversation (or its desk thread), tagged with the
// conversation's number; an agent's message to the customer, on the customer's channel (as a reply to the message of
// theirs the agent answered, where the agent's app quoted its relay), and the agent's edit of one as a correction. Files
// travel too; one whose bytes were not kept is a clear line instead.
import type { InboundMessage } from '../types.ts';
import type { Attachment, Contact, Conversation, Message, TextStyle, Tx } from '../store/types.ts';
import { byLanguage } from '../flows/language.ts';
import { requeue } from './assignment/assign.ts';
import { markAwaitingAnswer } from './away.ts';
import { customerLabel, deletionText, editText, quotedText, reactionText, relayText, storyLinesIn } from './card.ts';
import { recordFirstResponse, stamp, type DeskContext, type DeskEffects } from './context.ts';
import { leftUnreachable, line, word, type DeskLanguage, type Line } from './lines.ts';
import { threadLanguage } from './lookups.ts';
import { asciiDigits, isolate, isolateRtl, keycapDigits, shortQuote } from '../shared/text.ts';
import { withInsertion } from '../shared/text-styles.ts';
import { toAgent, toCustomer, toThread, type Said } from './outgoing.ts';
import type { Agent } from './team.ts';

/** The attachments whose bytes were kept (or that need none: a location, a contact card). */
export const kept = (attachments: readonly Attachment[] | undefined): Attachment[] => (attachments ?? []).filter((a) => a.refused === undefined);

/** One line per attachment that could not be kept, for the agent or the desk thread on the other side, in their `language`. */
function refusedLines(attachments: readonly Attachment[] | undefined, language: DeskLanguage): string[] {
  return refused(attachments).map((a) => word(line('fileNotReceived', a.name, a.kind, a.refused, a.refusal, a.voice), language));
}

/** The attachments whose bytes could not be kept, each with why. */
function refused(attachments: readonly Attachment[] | undefined): (Attachment & { refused: string })[] {
  return (attachments ?? []).filter((a): a is Attachment & { refused: string } => a.refused !== undefined);
}

/**
 * A customer's message as relayed: `unsupported` names a kind of message nothing here can show (a poll, a story);
 * `replyTo`, the channel message id of the message it quotes (their app's Reply); `forwarded`, from another chat.
 */
export interface CustomerSaid extends Said {
  unsupported?: string;
  /** Written by a person at the business from the business's own app, not by the customer. */
  answeredInApp?: true;
  /** Longer than the channel keeps (this many characters): `text` is its start, marked with …; the agent is told. */
  textCut?: number;
  /** A reaction (`to`: the channel message id of the message it answers) rather than words: the business app's. */
  reaction?: { emoji: string; to: string };
  replyTo?: string;
  forwarded?: true;
  /** An answer of the flow's that this message corrected ("sorry, I meant 12346"), the field named in each desk language. */
  corrected?: { field: Record<DeskLanguage, string>; was: string; now: string };
}

/** An answer of the flow's that a customer's edit gave nothing to replace: kept, the field and what the edit lacks named in each desk language. */
export interface EditKept {
  field: Record<DeskLanguage, string>;
  kept: string;
  lacks: Record<DeskLanguage, string>;
  /** Taken out of the message altogether, rather than mistyped. */
  removed?: true;
  /** The bot told the customer (the conversation waits in a team desk's thread: nobody has it yet). */
  told?: boolean;
}

/**
 * A customer's message in a conversation an agent holds, or that waits in a team desk: relayed to the desk's
 * thread, or to the agent, tagged with its number. A conversation whose agent is gone goes back to the queue.
 */
export async function relay(ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, said: CustomerSaid, fx: DeskEffects): Promise<void> {
  // Sent from the business's own app (a poll of theirs), there is no customer to ask for it.
  const unshown = (language: DeskLanguage) => (said.unsupported !== undefined ? [word(line(said.answeredInApp ? 'kindNotShownInApp' : 'kindNotShown', said.unsupported), language)] : []);
  const reacted = said.reaction ? await tx.messageByChannelId(conversation.channel, said.reaction.to) : undefined;
  const words = (language: DeskLanguage) => (said.reaction ? word(line('reactedInApp', said.reaction.emoji, quotedText(reacted, language)), language) : storyLinesIn(said.text, language));
  const written = (language: DeskLanguage) => {
    // A kind from the business app that came without words: its own line says where it came from.
    if (!said.answeredInApp || (said.text === '' && said.unsupported !== undefined)) return words(language);
    return `${word(line('answeredInApp'), language)} ${words(language)}`;
  };
  // The agent's messages their channel refused while nothing reached them: said again now that they can be reached.
  const missed = await missedSinceLastWrote(tx, conversation);
  const missedLine = (language: DeskLanguage) => (missed > 0 ? [word(line('missedWhileUnreachable', missed), language)] : []);
  const correctedLine = (language: DeskLanguage) => (said.corrected ? [word(line('correctedAnswer', customerLabel(contact, language), said.corrected.field[language], said.corrected.was, said.corrected.now), language)] : []);
  // A live location reaches the agent as the point it started at: they are told it moves only in the customer's app.
  const live = (language: DeskLanguage) => (kept(said.attachments).some((attachment) => attachment.location?.live) ? [word(line('liveLocationShared'), language)] : []);
  // Cut by the channel: the agent reads that they see only the start, and can ask for the rest.
  const cutLine = (language: DeskLanguage) => (said.textCut !== undefined ? [word(line('customerTextCut', said.textCut), language)] : []);
  const text = (language: DeskLanguage) => [written(language), ...cutLine(language), ...correctedLine(language), ...live(language), ...unshown(language), ...refusedLines(said.attachments, language), ...missedLine(language)].filter((part) => part !== '').join('\n');
  // "Yes" means nothing without the message it answers: a quote of it, where the customer's app quoted one.
  const quoted = said.replyTo !== undefined ? await quotedMessage(tx, conversation, said.replyTo) : undefined;
  // A "2" answering the bot's numbered list means nothing without the line it picked: that line is named after the quote.
  const picked = pickedLine(quoted, said.text);
  const replying = (language: DeskLanguage) => (said.replyTo !== undefined ? { replyingTo: quotedText(quoted, language), ...(picked !== undefined ? { picked } : {}) } : {});
  // A customer's words wait for an answer; the business's own app answering for them does not.
  if (!said.answeredInApp) markAwaitingAnswer(ctx, tx, conversation);
  await toHolder(ctx, tx, conversation, (language) => {
    const relayed = relayText(conversation, customerLabel(contact, language), text(language), { language, ...replying(language), ...(said.forwarded ? { forwarded: true } : {}) });
    // The customer's styles stay on their words, after the relay's own words (and the business app's, before them).
    const styles = said.styles && !said.reaction ? stylesAfter(relayed, text(language), said.styles, written(language).length - words(language).length) : [];
    return {
      text: relayed, attachments: kept(said.attachments), ...(styles.length > 0 ? { styles } : {}),
      ...(said.relayOf !== undefined ? { relayOf: said.relayOf } : {}), ...(said.replyTo !== undefined ? { quoting: said.replyTo } : {}),
    };
  }, fx);
}

/**
 * The line of a quoted message's numbered choices that `text`, a number typed as the customer's app lets them (any
 * digits, a keycap emoji, "2."), picks; undefined when it picks none, or the message has no choices.
 *
 *     pickedLine({ choices: [{ id: 'billing', title: 'Billing' }, { id: 'sales', title: 'Sales' }] }, '2'); // '2. Sales'
 */
function pickedLine(quoted: Pick<Message, 'choices'> | undefined, text: string): string | undefined {
  const typed = keycapDigits(asciiDigits(text)).trim().replace(/[.)]$/, '');
  if (!quoted?.choices || !/^\d{1,3}$/.test(typed)) return undefined;
  const choice = quoted.choices[Number(typed) - 1];
  return choice ? `${Number(typed)}. ${choice.title}` : undefined;
}

/**
 * `styles` of the customer's words, which start `before` units into `text`, as they lie in `relayed`: the relay's own
 * words, then `text` (isolated when it reads right to left, as `relayText` puts it).
 *
 *     stylesAfter('#42 Layla: It is *urgent*', 'It is urgent', [{ style: 'bold', offset: 6, length: 6 }], 0); // offset 17
 */
function stylesAfter(relayed: string, text: string, styles: readonly TextStyle[], before: number): TextStyle[] {
  const isolated = isolateRtl(text);
  return withInsertion(styles, 0, relayed.length - isolated.length + isolated.indexOf(text) + before);
}

/** How many of the conversation's latest messages are looked through for the agents' messages that did not reach the customer. */
const MISSED_LOOKED_AT = 50;

/**
 * How many messages agents wrote to the customer, since the customer's message before the one being relayed, that
 * their channel refused because nothing reached the customer (blocked, gone, a closed window…).
 */
async function missedSinceLastWrote(tx: Tx, conversation: Conversation): Promise<number> {
  const recent = await tx.recentMessages(conversation.id, MISSED_LOOKED_AT);
  let missed = 0;
  // The last one is the message being relayed: counted back from the one before it to the customer's previous message.
  for (let index = recent.length - 2; index >= 0; index--) {
    const message = recent[index]!;
    if (message.direction === 'in') break;
    if (message.from === 'agent' && !message.toAgent && message.status === 'failed' && message.failure !== undefined && leftUnreachable(message.failure)) missed++;
  }
  return missed;
}

/** The message a customer quoted (`replyTo`, its channel message id); undefined for one the transcript does not have, or that is not of this customer's chat. */
async function quotedMessage(tx: Tx, conversation: Conversation, replyTo: string): Promise<Message | undefined> {
  const quoted = await tx.messageByChannelId(conversation.channel, replyTo);
  return quoted && quoted.contactId === conversation.contactId ? quoted : undefined;
}

/**
 * A customer's reaction (`to`: the channel message id of the message it answers, on `channel`) in a conversation an
 * agent holds or that waits in a team desk: the agent sees the emoji and which message it answers (`stored`: that
 * message, when it was stored in this transaction, which the store does not read back yet).
 */
export async function relayReaction(
  ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, reaction: { emoji: string; to: string; channel: string }, fx: DeskEffects,
  stored?: Pick<Message, 'text' | 'attachments'>,
): Promise<void> {
  const answered = stored ?? (await tx.messageByChannelId(reaction.channel, reaction.to));
  await toHolder(ctx, tx, conversation, (language) => ({ text: reactionText(conversation, customerLabel(contact, language), reaction.emoji, quotedText(answered, language), language) }), fx);
}

/**
 * A customer's edit of a message (`of`: its channel message id) in a conversation an agent holds or that waits in a
 * team desk: the agent sees what it says now and what it said (`was`), since their app still shows the first version,
 * quoting the relay of it where their channel can.
 */
export async function relayEdit(
  ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, edit: { text: string; was: string; of: string; corrected?: CustomerSaid['corrected']; kept?: EditKept }, fx: DeskEffects,
): Promise<void> {
  const { corrected, kept } = edit;
  // The answer the edit put right is changed on the card: said under the edit, as under a correction written.
  const correctedLine = (language: DeskLanguage) => (corrected ? [word(line('correctedAnswer', customerLabel(contact, language), corrected.field[language], corrected.was, corrected.now), language)] : []);
  // The answer an edit gave nothing to replace stays on the card: the agent, who is the one to tell the customer, is
  // told (and, in a desk's thread nobody has taken yet, that the bot told them).
  const keptLine = (language: DeskLanguage) => (kept ? [word(kept.removed
    ? line('answerTakenOut', customerLabel(contact, language), kept.field[language], kept.kept, kept.told)
    : line('editNotTaken', customerLabel(contact, language), kept.field[language], kept.kept, kept.lacks[language], kept.told), language)] : []);
  // A "2" quoting the bot's numbered list, edited to "1", names the line it picks now, as the relay of the "2" did.
  const original = await tx.messageByChannelId(conversation.channel, edit.of);
  const quoted = original?.replyTo !== undefined ? await quotedMessage(tx, conversation, original.replyTo) : undefined;
  const picked = pickedLine(quoted, edit.text);
  await toHolder(ctx, tx, conversation, (language) => ({
    text: [editText(conversation, customerLabel(contact, language), edit.text, edit.was, language, picked), ...correctedLine(language), ...keptLine(language)].join('\n'), quoting: edit.of,
  }), fx);
}

/**
 * A customer's deletion of a message (`of`: its channel message id, which said `was`) in a conversation an agent
 * holds or that waits in a team desk: the agent's app still shows it, so they are told, quoting the relay of it
 * where their channel can.
 */
export async function relayDeletion(
  ctx: DeskContext, tx: Tx, conversation: Conversation, contact: Contact, deletion: { was: string; of: string }, fx: DeskEffects,
): Promise<void> {
  await toHolder(ctx, tx, conversation, (language) => ({ text: deletionText(conversation, customerLabel(contact, language), deletion.was, language), quoting: deletion.of }), fx);
}

/**
 * To whoever works on the conversation, worded in their language: its desk thread (its team's), else the agent
 * holding it (theirs); with neither, back to the queue.
 */
async function toHolder(ctx: DeskContext, tx: Tx, conversation: Conversation, message: (language: DeskLanguage) => Said, fx: DeskEffects): Promise<void> {
  if (conversation.deskThread) {
    await toThread(ctx, tx, conversation, message(threadLanguage(ctx, conversation)), fx);
    return;
  }
  const agent = conversation.agentId ? ctx.directory.agent(conversation.agentId) : undefined;
  if (!agent) {
    await requeue(ctx, tx, conversation, fx);
    return;
  }
  await toAgent(ctx, tx, agent, message(agent.language ?? 'en'), fx, conversation.id);
}

/**
 * What an agent writes for a customer: sent on the customer's channel, with the files whose bytes were kept and that
 * the customer's app shows; a file that was not kept, or that their app would not show as what it is (Telegram's
 * animated sticker on WhatsApp), is told to the agent (`reply` words it for where they wrote: in their language, or in
 * their desk thread's). `answered`, the channel message id of the customer's message the agent answers (their app's Reply on the
 * relay of it, `relayedIn`; the console's Reply on it), makes it an answer to that message (`answerTo`).
 */
export async function fromAgentToCustomer(
  ctx: DeskContext, tx: Tx, agent: Agent, conversation: Conversation, inbound: InboundMessage, fx: DeskEffects,
  reply: (said: Line) => Promise<void>, answered?: string,
): Promise<void> {
  // What the agent hid would show on a channel that cannot hide it: the message is not sent, and the agent is told why.
  if (inbound.styles?.some((style) => style.style === 'spoiler') && ctx.styles?.(conversation.channel).includes('spoiler') !== true) {
    await reply(line('spoilerNotSent', conversation.id, false));
    return;
  }
  const shows = (attachment: Attachment) => ctx.shows?.(conversation.channel, attachment) !== false;
  const attachments = kept(inbound.attachments).filter(shows);
  const text = inbound.text ?? '';
  for (const file of refused(inbound.attachments)) await reply(line('fileNotSent', conversation.id, file.name, file.kind, file.refused, file.refusal, file.voice));
  for (const file of kept(inbound.attachments).filter((attachment) => !shows(attachment))) await reply(line('fileNotShown', conversation.id, file.kind));
  // What came beside the words or files (a card under a Teams message, paid media under its caption) stays behind:
  // said once, the agent not left to think the customer got it too.
  if (inbound.unsupported !== undefined) await reply(line('kindNotSent', conversation.id, inbound.unsupported));
  // The customer gets where the agent is now; the moves their app goes on sharing are not passed on, nor the end of it.
  if (attachments.some((attachment) => attachment.location?.live)) await reply(line('liveLocationOnce', conversation.id));
  if (text.trim() === '' && attachments.length === 0) return;
  // Longer than their channel keeps: the customer gets the start, and the agent hears where it stopped.
  if (inbound.textCut !== undefined) await reply(line('textCut', conversation.id, inbound.textCut, lastWords(text.replace(/…$/, ''))));
  // Forwarded from another chat: the customer reads that these are not the agent's own words, as the agent's app shows them.
  const forwarded = inbound.forwarded ? await forwardedText(tx, conversation, text) : undefined;
  const written = forwarded?.text ?? text;
  const answer = await answerTo(ctx, tx, conversation, answered, written);
  // Words put before the agent's (the message they answer, that it is forwarded) move their styles on.
  const moved = withInsertion(inbound.styles ?? [], 0, answer.text.length - text.length);
  const label = forwarded ? [{ style: 'italic' as const, offset: answer.text.length - written.length, length: forwarded.label }] : [];
  const styles = moved.length + label.length > 0 ? [...label, ...moved] : undefined;
  // Named after the agent's message, so that the agent's edit of it finds what the customer got.
  await toCustomer(ctx, tx, conversation, {
    from: 'agent', agentId: agent.id, text: answer.text, ...(styles ? { styles } : {}), ...(attachments.length > 0 ? { attachments } : {}), relayOf: inbound.id, ...answer.quoting,
  }, fx);
  recordFirstResponse(conversation, agent.id, stamp(ctx));
  conversation.lastAgentMessageAt = stamp(ctx);
  tx.putConversation(conversation);
}

/** How many characters of a cut text's end a notice quotes, to say where it stopped. */
const END_CHARS = 40;

/** The end of `text`, on one line, after …: where a cut message stopped ("…the last words the customer got"). */
function lastWords(text: string): string {
  const plain = [...text.replace(/\s+/g, ' ').trim()];
  return plain.length > END_CHARS ? `…${plain.slice(-END_CHARS).join('').trimStart()}` : plain.join('');
}

/**
 * The customer's message (its channel message id) whose relay the agent's app `quoted`, when that is a relay in
 * `conversation`; a card, a notice or a relay of another conversation's message answers none.
 *
 *     await fromAgentToCustomer(ctx, tx, agent, conversation, inbound, fx, reply, relayedIn(conversation, quoted));
 */
export function relayedIn(conversation: Conversation, quoted: Message | undefined): string | undefined {
  return quoted?.direction === 'out' && quoted.from === 'bot' && quoted.conversationId === conversation.id ? quoted.relayOf : undefined;
}

/**
 * An agent's `text` as the customer of `conversation` gets it when it answers their message `answered` (its channel
 * message id): where that is one of the customer's own messages in this conversation, a reply to it (quoted where
 * their channel shows quotes, else named in a short quote on a line before, in their language); anything else leaves
 * the text plain, so no customer is ever quoted another's words.
 */
async function answerTo(
  ctx: DeskContext, tx: Tx, conversation: Conversation, answered: string | undefined, text: string,
): Promise<{ text: string; quoting?: Quoting }> {
  const original = answered !== undefined ? await tx.messageByChannelId(conversation.channel, answered) : undefined;
  if (original?.direction !== 'in' || original.from !== 'contact' || original.conversationId !== conversation.id || original.contactId !== conversation.contactId) return { text };
  // Edited since: what the customer's app shows of it now.
  const recent = await tx.recentMessages(conversation.id, EDITS_WITHIN);
  const says = recent.reverse().find((message) => message.from === 'contact' && message.edit?.of === original.channelMessageId)?.edit?.text ?? original.text;
  const { quoting, native } = quotingOf(ctx, conversation, { ...original, text: says });
  if (native || text.trim() === '') return { text, quoting };
  const contact = await tx.contact(conversation.contactId);
  return { text: answerText(text, says, contact?.language), quoting };
}

/** How far back in a conversation a customer's edit of the message an agent answers is looked for. */
const EDITS_WITHIN = 200;

/** What a message to the customer carries to quote a message of their chat: its channel message id, and what it says (short). */
type Quoting = Pick<Message, 'replyTo' | 'quote'>;

/**
 * How a message to the customer of `conversation` refers to the message of their chat it answers or corrects (`to`):
 * `quoting` makes it a reply to it where their channel shows quotes (the web chat draws `quote` above it); `native`
 * says whether it does, or the text must name it.
 */
function quotingOf(ctx: DeskContext, conversation: Conversation, to: { channelMessageId?: string; text: string }): { quoting: Quoting; native: boolean } {
  if (to.channelMessageId === undefined) return { quoting: {}, native: false };
  const quote = shortQuote(to.text);
  return { quoting: { replyTo: to.channelMessageId, ...(quote !== undefined ? { quote } : {}) }, native: ctx.quotes?.(conversation.channel) === true };
}

/**
 * An agent's edit (`of`: the channel message id of their message, which said `was`, now saying `text`) of a message
 * relayed to the customer of `conversation`, which the agent holds: the customer gets a correction, quoting what they
 * got where their channel shows quotes, else naming it in its text. The customer's app keeps the first version (no channel here edits a
 * sent message for them), and a correction is a new message they are notified of, not a silent change they may never
 * see. Nothing is sent when the customer already has that text, nor when the relay of it is not among the
 * conversation's last messages (the agent is told).
 */
export async function correctForCustomer(
  ctx: DeskContext, tx: Tx, agent: Agent, conversation: Conversation, edit: { of: string; text: string; was?: string }, fx: DeskEffects,
  reply: (said: Line) => Promise<void>,
): Promise<void> {
  const recent = (await tx.recentMessages(conversation.id, CORRECTED_WITHIN)).reverse();
  const sent = (message: Omit<Message, 'id'>) => message.direction === 'out' && message.from === 'agent' && message.agentId === agent.id;
  const copy = recent.find((message) => sent(message) && message.relayOf === edit.of);
  if (!copy) {
    await reply(line('editTooFarBack', conversation.id));
    return;
  }
  // Edited again: the customer has the last correction's text; else the agent's words (`was`), which the copy may carry
  // after a line naming the message they answered.
  const latest = recent.find((message) => sent(message) && message.edit?.of === edit.of)?.edit?.text ?? edit.was ?? copy.text;
  if (latest.trim() === edit.text.trim()) return;
  const contact = await tx.contact(conversation.contactId);
  // Quoted where the customer's channel shows quotes; elsewhere the text names what it corrects.
  const { quoting, native } = quotingOf(ctx, conversation, copy);
  await toCustomer(ctx, tx, conversation, {
    from: 'agent', agentId: agent.id, text: correctionText(edit.text, native ? undefined : latest, contact?.language), edit: { of: edit.of, text: edit.text }, ...quoting,
  }, fx);
  conversation.lastAgentMessageAt = stamp(ctx);
  tx.putConversation(conversation);
}

/**
 * An agent's reaction (`emoji`; '' takes theirs back) to the customer's message `to` (its channel message id) in
 * `conversation`, which the agent holds: put on that message in the customer's app where their channel shows that
 * emoji from the business; else nothing is sent, and `someShown` says whether the channel shows other emoji (Telegram
 * takes a fixed set from bots) or none at all (the web chat). Only the customer's own messages of this conversation
 * take it: no one else's chat is ever touched.
 */
export async function reactForCustomer(
  ctx: DeskContext, tx: Tx, agent: Agent, conversation: Conversation, reaction: { emoji: string; to: string }, fx: DeskEffects,
): Promise<true | { someShown: boolean }> {
  const original = await tx.messageByChannelId(conversation.channel, reaction.to);
  if (original?.direction !== 'in' || original.from !== 'contact' || original.conversationId !== conversation.id || original.contactId !== conversation.contactId) {
    return { someShown: false };
  }
  const reacts = (emoji: string) => ctx.reacts?.(conversation.channel, emoji) === true;
  // Taking a reaction back is an empty one, which a channel that shows reactions takes.
  if (!reacts(reaction.emoji === '' ? '👍' : reaction.emoji)) return { someShown: reacts('👍') };
  const text = reaction.emoji === '' ? '[reaction taken back]' : `[reacted ${reaction.emoji}]`;
  await toCustomer(ctx, tx, conversation, { from: 'agent', agentId: agent.id, text, reaction }, fx);
  return true;
}

/** How far back in a conversation the copy of a message an agent edits is looked for. */
const CORRECTED_WITHIN = 200;

/**
 * What the customer reads when an agent corrects a message, in the customer's language: with `was`, what they had
 * (short), for a channel that does not show the correction as a quote of it.
 *
 *     correctionText('Your refund is 15 EUR', undefined, 'en'); // 'Correction: Your refund is 15 EUR'
 *     correctionText('Your refund is 15 EUR', 'Your refund is 50 EUR', 'en'); // 'Correction: Your refund is 15 EUR (instead of "Your refund is 50 EUR")'
 */
function correctionText(text: string, was: string | undefined, language: string | undefined): string {
  // Each language its own quotation marks, as in `answerText`: «…», isolated, in an Arabic line.
  const [en, ar] = [shortQuote(was), shortQuote(was, 'ar')];
  // The agent's words isolated in a line of the other direction (as the quotes are): an Arabic reply's full stop ends
  // it, not the English line's "Correction:"; English words keep their order in an Arabic line.
  const [enText, arText] = [isolateRtl(text), isolate(text)];
  return en === undefined || ar === undefined
    ? byLanguage({ en: `Correction: ${enText}`, ar: `تصحيح: ${arText}` }, language)
    : byLanguage({ en: `Correction: ${enText} (instead of ${en})`, ar: `تصحيح: ${arText} (بدلًا من ${ar})` }, language);
}

/**
 * An agent's `text` forwarded from another chat, as the customer of `conversation` reads it: a line saying so, in the
 * customer's language, before it (alone, for a file without a caption); `label`, that line's length. Whose words they
 * were is not said: the agent's app knows, but the one who wrote them never chose to be named to this customer.
 *
 *     await forwardedText(tx, conversation, 'Your parcel left.'); // { text: 'Forwarded message:\nYour parcel left.', label: 18 }
 */
async function forwardedText(tx: Tx, conversation: Conversation, text: string): Promise<{ text: string; label: number }> {
  const language = (await tx.contact(conversation.contactId))?.language;
  const label = byLanguage({ en: text.trim() === '' ? 'Forwarded message' : 'Forwarded message:', ar: text.trim() === '' ? 'رسالة محوَّلة' : 'رسالة محوَّلة:' }, language);
  return { text: text.trim() === '' ? label : `${label}\n${text}`, label: label.length };
}

/**
 * What the customer reads of an agent's answer to one of their messages on a channel that shows no quotes, in the
 * customer's language: a short quote of what they wrote (`answered`), on a line of its own, then the answer.
 *
 *     answerText('It left our bank yesterday.', 'When will my refund arrive?', 'en'); // 'In reply to "When will my refund arrive?":\nIt left our bank yesterday.'
 */
function answerText(text: string, answered: string, language: string | undefined): string {
  const [en, ar] = [shortQuote(answered), shortQuote(answered, 'ar')];
  if (en === undefined || ar === undefined) return text;
  return byLanguage({ en: `In reply to ${en}:\n${text}`, ar: `ردًا على ${ar}:\n${text}` }, language);
}
