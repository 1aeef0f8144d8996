// A button of a question the bot asked earlier, pressed once it asks another (scrolled up to in Telegram, an old
// WhatsApp message, a second web chat tab), or after the conversation closed: it is no answer to the question asked
// now, nor a new request. Which question a button is of comes from the message it hangs on (the channel names it, as
// Telegram, WhatsApp and the web chat do, or the button's payload does, as Messenger's quick replies and Bot
// Framework's buttons do), else from the bot's latest question that offered it (a payload sent before they did).
import type { InboundMessage } from '../types.ts';
import type { Conversation, Message, RecentMessage, Tx } from '../store/types.ts';
import { questionOf } from '../flows/index.ts';
import { byLanguage } from '../flows/language.ts';
import type { Turns } from './turns.ts';

/** How many of a conversation's last messages are looked at for the question a button is of, and its answer. */
const MESSAGES_LOOKED_AT = 50;

/**
 * A button of an earlier question: the bot's message it is of (unknown for a payload naming one older than those
 * looked at), whether the customer answered that question, and whether it is of a conversation before the one it came in.
 */
export interface OldPress {
  pressedOn?: Message | RecentMessage;
  answered: boolean;
  earlier: boolean;
}

/**
 * The earlier question a pressed button is of, when it is not the question `conversation` (the customer's open one,
 * else their latest) waits on now; undefined for a press that answers it, and for a button the flows never offered (a
 * template's, the chat app's menu): those go on as any message.
 *
 *     const old = await oldPress(tx, inbound, conversation, turns);
 *     if (old) turn.say({ text: oldPressText({ gone: !old.answered }, 'closed', contact.language) });
 */
export async function oldPress(tx: Tx, inbound: InboundMessage, conversation: Conversation, turns: Pick<Turns, 'waitsForAnswer'>): Promise<OldPress | undefined> {
  if (inbound.choice === undefined || inbound.menu) return undefined;
  const recent = await tx.recentMessages(conversation.id, MESSAGES_LOOKED_AT);
  const before = namesBefore(inbound, recent);
  if (before) return { answered: true, earlier: before === 'conversation' };
  const pressedOn = await questionPressed(tx, inbound, inbound.choice, recent);
  if (!pressedOn || asksNow(conversation, pressedOn) || !(await turns.waitsForAnswer(pressedOn.asks!))) return undefined;
  if (pressedOn.conversationId !== conversation.id) return { pressedOn, answered: true, earlier: true };
  return { pressedOn, answered: answeredSince(pressedOn, recent), earlier: false };
}

/**
 * Whether `inbound` presses a button of a question the bot asked in `conversation` at `since` or later (a closing
 * survey's, asked at the close): it was pressed after then, whatever the channel's stamp says (WhatsApp's whole
 * seconds, a phone's clock a little behind, a slow network).
 *
 *     const writtenAfter = Date.parse(inbound.at) >= Date.parse(closedAt) || (await pressedSince(tx, inbound, latest, closedAt));
 */
export async function pressedSince(tx: Tx, inbound: InboundMessage, conversation: Conversation, since: string): Promise<boolean> {
  if (inbound.choice === undefined || inbound.menu) return false;
  const pressedOn = await questionPressed(tx, inbound, inbound.choice, await tx.recentMessages(conversation.id, MESSAGES_LOOKED_AT));
  return pressedOn?.conversationId === conversation.id && Date.parse(pressedOn.at) >= Date.parse(since);
}

/**
 * Whether the payload of `inbound` names a message said before the conversation's `recent` messages: ids increase
 * among a contact's messages, so one lower than the first is of an earlier conversation when `recent` is the whole
 * conversation (Messenger's quick replies and Bot Framework's buttons stay pressable after the close), else of an
 * earlier conversation or a question asked long ago in this one: either way not the question asked now.
 */
function namesBefore(inbound: InboundMessage, recent: readonly RecentMessage[]): 'conversation' | 'messages' | undefined {
  const first = recent.find((message) => message.id !== undefined)?.id;
  if (inbound.replyTo !== undefined || inbound.choiceOf === undefined || first === undefined || inbound.choiceOf >= first) return undefined;
  return recent.length < MESSAGES_LOOKED_AT ? 'conversation' : 'messages';
}

/** The bot's question whose button `choice` is, among `recent` (a conversation's last messages) where the payload does not name it. */
async function questionPressed(tx: Tx, inbound: InboundMessage, choice: string, recent: readonly RecentMessage[]): Promise<Message | RecentMessage | undefined> {
  const offers = (message: Message | RecentMessage | undefined): message is Message | RecentMessage =>
    message?.direction === 'out' && message.asks !== undefined && (message.choices?.some((option) => option.id === choice) ?? false);
  if (inbound.replyTo !== undefined) {
    const pressedOn = await tx.messageByChannelId(inbound.channel, inbound.replyTo);
    return offers(pressedOn) ? pressedOn : undefined;
  }
  // A payload names the bot's message by its stored id, looked for among this conversation's (a customer's payload
  // names none of another's). Old payloads name no message (a web chat client of its own, a quick reply sent before
  // payloads named it), nor does one of a message gone from the last looked at: the latest question that offered
  // the button is the one it is of; when the question waiting now offers it too, that one.
  const named = inbound.choiceOf !== undefined ? recent.find((message) => message.id === inbound.choiceOf) : undefined;
  return offers(named) ? named : [...recent].reverse().find(offers);
}

/** Whether `message` is of the question `conversation`'s flow waits on now (a survey's, after a close, included). */
function asksNow(conversation: Conversation, message: Message | RecentMessage): boolean {
  const position = conversation.flow;
  if (!position?.waiting || position.done || message.conversationId !== conversation.id) return false;
  return (conversation.status === 'closed' || conversation.stage === 'bot') && questionOf(position) === message.asks;
}

/** Whether the customer wrote (or pressed) anything after the question `message` asked, in its conversation. */
function answeredSince(message: Message | RecentMessage, around: readonly RecentMessage[]): boolean {
  const at = around.findIndex((other) => other.id !== undefined && other.id === message.id);
  // Older than every message looked at: many were said since.
  if (at === -1) return true;
  return around.slice(at + 1).some((other) => other.direction === 'in' && other.from === 'contact');
}

/** Where the conversation stands after the press: a question asked again below, closed, or with the team. */
export type AfterOldPress = 'asked' | 'closed' | 'team';

/**
 * What the customer reads, in their language: the button's question was answered (or is no longer asked: removed from
 * the flow, or left when a person took the conversation), and where they are now.
 *
 *     oldPressText({ gone: false }, 'closed', 'ar'); // "هذا الزر من سؤال سبق أن أجبت عنه. …"
 */
export function oldPressText(press: { gone: boolean; earlier?: boolean }, after: AfterOldPress, language: string | undefined): string {
  const said = byLanguage(press.earlier ? EARLIER : press.gone ? NO_LONGER_ASKED : ANSWERED, language);
  return after === 'asked' ? said : `${said} ${byLanguage(AFTER[after], language)}`;
}

const ANSWERED = { en: 'That button is from a question you already answered.', ar: 'هذا الزر من سؤال سبق أن أجبت عنه.' };
const EARLIER = { en: 'That button is from an earlier conversation.', ar: 'هذا الزر من محادثة سابقة.' };
const NO_LONGER_ASKED = { en: 'That button is from a question we no longer ask.', ar: 'هذا الزر من سؤال لم نعد نطرحه.' };
const AFTER: Record<Exclude<AfterOldPress, 'asked'>, { en: string; ar: string }> = {
  closed: { en: 'This conversation is closed: write to us here any time.', ar: 'هذه المحادثة مغلقة، ويسعدنا تواصلك معنا هنا في أي وقت.' },
  team: { en: 'Write your message here and our team will read it.', ar: 'اكتب رسالتك هنا وسيقرؤها فريقنا.' },
};
