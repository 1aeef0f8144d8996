// Tells the messages this channel sent from those a person at the business typed on the phone: both come back as
// `message_create` with `fromMe`. The ids `send` produced are remembered; and since WhatsApp Web may report a message
// before `sendMessage` resolves with its id, each send is marked pending (its chat and what it says) while it runs.
import type { OutgoingContent, WaMessage } from './client.ts';

/** Sent ids remembered at most: creates come back within seconds, so the oldest can go. */
const MAX_IDS = 5_000;
/** How long a failed send stays pending: a send that timed out here may still have gone out. */
const FAILED_GRACE_MS = 30_000;

interface Pending {
  chatId: string;
  fingerprint: string;
  claimed: boolean;
  /** The id of the `message_create` that claimed it: the send went out, whatever became of its promise. */
  id?: string;
}

/**
 * This channel's sends.
 *
 *     const mark = own.begin(chatId, content);
 *     own.settle(mark, await client.sendMessage(chatId, content));
 *     own.isOwn(created); // true for the create of that send, whenever it arrives
 */
export class OwnSends {
  readonly #ids = new Set<string>();
  readonly #pending = new Set<Pending>();
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Marks a send about to be made. */
  begin(chatId: string, content: OutgoingContent): object {
    const pending: Pending = { chatId, fingerprint: fingerprintOf(content), claimed: false };
    this.#pending.add(pending);
    return pending;
  }

  /** The send is over: `id` when it went out, undefined when it failed. */
  settle(mark: object, id: string | undefined): void {
    const pending = mark as Pending;
    if (id !== undefined) {
      this.#remember(id);
      this.#pending.delete(pending);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#pending.delete(pending);
    }, FAILED_GRACE_MS);
    timer.unref();
    this.#timers.add(timer);
  }

  /** True when `message` (a `message_create` with `fromMe`) is one of this channel's sends. */
  isOwn(message: WaMessage): boolean {
    if (this.#ids.has(message.id)) return true;
    const fingerprint = fingerprintOfMessage(message);
    for (const pending of this.#pending) {
      if (pending.claimed || pending.chatId !== message.to || pending.fingerprint !== fingerprint) continue;
      pending.claimed = true;
      pending.id = message.id;
      this.#remember(message.id);
      return true;
    }
    return false;
  }

  /** The id WhatsApp Web reported for the send `mark` stands for (its `message_create`), when it did. */
  reported(mark: object): string | undefined {
    return (mark as Pending).id;
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #remember(id: string): void {
    this.#ids.add(id);
    if (this.#ids.size > MAX_IDS) this.#ids.delete(this.#ids.values().next().value!);
  }
}

/** Message types that carry a file. */
const FILE_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);

// A text is told by its words. A file is told by its kind only: while it uploads, WhatsApp Web may report it without
// its caption (a thumbnail stands in its body), so a caption would not match.
function fingerprintOf(content: OutgoingContent): string {
  return content.kind === 'text' ? `text:${content.text}` : content.kind;
}

function fingerprintOfMessage(message: WaMessage): string {
  if (message.type === 'location') return 'location';
  if (message.hasMedia || FILE_TYPES.has(message.type)) return 'media';
  return `text:${message.body}`;
}
