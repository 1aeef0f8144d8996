// Messenger and Instagram Direct speak the same Messenger Platform: the same webhook events, the same Send API
// (`me/messages` with the Page's token), quick replies and the HUMAN_AGENT tag. What differs between them is this
// table, one row each; the code around it is the same for both.
import type { AttachmentKind } from '../../types.ts';
import { splitText } from '../../shared/text.ts';

/** How a file goes out (the Send API's attachment types). */
export type FileType = 'image' | 'audio' | 'video' | 'file';

export interface Platform {
  /** The channel's name: what contacts' identities and team.yaml say. */
  channel: 'messenger' | 'instagram';
  /** The `object` of its webhook bodies. */
  object: 'page' | 'instagram';
  /** As people read it, in log lines and refusals. */
  label: 'Messenger' | 'Instagram';
  /** A text as the messages the platform takes, in order. */
  split(text: string): string[];
  /** The profile fields asked for a person's name (GET /{id}?fields=…), and the name they make. */
  profileFields: string;
  nameOf(profile: { name?: unknown; first_name?: unknown; last_name?: unknown; username?: unknown }): string | undefined;
  /**
   * Whether sends carry `message.metadata`, which Messenger gives back on the echo of the message: the mark that
   * tells our own messages from a person's at the business, across restarts too.
   */
  echoMetadata: boolean;
  /** Fields of the attachment upload (POST me/message_attachments) beside the file. */
  uploadFields: Record<string, string>;
  /** The attachment type a file goes out as, or undefined when the platform cannot carry it. */
  fileType(kind: AttachmentKind, mime: string, size: number): FileType | undefined;
}

const MB = 1024 * 1024;

/** Facebook Messenger: texts of up to 2,000 characters; any file up to 25 MB (the others as `file`). */
export const MESSENGER: Platform = {
  channel: 'messenger',
  object: 'page',
  label: 'Messenger',
  split: (text) => splitText(text, 2000),
  profileFields: 'first_name,last_name,name,profile_pic',
  nameOf: (profile) => text(profile.name) ?? (([text(profile.first_name), text(profile.last_name)].filter(Boolean).join(' ')) || undefined),
  echoMetadata: true,
  uploadFields: {},
  fileType(kind, mime, size) {
    if (size > 25 * MB) return undefined;
    if ((kind === 'image' || kind === 'sticker') && mime.startsWith('image/')) return 'image';
    if (kind === 'audio' && mime.startsWith('audio/')) return 'audio';
    if (kind === 'video' && mime.startsWith('video/')) return 'video';
    return 'file';
  },
};

/**
 * Instagram Direct through the Page linked to the Instagram professional account: texts of up to 1,000 bytes of
 * UTF-8; PNG, JPEG and GIF pictures up to 8 MB, a few video and audio formats and PDF documents up to 25 MB.
 */
export const INSTAGRAM: Platform = {
  channel: 'instagram',
  object: 'instagram',
  label: 'Instagram',
  split: (text) => splitBytes(text, 1000),
  profileFields: 'name,username,profile_pic',
  nameOf: (profile) => text(profile.name) ?? text(profile.username),
  echoMetadata: false,
  uploadFields: { platform: 'instagram' },
  fileType(_kind, mime, size) {
    if (['image/png', 'image/jpeg', 'image/gif'].includes(mime)) return size <= 8 * MB ? 'image' : undefined;
    if (size > 25 * MB) return undefined;
    if (['video/mp4', 'video/ogg', 'video/x-msvideo', 'video/quicktime', 'video/webm'].includes(mime)) return 'video';
    if (['audio/aac', 'audio/mp4', 'audio/x-m4a', 'audio/wav', 'audio/x-wav', 'audio/vnd.wave'].includes(mime)) return 'audio';
    return mime === 'application/pdf' ? 'file' : undefined;
  },
};

/** The rows, by webhook `object`. */
export const PLATFORMS: readonly Platform[] = [MESSENGER, INSTAGRAM];

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 256) : undefined;
}

/** `splitText`, with parts of at most `maxBytes` of UTF-8: a part too long in bytes is split again, shorter. */
function splitBytes(text: string, maxBytes: number): string[] {
  return splitText(text, maxBytes).flatMap(function fit(part: string): string[] {
    const bytes = Buffer.byteLength(part, 'utf8');
    if (bytes <= maxBytes) return [part];
    return splitText(part, Math.max(1, Math.floor((part.length * maxBytes) / bytes))).flatMap(fit);
  });
}
