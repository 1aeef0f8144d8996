// Attachments as the web chat shows them: a kind told from a file's MIME type, the address of their bytes, and the
// headers a file is served with.
import type { Response } from 'express';
import type { Attachment, AttachmentKind, StoredMedia } from '../../types.ts';
import type { FileRefusal } from '../../store/types.ts';
import { safeName } from '../../store/media.ts';

/**
 * An attachment as the web chat API lists it: `url` fetches its bytes, for this session only (a visitor's carries a
 * grant for that file alone, for a day: file-links.ts).
 */
export interface WebchatAttachment {
  kind: AttachmentKind;
  mime?: string;
  name?: string;
  size?: number;
  url?: string;
  voice?: boolean;
  /** A GIF: the page plays it by itself, silent and looping. */
  animation?: boolean;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  contact?: { name: string; phone?: string };
  /** Why the bytes were not kept: the message arrived without them. */
  refused?: string;
  /** What `refused` means, when known, for the page to word in its reader's language. */
  refusal?: FileRefusal;
}

/**
 * What a file is, as a person sees it, from its MIME type.
 *
 *     kindOf('image/png'); // 'image'
 *     kindOf('application/pdf'); // 'document'
 */
export function kindOf(mime: string): AttachmentKind {
  const type = mime.split('/')[0];
  return type === 'image' || type === 'audio' || type === 'video' ? type : 'document';
}

/**
 * The listed form of a stored attachment, its bytes at `linkOf(ref)` (file-links.ts).
 *
 *     toWebchatAttachment({ kind: 'image', mime: 'image/png', ref: 'ab12…' }, (ref) => plainLink('v-1', ref)); // { kind, mime, url: '/webchat/v-1/media/ab12…' }
 */
export function toWebchatAttachment(attachment: Attachment, linkOf: (ref: string) => string): WebchatAttachment {
  const { kind, mime, name, size, ref, voice, animation, location, contact, refused, refusal } = attachment;
  return {
    kind,
    ...(mime !== undefined ? { mime } : {}),
    // Cleaned here too: a name stored before names were cleaned where they come in may still carry a U+202E.
    ...(name !== undefined ? { name: safeName(name) } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(ref !== undefined ? { url: linkOf(ref) } : {}),
    ...(voice ? { voice } : {}),
    ...(animation ? { animation } : {}),
    ...(location ? { location } : {}),
    ...(contact ? { contact } : {}),
    ...(refused !== undefined ? { refused } : {}),
    ...(refused !== undefined && refusal ? { refusal } : {}),
  };
}

// Shown in the page where they are; SVG is left out, as a document opened from it could run script.
const INLINE = /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[a-z0-9.+-]+)$/;

/**
 * Sets the headers a stored file is served with: its own MIME type, never sniffed, inline for pictures and sound
 * and as a download otherwise, under its safe name; a sandbox so that nothing served here runs as the page.
 *
 *     setMediaHeaders(res, { ref, size: 2048, mime: 'image/png', name: 'receipt.png' });
 */
export function setMediaHeaders(res: Response, media: StoredMedia): void {
  const name = safeName(media.name ?? 'file');
  // setHeader, not express's set: that would add a charset to the stored type.
  res.setHeader('content-type', media.mime);
  res.setHeader('content-length', String(media.size));
  res.setHeader('content-disposition', `${INLINE.test(media.mime) ? 'inline' : 'attachment'}; ${dispositionName(name)}`);
  res.setHeader('x-content-type-options', 'nosniff');
  // Nothing runs; a browser's own viewer of a picture or a video opened whole still draws it.
  res.setHeader('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox");
  // A ref's bytes never change; only this session's browser should keep them.
  res.setHeader('cache-control', 'private, max-age=31536000, immutable');
}

/** `filename="…"` for old clients (ASCII, quotes escaped away) and `filename*` (RFC 8187) with the exact name. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename="${ascii}"; filename*=UTF-8''${exact}`;
}
