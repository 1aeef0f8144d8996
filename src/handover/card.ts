// What an agent reads in their messaging app: the card that hands them a conversation, and each customer
// message relayed with its conversation number, so a reply (or a quote) can find its way back.
import type { Contact, Conversation, Fields, Message } from '../store/types.ts';
import { isolate, isolateRtl, shortQuote } from '../shared/text.ts';
import type { DeskLanguage } from './lines.ts';
import type { Team } from './team.ts';

/** What the card shows; `messages` may be the conversation's recent messages: only the customer's are shown. */
export interface CardInput {
  conversation: Conversation;
  contact: Contact;
  /** The team it was assigned through (default: the conversation's team). */
  team?: Team | string;
  messages: readonly Omit<Message, 'id'>[];
  /** An agent held it before (it was passed on, handed back to the bot, or put back in its queue): not new. */
  returning?: boolean;
  /** The agent's language (`language:` in team.yaml): English without it. */
  language?: DeskLanguage;
}

/** The card's own words in each language; what fills them (names, a channel, an intent) is isolated in Arabic. */
const CARD_WORDS: Record<DeskLanguage, {
  head: (id: number, returning: boolean, team?: string) => string;
  who: (name: string, channel: string, intent?: string) => string;
  wrote: (name: string) => string;
  answer: (name: string, id: number) => string;
  customer: string;
}> = {
  en: {
    head: (id, returning, team) => `#${id} · ${returning ? 'returning' : 'new'} conversation${team ? ` for ${team}` : ''}`,
    who: (name, channel, intent) => `${isolateRtl(name)} on ${channel}${intent ? ` · about ${intent}` : ''}`,
    wrote: (name) => `${isolateRtl(name)} wrote:`,
    answer: (name, id) => `Reply here to answer ${isolateRtl(name)}. /close ${id} when done.`,
    customer: 'Customer',
  },
  ar: {
    head: (id, returning, team) => `#${id} · ${returning ? 'محادثة عائدة' : 'محادثة جديدة'}${team ? ` لفريق ${isolate(team)}` : ''}`,
    who: (name, channel, intent) => `${isolate(name)} عبر ${isolate(CHANNELS_AR[channel] ?? channel)}${intent ? ` · بخصوص ${isolate(intent)}` : ''}`,
    wrote: (name) => `رسائل ${isolate(name)}:`,
    answer: (name, id) => `ردّ هنا للإجابة على ${isolate(name)}، وأرسل ${isolate(`/close ${id}`)} عند الانتهاء.`,
    customer: 'العميل',
  },
};

/** Channels as an Arabic card names them: the web chat in words, the others by their product's name. */
const CHANNELS_AR: Record<string, string> = {
  webchat: 'دردشة الموقع', telegram: 'Telegram', 'whatsapp-cloud': 'WhatsApp', 'whatsapp-web': 'WhatsApp', messenger: 'Messenger', instagram: 'Instagram',
};

const CARD_MESSAGES = 5;
// A card is one chat message (Telegram takes at most 4096 characters), so long customer texts are cut.
const CARD_MESSAGE_CHARS = 300;

/**
 * The card an agent receives on assignment. It starts with `#42`, so replying to the card targets the
 * conversation like replying to a relayed message.
 *
 *     const text = assignmentCard({ conversation, contact, team, messages: await tx.recentMessages(conversation.id, 10) });
 *     await send(agentAddress, { text });
 */
export function assignmentCard({ conversation, contact, team, messages, returning = false, language = 'en' }: CardInput): string {
  const words = CARD_WORDS[language];
  const teamName = typeof team === 'string' ? team : (team?.name ?? conversation.team);
  const name = contact.name ?? words.customer;
  const lines = [
    words.head(conversation.id, returning, teamName),
    words.who(name, conversation.channel, conversation.intent),
    ...fieldLines(contact.fields, language),
    ...fieldLines(conversation.fields, language),
  ];
  const said = messages.filter((message) => message.from === 'contact').slice(-CARD_MESSAGES);
  const quoted = language === 'ar' ? isolate : isolateRtl;
  if (said.length > 0) lines.push('', words.wrote(name), ...said.map((message) => `› ${quoted(shorten(message.text))}`));
  lines.push('', words.answer(name, conversation.id));
  return lines.join('\n');
}

/**
 * A customer message as relayed to the agent, tagged with its conversation number.
 *
 *     relayText({ id: 42 }, 'Layla', 'I was charged twice'); // '#42 Layla: I was charged twice'
 */
export function relayText(conversation: { id: number }, contactName: string | undefined, text: string): string {
  return `#${conversation.id}${contactName ? ` ${isolateRtl(contactName)}` : ''}: ${isolateRtl(text)}`;
}

/**
 * A customer's reaction as relayed to the agent, in their `language`: the emoji and a short quote of the message it
 * answers, when the transcript has it (`quoted` undefined: a message it does not have).
 *
 *     reactionText({ id: 42 }, 'Layla', '👍', 'Did that fix it?');       // '#42 Layla reacted 👍 to "Did that fix it?"'
 *     reactionText({ id: 42 }, 'Layla', '👍', 'Did that fix it?', 'ar'); // '#42 تفاعل من ⁨Layla⁩: 👍 على «⁨Did that fix it?⁩»'
 */
export function reactionText(conversation: { id: number }, contactName: string | undefined, emoji: string, quoted: string | undefined, language: DeskLanguage = 'en'): string {
  if (language === 'ar') return `#${conversation.id} تفاعل من ${isolate(contactName ?? CARD_WORDS.ar.customer)}: ${emoji} على ${shortQuote(quoted, 'ar') ?? 'رسالة'}`;
  const who = `#${conversation.id}${contactName ? ` ${isolateRtl(contactName)}` : ''}`;
  return `${who} reacted ${emoji} to ${shortQuote(quoted) ?? 'a message'}`;
}

/**
 * A customer's edit of an earlier message as relayed to the agent, in their `language`: what it says now, and a short
 * quote of what it said before, so the agent knows which message it corrects.
 *
 *     editText({ id: 42 }, 'Layla', 'A-1234', 'My order is A-1243');       // '#42 Layla edited a message: A-1234 (was "My order is A-1243")'
 *     editText({ id: 42 }, 'Layla', 'A-1234', 'My order is A-1243', 'ar'); // '#42 تعديل من ⁨Layla⁩ لرسالة: ⁨A-1234⁩ (كانت: «⁨My order is A-1243⁩»)'
 */
export function editText(conversation: { id: number }, contactName: string | undefined, text: string, was: string, language: DeskLanguage = 'en'): string {
  if (language === 'ar') return `#${conversation.id} تعديل من ${isolate(contactName ?? CARD_WORDS.ar.customer)} لرسالة: ${isolate(text)} (كانت: ${shortQuote(was, 'ar') ?? 'رسالة'})`;
  return `#${conversation.id}${contactName ? ` ${isolateRtl(contactName)}` : ''} edited a message: ${isolateRtl(text)} (was ${shortQuote(was) ?? 'a message'})`;
}

// Only what the flow collected: empty answers say nothing to the agent.
function fieldLines(fields: Fields, language: DeskLanguage): string[] {
  return Object.entries(fields)
    .filter(([, value]) => value !== null && value !== '')
    .map(([name, value]) => (language === 'ar' ? `${isolate(name)}: ${isolate(String(value))}` : `${name}: ${isolateRtl(String(value))}`));
}

function shorten(text: string): string {
  return text.length > CARD_MESSAGE_CHARS ? `${text.slice(0, CARD_MESSAGE_CHARS - 1)}…` : text;
}
