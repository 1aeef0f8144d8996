// How a person names an attachment, for the line a channel sends where it cannot carry the attachment itself.
import type { Attachment } from '../store/types.ts';

/**
 * Whether an app that is not Telegram shows the attachment as what it is: any file but a sticker that moves (Telegram's
 * animated `.tgs` and video stickers are Telegram's own); `moving`, for an app that plays a video sticker as a video.
 *
 *     showsOutsideTelegram({ kind: 'sticker', mime: 'application/x-tgsticker' }); // false
 */
export function showsOutsideTelegram(attachment: Pick<Attachment, 'kind' | 'mime'>, moving: { video?: boolean } = {}): boolean {
  if (attachment.kind !== 'sticker') return true;
  const mime = attachment.mime ?? '';
  return mime.startsWith('image/') || (moving.video === true && mime.startsWith('video/'));
}

/**
 * The attachment as a person names it.
 *
 *     describeAttachment({ kind: 'audio', voice: true }); // 'a voice message'
 */
export function describeAttachment(attachment: Pick<Attachment, 'kind' | 'voice' | 'name'>): string {
  switch (attachment.kind) {
    case 'image':
      return 'a photo';
    case 'audio':
      return attachment.voice ? 'a voice message' : 'an audio file';
    case 'video':
      return 'a video';
    case 'sticker':
      return 'a sticker';
    case 'location':
      return 'a location';
    case 'contact':
      return 'a contact card';
    default:
      return attachment.name ? `a document (${attachment.name})` : 'a document';
  }
}
