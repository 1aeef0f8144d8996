// Renders an OutboundMessage as the Cloud API messages that show it: text (split at WhatsApp's 4,096 characters),
// choices as reply buttons (up to 3), a list (up to 10) or numbered lines, files by media id once uploaded,
// locations, contact cards and approved templates. The recipient is added when each is sent (send.ts).
import { safeName } from '../../store/media.ts';
import { ChannelSendError, type Attachment, type Choice, type MediaStore, type MessageTemplate, type OutboundMessage } from '../../types.ts';
import { splitText } from '../../shared/text.ts';
import { deskLanguage, line, word, type DeskLanguage } from '../../handover/lines.ts';
import { markup } from '../whatsapp/markup.ts';

/** The longest text message WhatsApp takes. */
const MAX_TEXT_LENGTH = 4096;
/** The longest caption of a file, and the longest body of an interactive message. */
const MAX_CAPTION_LENGTH = 1024;
/** Reply buttons: at most 3, titles of at most 20 characters, ids of at most 256. */
const MAX_BUTTONS = 3;
const MAX_BUTTON_TITLE = 20;
const MAX_BUTTON_ID = 256;
/** List rows: at most 10, titles of at most 24 characters, ids of at most 200. */
const MAX_ROWS = 10;
const MAX_ROW_TITLE = 24;
const MAX_ROW_ID = 200;

/** The language of a template whose language is not configured (WHATSAPP_TEMPLATES gives it as name:language). */
export const DEFAULT_TEMPLATE_LANGUAGE = 'en_US';

type FileType = 'image' | 'audio' | 'video' | 'document' | 'sticker';

/**
 * One message of the Cloud API: its body without the recipient. A file part names bytes to upload first; the media
 * id the upload gives goes into `payload[payload.type].id`.
 */
export interface Part {
  payload: { type: string } & Record<string, unknown>;
  upload?: { bytes: () => AsyncIterable<Uint8Array>; mime: string; name?: string };
}

/**
 * The messages that show `message`, in order: its text first (or as the caption of its first file), then its files;
 * with choices, the files first and the text with the choices last. Attachments' bytes are read from `media` (the
 * host's, undefined before the channel started). An attachment that cannot be sent (refused, gone, a contact card
 * without a number) becomes a line of the text, so the reader knows something was there.
 *
 *     const parts = await renderMessage({ text: 'Your invoice', attachments: [pdf] }, host.media);
 *     parts.map((part) => part.payload.type); // ['document'], with 'Your invoice' as its caption
 */
export async function renderMessage(message: OutboundMessage, media: MediaStore | undefined): Promise<Part[]> {
  if (message.template) return [templatePart(message.template)];
  const files: Part[] = [];
  const lines: string[] = [];
  for (const attachment of message.attachments ?? []) {
    const rendered = await renderAttachment(attachment, media, deskLanguage(message.language));
    if (typeof rendered === 'string') lines.push(rendered);
    else files.push(rendered);
  }
  const text = [markup(message.text, message.styles), ...lines].filter((line) => line !== '').join('\n');
  const choices = message.choices ?? [];
  if (choices.length > 0) return [...files, ...withChoices(text, choices, deskLanguage(message.language))];
  const captioned = files.find(takesCaption);
  if (text !== '' && captioned && text.length <= MAX_CAPTION_LENGTH) {
    (captioned.payload[captioned.payload.type] as Record<string, unknown>).caption = text;
    return files;
  }
  // An empty text with nothing else is still sent: Meta's refusal fails it for good.
  if (text === '' && files.length > 0) return files;
  return [...textParts(text), ...files];
}

/** An approved template with its body parameters in order. */
export function templatePart(template: MessageTemplate): Part {
  return {
    payload: {
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language ?? DEFAULT_TEMPLATE_LANGUAGE },
        ...(template.params.length > 0
          // Meta refuses parameters with line breaks, tabs or runs of spaces.
          ? { components: [{ type: 'body', parameters: template.params.map((param) => ({ type: 'text', text: param.replace(/\s+/g, ' ').trim() })) }] }
          : {}),
      },
    },
  };
}

function textParts(text: string): Part[] {
  return splitText(text, MAX_TEXT_LENGTH).map((body) => ({ payload: { type: 'text', text: { body, preview_url: false } } }));
}

/**
 * Reply buttons when the choices fit them, else a list behind a button worded in `language` (at most 20 characters),
 * else numbered lines (a typed number or title counts too).
 */
function withChoices(text: string, choices: Choice[], language: DeskLanguage): Part[] {
  const body = text.trim() === '' ? undefined : text;
  if (body !== undefined && body.length <= MAX_CAPTION_LENGTH) {
    if (choices.length <= MAX_BUTTONS && choices.every((choice) => fits(choice, MAX_BUTTON_TITLE, MAX_BUTTON_ID))) {
      return [{
        payload: {
          type: 'interactive',
          interactive: { type: 'button', body: { text: body }, action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: choice.id, title: choice.title } })) } },
        },
      }];
    }
    if (choices.length <= MAX_ROWS && choices.every((choice) => fits(choice, MAX_ROW_TITLE, MAX_ROW_ID))) {
      return [{
        payload: {
          type: 'interactive',
          interactive: { type: 'list', body: { text: body }, action: { button: word(line('listButton'), language), sections: [{ rows: choices.map((choice) => ({ id: choice.id, title: choice.title })) }] } },
        },
      }];
    }
  }
  // Lines of text, where WhatsApp shows a flow's markup ("*Billing*"), as buttons and list rows do not.
  const numbered = choices.map((choice, index) => `${index + 1}. ${markup(choice.title, choice.styles)}`).join('\n');
  return textParts(body === undefined ? numbered : `${body}\n\n${numbered}`);
}

function fits(choice: Choice, maxTitle: number, maxId: number): boolean {
  return choice.title.trim() !== '' && [...choice.title].length <= maxTitle && choice.id.length >= 1 && choice.id.length <= maxId;
}

function takesCaption(part: Part): boolean {
  return ['image', 'video', 'document'].includes(part.payload.type);
}

async function renderAttachment(attachment: Attachment, media: MediaStore | undefined, language: DeskLanguage): Promise<Part | string> {
  if (attachment.kind === 'location') {
    const place = attachment.location;
    if (!place) return word(line('placeNotSent'), language);
    const { latitude, longitude, name, address } = place;
    return { payload: { type: 'location', location: { latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } } };
  }
  if (attachment.kind === 'contact') {
    const card = attachment.contact;
    if (!card?.phone) return word(line('contactCardNotSent', card?.name), language);
    const name = card.name || card.phone;
    return { payload: { type: 'contacts', contacts: [{ name: { formatted_name: name, first_name: name }, phones: [{ phone: card.phone, type: 'CELL' }] }] } };
  }
  if (attachment.refused !== undefined) return word(line('fileNotKept', attachment, attachment.refused, attachment.refusal), language);
  if (!media) throw new ChannelSendError('the WhatsApp Cloud channel is not started: no media store to read the file from', { permanent: false });
  const stored = attachment.ref !== undefined ? await media.get(attachment.ref) : undefined;
  if (!stored) return word(line('fileGone', attachment), language);
  const { mime, size } = stored.media;
  const name = stored.media.name ?? attachment.name;
  const type = fileType(attachment, mime, size);
  return {
    payload: { type, [type]: type === 'document' ? { filename: safeName(name ?? 'file') } : {} },
    upload: { bytes: () => stored.bytes(), mime, ...(name !== undefined ? { name: safeName(name) } : {}) },
  };
}

/** The message type for a file: the specific one when WhatsApp takes its format and size, else document, which takes anything. */
function fileType(attachment: Attachment, mime: string, size: number): FileType {
  const MB = 1024 * 1024;
  switch (attachment.kind) {
    case 'image':
      if (['image/jpeg', 'image/png'].includes(mime) && size <= 5 * MB) return 'image';
      break;
    case 'audio':
      if (['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'].includes(mime) && size <= 16 * MB) return 'audio';
      break;
    case 'video':
      if (['video/mp4', 'video/3gpp'].includes(mime) && size <= 16 * MB) return 'video';
      break;
    case 'sticker':
      if (mime === 'image/webp' && size <= 500 * 1024) return 'sticker';
      break;
    default:
      break;
  }
  return 'document';
}
