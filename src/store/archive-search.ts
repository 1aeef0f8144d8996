// The embedded store's search of what was said: the messages archive read from its end back in large chunks, the
// text looked for in each chunk's bytes at once, and only the lines it appears in decoded. Reading every transcript one
// conversation at a time took 11 s at 1,000,000 messages (one read of the archive per conversation, and every
// message read joined the recent ones in memory).
import type { FileHandle } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Message } from './types.ts';

/** Bytes read at a time; a turn of the event loop between two. */
const CHUNK_BYTES = 1024 * 1024;
const TEXT_KEY = '"text":"';
const CONVERSATION_KEY = '"conversationId":';
const TO_AGENT = '"toAgent":true';

/**
 * Adds to `found` the conversation of every line of the first `end` bytes of `handle` (a messages archive, one JSON
 * message a line) whose text, lower-cased, contains `text` (lower-case); not for a copy relayed to an agent. It may
 * add more than those (a line's older version, a `text` key inside the message): the caller confirms each in the
 * transcript. It adds none fewer. The archive is read from its end back, the newest lines first; after each chunk,
 * `enough(from)` is asked with the offset from which every line has been read, and a true answer ends the search.
 *
 *     const found = new Set<number>();
 *     await searchArchive(await open('messages.jsonl'), size, 'refund', found, () => false);
 */
export async function searchArchive(handle: FileHandle, end: number, text: string, found: Set<number>, enough: (from: number) => boolean): Promise<void> {
  const needle = byteNeedle(text);
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let lowered = Buffer.allocUnsafe(CHUNK_BYTES);
  // The start of the chunk read before (later in the file), up to its first newline: the rest of a line this chunk cuts.
  let carried = Buffer.alloc(0);
  for (let position = end; position > 0; ) {
    const start = Math.max(0, position - CHUNK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, position - start, start);
    if (bytesRead < position - start) throw new Error(`the messages archive ends before byte ${position}`);
    position = start;
    const bytes = carried.length > 0 ? Buffer.concat([buffer.subarray(0, bytesRead), carried]) : buffer.subarray(0, bytesRead);
    // Whole lines only (a newline byte is never inside a UTF-8 character): the first one may begin in the chunk before.
    const newline = start > 0 ? bytes.indexOf(10) : -1;
    const cut = start === 0 ? 0 : newline < 0 ? bytes.length : newline + 1;
    if (lowered.length < bytes.length - cut) lowered = Buffer.allocUnsafe(bytes.length - cut);
    searchChunk(bytes.subarray(cut), lowered, text, needle, found);
    carried = Buffer.from(bytes.subarray(0, cut));
    if (enough(start + cut)) return;
    await nextTurn();
  }
}

/**
 * `text` as it is in a line's bytes, with ASCII letters lower-cased (`undefined` when it cannot be looked for so):
 * escaped as JSON writes it, encoded as UTF-8. For a text without letters beyond ASCII that have a case, a line
 * whose text contains it lower-cased contains these bytes once its ASCII letters are lower-cased (but for İ and the
 * Kelvin sign, whose lines `searchChunk` checks whole). A text with such a letter, or half a surrogate pair, is looked
 * for line by line.
 */
function byteNeedle(text: string): Buffer | undefined {
  // Nothing to look for is in every line: line by line (a buffer's indexOf of nothing never runs out of places).
  if (text === '') return undefined;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if ((code >= 0xd800 && code <= 0xdfff) || (code >= 128 && (char.toUpperCase() !== char || char.toLowerCase() !== char))) return undefined;
  }
  const needle = Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
  lowerAscii(needle, needle, needle.length);
  return needle;
}

/** Copies the first `length` bytes of `from` to `to`, ASCII capitals made small (1 ms a megabyte: a string's toLowerCase took 7). */
function lowerAscii(from: Uint8Array, to: Uint8Array, length: number): void {
  for (let i = 0; i < length; i++) {
    const byte = from[i] as number;
    to[i] = byte - 65 < 26 && byte >= 65 ? byte | 32 : byte;
  }
}

/** The only letters beyond ASCII whose lower case has ASCII letters (İ: i and a dot above; the Kelvin sign: k). */
const DOTTED_CAPITAL_I = Buffer.from('\u0130', 'utf8');
const KELVIN_SIGN = Buffer.from('\u212a', 'utf8');

function searchChunk(bytes: Buffer, lowered: Buffer, text: string, needle: Buffer | undefined, found: Set<number>): void {
  if (needle === undefined) {
    const chunk = bytes.toString('utf8');
    for (let start = 0; start < chunk.length; ) {
      const stop = lineEnd(chunk, start);
      searchLine(chunk.slice(start, stop), text, found);
      start = stop + 1;
    }
    return;
  }
  // The lines with İ or the Kelvin sign are decoded and checked whole, the others where the bytes are found.
  for (const letter of [DOTTED_CAPITAL_I, KELVIN_SIGN]) searchLinesWith(bytes, bytes, letter, text, found);
  lowerAscii(bytes, lowered, bytes.length);
  searchLinesWith(bytes, lowered.subarray(0, bytes.length), needle, text, found);
}

/** Decodes and checks each line of `bytes` in which `sought` appears in `searched` (the bytes, or a copy as long). */
function searchLinesWith(bytes: Buffer, searched: Buffer, sought: Buffer, text: string, found: Set<number>): void {
  for (let hit = searched.indexOf(sought); hit >= 0; ) {
    const start = bytes.lastIndexOf(10, hit) + 1;
    const next = bytes.indexOf(10, hit);
    const stop = next < 0 ? bytes.length : next;
    searchLine(bytes.toString('utf8', start, stop), text, found);
    hit = searched.indexOf(sought, stop + 1);
  }
}

/** Adds to `found` the conversation of each message of `messages` (held in memory) whose text contains `text`. */
export function searchMessages(messages: Iterable<Message>, text: string, found: Set<number>): void {
  for (const message of messages) {
    if (message.conversationId !== undefined && !message.toAgent && message.text.toLowerCase().includes(text)) found.add(message.conversationId);
  }
}

function lineEnd(chunk: string, from: number): number {
  const stop = chunk.indexOf('\n', from);
  return stop < 0 ? chunk.length : stop;
}

/** Adds the line's conversation if one of its `text` strings, decoded and lower-cased, contains `text`. */
function searchLine(line: string, text: string, found: Set<number>): void {
  const at = line.indexOf(CONVERSATION_KEY);
  if (at < 0) return;
  // The message's own, unless a value inside it has that key too: then the line is read whole.
  const conversationId = line.includes(CONVERSATION_KEY, at + 1)
    ? (JSON.parse(line) as Partial<Message>).conversationId
    : Number.parseInt(line.slice(at + CONVERSATION_KEY.length, at + CONVERSATION_KEY.length + 20), 10);
  if (conversationId === undefined || !Number.isSafeInteger(conversationId) || found.has(conversationId)) return;
  // A copy relayed to an agent is not what was said in the conversation.
  if (line.includes(TO_AGENT) && (JSON.parse(line) as Partial<Message>).toAgent) return;
  for (let key = line.indexOf(TEXT_KEY); key >= 0; key = line.indexOf(TEXT_KEY, key + 1)) {
    let said: string | undefined;
    try {
      said = stringAt(line, key + TEXT_KEY.length - 1);
    } catch {
      // Not JSON as the store writes it: the transcript decides.
    }
    if (said === undefined || said.toLowerCase().includes(text)) {
      found.add(conversationId);
      return;
    }
  }
}

/**
 * The JSON string whose opening quote is at `start` of `text` (JSON as JSON.stringify writes it), decoded: sliced as
 * it is when it has no escapes, parsed when it has.
 *
 *     stringAt('{"a":"x\\"y"}', 5); // 'x"y'
 */
export function stringAt(text: string, start: number): string {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    // A quote after an odd number of backslashes is escaped: the string goes on.
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) break;
    end = text.indexOf('"', end + 1);
  }
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}
