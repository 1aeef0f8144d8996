// Hands one decoded webhook batch to the runtime, item after item in the order Meta listed them (each customer's
// messages in the order they were written, written-order.ts): a message's file
// into the media store, then the message; statuses (each message's in order, different messages' side by side);
// identity news. Resolving means the batch may be acknowledged
// (everything stored, or deliberately ignored, or refused for good); rejecting means something was not stored and
// Meta must send the batch again (what was stored is then found again by the runtime's dedup). A person writing
// faster than the runtime takes holds back only their own later items, never the other people of the batch.
import type { ChannelHost, InboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { CHANNEL, type Item } from './decode.ts';
import type { GraphApi } from '../meta/graph.ts';
import { fetchMedia } from '../meta/files.ts';
import { FastWriters } from '../meta/fast-writers.ts';
import { inWrittenOrder } from '../meta/written-order.ts';
import type { Memory } from '../meta/memory.ts';
import { remoteFile } from './files.ts';

export interface ReceiveContext {
  host: ChannelHost;
  log: Logger;
  /** How files are fetched: with the token, tried again after `retryMs`, each try at most `timeoutMs`. */
  files: { graph: GraphApi; retryMs?: number; timeoutMs?: number };
  /** What this process already stored: a batch Meta sends again does not download the same files again. */
  memory: Memory;
  /** True for an agent's WhatsApp address (team.yaml): their chats are no customer's history or takeover. */
  isAgent: (address: string) => boolean;
}

/**
 * Receives a batch; resolves to how many of its items were refused.
 *
 *     const refused = await receiveBatch(batch.items, { host, log, files: { graph }, memory, isAgent: () => false });
 */
export async function receiveBatch(items: readonly Item[], context: ReceiveContext): Promise<number> {
  const { host, log, memory } = context;
  let refused = 0;
  // A status may wait (seconds) for the id of a send being recorded, and one of a message not sent from here (the
  // WhatsApp Business app's) waits that long for nothing: one after another, a batch of many would outlast Meta's
  // patience. So statuses of different messages are recorded side by side, and each message's in Meta's order.
  const statuses = new Map<string, Promise<void>>();
  const fast = new FastWriters();
  const ordered = movesFirst(inWrittenOrder(items, customerMessage));
  markFollowed(ordered);
  for (const item of ordered) {
    switch (item.kind) {
      case 'refused':
        refused++;
        log.warn({ where: item.where, reason: item.reason }, 'WhatsApp webhook item refused; acknowledged with its batch');
        break;
      case 'ignored':
        log[item.level]({ where: item.where, reason: item.reason }, 'WhatsApp webhook item ignored');
        break;
      case 'message': {
        const { inbound } = item;
        if ((inbound.history || inbound.echo) && context.isAgent(inbound.from.id)) {
          log.info({ where: item.where }, 'WhatsApp history or echo of a chat with an agent ignored');
          break;
        }
        if (!fast.holds(inbound.from.id)) await fast.take(inbound.from.id, () => receiveMessage(item, context));
        break;
      }
      case 'status': {
        const { messageId } = item.status;
        statuses.set(messageId, (statuses.get(messageId) ?? Promise.resolve()).then(() => host.report(item.status)));
        break;
      }
      case 'identity':
        if (!fast.holds(item.update.id)) await host.updateIdentity(item.update);
        break;
    }
  }
  await Promise.all(statuses.values());
  fast.settle();
  return refused;
}

/**
 * The batch with each change of number (or user id) before the first message from the new address: listed after it,
 * that message would make a new contact of the person, and the move then finds the address taken.
 */
function movesFirst(items: Item[]): Item[] {
  const ordered = [...items];
  for (const move of items) {
    if (move.kind !== 'identity' || move.update.movedTo === undefined) continue;
    const to = move.update.movedTo;
    const first = ordered.findIndex((item) => item.kind === 'message' && item.inbound.from.id === to);
    const at = ordered.indexOf(move);
    if (first === -1 || first > at) continue;
    ordered.splice(at, 1);
    ordered.splice(first, 0, move);
  }
  return ordered;
}

/**
 * Marks `followed` each customer message with a later one of the same person in the batch (not a button's press): Meta batches what is
 * written within a moment, so she wrote it before she could read the bot's answer to this one, and the flow's question
 * waits for it ("hi", "sheena@example.com", "my parcel never came": neither the email nor the need is asked).
 */
function markFollowed(items: readonly Item[]): void {
  const later = new Set<string>();
  for (const item of [...items].reverse()) {
    const written = customerMessage(item);
    if (!written || item.kind !== 'message') continue;
    if (later.has(written.person)) item.inbound.followed = true;
    // A button pressed is of a question she read: no answer to one she has not.
    if (item.inbound.choice === undefined) later.add(written.person);
  }
}

/** A customer's own message, by whom and when it was written: what `inWrittenOrder` puts back in order. */
function customerMessage(item: Item): { person: string; at: string } | undefined {
  return item.kind === 'message' && !item.inbound.history && !item.inbound.echo ? { person: item.inbound.from.id, at: item.inbound.at } : undefined;
}

async function receiveMessage(item: Extract<Item, { kind: 'message' }>, context: ReceiveContext): Promise<void> {
  const { host, log, memory } = context;
  const { inbound, media, alsoKnownAs } = item;
  const key = `${inbound.echo ? 'echo' : inbound.history ? 'history' : 'in'}:${inbound.id}`;
  // One this process stored already is not handed over again when Meta sends its batch again: the runtime would find
  // it stored (and not count it against the person's CONTACT_RATE_LIMIT), but only after its files and a transaction.
  if (!memory.has(key)) {
    // The bytes go into the media store first: a delivered message names them by ref.
    if (media) {
      const { graph, ...tries } = context.files;
      inbound.attachments = [...(inbound.attachments ?? []), await fetchMedia(remoteFile(media, graph), { ...tries, media: host.media, log, source: 'WhatsApp' })];
    }
    // WhatsApp names no album: the runtime tells which photos were sent together, by their times.
    if (!inbound.history && !inbound.echo && isPhotoOrVideo(inbound)) inbound.albumByTime = true;
    await host.deliver(inbound);
    memory.add(key);
  }
  // A person keyed on their wa_id who also has a business-scoped user id: the runtime learns both are theirs,
  // so a later message that comes with the user id alone finds them.
  const pair = `aka:${inbound.from.id}:${alsoKnownAs}`;
  if (alsoKnownAs !== undefined && !memory.has(pair)) {
    await host.updateIdentity({ channel: CHANNEL, id: inbound.from.id, alsoKnownAs });
    memory.add(pair);
  }
}

/** Whether every file of a message is a photo or a video: what an album holds. */
function isPhotoOrVideo(inbound: InboundMessage): boolean {
  const attachments = inbound.attachments ?? [];
  return attachments.length > 0 && attachments.every((attachment) => attachment.kind === 'image' || attachment.kind === 'video');
}
