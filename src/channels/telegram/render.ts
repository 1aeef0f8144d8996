// Turns an OutboundMessage into the Bot API calls that show it: texts split at Telegram's limit, choices as an
// inline keyboard (or a numbered list), each attachment as its own send (sendPhoto, sendVoice, sendLocation…) with
// the text as the caption when it fits. Rendering is the same every time for the same message and media, which
// is what lets a retried send skip the calls already made (send.ts).
import { splitText } from '../../shared/text.ts';
import { partOffsets, within } from '../../shared/text-styles.ts';
import { InputFile } from 'grammy';
import type { InlineKeyboardMarkup, MessageEntity, Opts } from 'grammy/types';
import { safeName } from '../../store/media.ts';
import { ChannelSendError, type Attachment, type Choice, type MediaStore, type OutboundMessage, type TextStyle, type TextStyleName } from '../../types.ts';
import { MAX_CALLBACK_DATA_BYTES } from './decode.ts';
import { deskLanguage, line, word, type DeskLanguage } from '../../handover/lines.ts';

/** The longest text Telegram takes in one message. */
const MAX_MESSAGE_LENGTH = 4096;
/** The longest caption Telegram takes on a file. */
const MAX_CAPTION_LENGTH = 1024;
/** sendPhoto takes photos up to 10 MB; a larger image still goes out, as a document. */
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

type SendMethod = 'sendMessage' | 'sendPhoto' | 'sendVoice' | 'sendAudio' | 'sendVideo' | 'sendVideoNote' | 'sendAnimation' | 'sendDocument' | 'sendSticker' | 'sendLocation' | 'sendVenue' | 'sendContact';

/** One Bot API call a message becomes; the chat (and topic) it goes to is added when it is sent. */
export type Part = { [M in SendMethod]: { method: M; payload: Omit<Opts<M>, 'chat_id' | 'message_thread_id'> } }[SendMethod];

type FilePart = Extract<Part, { method: 'sendPhoto' | 'sendVoice' | 'sendAudio' | 'sendVideo' | 'sendVideoNote' | 'sendAnimation' | 'sendDocument' | 'sendSticker' }>;

/**
 * The calls that show `message`, in order; the keyboard, if any, on the last one. Attachments' bytes are read from
 * `media` (the host's; undefined before the channel started) when each call is made. An attachment that cannot be sent (its bytes were refused or are gone, a contact
 * card without a number) becomes a line of the text instead, so the reader knows something was there.
 *
 *     const parts = await renderMessage({ text: 'Your invoice', attachments: [pdf] }, host.media);
 *     parts.map((part) => part.method); // ['sendDocument'], with 'Your invoice' as its caption
 */
export async function renderMessage(message: OutboundMessage, media: MediaStore | undefined): Promise<Part[]> {
  const sends: Part[] = [];
  const lines: string[] = [];
  for (const attachment of message.attachments ?? []) {
    const rendered = await renderAttachment(attachment, media, deskLanguage(message.language));
    if (typeof rendered === 'string') lines.push(rendered);
    else sends.push(rendered);
  }
  const { text, keyboard } = withChoices([message.text, ...lines].filter((line) => line !== '').join('\n'), message.choices ?? []);
  const captioned = sends.find(takesCaption);
  let parts: Part[];
  // The agent's styles lie in `message.text`, which the text starts with.
  const styles = message.styles ?? [];
  if (text !== '' && captioned && text.length <= MAX_CAPTION_LENGTH) {
    captioned.payload.caption = text;
    if (styles.length > 0) captioned.payload.caption_entities = entities(within(styles, 0, text.length));
    parts = sends;
  } else if (text !== '' || sends.length === 0) {
    // An empty text with nothing else is still sent: Telegram's refusal ("message text is empty") fails it for good.
    const texts = splitText(text, MAX_MESSAGE_LENGTH);
    const starts = partOffsets(text, texts);
    parts = [...texts.map((part, index): Part => {
      const own = within(styles, starts[index]!, starts[index]! + part.length);
      return { method: 'sendMessage', payload: { text: part, ...(own.length > 0 ? { entities: entities(own) } : {}) } };
    }), ...sends];
  } else {
    parts = sends;
  }
  if (keyboard) parts.at(-1)!.payload.reply_markup = keyboard;
  return parts;
}

/** Telegram's entity type for each style. */
const ENTITY_TYPES: Record<TextStyleName, 'bold' | 'italic' | 'underline' | 'strikethrough' | 'code' | 'pre' | 'spoiler'> = {
  bold: 'bold', italic: 'italic', underline: 'underline', strike: 'strikethrough', code: 'code', pre: 'pre', spoiler: 'spoiler',
};

/** The styles Telegram shows: all of them. */
export const TELEGRAM_STYLES = Object.keys(ENTITY_TYPES) as TextStyleName[];

/** Styles as Telegram's message entities, whose offsets count UTF-16 units as the styles' do. */
function entities(styles: readonly TextStyle[]): MessageEntity[] {
  return styles.map((style) => ({ type: ENTITY_TYPES[style.style], offset: style.offset, length: style.length }) as MessageEntity);
}

/** Choices as an inline keyboard (one button a row), or as a numbered list when an id cannot be callback_data. */
function withChoices(text: string, choices: Choice[]): { text: string; keyboard?: InlineKeyboardMarkup } {
  if (choices.length === 0) return { text };
  if (choices.every(fitsCallbackData)) {
    return { text, keyboard: { inline_keyboard: choices.map((choice) => [{ text: choice.title, callback_data: choice.id }]) } };
  }
  return { text: `${text}\n\n${choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}` };
}

function fitsCallbackData(choice: Choice): boolean {
  const bytes = Buffer.byteLength(choice.id, 'utf8');
  return bytes >= 1 && bytes <= MAX_CALLBACK_DATA_BYTES;
}

function takesCaption(part: Part): part is Extract<Part, { method: 'sendPhoto' | 'sendVoice' | 'sendAudio' | 'sendVideo' | 'sendAnimation' | 'sendDocument' }> {
  return ['sendPhoto', 'sendVoice', 'sendAudio', 'sendVideo', 'sendAnimation', 'sendDocument'].includes(part.method);
}

async function renderAttachment(attachment: Attachment, media: MediaStore | undefined, language: DeskLanguage): Promise<Part | string> {
  if (attachment.kind === 'location') {
    const place = attachment.location;
    if (!place) return word(line('placeNotSent'), language);
    const { latitude, longitude, name, address } = place;
    // A named place with an address shows as a venue card, the way Telegram users send one.
    if (name && address) return { method: 'sendVenue', payload: { latitude, longitude, title: name, address } };
    return { method: 'sendLocation', payload: { latitude, longitude } };
  }
  if (attachment.kind === 'contact') {
    const card = attachment.contact;
    if (!card?.phone) return word(line('contactCardNotSent', card?.name), language);
    return { method: 'sendContact', payload: { phone_number: card.phone, first_name: card.name || card.phone } };
  }
  if (attachment.refused !== undefined) return word(line('fileNotKept', attachment, attachment.refused, attachment.refusal), language);
  if (!media) throw new ChannelSendError('the Telegram channel is not started: no media store to read the file from', { permanent: false });
  const stored = attachment.ref !== undefined ? await media.get(attachment.ref) : undefined;
  if (!stored) return word(line('fileGone', attachment), language);
  const name = stored.media.name ?? attachment.name;
  // A supplier, not a stream: each try of the upload (auto-retry's included) reads the file afresh.
  const file = new InputFile(() => stored.bytes(), name !== undefined ? safeName(name) : undefined);
  return filePart(attachment, stored.media.mime, stored.media.size, file);
}

/** The send method for a file: the specific one when Telegram takes the format, else sendDocument, which takes anything. */
function filePart(attachment: Attachment, mime: string, size: number, file: InputFile): FilePart {
  switch (attachment.kind) {
    case 'image':
      if (['image/jpeg', 'image/png', 'image/webp'].includes(mime) && size <= MAX_PHOTO_BYTES) return { method: 'sendPhoto', payload: { photo: file } };
      break;
    case 'audio':
      // Voice notes must be OGG/Opus, MP3 or M4A; audio files MP3 or M4A.
      if (attachment.voice && ['audio/ogg', 'audio/opus', 'audio/mpeg', 'audio/mp4', 'audio/x-m4a'].includes(mime)) return { method: 'sendVoice', payload: { voice: file } };
      if (['audio/mpeg', 'audio/mp3', 'audio/mp4', 'audio/x-m4a'].includes(mime)) return { method: 'sendAudio', payload: { audio: file } };
      break;
    case 'video':
      if (mime === 'video/mp4' && attachment.animation) return { method: 'sendAnimation', payload: { animation: file } };
      // A round video stays round; it takes no caption, so the text goes before it on its own.
      if (mime === 'video/mp4' && attachment.round) return { method: 'sendVideoNote', payload: { video_note: file } };
      if (mime === 'video/mp4') return { method: 'sendVideo', payload: { video: file } };
      break;
    case 'sticker':
      if (['image/webp', 'application/x-tgsticker', 'video/webm'].includes(mime)) return { method: 'sendSticker', payload: { sticker: file } };
      break;
    default:
      break;
  }
  return { method: 'sendDocument', payload: { document: file } };
}
