// WhatsApp sends the photos of an album as separate messages, in one webhook or in several back to back, with no
// album id. They are told apart here by their times: photos and videos from one person sent within seconds of each
// other (by WhatsApp's timestamps, which do not depend on when the webhook arrives) are one album, named after its
// first message. Kept in this process's memory: on several processes an album split between them counts as two.
import type { InboundMessage } from '../../types.ts';

/** How far apart (WhatsApp's timestamps, whole seconds) two files of one album may be sent. */
const ALBUM_GAP_MS = 3_000;
/** People remembered at most; the oldest are forgotten first. */
const MAX_SENDERS = 10_000;

/**
 * Names the album a customer's photo or video belongs to: that of the one they sent just before, else a new one
 * (a photo sent alone is an album of one, which changes nothing).
 *
 *     const albums = new Albums();
 *     albums.name(inbound); // inbound.album: 'wa-album:wamid.HBgL…' on each photo of four sent at once
 */
export class Albums {
  /** Per sender: the album of their last photo or video, and when that one was sent. */
  readonly #last = new Map<string, { album: string; at: number }>();

  name(inbound: InboundMessage): void {
    if (inbound.history || inbound.echo || !isPhotoOrVideo(inbound)) return;
    const at = Date.parse(inbound.at);
    const sender = inbound.from.id;
    const last = this.#last.get(sender);
    // Deleted and set again, so the map's order is the order people last sent in: the oldest go first.
    this.#last.delete(sender);
    const album = last && Math.abs(at - last.at) <= ALBUM_GAP_MS ? last.album : `wa-album:${inbound.id}`;
    inbound.album = album;
    this.#last.set(sender, { album, at });
    if (this.#last.size > MAX_SENDERS) this.#last.delete(this.#last.keys().next().value as string);
  }
}

function isPhotoOrVideo(inbound: InboundMessage): boolean {
  const attachments = inbound.attachments ?? [];
  return attachments.length > 0 && attachments.every((attachment) => attachment.kind === 'image' || attachment.kind === 'video');
}
