// What an agent reads in their messaging app: the card that hands them a conversation, and each customer
// message relayed with its conversation number, so a reply (or a quote) can find its way back.
import type { Contact, Conversation, Message } from '../store/types.ts';
import { safeName } from '../store/media.ts';
import { NO_WORDING, shownFields, topicOf, type Wording } from '../flows/labels.ts';
import { contactTag } from '../shared/identity.ts';
import { isolate, isolateRtl, shortQuote } from '../shared/text.ts';
import { line, word, type DeskLanguage } from './lines.ts';
import type { Team } from './team.ts';

/** What the card shows; `messages` may be the conversation's recent messages: only the customer's are shown. */
export interface CardInput {
  conversation: Conversation;
  contact: Contact;
  /** The team it was assigned through (default: the conversation's team). */
  team?: Team | string;
  /** How the agent reads a team named in team.yaml: its title in their language (default: its name). */
  titleOf?: (team: string) => string;
  messages: readonly Omit<Message, 'id'>[];
  /**
   * An agent held it before (it was passed on, handed back to the bot, or put back in its queue: its agent away): not
   * new, and the card shows the recent exchange as for `passedOn`.
   */
  returning?: boolean;
  /**
   * Who passed it on, from which team (`Conversation.passedOn`): the head says so, and the card shows the recent
   * exchange (the customer's messages, the agents' answers and notes, named by `agentName`) instead of the customer's alone.
   */
  passedOn?: { by: string; team?: string };
  agentName?: (agentId: string) => string | undefined;
  /** The agent's language (`language:` in team.yaml): English without it. */
  language?: DeskLanguage;
  /** The labels of the fields and the titles of the intents (`FlowLibrary.wording`): without it, the fields' paths and the intent. */
  wording?: Wording;
  /** Where a reaction on the card finds the message it answers (default: among `messages`). */
  quoting?: Quoting;
  /**
   * The conversation's messages whose edits the card reads for what stands (default: `messages`): further back than
   * the few it shows, since an edit that kept an answer may come before them.
   */
  edits?: readonly Pick<Message, 'from' | 'edit'>[];
}

const CARD_MESSAGES = 5;
/** How many of the exchange's latest messages the card of a conversation passed on shows. */
const CARD_EXCHANGE = 8;
// A card is one chat message (Telegram takes at most 4096 characters), so long customer texts are cut.
const CARD_MESSAGE_CHARS = 300;

/**
 * The card an agent receives on assignment. It starts with `#42`, so replying to the card targets the
 * conversation like replying to a relayed message.
 *
 *     const text = assignmentCard({ conversation, contact, team, messages: await tx.recentMessages(conversation.id, 10) });
 *     await send(agentAddress, { text });
 */
export function assignmentCard({
  conversation, contact, team, titleOf = (named) => named, messages, returning = false, language = 'en', wording = NO_WORDING, quoting = quotingFrom(messages), passedOn, agentName = () => undefined, edits = messages,
}: CardInput): string {
  const teamName = typeof team === 'string' ? team : (team?.name ?? conversation.team);
  const teamShown = teamName === undefined ? undefined : titleOf(teamName);
  const name = customerLabel(contact, language);
  const topic = topicOf({ intent: conversation.intent, ...(teamShown !== undefined ? { team: teamShown } : {}) }, wording, language);
  // Passed to a colleague of the same team (in their chat), it goes to no other team: "from Billing to Billing" says nothing.
  const toTeam = passedOn && teamName?.toLowerCase() === passedOn.team?.toLowerCase() ? undefined : teamShown;
  const fromTeam = passedOn?.team === undefined ? undefined : titleOf(passedOn.team);
  const lines = [
    word(passedOn ? line('cardHeadPassedOn', conversation.id, passedOn.by, fromTeam, toTeam) : line('cardHead', conversation.id, returning, teamShown), language),
    word(line('cardWho', name, shownChannel(conversation.channel, contact), topic), language),
    ...shownFields(contact.fields, conversation.fields, wording, language).map(({ label, name, value }) => (language === 'ar'
      ? `${isolate(label ?? name)}: ${isolate(String(value))}`
      : `${isolateRtl(label ?? name)}: ${isolateRtl(String(value))}`)),
  ];
  const quoted = language === 'ar' ? isolate : isolateRtl;
  const shown = (message: Omit<Message, 'id'>) => quoted(shorten(shownText(message, language, quoting)));
  if (passedOn || returning) {
    // What the customer and the people before said to each other (an agent's words as the customer got them), and notes.
    const exchange = messages.filter((message) => (message.from === 'contact' && !message.oldPress) || message.from === 'note' || (message.from === 'agent' && message.direction === 'out')).slice(-CARD_EXCHANGE);
    const speaker = (message: Omit<Message, 'id'>) => {
      if (message.from === 'contact') return name;
      const agent = (message.agentId !== undefined ? agentName(message.agentId) : undefined) ?? message.author ?? word(line('cardAgent'), language);
      return message.from === 'note' ? word(line('cardNoteBy', agent), language) : agent;
    };
    if (exchange.length > 0) lines.push('', word(line('cardLately'), language), ...exchange.map((message) => `› ${quoted(speaker(message))}: ${shown(message)}`));
  } else {
    // A button pressed that answered nothing (of a question answered already, in line too) is not the customer's words.
    const said = messages.filter((message) => message.from === 'contact' && !message.oldPress).slice(-CARD_MESSAGES);
    if (said.length > 0) lines.push('', word(line('cardWrote', name), language), ...said.map((message) => `› ${shown(message)}`));
  }
  // An edit that gave an answer none it takes while the conversation waited (the customer was told): what stands.
  // Said once though edited so twice: the card says what stands, not how often.
  const keptLines = [...new Set(edits.flatMap((message) => {
    const kept = message.from === 'contact' ? message.edit?.kept : undefined;
    if (!kept || String(fieldAt(contact, conversation, kept.path)) !== kept.kept) return [];
    return [word(kept.removed ? line('answerTakenOut', name, kept.field[language], kept.kept, true) : line('editNotTaken', name, kept.field[language], kept.kept, kept.lacks[language], true), language)];
  }))];
  if (keptLines.length > 0) lines.push('', ...keptLines);
  lines.push('', word(line('cardAnswer', name, conversation.id), language));
  return lines.join('\n');
}

/**
 * The channel a card names the customer on: a Bot Framework customer by the product they write from (`msteams`:
 * Teams), when each of their Bot Framework addresses is of it (`msteams:29:1abc…`); else the channel itself.
 *
 *     shownChannel('botframework', { identities: [{ channel: 'botframework', id: 'msteams:29:1abc' }] }); // 'msteams'
 *     shownChannel('botframework', { identities: [{ channel: 'botframework', id: 'webchat:dl_5f0a' }] }); // 'botframework'
 */
function shownChannel(channel: string, contact: Pick<Contact, 'identities'>): string {
  if (channel !== 'botframework') return channel;
  const products = new Set(contact.identities.filter((identity) => identity.channel === channel).map((identity) => identity.id.slice(0, identity.id.indexOf(':'))));
  return products.size === 1 && products.has('msteams') ? 'msteams' : channel;
}

/**
 * `{ app }` for the agent console's and the dashboard's lists, when the customer's channel carries several apps and
 * they write from one (see `shownChannel`), else `{}`: those pages name the channel as the card does.
 *
 *     appOf(conversation, contact); // { app: 'msteams' } for a Teams customer on the Bot Framework channel
 */
export function appOf(conversation: Pick<Conversation, 'channel'>, contact: Pick<Contact, 'identities'> | undefined): { app?: string } {
  const shown = contact ? shownChannel(conversation.channel, contact) : conversation.channel;
  return shown !== conversation.channel ? { app: shown } : {};
}

/** What the field at `path` (`contact.email`, `conversation.order`) holds now. */
function fieldAt(contact: Contact, conversation: Conversation, path: string): unknown {
  const [scope, name] = [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)];
  return (scope === 'contact' ? contact.fields : conversation.fields)[name];
}

/**
 * What agents call a customer, in their `language`: the customer's name, else "Customer" and the start of their
 * contact id, so that two customers whose channel gave no name (a Messenger profile that could not be read) are told
 * apart on the card, in the relays and in /list, and an admin finds the contact by it.
 *
 *     customerLabel({ id: '3f9a2c61-…', name: 'Layla' });  // 'Layla'
 *     customerLabel({ id: '3f9a2c61-…' });                 // 'Customer 3f9a'
 */
export function customerLabel(contact: Pick<Contact, 'id' | 'name'>, language: DeskLanguage = 'en'): string {
  return contact.name ?? word(line('cardCustomer', contactTag(contact)), language);
}

/**
 * A customer message as relayed to the agent, tagged with its conversation number; a file without a caption is
 * tagged alone, with no space left dangling after the colon. With `replyingTo` (set, even undefined: a message the
 * transcript does not have), it answers a message the customer quoted; `forwarded`, it came from another chat: each
 * said in the agent's `language`.
 *
 *     relayText({ id: 42 }, 'Layla', 'I was charged twice'); // '#42 Layla: I was charged twice'
 *     relayText({ id: 42 }, 'Layla', ''); // '#42 Layla:'
 *     relayText({ id: 42 }, 'Layla', 'No', { replyingTo: 'Did that fix it?' }); // '#42 Layla, replying to "Did that fix it?": No'
 *     relayText({ id: 42 }, 'Layla', 'Payment failed', { forwarded: true }); // '#42 Layla, forwarded: Payment failed'
 *     relayText({ id: 42 }, 'Layla', '2', { replyingTo: 'Which team?', picked: '2. Sales' }); // '#42 Layla, replying to "Which team?" (2. Sales): 2'
 */
export function relayText(
  conversation: { id: number }, contactName: string | undefined, text: string,
  options: { language?: DeskLanguage; replyingTo?: string | undefined; picked?: string; forwarded?: boolean } = {},
): string {
  const said = text !== '' ? ` ${isolateRtl(text)}` : '';
  const replying = 'replyingTo' in options;
  if (!replying && !options.forwarded) return `#${conversation.id}${contactName ? ` ${isolateRtl(contactName)}` : ''}:${said}`;
  if (options.language === 'ar') {
    const how = [...(options.forwarded ? ['(رسالة محوّلة)'] : []), ...(replying ? [`ردًا على ${shortQuote(options.replyingTo, 'ar') ?? 'رسالة'}${options.picked !== undefined ? ` (${isolate(options.picked)})` : ''}`] : [])].join(' ');
    return `#${conversation.id}${contactName ? ` ${isolate(contactName)}` : ''} ${how}:${said}`;
  }
  const how = [...(options.forwarded ? ['forwarded'] : []), ...(replying ? [`replying to ${shortQuote(options.replyingTo) ?? 'a message'}${options.picked !== undefined ? ` (${isolateRtl(options.picked)})` : ''}`] : [])].join(', ');
  return `#${conversation.id}${contactName ? ` ${isolateRtl(contactName)}` : ''}, ${how}:${said}`;
}

/**
 * A customer's reaction as relayed to the agent, in their `language`: the emoji and a short quote of the message it
 * answers, when the transcript has it (`quoted` undefined: a message it does not have).
 *
 *     reactionText({ id: 42 }, 'Layla', '👍', 'Did that fix it?');       // '#42 Layla reacted 👍 to "Did that fix it?"'
 *     reactionText({ id: 42 }, 'Layla', '👍', 'Did that fix it?', 'ar'); // '#42 تفاعل من ⁨Layla⁩: 👍 على «⁨Did that fix it?⁩»'
 */
export function reactionText(conversation: { id: number }, contactName: string, emoji: string, quoted: string | undefined, language: DeskLanguage = 'en'): string {
  if (language === 'ar') return `#${conversation.id} تفاعل من ${isolate(contactName)}: ${emoji} على ${shortQuote(quoted, 'ar') ?? 'رسالة'}`;
  return `#${conversation.id} ${isolateRtl(contactName)} reacted ${emoji} to ${shortQuote(quoted) ?? 'a message'}`;
}

/**
 * A customer's edit of an earlier message as relayed to the agent, in their `language`: what it says now, and a short
 * quote of what it said before, so the agent knows which message it corrects.
 *
 *     editText({ id: 42 }, 'Layla', 'A-1234', 'My order is A-1243');       // '#42 Layla edited a message: A-1234 (was "My order is A-1243")'
 *     editText({ id: 42 }, 'Layla', 'A-1234', 'My order is A-1243', 'ar'); // '#42 تعديل من ⁨Layla⁩ لرسالة: ⁨A-1234⁩ (كانت: «⁨My order is A-1243⁩»)'
 *     editText({ id: 42 }, 'Layla', '1', '2', 'en', '1. Billing');          // '#42 Layla edited a message: 1 (1. Billing) (was "2")'
 */
export function editText(conversation: { id: number }, contactName: string, text: string, was: string, language: DeskLanguage = 'en', picked?: string): string {
  if (language === 'ar') return `#${conversation.id} تعديل من ${isolate(contactName)} لرسالة: ${isolate(text)}${picked !== undefined ? ` (${isolate(picked)})` : ''} (كانت: ${shortQuote(was, 'ar') ?? 'رسالة'})`;
  return `#${conversation.id} ${isolateRtl(contactName)} edited a message: ${isolateRtl(text)}${picked !== undefined ? ` (${isolateRtl(picked)})` : ''} (was ${shortQuote(was) ?? 'a message'})`;
}

/**
 * A customer's deletion of an earlier message as relayed to the agent, in their `language`: a short quote of what it
 * said, so the agent knows which one their app still shows.
 *
 *     deletionText({ id: 42 }, 'Layla', 'Cancel my order'); // '#42 Layla deleted a message: "Cancel my order"'
 *     deletionText({ id: 42 }, 'Layla', 'Cancel my order', 'ar'); // '#42 حذف من ⁨Layla⁩ لرسالة: «⁨Cancel my order⁩»'
 */
export function deletionText(conversation: { id: number }, contactName: string, was: string, language: DeskLanguage = 'en'): string {
  // A file without a caption has nothing to quote: the reply to its relay, where the agent's app shows one, says which.
  if (language === 'ar') {
    const quoted = shortQuote(was, 'ar');
    return `#${conversation.id} حذف من ${isolate(contactName)} لرسالة${quoted !== undefined ? `: ${quoted}` : ''}`;
  }
  const quoted = shortQuote(was);
  return `#${conversation.id} ${isolateRtl(contactName)} deleted a message${quoted !== undefined ? `: ${quoted}` : ''}`;
}

/**
 * The line the transcript keeps for a message of a kind nothing here can show (a poll, a story), which has no words
 * of its writer's: its kind, in English. Those who read the transcript see `shownText` of it.
 *
 *     unshownKindLine('poll'); // '[a message of a kind that cannot be shown here: poll]'
 */
export function unshownKindLine(kind: string): string {
  return `[a message of a kind that cannot be shown here: ${kind}]`;
}

/**
 * The line the transcript keeps for a customer's deletion of a message: what it said, in English.
 *
 *     deletedLine('My card is 4111…'); // '[deleted "My card is 4111…"]'
 */
export function deletedLine(was: string): string {
  return `[deleted ${quotedPlain(was)}]`;
}

/**
 * The line the transcript keeps for a customer's edit: what the message said, then what it says now, in English.
 *
 *     editLine('A-1243', 'A-1234'); // '[edited "A-1243"] A-1234'
 */
export function editLine(was: string, now: string): string {
  return `[edited ${quotedPlain(was)}] ${now}`;
}

/** A message as `shownText` reads it; `quoting` finds the message a reaction answers by its channel message id. */
type Shown = Pick<Message, 'text' | 'from' | 'direction' | 'unsupported' | 'reaction' | 'edit' | 'deletion' | 'attachments'>;
export type Quoting = (channelMessageId: string) => Pick<Message, 'text' | 'attachments'> | undefined;

/**
 * A message's text as an agent or an admin reads it in `language`, where the transcript keeps an English line for
 * something done rather than said: a kind nothing here can show (named as its relay names it, after the writer's own
 * words when it came with some), a reaction (with the message it answers, when `quoting` finds it), a customer's edit
 * or deletion. Rows kept by earlier versions, without the fields that say so now, are read from their line.
 *
 *     shownText({ text: unshownKindLine('poll'), unsupported: 'poll', from: 'contact', direction: 'in' }, 'ar'); // '[رسالة لا يمكن عرضها هنا (استطلاع رأي): اطلب من العميل كتابتها]'
 *     shownText(reaction, 'ar', (id) => byChannelId.get(id)); // '[تفاعل بـ 👍 على «⁨Did that fix it?⁩»]'
 */
export function shownText(message: Shown, language: DeskLanguage, quoting?: Quoting): string {
  const unsupported = message.unsupported ?? UNSHOWN_LINE.exec(message.text)?.[1];
  if (unsupported !== undefined) {
    const own = message.text === unshownKindLine(unsupported) ? '' : message.text;
    // Sent from the business's own app (an echo): there is no customer to ask for it.
    const named = word(line(message.from === 'contact' ? 'kindNotShown' : 'kindNotShownInApp', unsupported), language);
    return [own, named].filter((part) => part.trim() !== '').join('\n');
  }
  if (message.reaction) {
    const quoted = quotedText(quoting?.(message.reaction.to), language);
    // An agent's reaction taken back off the customer's message is an empty one.
    return word(message.reaction.emoji === '' ? line('reactionTakenBack', quoted) : line('reactedWith', message.reaction.emoji, quoted), language);
  }
  if (message.from !== 'contact' || message.direction !== 'in') return message.text;
  if (message.edit) {
    const was = quotedOf(message.text, '[edited ', `] ${message.edit.text}`);
    return was === undefined ? message.text : word(line('editedMessage', was, message.edit.text), language);
  }
  const deleted = deletedFrom(message);
  return deleted === undefined ? storyLinesIn(message.text, language) : word(line('deletedMessage', deleted), language);
}

/**
 * What a transcript's reactions quote: its messages by channel message id.
 *
 *     const quoting = quotingFrom(messages);
 *     messages.map((message) => shownText(message, 'ar', quoting));
 */
export function quotingFrom(messages: readonly Omit<Message, 'id'>[]): Quoting {
  const byId = new Map(messages.flatMap((message) => (message.channelMessageId !== undefined ? [[message.channelMessageId, message] as const] : [])));
  return (channelMessageId) => byId.get(channelMessageId);
}

/**
 * What a list of conversations shows of one (the agent console's, the dashboard's lists and queue board): the last
 * words between the customer and the agents, what they need or the reply they got, not the bot's nor the agents' notes;
 * the last message when no one but the bot has spoken. `messages`: the transcript, oldest first.
 */
export function lastWords<T extends Pick<Message, 'from'>>(messages: readonly T[]): T | undefined {
  return [...messages].reverse().find((message) => message.from === 'contact' || message.from === 'agent') ?? messages.at(-1);
}

/**
 * What a list of conversations shows of its last message (see `lastWords`), the agent console's and the dashboard's
 * alike: its text as `shownText` reads it, or, for files alone, what they are in `language` ("📎 Photo", "🎤 Voice
 * message", a document's name), so that a photo is not an empty line.
 *
 *     previewText({ text: '', from: 'contact', direction: 'in', attachments: [{ kind: 'image', ref }] }, 'ar'); // '📎 صورة'
 */
export function previewText(message: Shown, language: DeskLanguage): string {
  const text = shownText(message, language);
  if (text.trim() !== '' || !message.attachments?.length) return text;
  // A name stored before names were cleaned where they come in may still carry a U+202E: cleaned as it is shown.
  return message.attachments.map((file) => word(line('filePreview', file.name === undefined ? file : { ...file, name: safeName(file.name) }), language)).join(' · ');
}

/**
 * Whether a customer's message in the transcript is their deletion of another: marked so since `deletion` is kept,
 * and before, its line alone (a row with files, a reaction or an edit is none).
 */
export function isDeletion(message: Shown): boolean {
  return deletedFrom(message) !== undefined;
}

/**
 * What a quoted message said, as the customer's app showed it: its text, or its file's kind in the reader's
 * `language`; undefined for no message, or one with neither.
 */
export function quotedText(quoted: Pick<Message, 'text' | 'attachments'> | undefined, language: DeskLanguage): string | undefined {
  if (quoted === undefined) return undefined;
  if (quoted.text.trim() !== '') return quoted.text;
  return quoted.attachments?.[0] ? word(line('quotedFile', quoted.attachments[0].kind), language) : undefined;
}

const UNSHOWN_LINE = /^\[a message of a kind that cannot be shown here: ([^\]\n]+)\]$/;

/** The English lines `storyReplied` and `storyMentioned` write into an Instagram customer's message, each on its own line. */
const STORY_LINE = /^\[(replied to your story|mentioned you in their story)(?:: (\S+) \(the link works until the story expires, within 24 hours of posting\))?\]$/gm;

/**
 * `text` with the lines naming an Instagram story (which the transcript keeps in English) in `language`.
 *
 *     storyLinesIn(`${word(line('storyReplied', url))}\nIs it on sale?`, 'ar'); // '[ردّ على قصتك: ⁨https://…⁩ (…)]\nIs it on sale?'
 */
export function storyLinesIn(text: string, language: DeskLanguage): string {
  if (language === 'en' || !text.includes('story')) return text;
  return text.replace(STORY_LINE, (whole: string, what: string, url: string | undefined) => (what === 'replied to your story'
    ? word(line('storyReplied', url), language)
    : url !== undefined ? word(line('storyMentioned', url), language) : whole));
}

/** What a deleted message said ('' when nothing to quote); undefined when `message` is no deletion. */
function deletedFrom(message: Shown): string | undefined {
  if (message.from !== 'contact' || message.direction !== 'in') return undefined;
  if (message.deletion === undefined && (message.reaction || message.edit || message.attachments?.length || message.unsupported !== undefined)) return undefined;
  return quotedOf(message.text, '[deleted ', ']');
}

/** The quoted text between `before` and `after` in a line that `quotedPlain` wrote: '' for "a message"; undefined when the line is not one. */
function quotedOf(text: string, before: string, after: string): string | undefined {
  if (!text.startsWith(before) || !text.endsWith(after) || text.length < before.length + after.length) return undefined;
  const quoted = text.slice(before.length, text.length - after.length);
  if (quoted === 'a message') return '';
  return quoted.length >= 2 && quoted.startsWith('"') && quoted.endsWith('"') ? quoted.slice(1, -1) : undefined;
}

/** `text` on one line in double quotes, or "a message" when it has nothing to quote (a file without a caption). */
function quotedPlain(text: string): string {
  const plain = text.replace(/\s+/g, ' ').trim();
  return plain === '' ? 'a message' : `"${plain}"`;
}

function shorten(text: string): string {
  return text.length > CARD_MESSAGE_CHARS ? `${text.slice(0, CARD_MESSAGE_CHARS - 1)}…` : text;
}
