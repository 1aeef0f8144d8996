// Hands one authenticated activity to the runtime: decodes it, brings the files it names into the media store,
// delivers. Resolving means the activity may be acknowledged (stored, or deliberately ignored), with the reason
// when it was refused as unreadable; rejecting means it was not stored.
import type { ChannelHost, InboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { CHANNEL, otherAddress } from './address.ts';
import { decodeActivity, type DecodeOptions } from './decode.ts';
import { fetchFile, type FileOptions } from './files.ts';
import type { GroupChats } from './group-chats.ts';
import { deskLanguage } from '../../handover/lines.ts';

export interface ReceiveContext extends DecodeOptions {
  host: ChannelHost;
  log: Logger;
  /** How files are fetched, the media store and log aside (they are the host's and the channel's). */
  files: Omit<FileOptions, 'media' | 'log'>;
  /** The group chats told to write one to one (group-chats.ts); without it, a group chat is not answered. */
  groupChats?: GroupChats;
}

/** Sends `text` into the conversation the activity came from, as a reply to it (the turn's own context). */
export type Reply = (text: string) => Promise<unknown>;

/**
 * Receives one activity; resolves to the reason it was refused, if it was, so the webhook can say so.
 *
 *     const refused = await receiveActivity(context.activity, { host, log, files: { token } }, (text) => context.sendActivity(text));
 */
export async function receiveActivity(activity: unknown, context: ReceiveContext, reply?: Reply): Promise<string | undefined> {
  const { host, log } = context;
  const decoded = decodeActivity(activity, new Date(), context);
  const about = describe(activity);
  if (decoded.kind === 'refused') {
    log.warn({ ...about, reason: decoded.reason }, 'Bot Framework activity refused');
    return decoded.reason;
  }
  if (decoded.kind === 'ignored') {
    log.info({ ...about, reason: decoded.reason }, 'Bot Framework activity ignored');
    return undefined;
  }
  if (decoded.kind === 'group') {
    log.info({ ...about, reason: decoded.reason }, 'Bot Framework activity not read: a group chat');
    await context.groupChats?.tell(decoded.chat, deskLanguage(decoded.language), reply);
    return undefined;
  }
  if (decoded.kind === 'removed') {
    log.info({ ...about, address: decoded.address, reason: decoded.reason }, 'Bot Framework: a person removed or added the bot');
    await host.blocked?.(decoded.address, decoded.removed, { appRemoved: true });
    return undefined;
  }
  const { inbound, files, serviceUrl } = decoded;
  // The bytes go into the media store first: a delivered message names them by ref.
  if (files.length > 0) inbound.attachments = [...(await Promise.all(files.map((file) => fetchFile(file, serviceUrl, { ...context.files, media: host.media, log })))), ...(inbound.attachments ?? [])];
  await carryOver(inbound, host);
  await host.deliver(inbound);
  return undefined;
}

/**
 * A Web Chat or Direct Line visitor whose contact is kept under their other address (see `otherAddress`) keeps it:
 * the identity moves to the address they have now, when that address's last message was in this same conversation
 * from this same user id, so that nobody else's contact is taken. A customer mid-conversation when the version or the
 * setting changed goes on with their agent rather than starting over.
 */
async function carryOver(inbound: InboundMessage, host: ChannelHost): Promise<void> {
  const reference = inbound.from.reference;
  const other = reference && otherAddress(reference, inbound.from.id);
  if (!other) return;
  const kept = await host.referenceOf(other);
  if (kept === undefined || kept['conversationId'] !== reference['conversationId'] || kept['userId'] !== reference['userId']) return;
  await host.updateIdentity({ channel: CHANNEL, id: other, movedTo: inbound.from.id });
}

/** The activity's type, channel and id, for log lines. */
function describe(activity: unknown): { type?: unknown; channelId?: unknown; id?: unknown } {
  if (typeof activity !== 'object' || activity === null) return {};
  const { type, channelId, id } = activity as Record<string, unknown>;
  return { type, channelId, id };
}
