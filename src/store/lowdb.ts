// The embedded store: contacts, conversations, documents and recent messages in memory, every commit appended to a
// journal, lowdb holding the compacted snapshot, and older messages read from the archive on demand.
//
// Files in `dir`: `journal.jsonl` (one line per commit: `{"s":seq,"r":[records]}`), `state.json` (lowdb: contacts,
// conversations, docs, counters, and the journal sequence they include), `state-delta.json` (what changed since
// state.json, when a compaction wrote only that; see `#capture`), `messages.jsonl` (append-only archive of
// messages, last line per id wins) and `LOCK`. A commit costs one appended line, whatever the history: a single
// writer loop takes every commit waiting, writes them with one write() and one fdatasync, then acknowledges them
// all (group commit); the outbox's bookkeeping (claims, outcomes, receipts) is acknowledged once written, and
// synced with the next batch that holds a durable commit or `LAZY_SYNC_MS` later. When the journal outgrows
// `compactAfterBytes`, the loop renames it `journal.old.jsonl`, opens a new journal for the commits that follow,
// and folds the old one into the archive and the snapshot in the background: commits go on being written and
// acknowledged meanwhile (a compaction takes hundreds of milliseconds, and every webhook waited for it when the
// loop did it in line). One compaction runs at a time; an erase, which
// must leave no file holding what it erased, waits for the one under way and then compacts in line.
//
// Once a message's line is durable in the archive (and it is not waiting to be sent), memory keeps only where that
// line is (12 bytes, `ArchiveIndex`) and the indexes that find it; a read of it reads the line back. So memory
// grows with contacts and conversations, not with history, and the garbage collector does not walk every message
// ever stored. Messages of the current journal stay in memory: those are the ones read most.
//
// When a commit is applied to memory: at commit time, before it is durable, in the same synchronous step that
// queues its journal line. So memory order, journal order and message-id order are one order, and a transaction
// of another key that reads the change sits behind it in the journal: it can be acknowledged only after the
// change is on disk. The key's mutex is held until the commit is durable, and a transaction that wrote nothing
// still waits for the batch under way, so nobody is told "done" about something a crash could undo. Reads
// outside transactions may see a commit up to one fdatasync (~0.3 ms) before it is durable. If a write or an
// fdatasync fails (a full disk, an I/O error, a permission changed), memory is ahead of the disk: the store rejects
// the commits concerned and then every call, reads included, and tries again in the background (`retryWritesMs`):
// it cuts the journal back to what was acknowledged, so nothing refused stays behind, reads its files again as a
// restart would, and writes a line of no records and a test file; once those are synced it accepts calls again
// (see `#retryWrites`). Applying only after the write instead would let two keys each open a conversation for one
// contact within the same batch, or read around each other.
//
// Transactions of different keys interleave at their awaits, so they are made serializable optimistically: each
// records the version of every record it reads by key, and its commit is refused (`ConflictError`) if another
// commit wrote one of them since. That check is part of the same synchronous step as applying, so no commit can
// slip in between.
import { randomUUID } from 'node:crypto';
import { access, mkdir, open, readFile, rename, rm, stat, truncate, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { ConflictError, CorruptStoreError, NewerStoreError, StoreUnavailableError } from './errors.ts';
import { retryConflicts } from './retry.ts';
import { appendAll, appendAllSync, readJsonLines } from './jsonl.ts';
import { searchArchive, searchMessages } from './archive-search.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { Slices } from './slices.ts';
import { acquireLock } from './lock-file.ts';
import { syncPath } from '../shared/sync-path.ts';
import { StoredJson } from './text-tables.ts';
import { readSnapshotItems } from './snapshot-reader.ts';
import { docJson, emptySnapshot, SNAPSHOT_VERSION, StoreState, type Captured, type CapturedDelta, type JournalRecord, type Snapshot, type SnapshotDelta } from './state.ts';
import { jsonCopy } from './json-copy.ts';
import { BufferedTx } from './transaction.ts';
import type { Contact, Conversation, DeliveryOutcome, ErasedContact, EraseOptions, Message, OpenConversationFilter, Store, StoreOutage, TransactionOptions, Tx } from './types.ts';
import { matchesFilter } from './filter.ts';

export interface LowdbStoreOptions {
  /** Directory of the store's files; created if missing. */
  dir: string;
  /** Journal size in bytes past which it is compacted into the snapshot and the messages archive (16 MiB). */
  compactAfterBytes?: number;
  /**
   * How many archived messages stay in memory as well, the most recently archived ones (10,000): reading them
   * costs no disk read. Older ones are read from the archive when asked for.
   */
  recentMessages?: number;
  /** fdatasync each commit batch (true). Without it a machine crash (not a process crash) loses recent commits. */
  fsync?: boolean;
  /** Where opening, compaction, dropped crash leftovers and failures are reported (nowhere by default). */
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: object) => void;
  /**
   * After a write failed, the waits before each attempt at writing again; the last one repeats
   * (1, 2, 5, 10, 30 s, then every 30 s). Calls are refused meanwhile, with the wait left as their `retryAfterMs`.
   */
  retryWritesMs?: readonly number[];
}

const RETRY_WRITES_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
/**
 * What the attempt at writing again writes beside the journal, then removes: room for a few batches and a compaction's
 * first steps. A line of a few bytes alone may fit in the last block of a disk that is still full, and the store would
 * accept again only to fail at the next batch.
 */
const WRITE_CHECK_BYTES = 64 * 1024;

/** Why the store refuses calls since a write failed, and when it tries again. */
interface WriteFailure {
  error: StoreUnavailableError;
  since: number;
  /** The reason of the last failed attempt (the first failure's until one is made). */
  reason: string;
  /** When the next attempt is (`Date.now()` time). */
  retryAt: number;
  attempts: number;
  /** The highest ids handed out before the failure: never handed out again, whatever was refused. */
  lastIds: { message: number; conversation: number };
}

/** What one compaction writes (see `#capture`). */
interface Compaction {
  /** The whole snapshot, or what changed since the last one (`#capture` decides). */
  snapshot: Captured | CapturedDelta;
  /** The messages to archive: their JSON, and the object each was then (memory lets it go only if it is still that one). */
  messages: { id: number; json: string; message: Message }[];
}

/** Where an archived message's line is, and the object it was when captured. */
type Placed = { id: number; offset: number; length: number; message: Message };

/** A handle on a messages archive, and how many reads use it: a retired one (a rewrite replaced it) closes after the last. */
interface ArchiveReader {
  handle: Promise<FileHandle>;
  reads: number;
  retired: boolean;
}

function openReader(path: string): ArchiveReader {
  const handle = open(path, 'r');
  // A file that is not there fails the reads that wait for it, each with its own rejection.
  handle.catch(() => {});
  return { handle, reads: 0, retired: false };
}

/** Marks `reader` replaced, and closes it once no read uses it. */
function retire(reader: ArchiveReader): void {
  reader.retired = true;
  if (reader.reads === 0) void reader.handle.then((handle) => handle.close()).catch(() => {});
}

interface QueuedCommit {
  line: string;
  /**
   * Acknowledged once written, without waiting for an fdatasync of its own: the outbox's bookkeeping (claims,
   * outcomes, receipts), which a machine crash may undo at the cost of a reply sent again (see `LAZY_SYNC_MS`).
   */
  lazy: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A copy of committed data (all of it JSON data: a journal line, or a transaction's records). */
const clone = <T>(value: T): T => jsonCopy(value);
const copy = <T>(value: T | undefined): T | undefined => (value === undefined ? undefined : jsonCopy(value));
/** The caller's own object of a record held as an object (a copy) or as text (parsed). */
const fresh = <T>(entry: T | StoredJson): T => (entry instanceof StoredJson ? (JSON.parse(entry.text()) as T) : jsonCopy(entry));
/**
 * A wait for a journal sync at least this long is reported: every commit of the batch, and every one queued behind
 * it, waited that long to be acknowledged, so it shows as a stall of the webhooks. The wait is timed on the event
 * loop, so it also holds whatever kept the loop from seeing the sync end (a long collection of the heap, a core
 * taken by other threads or processes); see `#noteSync` for how the two are told apart.
 */
const SLOW_SYNC_MS = 100;
/**
 * The longest a lazy commit (`QueuedCommit.lazy`) stays written but not synced: a durable commit syncs it with its
 * own batch, else a sync is made this long after it. A process crash loses none of it (the page cache outlives the
 * process); a crash of the machine may lose this window's outcomes, and those replies are then in doubt and sent
 * again, as after a crash mid-send.
 */
const LAZY_SYNC_MS = 20;
/** Slow syncs are reported at most once in this long (the first at once), with how many there were since. */
const SLOW_SYNC_REPORT_MS = 10_000;
/** Why commits waited long for a journal sync: the disk, or an event loop too busy to see the sync end (see `#noteSync`). */
type SlowSyncCause = 'disk' | 'process';
interface SlowSyncs {
  count: number;
  slowestMs: number;
  /** When the last report of this cause was (`performance.now()`). */
  reportedAt: number;
}
const noSlowSyncs = (reportedAt: number): SlowSyncs => ({ count: 0, slowestMs: 0, reportedAt });
/**
 * Archive lines read at open between two packings of the message-id lists: each packing copies every id packed so far
 * (at a million messages, ten of them took some 50 ms in all), and keeps the lists as arrays below ~5 MB of the heap.
 */
const PACK_EVERY_LINES = 100_000;
/** Archived lines less than this far apart are read back with one read call. */
const readGapBytes = 16 * 1024;
const recordKinds = new Set(['contact', 'conversation', 'message', 'doc', 'deleteDoc', 'eraseContact', 'mergeContact']);

function isRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && recordKinds.has(keys[0] ?? '');
}

/**
 * Why a journal record is not one the store wrote, for the records whose ids everything else finds them by (a
 * conversation without an id was listed as open and held the dashboard and the sweep for good); undefined when it is.
 */
function recordProblem(record: JournalRecord): string | undefined {
  if ('message' in record) return isMessage(record.message) ? undefined : 'a message without a whole-number id';
  if ('conversation' in record) {
    const conversation = record.conversation as Partial<Conversation> | null;
    const whole = typeof conversation === 'object' && conversation !== null && Number.isInteger(conversation.id) && typeof conversation.contactId === 'string' && typeof conversation.status === 'string';
    return whole ? undefined : 'a conversation without its id, contactId or status';
  }
  if ('contact' in record) {
    const contact = record.contact as Partial<Contact> | null;
    return typeof contact === 'object' && contact !== null && typeof contact.id === 'string' && Array.isArray(contact.identities) ? undefined : 'a contact without its id or identities';
  }
  return undefined;
}

function isMessage(value: unknown): value is Message {
  const message = value as Partial<Message> | null;
  return typeof message === 'object' && message !== null && Number.isInteger(message.id) && (message.contactId === undefined || typeof message.contactId === 'string');
}

/** Throws `NewerStoreError` for a snapshot (or delta) of a format newer than `SNAPSHOT_VERSION`. */
function refuseNewer(file: string, value: unknown): void {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > SNAPSHOT_VERSION) throw new NewerStoreError(file, version, [1, SNAPSHOT_VERSION]);
}

function isSnapshot(value: unknown): value is Snapshot {
  const snapshot = value as Partial<Snapshot> | null;
  return (
    (snapshot?.version === 1 || snapshot?.version === SNAPSHOT_VERSION) &&
    Number.isInteger(snapshot.seq) &&
    Number.isInteger(snapshot.counters?.message) &&
    Number.isInteger(snapshot.counters?.conversation) &&
    Array.isArray(snapshot.contacts) &&
    Array.isArray(snapshot.conversations) &&
    Array.isArray(snapshot.docs)
  );
}

/** The 1-based line of a JSON.parse error in `text`, when the message gives a position. */
function lineOfParseError(error: Error, text: string): number | undefined {
  const position = /position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
}

/** Whether a file is there. */
async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The embedded `Store`: one process, durable on return, ~constant cost per commit however large the history.
 *
 *     const store = new LowdbStore({ dir: 'data/store', log });
 *     await store.open();
 */
export class LowdbStore implements Store {
  readonly #dir: string;
  readonly #compactAfterBytes: number;
  readonly #fsync: boolean;
  readonly #recentMessages: number;
  /** Archived messages still held in memory, oldest first from `#recentFrom`: the next to let go. */
  #recent: Placed[] = [];
  #recentFrom = 0;
  /**
   * From the capture of an erase's compaction until its new archive is in place: nothing read back is cached,
   * nothing let go. The rewrite writes the messages captured in memory, and copies the others from the old archive:
   * a message cached meanwhile would be in neither, and one let go would point into the old file.
   */
  #rewriting = false;
  readonly #log: NonNullable<LowdbStoreOptions['log']>;
  /**
   * Slow waits for a journal sync not yet reported, the slowest of them, and when the last report was, for each of
   * the two causes (see `#noteSync`).
   */
  #slowSyncs: Record<SlowSyncCause, SlowSyncs> = { disk: noSlowSyncs(-Infinity), process: noSlowSyncs(-Infinity) };
  readonly #paths: { snapshot: string; delta: string; journal: string; oldJournal: string; archive: string };
  /** The sequence of the full snapshot in state.json, which state-delta.json's changes apply to. */
  #baseSeq = 0;
  /** Records written in deltas since that snapshot: once they would add up to a full snapshot, one is written. */
  #deltaRecords = 0;
  #state = new StoreState();
  readonly #mutex = new KeyedMutex();
  /** Transactions called and not yet settled: `close` waits for them. */
  readonly #running = new Set<Promise<unknown>>();
  /** The directory's lock makes this process the only one with the store open (see `Store.soleOpening`). */
  readonly soleOpening = randomUUID();
  #phase: 'new' | 'opening' | 'open' | 'closing' | 'closed' = 'new';
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Set while writes fail (see `#fail`, `#retryWrites`). */
  #writeFailure: WriteFailure | undefined;
  readonly #retryWritesMs: readonly number[];
  #retryTimer: NodeJS.Timeout | undefined;
  /** The attempt at writing again, while it runs: `close` waits for it. */
  #retrying: Promise<void> | undefined;
  #releaseLock: (() => Promise<void>) | undefined;
  #journal: FileHandle | undefined;
  #journalBytes = 0;
  /** Bytes of the journal whose commits were acknowledged: after a failed write, it is cut back to this. */
  #acknowledgedBytes = 0;
  /** Sequence number of the last line queued for the journal. */
  #seq = 0;
  #queue: QueuedCommit[] = [];
  /** Size of the archive, where the next compaction appends. */
  #archiveBytes = 0;
  /** The archive opened for reading messages no longer in memory (opened on the first such read). */
  #archiveReader: ArchiveReader | undefined;
  /**
   * JSON of the messages added or changed since the last snapshot, by id: the next compaction appends it to the
   * archive. Kept as text from the commit, so compaction does not serialize them again.
   */
  #unarchived = new Map<number, string>();
  /** The writer loop, while it runs. */
  #writer: Promise<void> | undefined;
  /** Lines written to the journal and not synced yet: lazy commits' (`QueuedCommit.lazy`). */
  #unsynced = false;
  /** The timer that syncs them if no durable commit does first (`#syncLazyLater`). */
  #lazySync: NodeJS.Timeout | undefined;
  /**
   * The sync of the directory after the journal was renamed and a new one opened, while it runs: the first batch of
   * the new journal is acknowledged only once it is done (see `#rotate`).
   */
  #directorySync: Promise<void> | undefined;
  /** The compaction running in the background (of `journal.old.jsonl`), while it runs. */
  #compacting: Promise<void> | undefined;
  /**
   * Messages claimed by their transaction's commit (see `TransactionOptions.claim`), durable, not yet handed out by
   * `claimOutbound`; oldest first.
   */
  #claimed: number[] = [];
  /** Messages found `sending` at open: claimed by the process that stopped, outcome unknown. */
  #inDoubt = new Set<number>();
  /**
   * Erases waiting for the next compaction to rewrite the messages archive without what they erased (and to empty
   * the journal that still holds it): an erase is done only once no file holds the erased messages any more.
   */
  #rewrites: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Set at open when the journal held an erase: the archive may still hold what it erased. */
  #rewriteAtOpen = false;
  /** Set at open when a compaction was cut short: its old journal must be folded in before another is renamed. */
  #oldJournalAtOpen = false;

  constructor(options: LowdbStoreOptions) {
    this.#dir = options.dir;
    this.#compactAfterBytes = options.compactAfterBytes ?? 16 * 1024 * 1024;
    this.#fsync = options.fsync ?? true;
    this.#recentMessages = options.recentMessages ?? 10_000;
    this.#log = options.log ?? (() => {});
    this.#retryWritesMs = options.retryWritesMs?.length ? options.retryWritesMs : RETRY_WRITES_MS;
    this.#paths = {
      snapshot: join(this.#dir, 'state.json'),
      delta: join(this.#dir, 'state-delta.json'),
      journal: join(this.#dir, 'journal.jsonl'),
      oldJournal: join(this.#dir, 'journal.old.jsonl'),
      archive: join(this.#dir, 'messages.jsonl'),
    };
  }

  /** Takes the lock and recovers the state from the archive, the snapshot and the journal. */
  open(): Promise<void> {
    if (this.#phase !== 'new') return Promise.reject(new Error(`the store in ${this.#dir} was already opened; open a new LowdbStore`));
    this.#phase = 'opening';
    this.#opening = this.#open();
    return this.#opening;
  }

  /** Waits for the transactions called so far and their writes, then releases the files and the lock. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * Why the store refuses calls now, for `/healthz`: a write failed (which, and since when) and it has not written
   * again yet; undefined while it writes.
   *
   *     await store.unreachable(); // "it cannot write to the disk: could not append to data/store/journal.jsonl (ENOSPC: …) …"
   */
  async unreachable(): Promise<string | undefined> {
    const outage = await this.outage();
    if (!outage) return undefined;
    const wait = Math.max(1, Math.ceil((Date.parse(outage.retryAt as string) - Date.now()) / 1000));
    return `it cannot write to the disk: ${outage.reason}, since ${outage.since}; every call is refused until a write succeeds, tried again in ${wait} s`;
  }

  /**
   * `unreachable` in parts, for the dashboard's banner: the failed write, since when, and the next attempt.
   *
   *     await store.outage(); // { cause: 'disk', reason: 'could not append to …', since: '…', retryAt: '…' }
   */
  async outage(): Promise<StoreOutage | undefined> {
    const failure = this.#writeFailure;
    if (!failure) return undefined;
    return { cause: 'disk', reason: failure.reason, since: new Date(failure.since).toISOString(), retryAt: new Date(failure.retryAt).toISOString() };
  }

  transaction<T>(key: string, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const unavailable = this.#unavailable();
    if (unavailable) return Promise.reject(unavailable);
    // Every attempt runs inside the key's turn: a refused commit is decided again before the key's next one starts.
    const result = this.#mutex.run(key, () => retryConflicts(options, () => this.#attempt(work, options.claim === true)));
    this.#running.add(result);
    const settled = (): void => void this.#running.delete(result);
    result.then(settled, settled);
    return result;
  }

  /**
   * One run of a transaction's work and its commit; resolves once the commit is durable. With `claim`, the messages
   * its commit claimed are handed out by `claimOutbound` from then on.
   */
  async #attempt<T>(work: (tx: Tx) => Promise<T>, claim: boolean): Promise<T> {
    const refused = this.#refused();
    if (refused) throw refused;
    const state = this.#state;
    const tx = new BufferedTx(state, (ids) => this.#load(ids));
    let value: T;
    let commit: { durable: Promise<void>; claimed: number[] };
    try {
      try {
        value = await work(tx);
      } finally {
        tx.end();
      }
      // Read from disk again after a failed write while the work ran: what it read is from before, run it again.
      if (state !== this.#state) throw new ConflictError('the store read its files again while this transaction ran; retry');
      commit = this.#commit(tx, claim);
    } finally {
      // After the (synchronous) check: until then the versions of what it read must stay comparable.
      tx.release();
    }
    await commit.durable;
    this.#claimed.push(...commit.claimed);
    return value;
  }

  async contact(id: string): Promise<Contact | undefined> {
    // One held as text is parsed from it: a fresh object already.
    const contacts = this.#read().contacts;
    return copy(contacts.object(id)) ?? contacts.get(id);
  }

  async contactByIdentity(channel: string, id: string): Promise<Contact | undefined> {
    const contactId = this.#read().contactIdByIdentity(channel, id);
    return contactId === undefined ? undefined : this.contact(contactId);
  }

  async conversation(id: number): Promise<Conversation | undefined> {
    // A closed one is parsed from its text: a fresh object already.
    const conversations = this.#read().conversations;
    return copy(conversations.object(id)) ?? conversations.get(id);
  }

  async conversations(): Promise<Conversation[]> {
    return this.#read().conversations.entries().map((entry) => fresh(entry));
  }

  async conversationsBefore(before: number | undefined, limit: number): Promise<Conversation[]> {
    return this.#read().conversations.entriesBefore(before, limit).map((entry) => fresh(entry));
  }

  async conversationsSaying(text: string, options: { before?: number; limit: number }): Promise<number[]> {
    // The messages in memory first (the newest, not archived yet), then the archive from its end back: once `limit`
    // conversations below `before` are found, and every message of each conversation from the lowest of them up has
    // been read, the rest of the archive cannot change the answer (a common word ends in the first chunks).
    let state = this.#read();
    const found = new Set<number>();
    searchMessages(state.messages.values(), text, found);
    const below = (id: number) => options.before === undefined || id < options.before;
    const answer = (bound = 0) => [...found].filter((id) => id > bound && below(id)).sort((a, b) => b - a).slice(0, options.limit);
    const end = this.#archiveBytes;
    if (end === 0) return answer();
    const reader = (this.#archiveReader ??= openReader(this.#paths.archive));
    // Conversations from the newest below `before` down to `covered` have every message read.
    let covered = Math.min(state.lastConversationId, (options.before ?? Infinity) - 1) + 1;
    const enough = (from: number): boolean => {
      // A compaction that rewrote the archive moved every message: the places below are no longer those read.
      if (this.#archiveReader !== reader || [...found].filter(below).length < options.limit) return false;
      state = this.#state;
      // Read: in memory (searched at the start, or said since), or archived where the search has been. A line past
      // `end` was written during the search (a message changed and compacted meanwhile): its old line may be
      // further back, not read yet. (Found by a helper: a delivery receipt then hid its conversation.)
      const read = (id: number) => {
        const offset = state.archived.get(id)?.offset;
        return offset === undefined || (offset >= from && offset < end);
      };
      while (covered > 1 && state.messageIdsOfConversation(covered - 1).every(read)) covered--;
      return answer(covered - 1).length === options.limit;
    };
    reader.reads += 1;
    try {
      await searchArchive(await reader.handle, end, text, found, enough);
    } finally {
      reader.reads -= 1;
      if (reader.retired) retire(reader);
    }
    return answer();
  }

  async conversationsOfContacts(contactIds: readonly string[]): Promise<Conversation[]> {
    const state = this.#read();
    return state.conversations.idsOfContacts(new Set(contactIds)).map((id) => clone(state.conversations.get(id) as Conversation));
  }

  async openConversations(filter?: OpenConversationFilter): Promise<Conversation[]> {
    const state = this.#read();
    const open = [...state.openConversationIdsFor(filter)].map((id) => state.conversations.get(id) as Conversation);
    return clone(open.filter((conversation) => matchesFilter(conversation, filter)).sort((a, b) => a.id - b.id));
  }

  async countOpenConversations(filter?: OpenConversationFilter): Promise<number> {
    const state = this.#read();
    let count = 0;
    for (const id of state.openConversationIdsFor(filter)) if (matchesFilter(state.conversations.get(id) as Conversation, filter)) count++;
    return count;
  }

  async contacts(): Promise<Contact[]> {
    return this.#read().contacts.entries().map((entry) => fresh(entry));
  }

  async contactsBefore(before: string | undefined, limit: number): Promise<Contact[]> {
    return this.#read().contacts.entriesBefore(before, limit).map((entry) => fresh(entry));
  }

  async messageByChannelId(channel: string, channelMessageId: string): Promise<Message | undefined> {
    const state = this.#read();
    const id = state.messageIdByChannelId(channel, channelMessageId);
    const [message] = id === undefined ? [] : await this.#messages([id]);
    // Recovery indexes an archived message's channel ids without reading what an earlier line of it said: an id it
    // was sent under before, and no longer has, may still point at it.
    return message?.channel === channel && message.channelMessageId === channelMessageId ? message : undefined;
  }

  async messagesOfContact(contactId: string, after = 0, limit = Infinity): Promise<Message[]> {
    const state = this.#read();
    return await this.#messages(state.messageIdsOfContact(contactId, after).slice(0, limit));
  }

  async messagesOfConversation(conversationId: number): Promise<Message[]> {
    return await this.#messages(this.#read().messageIdsOfConversation(conversationId));
  }

  async messagesOfAddress(channel: string, address: string, after = 0, limit = Infinity): Promise<Message[]> {
    return await this.#messages(this.#read().messageIdsOfAddress(channel, address, after).slice(0, limit));
  }

  async lastMessageIdOfAddress(channel: string, address: string): Promise<number> {
    return this.#read().messageIdsOfAddress(channel, address).at(-1) ?? 0;
  }

  async lastInboundAt(channel: string, address: string): Promise<string | undefined> {
    const state = this.#read();
    const ids = state.messageIdsOfAddress(channel, address);
    for (let index = ids.length - 1; index >= 0; index--) {
      const [message] = await this.#load([ids[index] as number]);
      if (message?.direction === 'in' && !message.history) return message.at;
    }
    return undefined;
  }

  async pendingOutbound(): Promise<Message[]> {
    return this.#messages(this.#read().pendingIds());
  }

  async claimOutbound(limit: number): Promise<Message[]> {
    const unavailable = this.#unavailable();
    if (unavailable) throw unavailable;
    // First those their transaction's commit claimed (durable with it), then the oldest pending of other addresses.
    const handed: Message[] = [];
    while (handed.length < limit && this.#claimed.length > 0) {
      const message = this.#state.messages.get(this.#claimed.shift() as number);
      // Gone since (erased), or settled by a report that came first: nothing to send.
      if (message?.status === 'sending') handed.push(message);
    }
    const claimed = this.#state.claimableIds(limit - handed.length).map((id) => ({ ...(this.#state.messages.get(id) as Message), status: 'sending' as const }));
    if (claimed.length > 0) await this.#append(claimed.map((message) => ({ message })), true);
    return clone([...handed, ...claimed]);
  }

  async outboundInDoubt(): Promise<Message[]> {
    const state = this.#read();
    return this.#messages([...this.#inDoubt].filter((id) => state.messages.get(id)?.status === 'sending').sort((a, b) => a - b));
  }

  async retryOutbound(messageIds: readonly number[]): Promise<void> {
    const unavailable = this.#unavailable();
    if (unavailable) throw unavailable;
    const records: JournalRecord[] = [];
    for (const id of messageIds) {
      const message = this.#state.messages.get(id);
      if (message?.status !== 'sending') continue;
      this.#inDoubt.delete(id);
      records.push({ message: { ...message, status: 'pending' } });
    }
    if (records.length > 0) await this.#append(records, true);
  }

  async docs<T>(collection: string): Promise<Map<string, T>> {
    // Copies already (see StoreState.doc).
    return this.#read().docs(collection) as Map<string, T>;
  }

  async doc<T>(collection: string, key: string): Promise<T | undefined> {
    return this.#read().doc(collection, key) as T | undefined;
  }

  async markDelivery(messageId: number, outcome: DeliveryOutcome, options: { claimNext?: boolean; underClaim?: boolean } = {}): Promise<void> {
    const unavailable = this.#unavailable();
    if (unavailable) throw unavailable;
    const message = await this.#loadForChange(messageId);
    if (!message) throw new Error(`markDelivery: message ${messageId} does not exist`);
    this.#inDoubt.delete(messageId);
    const updated: Message = { ...message };
    if ('channelMessageId' in outcome) {
      updated.status = 'sent';
      updated.channelMessageId = outcome.channelMessageId;
      // Deleted only when there: `delete` turns the copy into a slow dictionary object, serialized at every commit.
      if (updated.error !== undefined) delete updated.error;
      if (updated.failure !== undefined) delete updated.failure;
    } else {
      updated.status = 'failed';
      updated.error = outcome.error;
      if (outcome.failure !== undefined) updated.failure = outcome.failure;
      else if (updated.failure !== undefined) delete updated.failure;
    }
    const next = options.claimNext ? this.#state.nextAfter(message) : undefined;
    const claimed = next === undefined ? undefined : this.#state.messages.get(next);
    if (!claimed) return this.#append([{ message: updated }], true);
    // The address's next message, claimed in the same line: handed out once written, as a claim of `claimOutbound`.
    await this.#append([{ message: updated }, { message: { ...claimed, status: 'sending' } }], true);
    this.#claimed.push(claimed.id);
  }

  async recordDelivery(messageId: number, delivery: 'delivered' | 'read'): Promise<void> {
    const unavailable = this.#unavailable();
    if (unavailable) throw unavailable;
    const message = await this.#loadForChange(messageId);
    if (!message) throw new Error(`recordDelivery: message ${messageId} does not exist`);
    return this.#append([{ message: { ...message, delivery } }], true);
  }

  /**
   * Erases a contact, their conversations and their messages (a data-protection request); resolves once the erase
   * is durable and the journal and the messages archive no longer hold what it removed. Concurrent transactions
   * that read the contact or one of its conversations are refused at commit and run again on the erased state.
   *
   *     const { files } = await store.eraseContact(contactId); // then delete each file from the media store
   */
  async eraseContact(contactId: string, options: EraseOptions = {}): Promise<ErasedContact> {
    const unavailable = this.#unavailable();
    if (unavailable) throw unavailable;
    // Their archived messages back in memory first, so the erase sees their files, as it sees those of the others.
    for (const message of await this.#load(this.#state.erasable(contactId).messages)) this.#state.cache(message);
    const erased = this.#state.erasable(contactId);
    if (!this.#state.contacts.has(contactId) && erased.conversations.length === 0 && erased.messages.length === 0) {
      return { conversations: 0, messages: 0, files: [], removed: [] };
    }
    // As they are when the erase's line is queued below, in the same synchronous step: what it removes.
    const removed = erased.conversations.flatMap((id) => {
      const conversation = copy(this.#state.conversations.object(id)) ?? this.#state.conversations.get(id);
      return conversation ? [conversation] : [];
    });
    for (const id of erased.messages) {
      this.#inDoubt.delete(id);
      this.#unarchived.delete(id);
    }
    // The documents that name them in the same line: gone with them, or there with them after a crash.
    const notice: JournalRecord[] = options.notice && removed.length > 0 ? [{ doc: [options.notice.collection, options.notice.key, jsonCopy(options.notice.value(removed))] }] : [];
    const files: JournalRecord[] = options.files && erased.files.length > 0 ? [{ doc: [options.files.collection, options.files.key, { files: [...erased.files] }] }] : [];
    const durable = this.#append([...(options.docs ?? []).map(([collection, key]): JournalRecord => ({ deleteDoc: [collection, key] })), { eraseContact: contactId }, ...notice, ...files]);
    // In the same synchronous step as the line queued above: the compaction that follows its batch rewrites.
    const rewritten = new Promise<void>((resolve, reject) => this.#rewrites.push({ resolve, reject }));
    rewritten.catch(() => {});
    await durable;
    await rewritten;
    this.#log('info', 'contact erased', { contact: contactId, conversations: erased.conversations.length, messages: erased.messages.length, files: erased.files.length });
    return { conversations: erased.conversations.length, messages: erased.messages.length, files: erased.files, removed };
  }

  async messageCount(): Promise<number> {
    return this.#read().messageCount;
  }

  /**
   * Everything the store holds but its messages, as copies, and how many messages it holds: what `npm run
   * migrate-store` copies into PostgreSQL (the messages through `allMessages`). `counters` are the highest ids
   * handed out (ids of records since removed included).
   *
   *     const { contacts, messageCount } = await store.everything();
   */
  async everything(): Promise<{
    contacts: Contact[];
    conversations: Conversation[];
    docs: [collection: string, key: string, value: unknown][];
    counters: { message: number; conversation: number };
    messageCount: number;
  }> {
    const state = this.#read();
    const snapshot = state.capture(this.#seq);
    return structuredClone({
      contacts: snapshot.contacts.map((entry) => fresh(entry)),
      conversations: snapshot.conversations.map((entry) => fresh(entry)),
      // As reads give them: a snapshot holds timelines, sent parts and erased relays as their JSON text, which a
      // copy would store as a string where PostgreSQL's readers expect the document.
      docs: snapshot.docs.map(([collection, key]): [string, string, unknown] => [collection, key, state.doc(collection, key)]),
      counters: snapshot.counters,
      messageCount: state.messageCount,
    });
  }

  /**
   * Every message the store holds, in id order, as copies, at most `batch` at a time: those in memory, and those
   * only in the archive, read from disk without keeping them in memory. For a store no one else writes to meanwhile
   * (`npm run migrate-store`, which holds the store's lock).
   *
   *     for await (const messages of store.allMessages()) copy(messages);
   */
  async *allMessages(batch = 1000): AsyncGenerator<Message[]> {
    const state = this.#read();
    const last = state.lastMessageId;
    for (let from = 1; from <= last; ) {
      const ids: number[] = [];
      for (; from <= last && ids.length < batch; from++) if (state.messages.has(from) || state.archived.has(from)) ids.push(from);
      if (ids.length === 0) continue;
      const archived = ids.filter((id) => !state.messages.has(id));
      const read = archived.length > 0 ? await this.#readArchived(archived) : new Map<number, Message>();
      yield clone(ids.map((id) => (state.messages.get(id) ?? read.get(id)) as Message));
    }
  }

  async #open(): Promise<void> {
    const started = performance.now();
    try {
      // A store created now: its folder's name in DATA_DIR must survive a power cut, as its journal's does (below).
      if ((await mkdir(this.#dir, { recursive: true })) && this.#fsync) await syncPath(dirname(this.#dir));
      this.#releaseLock = await acquireLock(this.#dir);
      await this.#loadFiles();
    } catch (error) {
      await this.#releaseLock?.();
      this.#phase = 'closed';
      throw error;
    }
    this.#phase = 'open';
    const state = this.#state;
    this.#log('info', 'store opened', {
      dir: this.#dir,
      contacts: state.contacts.size,
      conversations: state.conversations.size,
      messages: state.messageCount,
      inMemory: state.messages.size,
      journalBytes: this.#journalBytes,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Recovers the state from the files into an empty `#state`, opens the journal, and finishes what a crash cut short. */
  async #loadFiles(): Promise<void> {
    await this.#recover();
    const created = !(await exists(this.#paths.journal));
    this.#journal = await open(this.#paths.journal, 'a');
    // The journal created now (the first start): its name synced before the first commit is acknowledged, or a power
    // cut could lose the file with every commit in it, as the rotation's new journal is synced with its folder.
    if (created && this.#fsync) await syncPath(this.#dir);
    this.#acknowledgedBytes = this.#journalBytes;
    if (this.#rewriteAtOpen) {
      // A crash came between an erase and its compaction: finish it, so no file keeps what was erased.
      await this.#compact(this.#capture(true), true);
    } else if (this.#oldJournalAtOpen) {
      // A crash cut a compaction short: finish it (the next one renames the journal over the old one).
      await this.#compact(this.#capture(), false);
    }
  }

  /** Archive first, then the snapshot, then the journal lines the snapshot does not include. */
  async #recover(): Promise<void> {
    const { archive: archivePath, journal: journalPath, oldJournal: oldJournalPath } = this.#paths;
    const archive = await readJsonLines(archivePath, (value, line, at) => {
      if (!isMessage(value)) throw new CorruptStoreError(archivePath, line, 'not a message');
      try {
        this.#state.restoreArchived(value, at.offset, at.length);
      } catch (error) {
        throw new CorruptStoreError(archivePath, line, `a record cannot be applied (${(error as Error).message})`);
      }
      // As it goes, so that the lists never grow big as arrays (see below).
      if (line % PACK_EVERY_LINES === 0) this.#state.packIndexes();
    });
    this.#reportDropped(archivePath, archive.droppedBytes);
    this.#archiveBytes = archive.bytes;

    // Packed as the archive is read rather than once after recovery: at a million messages the lists as arrays were
    // some 50 MB of the heap, live beside the parsed snapshot, and V8 sized the heap from that peak; the process kept
    // that heap, mostly garbage, after opening (see `#restoreSnapshot`).
    this.#state.packIndexes();
    const snapshotSeq = await this.#restoreSnapshot();
    this.#seq = snapshotSeq;

    // A journal renamed for a compaction that a crash cut short holds the lines before those of the journal.
    const replayJournal = (path: string) =>
      readJsonLines(path, (value, line) => {
        const { s: seq, r: records } = (value ?? {}) as { s?: unknown; r?: unknown };
        if (typeof seq !== 'number' || !Array.isArray(records) || !records.every(isRecord)) {
          throw new CorruptStoreError(path, line, 'not a journal entry ({"s":<seq>,"r":[records]})');
        }
        if (seq <= snapshotSeq) return;
        if (seq <= this.#seq) throw new CorruptStoreError(path, line, `sequence ${seq} does not follow ${this.#seq}`);
        for (const record of records) {
          const problem = recordProblem(record);
          if (problem) throw new CorruptStoreError(path, line, `not a record the store writes: ${problem}`);
        }
        this.#replay(records, path, line);
        for (const record of records) {
          if ('message' in record) this.#unarchived.set(record.message.id, JSON.stringify(record.message));
          if ('eraseContact' in record) this.#rewriteAtOpen = true;
        }
        this.#seq = seq;
      }, { nulTorn: true });
    const old = await replayJournal(oldJournalPath);
    this.#reportDropped(oldJournalPath, old.droppedBytes, old.nulTornLine);
    this.#oldJournalAtOpen = await exists(oldJournalPath);
    const journal = await replayJournal(journalPath);
    this.#reportDropped(journalPath, journal.droppedBytes, journal.nulTornLine);
    this.#journalBytes = journal.bytes;
    // Messages added and then erased within the journal are not archived.
    for (const id of this.#unarchived.keys()) if (!this.#state.messages.has(id)) this.#unarchived.delete(id);
    this.#inDoubt = new Set(this.#state.sendingIds());
    const addressed = this.#state.addressLegacyMessages();
    if (addressed > 0) this.#log('info', 'gave messages stored by an older version the address of their contact', { messages: addressed });
    // Archived lines name the contact a message was written for; one merged since is another's now.
    this.#state.settleMerges();
    this.#state.packIndexes();
  }

  /**
   * Restores state.json and state-delta.json; returns the journal sequence they include. A method of its own so that
   * the parsed snapshot (at a million messages some 55 MB of objects, each copied into the state as text) is garbage
   * once it returns, rather than held through the journal's replay and the packing of the indexes.
   */
  async #restoreSnapshot(): Promise<number> {
    const snapshotPath = this.#paths.snapshot;
    const notSnapshot = () => new CorruptStoreError(snapshotPath, undefined, 'not a Switchboard store snapshot');
    // Each contact, conversation and document put into the state as soon as it is parsed (see snapshot-reader.ts).
    const read = await readSnapshotItems(
      snapshotPath,
      (head) => {
        refuseNewer(snapshotPath, head);
        if (!isSnapshot({ ...head, contacts: [], conversations: [], docs: [] })) throw notSnapshot();
      },
      (list, item) => {
        if (list === 'contacts') this.#state.apply({ contact: item as Contact });
        else if (list === 'conversations') this.#state.apply({ conversation: item as Conversation });
        else this.#state.apply({ doc: item as [string, string, unknown] });
      },
    );
    let snapshot: Snapshot;
    if (read) {
      if (!isSnapshot(read)) throw notSnapshot();
      snapshot = read;
    } else {
      // No file (a new store: the empty snapshot), or one the reader took for no snapshot: read whole, to say where
      // it is wrong (what it already put in the state, a whole snapshot replaces).
      const db = new Low<Snapshot>(snapshotFile(snapshotPath), emptySnapshot());
      try {
        await db.read();
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        const line = lineOfParseError(error, await readFile(snapshotPath, 'utf8'));
        throw new CorruptStoreError(snapshotPath, line, `not valid JSON (${error.message})`);
      }
      refuseNewer(snapshotPath, db.data);
      if (!isSnapshot(db.data)) throw notSnapshot();
      snapshot = db.data;
    }
    // The lists of a snapshot read piece by piece are empty here: this restores its counters, and forgets the changes.
    this.#state.restore(snapshot);
    let snapshotSeq: number = snapshot.seq;
    this.#baseSeq = snapshotSeq;
    const delta = await readDelta(this.#paths.delta);
    if (delta && delta.base !== snapshotSeq) {
      // A crash came after a full snapshot replaced state.json and before this delta of the one before was removed.
      this.#log('info', 'ignored a snapshot delta of an older snapshot (left by a crash)', { file: this.#paths.delta, base: delta.base, snapshot: snapshotSeq });
    } else if (delta) {
      if (delta.seq < snapshotSeq) throw new CorruptStoreError(this.#paths.delta, undefined, `sequence ${delta.seq} is before its snapshot's ${snapshotSeq}`);
      try {
        this.#state.applyChanges(delta);
      } catch (error) {
        throw new CorruptStoreError(this.#paths.delta, undefined, `a record cannot be applied (${(error as Error).message})`);
      }
      snapshotSeq = delta.seq;
      this.#deltaRecords = deltaRecords(delta);
    }
    return snapshotSeq;
  }

  /** Applies records read from `file` at `line`; a record that cannot be applied is corruption there. */
  #replay(records: JournalRecord[], file: string, line: number): void {
    try {
      for (const record of records) this.#state.apply(record);
    } catch (error) {
      throw new CorruptStoreError(file, line, `a record cannot be applied (${(error as Error).message})`);
    }
  }

  #reportDropped(path: string, bytes: number, nulTornLine?: number): void {
    if (bytes === 0) return;
    if (nulTornLine !== undefined) {
      this.#log('warn', 'dropped the end of the journal that a power cut left unwritten (NUL bytes; never synced, so never acknowledged)', { file: path, fromLine: nulTornLine, bytes });
      return;
    }
    this.#log('warn', 'dropped an unfinished last line (a write cut short by a crash, never acknowledged)', { file: path, bytes });
  }

  async #close(): Promise<void> {
    if (this.#phase === 'opening') await this.#opening?.catch(() => {});
    if (this.#phase !== 'open') {
      this.#phase = 'closed';
      return;
    }
    this.#phase = 'closing';
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.#retrying;
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    await this.#unclaim();
    while (this.#writer || this.#compacting) await (this.#writer ?? this.#compacting);
    // Lazy lines still unsynced are synced now, not left to the timer.
    clearTimeout(this.#lazySync);
    this.#lazySync = undefined;
    if (this.#unsynced && !this.#writeFailure) await this.#enqueue('').catch(() => undefined);
    await this.#directorySync?.catch(() => undefined);
    this.#reportSlowSyncs('disk');
    this.#reportSlowSyncs('process');
    await this.#journal?.close();
    const reader = this.#archiveReader;
    this.#archiveReader = undefined;
    await (await reader?.handle.catch(() => undefined))?.close();
    await this.#releaseLock?.();
    this.#phase = 'closed';
    this.#log('info', 'store closed', { dir: this.#dir });
  }

  /**
   * Checks (reads still current, invariants kept), applies and queues a transaction in one synchronous step;
   * resolves once it is durable. A transaction that wrote nothing is checked too: its reads must still be current.
   */
  #commit(tx: BufferedTx, claim: boolean): { durable: Promise<void>; claimed: number[] } {
    const refused = this.#refused();
    if (refused) return { durable: Promise.reject(refused), claimed: [] };
    tx.check();
    const state = this.#state;
    const claimed: number[] = [];
    const claimIfIdle = (message: Message): boolean => {
      if (!state.idleAddress(message.channel, message.address)) return false;
      claimed.push(message.id);
      return true;
    };
    const records = tx.isEmpty ? [] : tx.records(state.lastMessageId + 1, claim ? claimIfIdle : undefined);
    // Nothing written (or only records put back as they were read): it still waits for the batch under way.
    return { durable: records.length === 0 ? this.#enqueue('') : this.#append(records), claimed };
  }

  /** Applies `records` to memory and queues their journal line; refused, applying nothing, while writes fail. */
  #append(records: JournalRecord[], lazy = false): Promise<void> {
    // Checked again here: a caller checked before it awaited a read, and a write may have failed meanwhile.
    const refused = this.#refused();
    if (refused) return Promise.reject(refused);
    const parts = records.map((record) => {
      if (!('message' in record)) return JSON.stringify(record);
      const json = JSON.stringify(record.message);
      this.#unarchived.set(record.message.id, json);
      return `{"message":${json}}`;
    });
    this.#seq += 1;
    this.#state.commit(records);
    return this.#enqueue(`{"s":${this.#seq},"r":[${parts.join(',')}]}\n`, lazy);
  }

  /**
   * Queues a journal line (or, for `''`, just a wait for everything queued before: durable, it waits for lazy lines
   * written before it to be synced too).
   */
  #enqueue(line: string, lazy = false): Promise<void> {
    const durable = new Promise<void>((resolve, reject) => this.#queue.push({ line, lazy, resolve, reject }));
    this.#writer ??= this.#drain();
    return durable;
  }

  /** The single writer: one write and one fdatasync for every commit waiting, then compaction when due. */
  async #drain(): Promise<void> {
    // Each batch starts one turn of the event loop later (and so lets `#writer` be assigned before this function can
    // clear it): the requests and sends already waiting are handled first, and their commits join the batch. An
    // fdatasync costs some 150 µs of CPU however much it syncs, so fewer, larger batches cost less per commit.
    while ((await new Promise((resolve) => setImmediate(resolve)), this.#queue.length > 0)) {
      // An erase compacts in line, after the compaction under way: no file may keep what it erased.
      if (this.#rewrites.length > 0 && this.#compacting) await this.#compacting;
      if (this.#hasFailed()) break;
      const batch = this.#queue;
      this.#queue = [];
      const data = Buffer.from(batch.map((commit) => commit.line).join(''), 'utf8');
      const rewrites = this.#rewrites.splice(0);
      const rewrite = rewrites.length > 0;
      const due = !this.#compacting && data.length > 0 && this.#journalBytes + data.length >= this.#compactAfterBytes;
      // Captured now, while memory holds exactly what the journal will hold after this batch.
      if (rewrite) this.#rewriting = true;
      const compaction = rewrite || due ? this.#capture(rewrite) : undefined;
      try {
        // Read at each batch: a compaction puts a new journal in place.
        const journal = this.#journal as FileHandle;
        if (data.length > 0) {
          appendAllSync(journal, data);
          this.#journalBytes += data.length;
          this.#unsynced = this.#fsync;
        }
        // A durable commit is acknowledged once every line before it is synced too; lazy ones alone wait (see
        // `#syncLazyLater`), but not past a compaction, which puts the journal aside.
        if (this.#unsynced && (compaction || batch.some((commit) => !commit.lazy))) {
          const syncStarted = performance.now();
          const loopBefore = performance.eventLoopUtilization();
          await journal.datasync();
          this.#unsynced = false;
          this.#noteSync(performance.now() - syncStarted, batch.length, loopBefore);
        }
      } catch (error) {
        const refused = this.#fail(error, `could not append to ${this.#paths.journal}`, batch);
        for (const waiting of rewrites) waiting.reject(refused);
        break;
      }
      // The first batch of a new journal: the journal's name must be durable too before its commits are acknowledged.
      const directory = this.#directorySync;
      if (directory) {
        this.#directorySync = undefined;
        try {
          await directory;
        } catch (error) {
          const refused = this.#fail(error, `could not sync ${this.#dir} after starting a new journal`, batch);
          for (const waiting of rewrites) waiting.reject(refused);
          break;
        }
      }
      for (const commit of batch) commit.resolve();
      this.#acknowledgedBytes = this.#journalBytes;
      if (this.#unsynced) this.#syncLazyLater();
      if (compaction && !rewrite) {
        // The journal so far goes aside for the compaction; the commits that follow go to a new one meanwhile.
        try {
          await this.#rotate();
        } catch (error) {
          this.#fail(error, `could not start a new journal in ${this.#dir}`, []);
          break;
        }
        this.#compacting = this.#compact(compaction, false, false).then(
          () => {
            this.#compacting = undefined;
          },
          (error: unknown) => {
            this.#compacting = undefined;
            this.#fail(error, `compaction into ${this.#dir} failed`, []);
          },
        );
      } else if (compaction) {
        try {
          await this.#compact(compaction, rewrite);
        } catch (error) {
          const refused = this.#fail(error, `compaction into ${this.#dir} failed`, []);
          for (const waiting of rewrites) waiting.reject(refused);
          break;
        }
      }
      for (const waiting of rewrites) waiting.resolve();
    }
    this.#writer = undefined;
  }

  /** Syncs lazy lines left unsynced `LAZY_SYNC_MS` from now, if no durable commit has synced them by then. */
  #syncLazyLater(): void {
    this.#lazySync ??= setTimeout(() => {
      this.#lazySync = undefined;
      // A durable wait for what is queued: the batch that takes it syncs what lazy lines were written before.
      if (this.#unsynced && this.#phase !== 'closed' && !this.#writeFailure) this.#enqueue('').catch(() => undefined);
    }, LAZY_SYNC_MS);
  }

  /**
   * Counts a slow wait for a journal sync, and reports it with the slow ones of the same cause since the last report,
   * at most once every SLOW_SYNC_REPORT_MS (those after the last report are reported at close).
   *
   * The wait is timed on the event loop, so it is the sync's own time plus however long the loop took to see that it
   * ended. While the loop is idle it is waiting for the sync (or other I/O): a wait at least half idle is the
   * disk's. A wait mostly busy is the process's: the loop was running (or stalled: a long collection of the heap, a
   * core taken by other threads or processes) while the sync was done or nearly. In a benchmark on a shared two-core
   * machine, waits of 66 and 157 ms, then all blamed on the disk, ended with stalls of the loop of 65 and 143 ms.
   */
  #noteSync(ms: number, commits: number, loopBefore: EventLoopUtilization): void {
    if (ms < SLOW_SYNC_MS) return;
    const loopBusyMs = performance.eventLoopUtilization(loopBefore).active;
    const cause: SlowSyncCause = loopBusyMs <= ms / 2 ? 'disk' : 'process';
    const slow = this.#slowSyncs[cause];
    slow.count += 1;
    slow.slowestMs = Math.max(slow.slowestMs, ms);
    if (performance.now() - slow.reportedAt >= SLOW_SYNC_REPORT_MS) {
      this.#reportSlowSyncs(cause, { ms: Math.round(ms), loopBusyMs: Math.round(loopBusyMs), commits });
    }
  }

  /** Logs the slow waits for a journal sync not yet reported (at close, those since the last report), if any. */
  #reportSlowSyncs(cause: SlowSyncCause, last?: { ms: number; loopBusyMs: number; commits: number }): void {
    const slow = this.#slowSyncs[cause];
    if (slow.count === 0) return;
    const message =
      cause === 'disk'
        ? 'the disk is slow: commits waited for a journal sync (fdatasync)'
        : 'the event loop was busy: commits waited for a journal sync that the process was too busy to see end (garbage collection, CPU-heavy work, a core shared with other work)';
    this.#log('warn', message, {
      file: this.#paths.journal,
      ...last,
      slowSyncs: slow.count,
      slowestMs: Math.round(slow.slowestMs),
    });
    this.#slowSyncs[cause] = noSlowSyncs(performance.now());
  }

  /**
   * Renames the journal `journal.old.jsonl` (what the compaction just captured) and opens a new one. The directory is
   * synced so that a line acknowledged from the new journal is found after a power cut too: beside the first batch's
   * own sync, which waits for it before acknowledging anything (see `#drain`), rather than before that batch is even
   * written. The commits queued meanwhile waited for it otherwise: 3-34 ms at each compaction in the benchmark.
   */
  async #rotate(): Promise<void> {
    const old = this.#journal as FileHandle;
    await rename(this.#paths.journal, this.#paths.oldJournal);
    // Acknowledged, all of it is in the renamed journal now.
    this.#acknowledgedBytes = 0;
    this.#journal = await open(this.#paths.journal, 'a');
    this.#journalBytes = 0;
    if (this.#fsync) {
      const synced = syncPath(this.#dir);
      // Awaited by the next batch, or at close; a failure fails that batch (as a failed append would).
      synced.catch(() => {});
      this.#directorySync = synced;
    }
    await old.close();
  }

  /**
   * Puts the messages claimed at commit and never handed out back to pending: they were not sent, so the next start
   * must not take them for sends under way (in doubt).
   */
  async #unclaim(): Promise<void> {
    const records: JournalRecord[] = [];
    for (const id of this.#claimed.splice(0)) {
      const message = this.#state.messages.get(id);
      if (message?.status === 'sending') records.push({ message: { ...message, status: 'pending' } });
    }
    if (records.length === 0 || this.#writeFailure) return;
    await this.#append(records).catch((error: unknown) => {
      this.#log('warn', 'could not put unsent claimed replies back to pending; they are sent again at the next start', { error: String(error) });
    });
  }

  /**
   * What the next compaction writes: the snapshot of everything queued so far, and the messages to archive with the
   * object each was then. Cheap (references; the JSON was kept from the commits), so the writer loop is not held up:
   * the compaction works out where each line goes, and writes them, in steps (see `archiveSteps`). With `whole`
   * (after an erase): every message in memory, to replace the archive with.
   */
  #capture(whole = false): Compaction {
    const messages: Compaction['messages'] = [];
    if (whole) {
      for (const message of [...this.#state.messages.values()].sort((a, b) => a.id - b.id)) messages.push({ id: message.id, json: JSON.stringify(message), message });
    } else {
      for (const [id, json] of this.#unarchived) messages.push({ id, json, message: this.#state.messages.get(id) as Message });
    }
    this.#unarchived = new Map();
    // The changes since the last full snapshot, while all the deltas since it add up to less than one: so a store
    // with a long history (a million messages: 150,000 contacts and conversations, 45 MB) is not written whole at
    // every compaction, and the deltas written between two full snapshots cost at most one more.
    const state = this.#state;
    const changed = state.changedCount();
    if (!whole && this.#deltaRecords + changed < state.recordCount()) {
      this.#deltaRecords += changed;
      return { snapshot: state.captureChanges(this.#seq, this.#baseSeq), messages };
    }
    // An erase (whole) writes a full snapshot: no file may keep what it erased.
    this.#baseSeq = this.#seq;
    this.#deltaRecords = 0;
    state.forgetChanges();
    return { snapshot: state.capture(this.#seq), messages };
  }

  /**
   * Folds the journal into the archive and the snapshot. Each step is durable before the next starts, so a crash
   * anywhere leaves files that recover to the same state: an archive line twice is harmless (last one per id wins),
   * and journal lines the snapshot already includes are skipped by their sequence number.
   */
  async #compact({ snapshot, messages }: Compaction, replaceArchive = false, inLine = true): Promise<void> {
    const started = performance.now();
    // In the background, the compaction takes at most BACKGROUND_SHARE of the time; in line, the writer waits for it.
    const slices = new Slices({ share: inLine ? 1 : BACKGROUND_SHARE });
    let archivedBytes = 0;
    if (replaceArchive) {
      // Written whole beside the archive, then renamed over it: a crash leaves the old archive or the new one, and
      // the journal (emptied only below) erases again whatever the old one still holds.
      // Messages not captured in memory are copied from the old archive (their latest line, unless erased), then those
      // captured follow; every place moves, so they are all indexed anew once the new archive is in place.
      const state = this.#state;
      const captured = new Set(messages.map((message) => message.id));
      const kept: string[] = [];
      const moved: [id: number, offset: number, length: number][] = [];
      let offset = 0;
      this.#rewriting = true;
      try {
        await readJsonLines(this.#paths.archive, (value, _line, at) => {
          const id = (value as Message).id;
          if (captured.has(id) || state.archived.get(id)?.offset !== at.offset) return;
          const json = JSON.stringify(value);
          const length = Buffer.byteLength(json, 'utf8');
          kept.push(json);
          moved.push([id, offset, length]);
          offset += length + 1;
        });
        const head = Buffer.from(kept.length > 0 ? `${kept.join('\n')}\n` : '', 'utf8');
        const temporary = `${this.#paths.archive}.tmp`;
        const { placed, bytes } = await writeArchive(temporary, 'w', head, messages, this.#fsync, slices);
        archivedBytes = bytes;
        // Until the index moves to the new file (below, in one step with the reader), reads go on in the old one, at
        // the places the index holds: through a handle opened on it before the rename. The new file's handle is
        // opened before the rename too, so no read ever opens the new file with the old places.
        const old = (this.#archiveReader ??= openReader(this.#paths.archive));
        await old.handle.catch(() => undefined);
        const fresh = openReader(temporary);
        await fresh.handle;
        await rename(temporary, this.#paths.archive);
        if (this.#fsync) await syncPath(this.#dir);
        this.#archiveReader = fresh;
        retire(old);
        this.#archiveBytes = head.length + archivedBytes;
        for (const [id, at, length] of moved) state.archived.set(id, at, length);
        this.#recent = [];
        this.#recentFrom = 0;
        await this.#letGo(placed, slices);
      } finally {
        this.#rewriting = false;
      }
    } else if (messages.length > 0) {
      const { placed, bytes } = await writeArchive(this.#paths.archive, 'a', Buffer.alloc(0), messages, this.#fsync, slices, this.#archiveBytes);
      archivedBytes = bytes;
      this.#archiveBytes += archivedBytes;
      await this.#letGo(placed, slices);
    }
    // The snapshot goes to a temporary file, synced, then renamed over state.json, and the directory synced: the
    // result is durable before the journal is emptied, and a crash leaves the old snapshot or the new one.
    // A delta goes to state-delta.json the same way; a full snapshot makes the delta there stale (it names the
    // snapshot before), so it is removed.
    const full = !('removed' in snapshot);
    await writeSnapshot(full ? this.#paths.snapshot : this.#paths.delta, snapshot, this.#fsync, slices);
    if (this.#fsync) await syncPath(this.#dir);
    const removedDelta = full && (await removeIfThere(this.#paths.delta));
    // The renamed journal (compacting in the background, or left by a crash) is all in the snapshot now.
    const removedOld = await removeIfThere(this.#paths.oldJournal);
    if ((removedOld || removedDelta) && this.#fsync) await syncPath(this.#dir);
    // Compacting in line (an erase, a crash's leftovers at open), the journal itself is in the snapshot too.
    let journalBytes = 0;
    if (inLine) {
      const journal = this.#journal as FileHandle;
      await journal.truncate(0);
      if (this.#fsync) await journal.datasync();
      journalBytes = this.#journalBytes;
      this.#journalBytes = 0;
      this.#acknowledgedBytes = 0;
    }
    // The id lists of customers quiet since the last compaction go into typed arrays, off the heap.
    this.#state.packIdleIndexes();
    this.#log('info', 'store compacted', {
      seq: snapshot.seq,
      // A full snapshot, or a delta of how many contacts, conversations and documents.
      snapshot: 'removed' in snapshot ? `delta of ${deltaRecords(snapshot)}` : 'full',
      journalBytes,
      archivedBytes,
      ms: Math.round(performance.now() - started),
    });
  }

  /**
   * Lets memory go of the oldest archived messages past the `recentMessages` newest, `placed` just archived; in
   * slices (see `Slices`), so that requests are served in between.
   */
  async #letGo(placed: Placed[], slices = new Slices()): Promise<void> {
    for (const entry of placed) this.#recent.push(entry);
    // The excess is read again at each message: a read's letting go may run between two slices.
    for (let n = 1; this.#recent.length - this.#recentFrom > this.#recentMessages; n++) {
      const { id, offset, length, message } = this.#recent[this.#recentFrom++] as Placed;
      this.#state.archive(id, offset, length, message);
      if (n % CHECK_EVERY === 0 && slices.over) await slices.pause();
    }
    if (this.#recentFrom > 4096 && this.#recentFrom * 2 > this.#recent.length) {
      this.#recent = this.#recent.slice(this.#recentFrom);
      this.#recentFrom = 0;
    }
  }

  /**
   * Refuses `batch`, whatever is queued and every call from now on, and tries writing again in the background (see
   * `#retryWrites`); logs once per failure, not at each attempt. Returns the refusal, for those waiting elsewhere.
   */
  #fail(error: unknown, what: string, batch: QueuedCommit[]): StoreUnavailableError {
    const reason = `${what} (${error instanceof Error ? error.message : String(error)})`;
    if (!this.#writeFailure) {
      const state = this.#state;
      this.#writeFailure = {
        error: new StoreUnavailableError(reason, { cause: error }),
        since: Date.now(),
        reason,
        retryAt: Date.now(),
        attempts: 0,
        lastIds: { message: state.lastMessageId, conversation: state.lastConversationId },
      };
      this.#scheduleRetry();
      this.#log('error', 'the store cannot write: it refuses every call (nothing refused is kept) and tries again by itself', {
        dir: this.#dir,
        error: reason,
        retryInMs: this.#retryWritesMs[0],
      });
    }
    const refused = this.#refused() as StoreUnavailableError;
    for (const commit of [...batch, ...this.#queue.splice(0)]) commit.reject(refused);
    return refused;
  }

  /** Whether a write failed (a method, so a check in a loop does not narrow `#writeFailure` for the code after it). */
  #hasFailed(): boolean {
    return this.#writeFailure !== undefined;
  }

  /** While writes fail: the refusal of a call, with the wait until the next attempt. */
  #refused(): StoreUnavailableError | undefined {
    const failure = this.#writeFailure;
    if (!failure) return undefined;
    const retryAfterMs = Math.max(1_000, failure.retryAt - Date.now());
    return new StoreUnavailableError(
      `${failure.reason}. The store accepts nothing until a write succeeds again; it tries again in ${Math.ceil(retryAfterMs / 1000)} s, by itself.`,
      { cause: failure.error.cause, retryAfterMs },
    );
  }

  #scheduleRetry(): void {
    const failure = this.#writeFailure as WriteFailure;
    const wait = this.#retryWritesMs[Math.min(failure.attempts, this.#retryWritesMs.length - 1)] as number;
    failure.retryAt = Date.now() + wait;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retrying = this.#retryWrites().finally(() => {
        this.#retrying = undefined;
      });
    }, wait);
    // A store waiting to write again does not keep a process alive that has nothing else to do.
    this.#retryTimer.unref();
  }

  /**
   * One attempt at writing again after a failure: what the failure left is put right as a restart would (the journal
   * cut back to its acknowledged commits, so a refused commit whose line reached the file is not kept; the files read
   * again, a compaction cut short finished), then a line of no records is appended to the journal and synced, and
   * `WRITE_CHECK_BYTES` written and synced beside it. Calls are accepted again once all of that succeeded; else the
   * next attempt is scheduled, a little later each time.
   */
  async #retryWrites(): Promise<void> {
    const failure = this.#writeFailure;
    if (!failure || this.#phase !== 'open') return;
    failure.attempts += 1;
    try {
      await this.#reload(failure);
      await this.#checkWrites();
    } catch (error) {
      failure.reason = `could not write to ${this.#dir} again (${error instanceof Error ? error.message : String(error)})`;
      if (this.#phase === 'open') this.#scheduleRetry();
      return;
    }
    this.#writeFailure = undefined;
    this.#log('info', 'the store writes again: calls are accepted', {
      dir: this.#dir,
      failedForMs: Date.now() - failure.since,
      attempts: failure.attempts,
      error: failure.error.message,
    });
  }

  /** Drops memory, which is ahead of the disk, and recovers the state from the files as `open` does. */
  async #reload(failure: WriteFailure): Promise<void> {
    // What was writing when the failure came stops first (the writer stopped at it; a compaction may be under way).
    while (this.#writer || this.#compacting) await (this.#writer ?? this.#compacting);
    clearTimeout(this.#lazySync);
    this.#lazySync = undefined;
    await this.#directorySync?.catch(() => undefined);
    this.#directorySync = undefined;
    const journal = this.#journal;
    this.#journal = undefined;
    await journal?.close().catch(() => undefined);
    const reader = this.#archiveReader;
    this.#archiveReader = undefined;
    if (reader) retire(reader);
    // Refused commits whose lines reached the journal before its sync failed: nobody was told they are done.
    const size = await stat(this.#paths.journal).then((file) => file.size, () => 0);
    if (size > this.#acknowledgedBytes) await truncate(this.#paths.journal, this.#acknowledgedBytes);
    const { claimed, inDoubt } = { claimed: this.#claimed, inDoubt: this.#inDoubt };
    this.#state = new StoreState();
    this.#recent = [];
    this.#recentFrom = 0;
    this.#rewriting = false;
    this.#deltaRecords = 0;
    this.#queue = [];
    this.#unarchived = new Map();
    this.#unsynced = false;
    this.#rewrites = [];
    this.#rewriteAtOpen = false;
    this.#oldJournalAtOpen = false;
    await this.#loadFiles();
    const state = this.#state;
    // An id a read may have shown before the failure (a reply on the web chat) is not given to another message.
    state.lastMessageId = Math.max(state.lastMessageId, failure.lastIds.message);
    state.lastConversationId = Math.max(state.lastConversationId, failure.lastIds.conversation);
    // The replies this process claimed are still its own to send (the outbox records their outcomes once it can);
    // only those in doubt since the open stay in doubt.
    const sending = (id: number) => state.messages.get(id)?.status === 'sending';
    this.#claimed = claimed.filter(sending);
    this.#inDoubt = new Set([...inDoubt].filter(sending));
  }

  /** Appends a line of no records to the journal and syncs it, then writes and syncs `WRITE_CHECK_BYTES` beside it. */
  async #checkWrites(): Promise<void> {
    const journal = this.#journal as FileHandle;
    const line = Buffer.from(`{"s":${this.#seq + 1},"r":[]}\n`, 'utf8');
    appendAllSync(journal, line);
    await journal.datasync();
    this.#seq += 1;
    this.#journalBytes += line.length;
    this.#acknowledgedBytes = this.#journalBytes;
    const path = join(this.#dir, 'write-check.tmp');
    const file = await open(path, 'w');
    try {
      await appendAll(file, Buffer.alloc(WRITE_CHECK_BYTES));
      await file.datasync();
    } finally {
      await file.close();
      await rm(path, { force: true });
    }
  }

  #unavailable(): StoreUnavailableError | undefined {
    const refused = this.#refused();
    if (refused) return refused;
    if (this.#phase === 'open') return undefined;
    if (this.#phase === 'new' || this.#phase === 'opening') return new StoreUnavailableError(`the store in ${this.#dir} is not open yet: await open() first`);
    return new StoreUnavailableError(`the store in ${this.#dir} is closed`);
  }

  /** The state for a read outside transactions; reads keep working while `close` drains. */
  #read(): StoreState {
    const refused = this.#refused();
    if (refused) throw refused;
    if (this.#phase !== 'open' && this.#phase !== 'closing') throw this.#unavailable() as StoreUnavailableError;
    return this.#state;
  }

  /** Copies of the messages `ids`, from memory or the archive. */
  async #messages(ids: readonly number[]): Promise<Message[]> {
    return clone(await this.#load(ids));
  }

  /**
   * The committed messages `ids` (not copies: not to be changed), those no longer in memory read from the archive.
   * An id of no message is left out.
   */
  async #load(ids: readonly number[]): Promise<Message[]> {
    const state = this.#state;
    const found = ids.map((id) => state.messages.get(id));
    const missing = ids.filter((id, index) => found[index] === undefined && state.archived.has(id));
    if (missing.length > 0) {
      const read = await this.#readArchived(missing);
      ids.forEach((id, index) => {
        found[index] ??= state.messages.get(id) ?? read.get(id);
      });
      // What was read once is likely read again soon (a conversation's history, the next poll): it joins the recent.
      const cached: Placed[] = [];
      if (!this.#rewriting) {
        for (const [id, message] of read) {
          const place = state.archived.get(id);
          if (!place || state.messages.has(id)) continue;
          state.cache(message);
          cached.push({ id, ...place, message });
        }
        void this.#letGo(cached);
      }
    }
    return found.filter((message) => message !== undefined);
  }

  /** A message about to be changed: read back into memory if archived, so the change sees what it replaces. */
  async #loadForChange(id: number): Promise<Message | undefined> {
    const [message] = await this.#load([id]);
    if (message) this.#state.cache(message);
    return this.#state.messages.get(id) ?? message;
  }

  /**
   * Reads archived messages back. Lines close together (a conversation's, a transaction's) are read with one call:
   * ranges less than `readGapBytes` apart are merged.
   */
  async #readArchived(ids: readonly number[]): Promise<Map<number, Message>> {
    const places = ids
      .map((id) => ({ id, place: this.#state.archived.get(id) }))
      .filter((entry): entry is { id: number; place: { offset: number; length: number } } => entry.place !== undefined)
      .sort((a, b) => a.place.offset - b.place.offset);
    // Taken in the same step as the places: a rewrite may put a new archive in place while this reads the old one.
    const reader = (this.#archiveReader ??= openReader(this.#paths.archive));
    reader.reads += 1;
    try {
      const read = await this.#readPlaces(await reader.handle, places);
      // A line written before its contact was merged into another (`Tx.mergeContact`) names the one gone.
      for (const message of read.values()) {
        if (message.contactId !== undefined) message.contactId = this.#state.mergedInto(message.contactId);
      }
      return read;
    } finally {
      reader.reads -= 1;
      if (reader.retired) retire(reader);
    }
  }

  async #readPlaces(reader: FileHandle, places: { id: number; place: { offset: number; length: number } }[]): Promise<Map<number, Message>> {
    const read = new Map<number, Message>();
    for (let start = 0; start < places.length; ) {
      let end = start + 1;
      const from = (places[start] as (typeof places)[number]).place.offset;
      let to = from + (places[start] as (typeof places)[number]).place.length;
      while (end < places.length && (places[end] as (typeof places)[number]).place.offset - to < readGapBytes) {
        const { place } = places[end] as (typeof places)[number];
        to = Math.max(to, place.offset + place.length);
        end++;
      }
      const buffer = Buffer.allocUnsafe(to - from);
      const { bytesRead } = await reader.read(buffer, 0, to - from, from);
      for (const { id, place } of places.slice(start, end)) {
        let message: unknown;
        try {
          message = place.offset - from + place.length <= bytesRead ? JSON.parse(buffer.toString('utf8', place.offset - from, place.offset - from + place.length)) : undefined;
        } catch {
          message = undefined;
        }
        if (!isMessage(message) || message.id !== id) {
          throw new CorruptStoreError(this.#paths.archive, undefined, `message ${id} is not at byte ${place.offset} (${place.length} bytes) as indexed`);
        }
        read.set(id, message);
      }
      start = end;
    }
    return read;
  }
}

/**
 * The share of the time a background compaction takes at most (see `Slices`). Done in one go, a compaction held every
 * request up for tens of milliseconds; in slices of 2 ms without rests, it still took the whole core for the 200 ms of
 * CPU it needs (at the benchmark's half-peak rate, some 20,000 messages and the snapshot of every contact and
 * conversation), and the requests meanwhile queued for up to half a second. At half of the core, beside a server
 * already using about half of it, they still queued: the slowest answers of a 250 ms window during a compaction were
 * 53-529 ms in five benchmark runs, at most 77 ms (under 40 in two) at a fifth of the core, and at most 134 ms in six
 * later runs (docs/performance.md). A compaction then takes about two and a half times as long (a slice, then a rest
 * four times as long); commits meanwhile go to the new journal as before.
 */
const BACKGROUND_SHARE = 0.2;
/** Records handled between two looks at the clock. */
const CHECK_EVERY = 64;

/**
 * Writes (`w`) or appends (`a`) `head` then the lines of `messages` to an archive file, in steps, and syncs it;
 * `offset` is where the file ends before (for `a`). Returns where each message went and the bytes after `head`.
 */
async function writeArchive(
  path: string,
  flags: 'w' | 'a',
  head: Buffer,
  messages: Compaction['messages'],
  fsync: boolean,
  slices: Slices,
  offset = 0,
): Promise<{ placed: Placed[]; bytes: number }> {
  const file = await open(path, flags);
  const placed: Placed[] = [];
  let bytes = 0;
  try {
    await appendAll(file, head);
    for await (const step of archiveSteps(messages, offset + head.length, slices)) {
      await appendAll(file, step.lines);
      slices.restart();
      for (const entry of step.placed) placed.push(entry);
      bytes += step.lines.length;
    }
    if (fsync) await file.datasync();
  } finally {
    await file.close();
  }
  return { placed, bytes };
}

/** The archive lines of captured messages, from `offset` on, with where each goes: a piece per slice (see `Slices`). */
async function* archiveSteps(messages: Compaction['messages'], offset: number, slices: Slices): AsyncGenerator<{ lines: Buffer; placed: Placed[] }> {
  let placed: Placed[] = [];
  let lines: string[] = [];
  for (const { id, json, message } of messages) {
    const length = Buffer.byteLength(json, 'utf8');
    placed.push({ id, offset, length, message });
    lines.push(json);
    offset += length + 1;
    if (lines.length % CHECK_EVERY === 0 && slices.over) {
      const piece = { lines: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), placed };
      placed = [];
      lines = [];
      await slices.pause();
      yield piece;
    }
  }
  if (lines.length > 0) yield { lines: Buffer.from(`${lines.join('\n')}\n`, 'utf8'), placed };
}

/**
 * Writes `snapshot` as state.json (the JSON lowdb reads at open) through `${path}.tmp`, synced before it is renamed
 * over `path` when `fsync`. Turned into text and written a slice at a time (see `Slices`): at a million messages the
 * snapshot is some 45 MB of text, which as one string (and its UTF-8 copy) doubled the heap the garbage collector
 * saw live whenever it ran during a compaction, and it sized the heap from that.
 */
async function writeSnapshot(path: string, snapshot: Captured | CapturedDelta, fsync: boolean, slices: Slices): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    const { contacts, conversations, docs, ...head } = snapshot;
    let text: string[] = [JSON.stringify(head).slice(0, -1)];
    const write = async (): Promise<void> => {
      await appendAll(file, Buffer.from(text.join(''), 'utf8'));
      text = [];
      slices.restart();
    };
    const lists: [name: string, items: readonly unknown[]][] = [['contacts', contacts], ['conversations', conversations], ['docs', docs]];
    for (const [name, items] of lists) {
      text.push(`,${JSON.stringify(name)}:[`);
      for (let i = 0; i < items.length; i++) {
        // An idle contact's or a closed conversation's text as stored (see text-tables.ts), and a document of a
        // collection held as text (see state.ts), written as they are.
        const item = items[i];
        const json =
          item instanceof StoredJson
            ? item.text()
            : name === 'docs'
              ? docItemJson(item as [string, string, unknown])
              : JSON.stringify(item);
        text.push(i === 0 ? json : `,${json}`);
        if (i % CHECK_EVERY === CHECK_EVERY - 1 && slices.over) {
          await slices.pause();
          await write();
        }
      }
      text.push(']');
    }
    text.push('}');
    await write();
    if (fsync) await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/** `[collection, key, value]` as JSON, the value as held (see `docJson`). */
function docItemJson([collection, key, value]: [string, string, unknown]): string {
  return `[${JSON.stringify(collection)},${JSON.stringify(key)},${docJson(collection, value)}]`;
}

/** Removes a file; false if it was not there. */
async function removeIfThere(path: string): Promise<boolean> {
  return rm(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
}

function isDelta(value: unknown): value is SnapshotDelta {
  const delta = value as Partial<SnapshotDelta> | null;
  return (
    isSnapshot(value) &&
    Number.isInteger(delta?.base) &&
    Array.isArray(delta?.removed?.contacts) &&
    Array.isArray(delta?.removed?.conversations) &&
    Array.isArray(delta?.removed?.docs)
  );
}

/** The contacts, conversations and documents a delta writes or removes. */
function deltaRecords(delta: SnapshotDelta<unknown, unknown>): number {
  const { removed } = delta;
  return delta.contacts.length + delta.conversations.length + delta.docs.length + removed.contacts.length + removed.conversations.length + removed.docs.length;
}

/** state-delta.json, if there is one; a file that is not a delta is corruption there. */
async function readDelta(path: string): Promise<SnapshotDelta | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptStoreError(path, lineOfParseError(error as Error, text), `not valid JSON (${(error as Error).message})`);
  }
  refuseNewer(path, value);
  if (!isDelta(value)) throw new CorruptStoreError(path, undefined, 'not a Switchboard store snapshot delta');
  return value;
}

/** lowdb's file adapter for the snapshot, without its pretty-printing: half the bytes and time per compaction. */
function snapshotFile(path: string): DataFile<Snapshot> {
  return new DataFile<Snapshot>(path, { parse: JSON.parse, stringify: (data) => JSON.stringify(data) });
}
