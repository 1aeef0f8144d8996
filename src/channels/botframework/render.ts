// Turns an OutboundMessage into the one activity that shows it. Choices: suggested actions in Web Chat and Direct
// Line, a hero card's buttons in Teams (its personal chats keep no suggested actions), each a messageBack whose
// value `{ choice: <id>, of: <the stored message's id> }` comes back as the choice and the question it answers
// (decode.ts: two questions may offer the same id, and Teams keeps old cards); past what a hero card shows, and on any other
// channel, a numbered list, where a typed number or title counts. Files travel inside the activity as data: URIs, as far as the channel takes them:
// Teams shows small pictures this way but takes no other file from a bot without a consent card, so anything else
// becomes a line naming it, as does a location or a contact card (no channel here has a kind for them).
import { ActionTypes, CardFactory, MessageFactory, type Activity, type Attachment as BotAttachment, type CardAction } from 'botbuilder';
import { describeBytes } from '../../store/media.ts';
import type { Attachment, Choice, MediaStore, OutboundMessage, TextStyleName } from '../../types.ts';
import { withMarkers, type MarkerOf } from '../../shared/text-styles.ts';
import { TEAMS } from './address.ts';
import { deskLanguage, line, word, type DeskLanguage } from '../../handover/lines.ts';

/**
 * The channels that show suggested actions: Microsoft's Web Chat, a Direct Line client, the Emulator. Elsewhere through
 * the Azure Bot Service (Slack, email, SMS…) they may be dropped without a trace, and the customer would read a
 * question without its answers: there the choices are numbered lines.
 */
const SHOWS_SUGGESTED_ACTIONS = new Set(['webchat', 'directline', 'emulator']);
/** Teams shows up to six buttons on a hero card. */
const MAX_TEAMS_BUTTONS = 6;
/** Teams refuses messages over about 28 KB: a picture inline must leave room for the rest (base64 adds a third). */
const MAX_TEAMS_INLINE_BYTES = 16 * 1024;
/** Direct Line and Web Chat take activities of a few hundred KB. */
const MAX_INLINE_BYTES = 128 * 1024;

/**
 * The activity that shows `message` on the channel `channelId` (`msteams`, `webchat`, `directline`…); files' bytes
 * are read from `media`.
 *
 *     const activity = await renderMessage({ text: 'Pick one', choices }, 'webchat', host.media);
 *     activity.suggestedActions?.actions.map((action) => action.title); // the choices' titles
 */
export async function renderMessage(message: OutboundMessage, channelId: string, media: MediaStore): Promise<Partial<Activity>> {
  const files: BotAttachment[] = [];
  const lines: string[] = [];
  for (const attachment of message.attachments ?? []) {
    const rendered = await renderAttachment(attachment, channelId, media, deskLanguage(message.language));
    if (typeof rendered === 'string') lines.push(rendered);
    else files.push(rendered);
  }
  const text = [message.text, ...lines].filter((line) => line !== '').join('\n');
  const choices = message.choices ?? [];
  if (choices.length > 0 && channelId === TEAMS && choices.length <= MAX_TEAMS_BUTTONS) {
    // The text is the card's, so the buttons sit under what they answer.
    return { type: 'message', attachments: [...files, CardFactory.heroCard('', text, [], choices.map((choice) => button(choice, message.id)))] };
  }
  if (choices.length > 0 && SHOWS_SUGGESTED_ACTIONS.has(channelId)) {
    return { ...MessageFactory.suggestedActions(choices.map((choice) => button(choice, message.id)), text), textFormat: 'plain', ...(files.length > 0 ? { attachments: files } : {}) };
  }
  const shown = choices.length > 0 ? `${text}\n\n${choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}` : text;
  // Teams shows an agent's styles as its markdown; the rest of the text is escaped, so it shows as it was written.
  if (channelId === TEAMS && message.styles?.some((style) => TEAMS_MARKERS[style.style] !== undefined)) {
    return { ...MessageFactory.text(withMarkers(shown, message.styles, teamsMarker, escapeMarkdown)), textFormat: 'markdown', ...(files.length > 0 ? { attachments: files } : {}) };
  }
  return { ...MessageFactory.text(shown), textFormat: 'plain', ...(files.length > 0 ? { attachments: files } : {}) };
}

/** Teams's markdown for each style it shows in a text message (no underline, no spoiler). */
const TEAMS_MARKERS: Partial<Record<TextStyleName, string>> = { bold: '**', italic: '_', strike: '~~', code: '`', pre: '`' };

/** The styles Teams shows, as `Channel.styles` declares them (Web Chat and the other Bot Framework channels get the words plain). */
export const TEAMS_STYLES = Object.keys(TEAMS_MARKERS) as TextStyleName[];

/** A style in Teams's markdown: code holding a backtick is left plain (escaped), a code block over several lines is fenced. */
const teamsMarker: MarkerOf = (style, words) => {
  const marker = TEAMS_MARKERS[style];
  if (marker === undefined) return undefined;
  if (style === 'code' || style === 'pre') {
    if (words.includes('`')) return undefined;
    if (style === 'pre' && words.includes('\n')) return { open: '```\n', close: '\n```' };
  }
  return { open: marker, close: marker };
};

/**
 * `plain` as markdown that shows it as written: each character markdown could read as markup (`*`, `_`, `#`, `<`…, and a
 * `-`, `+` or `1.` that would start a list) behind a backslash.
 *
 *     escapeMarkdown('5 * 3 = 15, ask refunds_team'); // '5 \\* 3 = 15, ask refunds\\_team'
 */
function escapeMarkdown(plain: string): string {
  return plain.replace(/[\\`*_~[\]<>#|&]/g, '\\$&').replace(/^([ \t]*)([-+]|\d+[.)])(?=\s|$)/gm, (_, space: string, mark: string) => `${space}${mark.slice(0, -1)}\\${mark.slice(-1)}`);
}

function button(choice: Choice, of: number | undefined): CardAction {
  return { type: ActionTypes.MessageBack, title: choice.title, text: choice.title, displayText: choice.title, value: { choice: choice.id, ...(of !== undefined ? { of } : {}) } };
}

/** A file as an inline attachment, or the line that stands in for what cannot be sent. */
async function renderAttachment(attachment: Attachment, channelId: string, media: MediaStore, language: DeskLanguage): Promise<BotAttachment | string> {
  if (attachment.kind === 'location') {
    const place = attachment.location;
    if (!place) return word(line('placeWithoutCoordinates'), language);
    const named = [place.name, place.address].filter((part) => part !== undefined && part !== '').join(', ');
    return word(line('placeAsLine', place.latitude, place.longitude, named), language);
  }
  if (attachment.kind === 'contact') return word(line('contactCardAsLine', attachment.contact?.name, attachment.contact?.phone), language);
  if (attachment.refused !== undefined) return word(line('fileNotKept', attachment, attachment.refused, attachment.refusal), language);
  const stored = attachment.ref !== undefined ? await media.get(attachment.ref) : undefined;
  if (!stored) return word(line('fileGone', attachment), language);
  const { mime, size } = stored.media;
  const name = stored.media.name ?? attachment.name;
  if (channelId === TEAMS && attachment.kind !== 'image') return word(line('fileNotForTeams', attachment), language);
  const limit = channelId === TEAMS ? MAX_TEAMS_INLINE_BYTES : MAX_INLINE_BYTES;
  if (size > limit) return word(line('fileTooLarge', attachment, size, limit), language);
  const chunks: Buffer[] = [];
  for await (const chunk of stored.bytes()) chunks.push(Buffer.from(chunk));
  return { contentType: mime, contentUrl: `data:${mime};base64,${Buffer.concat(chunks).toString('base64')}`, ...(name !== undefined ? { name } : {}) };
}
