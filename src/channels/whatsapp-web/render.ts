// Turns an OutboundMessage into the sends that show it in a WhatsApp chat: choices as a numbered list below the text,
// each file as its own send with the bytes from the media store (the text as the caption of the first one that takes
// a caption), a location as a location, a contact card as a line of text. Rendering is the same every time for the same
// message and media, which lets a retried send skip the parts already sent (send.ts).
import { ChannelSendError, type Attachment, type MediaStore, type OutboundMessage } from '../../types.ts';
import { numbered } from './choices.ts';
import type { OutgoingContent } from './client.ts';
import { deskLanguage, line, word, type DeskLanguage } from '../../handover/lines.ts';
import { markup } from '../whatsapp/markup.ts';

/** The longest caption shown under a file; a longer text goes first, on its own. */
const MAX_CAPTION_LENGTH = 1024;

/** Formats WhatsApp shows inline; a file of any other type is sent as a document, which takes anything. */
const INLINE: Partial<Record<Attachment['kind'], readonly string[]>> = {
  image: ['image/jpeg', 'image/png'],
  video: ['video/mp4', 'video/3gpp'],
  audio: ['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/amr', 'audio/opus'],
  sticker: ['image/webp'],
};

/**
 * The sends that show `message`, in order. An attachment that cannot be sent (its bytes were refused or are gone)
 * becomes a line of the text instead, so the reader knows something was there.
 *
 *     const parts = await renderMessage({ text: 'Your invoice', attachments: [pdf] }, host.media);
 *     // [{ kind: 'media', mimetype: 'application/pdf', asDocument: true, caption: 'Your invoice', … }]
 */
export async function renderMessage(message: OutboundMessage, media: MediaStore | undefined): Promise<OutgoingContent[]> {
  const sends: OutgoingContent[] = [];
  const lines: string[] = [];
  for (const attachment of message.attachments ?? []) {
    const rendered = await renderAttachment(attachment, media, deskLanguage(message.language));
    if (typeof rendered === 'string') lines.push(rendered);
    else sends.push(rendered);
  }
  const text = numbered([markup(message.text, message.styles), ...lines].filter((line) => line !== '').join('\n'), message.choices ?? []);
  const captioned = sends.find((part) => part.kind === 'media' && !part.asVoice && !part.asSticker);
  if (text !== '' && captioned?.kind === 'media' && text.length <= MAX_CAPTION_LENGTH) {
    captioned.caption = text;
    return sends;
  }
  // An empty text with nothing else is still sent: WhatsApp's refusal fails it for good.
  return text !== '' || sends.length === 0 ? [{ kind: 'text', text }, ...sends] : sends;
}

async function renderAttachment(attachment: Attachment, media: MediaStore | undefined, language: DeskLanguage): Promise<OutgoingContent | string> {
  if (attachment.kind === 'location') {
    if (!attachment.location) return word(line('placeNotSent'), language);
    const { latitude, longitude, name, address } = attachment.location;
    return { kind: 'location', latitude, longitude, ...(name !== undefined ? { name } : {}), ...(address !== undefined ? { address } : {}) };
  }
  if (attachment.kind === 'contact') return word(line('contactAsText', attachment.contact?.name, attachment.contact?.phone), language);
  if (attachment.refused !== undefined) return word(line('fileNotKept', attachment, attachment.refused, attachment.refusal), language);
  if (!media) throw new ChannelSendError('the WhatsApp Web channel is not started: no media store to read the file from', { permanent: false });
  const stored = attachment.ref !== undefined ? await media.get(attachment.ref) : undefined;
  if (!stored) return word(line('fileGone', attachment), language);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stored.bytes()) chunks.push(chunk);
  const mimetype = stored.media.mime;
  const name = stored.media.name ?? attachment.name;
  const inline = INLINE[attachment.kind]?.includes(mimetype) ?? false;
  return {
    kind: 'media',
    data: Buffer.concat(chunks).toString('base64'),
    mimetype,
    ...(name !== undefined ? { filename: name } : {}),
    ...(!inline ? { asDocument: true } : {}),
    ...(inline && attachment.kind === 'audio' && attachment.voice ? { asVoice: true } : {}),
    ...(inline && attachment.kind === 'sticker' ? { asSticker: true } : {}),
  };
}
