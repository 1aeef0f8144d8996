// Some channels send the photos of an album as separate messages with no album id (WhatsApp: in one webhook or in
// several back to back). They are told apart by their times: photos and videos a customer sent within seconds of
// each other (by the channel's timestamps, which do not depend on when a webhook arrives) are one album, named after
// its first message. Decided inside the message's transaction from what its conversation remembers
// (`Conversation.lastAlbum`), so an album split between two processes, or around a restart, is still one.
import type { InboundMessage } from '../types.ts';
import type { Conversation } from '../store/types.ts';

/** How far apart (the channel's timestamps, whole seconds on WhatsApp) two files of one album may be sent. */
const ALBUM_GAP_MS = 3_000;

/**
 * The album of a photo or video marked `albumByTime`: that of the customer's last one (`before`: their open
 * conversation, else their latest) when it was sent within seconds of it, else a new one named after this message
 * (a photo sent alone is an album of one; until a second photo joins it, the customer is spoken to about one photo).
 *
 *     timedAlbum(inbound, conversation); // 'wa-album:wamid.HBgL…' on each photo of four sent at once
 */
export function timedAlbum(inbound: InboundMessage, before: Conversation | undefined): string {
  const last = before?.lastAlbum;
  return last && Math.abs(Date.parse(inbound.at) - Date.parse(last.at)) <= ALBUM_GAP_MS ? last.album : `wa-album:${inbound.id}`;
}
