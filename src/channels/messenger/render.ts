// Renders an OutboundMessage as the Send API messages that show it on Messenger or Instagram: texts split as the
// platform takes them, choices as quick replies (up to 13, titles up to 20 characters) on the last text, or
// numbered lines beyond that; files as attachments uploaded from the media store; places and contact cards as lines
// of text (the Send API sends neither). The recipient and messaging type are added when each is sent (send.ts).
import { safeName } from '../../store/media.ts';
import { ChannelSendError, type Attachment, type Choice, type MediaStore, type OutboundMessage } from '../../types.ts';
import type { FileType, Platform } from './platforms.ts';
import { deskLanguage, line, word, type DeskLanguage } from '../../handover/lines.ts';

/** Quick replies: at most 13, titles of at most 20 characters, payloads of at most 1,000. */
const MAX_QUICK_REPLIES = 13;
const MAX_QUICK_REPLY_TITLE = 20;
const MAX_PAYLOAD = 1000;

/** One Send API message: its `message` object. A file names bytes to upload first, whose attachment id it then sends. */
export interface Part {
  message: Record<string, unknown>;
  upload?: { type: FileType; bytes: () => AsyncIterable<Uint8Array>; mime: string; name?: string };
}

/**
 * The messages that show `message`, in order: its text, then its files; with choices, the files first and the text
 * with its quick replies last (quick replies hang on the last message). Attachments' bytes are read from `media`.
 * An attachment that cannot be sent (refused, gone, a kind the platform cannot carry) becomes a line of the text.
 *
 *     const parts = await renderMessage({ text: 'Pick one', choices }, MESSENGER, host.media);
 *     parts[0].message; // { text: 'Pick one', quick_replies: [{ content_type: 'text', title, payload }] }
 */
export async function renderMessage(message: OutboundMessage, platform: Platform, media: MediaStore | undefined): Promise<Part[]> {
  if (message.template) throw new ChannelSendError(`${platform.label} has no message templates: write the message instead`, { permanent: true });
  const files: Part[] = [];
  const lines: string[] = [];
  for (const attachment of message.attachments ?? []) {
    const rendered = await renderAttachment(attachment, platform, media, deskLanguage(message.language));
    if (typeof rendered === 'string') lines.push(rendered);
    else files.push(rendered);
  }
  const text = [message.text, ...lines].filter((line) => line !== '').join('\n');
  const choices = message.choices ?? [];
  if (choices.length > 0) return [...files, ...withChoices(text, choices, message, platform)];
  // An empty text with nothing else is still sent: Meta's refusal fails it for good.
  if (text === '' && files.length > 0) return files;
  return [...textParts(text, platform), ...files];
}

function textParts(text: string, platform: Platform): Part[] {
  return platform.split(text).map((part) => ({ message: { text: part } }));
}

/** Quick replies on the last part when the choices fit them, else numbered lines (a typed number or title counts too). */
function withChoices(text: string, choices: Choice[], message: OutboundMessage, platform: Platform): Part[] {
  const body = text.trim() === '' ? undefined : text;
  if (body !== undefined && choices.length <= MAX_QUICK_REPLIES && choices.every((choice) => fits(choice, message.id))) {
    const parts = textParts(body, platform);
    const last = parts.at(-1)!;
    last.message.quick_replies = choices.map((choice) => ({ content_type: 'text', title: choice.title, payload: quickReplyPayload(choice, message.id) }));
    return parts;
  }
  const numbered = choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n');
  return textParts(body === undefined ? numbered : `${body}\n\n${numbered}`, platform);
}

function fits(choice: Choice, of: number | undefined): boolean {
  return choice.title.trim() !== '' && [...choice.title].length <= MAX_QUICK_REPLY_TITLE && choice.id.length >= 1 && quickReplyPayload(choice, of).length <= MAX_PAYLOAD;
}

/**
 * A quick reply's payload: the choice's id and the stored message it hangs on, `{"choice":"yes","of":42}`, since
 * Messenger names no message a quick reply was pressed under and two questions may offer the same id (decode.ts reads
 * it back; a bare id, as sent before, is still read as the choice).
 *
 *     quickReplyPayload({ id: 'yes', title: 'Yes' }, 42); // '{"choice":"yes","of":42}'
 */
export function quickReplyPayload(choice: Choice, of: number | undefined): string {
  return of === undefined ? choice.id : JSON.stringify({ choice: choice.id, of });
}

async function renderAttachment(attachment: Attachment, platform: Platform, media: MediaStore | undefined, language: DeskLanguage): Promise<Part | string> {
  if (attachment.kind === 'location') {
    const place = attachment.location;
    if (!place) return word(line('placeNotSent'), language);
    const named = [place.name, place.address].filter((part) => part !== undefined && part !== '').join(', ');
    return `📍 ${named !== '' ? `${named}: ` : ''}https://www.openstreetmap.org/?mlat=${place.latitude}&mlon=${place.longitude}#map=17/${place.latitude}/${place.longitude}`;
  }
  if (attachment.kind === 'contact') return word(line('contactAsBadge', attachment.contact?.name, attachment.contact?.phone), language);
  if (attachment.refused !== undefined) return word(line('fileNotKept', attachment, attachment.refused, attachment.refusal), language);
  if (!media) throw new ChannelSendError(`the ${platform.label} channel is not started: no media store to read the file from`, { permanent: false });
  const stored = attachment.ref !== undefined ? await media.get(attachment.ref) : undefined;
  if (!stored) return word(line('fileGone', attachment), language);
  const { mime, size } = stored.media;
  const type = platform.fileType(attachment.kind, mime, size);
  if (type === undefined) return word(line('fileNotCarried', attachment, platform.label), language);
  const name = stored.media.name ?? attachment.name;
  return {
    message: { attachment: { type, payload: {} } },
    upload: { type, bytes: () => stored.bytes(), mime, ...(name !== undefined ? { name: safeName(name) } : {}) },
  };
}
