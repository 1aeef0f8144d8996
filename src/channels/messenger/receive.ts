// Hands one decoded webhook batch to the runtime, item after item in the order Meta listed them: a message's files
// into the media store and the person's name from their profile, then the message; echoes (ignored when ours, a
// takeover when a person at the business wrote them); referrals, kept for the person's next message; receipts, as
// statuses of the messages we sent. Resolving means the batch may be acknowledged; rejecting means something was
// not stored and Meta must send the batch again (what was stored is then found again by the runtime's dedup).
import { DeliveryRefused, type Attachment, type ChannelHost } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { fetchMedia, type RemoteFile } from '../meta/files.ts';
import type { GraphApi } from '../meta/graph.ts';
import { FastWriters } from '../meta/fast-writers.ts';
import { inWrittenOrder } from '../meta/written-order.ts';
import type { Memory } from '../meta/memory.ts';
import type { Item, LinkedFile } from './decode.ts';
import { OWN_METADATA, type OwnSends } from './own-sends.ts';
import type { Platform } from './platforms.ts';
import type { Profiles } from './profiles.ts';

/** Referrals waiting for the person's next message (the most recent people). */
const REFERRALS = 10_000;

/** One platform's side of the channel: its host once started, and what it remembers. */
export interface PlatformSide {
  platform: Platform;
  /** Undefined until the platform's channel started. */
  host: ChannelHost | undefined;
  sends: OwnSends;
  profiles: Profiles;
  /** Referrals that came without a message, by person: given to their next message (a host without `referrals`). */
  referrals: Map<string, string>;
}

export interface ReceiveContext {
  log: Logger;
  graph: GraphApi;
  /** The side of a platform by channel name; undefined for a platform that is off (Instagram without INSTAGRAM=1). */
  side(channel: string): PlatformSide | undefined;
  /** What this process already stored: a batch Meta sends again does not download the same files again. */
  memory: Memory;
  /** Inbound files: delay before the second of three tries, and how long one try may take. */
  files: { retryMs?: number; timeoutMs?: number };
  /** False for an entry of another Page or Instagram account than this channel's (accounts.ts): not answered here. */
  owns(platform: Platform, account: string): Promise<boolean>;
}

/**
 * Receives a batch; resolves to how many of its items were refused.
 *
 *     const refused = await receiveBatch(batch.items, { log, graph, side, memory, files: {}, owns: (platform, id) => accounts.owns(platform, id) });
 */
export async function receiveBatch(items: readonly Item[], context: ReceiveContext): Promise<number> {
  const { log } = context;
  let refused = 0;
  // A person writing faster than the runtime takes holds back only their own later items, never the other people.
  const fast = new FastWriters();
  // Each person's messages (and referrals, which go with their next message) in the order they were written
  // (written-order.ts): Meta may list them otherwise.
  const written = (item: Item) => (item.kind === 'message' ? { person: `${item.platform.channel}:${item.inbound.from.id}`, at: item.inbound.at }
    : item.kind === 'referral' ? { person: `${item.platform.channel}:${item.from}`, at: item.at } : undefined);
  for (const item of inWrittenOrder(items, written)) {
    if (item.kind === 'refused') {
      refused++;
      log.warn({ where: item.where, reason: item.reason }, 'Messenger webhook item refused; acknowledged with its batch');
      continue;
    }
    if (item.kind === 'ignored') {
      log[item.level]({ where: item.where, reason: item.reason }, 'Messenger webhook item recorded, not answered');
      continue;
    }
    const side = context.side(item.platform.channel);
    if (!side) {
      log.info({ where: item.where }, `${item.platform.label} webhook item ignored: the ${item.platform.label} channel is off (INSTAGRAM=1 turns it on)`);
      continue;
    }
    const host = side.host;
    if (!host) throw new DeliveryRefused(`the ${item.platform.label} channel is not started yet`);
    if (item.account !== undefined && !(await context.owns(item.platform, item.account))) continue;
    const person = `${item.platform.channel}:${item.kind === 'message' || item.kind === 'echo' ? item.inbound.from.id : item.from}`;
    if (fast.holds(person)) continue;
    switch (item.kind) {
      case 'message':
        await fast.take(person, () => receiveMessage(item, side, host, context));
        break;
      case 'echo':
        await receiveEcho(item, side, host, context);
        break;
      case 'referral':
        // In the store when the host keeps them: a restart, or another process taking the message, would lose it here.
        if (host.referrals) {
          await host.referrals.keep(item.from, item.referral);
        } else {
          side.referrals.delete(item.from);
          side.referrals.set(item.from, item.referral);
          if (side.referrals.size > REFERRALS) side.referrals.delete(side.referrals.keys().next().value!);
        }
        log.info({ where: item.where, person: item.from }, `${item.platform.label} referral kept for the person's next message`);
        break;
      case 'receipt': {
        const known = side.sends.reached(item.from, item.status, item);
        // What another process sent, or this one before a restart, is not in memory: the store says what the watermark
        // covers (by when each was stored: what this process remembers, it judges by when it was sent).
        const stored = item.watermark !== undefined && host.sentUpTo ? await host.sentUpTo(item.from, new Date(item.watermark).toISOString(), item.status) : [];
        const mids = [...new Set([...known, ...stored.filter((mid) => !side.sends.knows(item.from, mid))])];
        await Promise.all(mids.map((messageId) => host.report({ channel: item.platform.channel, messageId, status: item.status, at: item.at })));
        break;
      }
    }
  }
  fast.settle();
  return refused;
}

async function receiveMessage(item: Extract<Item, { kind: 'message' }>, side: PlatformSide, host: ChannelHost, context: ReceiveContext): Promise<void> {
  const { inbound, platform } = item;
  const person = inbound.from.id;
  const key = `in:${platform.channel}:${inbound.id}`;
  // One this process stored already is not handed over again when Meta sends its batch again: the runtime would find
  // it stored (and not count it against the person's CONTACT_RATE_LIMIT), but only after its files and a transaction.
  if (context.memory.has(key)) return;
  const waiting = host.referrals ? await host.referrals.waiting(person) : side.referrals.get(person);
  if (inbound.referral === undefined && waiting !== undefined) inbound.referral = waiting;
  // The Get Started button is the first thing a person ever sends: its payload says how they came.
  if (inbound.referral === undefined && item.getStarted !== undefined && (await host.lastInboundAt(person)) === undefined) inbound.referral = item.getStarted;
  if (item.files.length > 0) inbound.attachments = [...(inbound.attachments ?? []), ...(await fetchAll(item.files, platform, host, context, inbound.id))];
  const name = await side.profiles.nameOf(person);
  if (name !== undefined) inbound.from.name = name;
  await host.deliver(inbound);
  context.memory.add(key);
  if (waiting !== undefined && inbound.referral === waiting) {
    if (host.referrals) await host.referrals.taken(person, waiting);
    else side.referrals.delete(person);
  }
}

/**
 * The Page's own message: the echo of one we sent is ignored; any other was written by a person at the business
 * (the Page Inbox, Meta Business Suite, another app), who takes the conversation over.
 */
async function receiveEcho(item: Extract<Item, { kind: 'echo' }>, side: PlatformSide, host: ChannelHost, context: ReceiveContext): Promise<void> {
  const { inbound, platform } = item;
  const ours = await side.sends.isOurs(inbound.from.id, inbound.id, {
    marked: platform.echoMetadata && item.metadata === OWN_METADATA,
    ...(item.appId !== undefined ? { appId: item.appId } : {}),
    ...(item.timestamp !== undefined ? { timestamp: item.timestamp } : {}),
    ...(inbound.text !== undefined ? { text: inbound.text } : {}),
  });
  if (ours) {
    context.log.debug({ where: item.where }, `${platform.label} echo of our own message ignored`);
    return;
  }
  const key = `echo:${platform.channel}:${inbound.id}`;
  if (item.files.length > 0 && !context.memory.has(key)) inbound.attachments = [...(inbound.attachments ?? []), ...(await fetchAll(item.files, platform, host, context, inbound.id))];
  context.log.info({ where: item.where, person: inbound.from.id, app: item.appId }, `a message written to a ${platform.label} customer from outside Switchboard (the Page Inbox, another app): it takes the conversation over`);
  await host.deliver(inbound);
  context.memory.add(key);
}

/** The files of a message, each fetched from its URL into the media store (a URL needs no token). */
async function fetchAll(files: readonly LinkedFile[], platform: Platform, host: ChannelHost, context: ReceiveContext, mid: string): Promise<Attachment[]> {
  const fetched: Attachment[] = [];
  for (const [index, file] of files.entries()) {
    const remote: RemoteFile = {
      id: `${mid}#${index}`,
      attachment: file.attachment,
      locate: async () => ({ url: file.url }),
      download: (url, signal) => context.graph.download(url, signal, { token: false }),
    };
    fetched.push(await fetchMedia(remote, { ...context.files, media: host.media, log: context.log, source: platform.label }));
  }
  return fetched;
}
