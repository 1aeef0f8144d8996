// Reading the embedded store's snapshot (state.json) a piece at a time. Parsed whole, the snapshot of a store with a
// long history (at a million messages, 40 MB of text: 150,000 contacts and conversations) was one string and all of
// its objects live at once, some 95 MB of heap, which V8 then kept as garbage after the store opened.
import { open, type FileHandle } from 'node:fs/promises';

const chunkBytes = 1 << 20;
const [openBrace, closeBrace, openBracket, closeBracket, quote, backslash] = ['{', '}', '[', ']', '"', '\\'].map((c) => c.charCodeAt(0));

/** The snapshot's lists, handed out item by item. */
export type SnapshotList = 'contacts' | 'conversations' | 'docs';
const lists = new Set<string>(['contacts', 'conversations', 'docs']);

/**
 * Reads the JSON object in `path`, handing each item of its `contacts`, `conversations` and `docs` lists to `onItem`
 * as soon as it is parsed, after `onHead` has seen the fields written before the first list; returns the object with
 * those lists empty. Undefined when there is no such file, or it is not such an object (invalid JSON, a list of
 * something else than objects and arrays): the caller reads it whole then, to say where it is wrong. Items may have
 * been handed out by then.
 *
 *     const head = await readSnapshotItems(path, (head) => check(head), (list, item) => restore(list, item));
 */
export async function readSnapshotItems(
  path: string,
  onHead: (head: Record<string, unknown>) => void,
  onItem: (list: SnapshotList, item: unknown) => void,
): Promise<Record<string, unknown> | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // The top-level object with each list's items left out; the item being read, when it spans chunks.
  const head: Buffer[] = [];
  let item: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let list: SnapshotList | undefined;
  let headSeen = false;
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunkBytes, null);
      if (bytesRead === 0) break;
      const data = chunk.subarray(0, bytesRead);
      // Where the part of `data` that goes to the head, or to the item, starts.
      let from = 0;
      for (let at = 0; at < data.length; at++) {
        const byte = data[at] as number;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === backslash) escaped = true;
          else if (byte === quote) inString = false;
          continue;
        }
        // Between the items of a list: only separators, and objects or arrays.
        if (depth === 2 && list !== undefined && byte > 0x20 && byte !== 0x2c && byte !== openBrace && byte !== openBracket && byte !== closeBracket) return undefined;
        if (byte === quote) {
          inString = true;
        } else if (byte === openBrace || byte === openBracket) {
          depth++;
          if (depth === 2 && byte === openBracket) {
            const text = Buffer.concat([...head, data.subarray(from, at)]).toString('utf8');
            const key = /"([a-z]+)"\s*:\s*$/.exec(text)?.[1];
            if (key === undefined || !lists.has(key)) continue;
            list = key as SnapshotList;
            if (!headSeen) {
              headSeen = true;
              const fields = parseObject(`${text.replace(/,?\s*"[a-z]+"\s*:\s*$/, '')}}`);
              if (fields === undefined) return undefined;
              onHead(fields);
            }
            // Copied, as below: `chunk` is reused by the next read.
            head.push(Buffer.from(data.subarray(from, at + 1)));
            from = at + 1;
          } else if (depth === 3 && list !== undefined) {
            // An item starts: what is before it (a comma, spaces) is left out.
            from = at;
            item = [];
          }
        } else if (byte === closeBrace || byte === closeBracket) {
          depth--;
          if (depth === 2 && list !== undefined) {
            let value: unknown;
            try {
              value = JSON.parse(Buffer.concat([...item, data.subarray(from, at + 1)]).toString('utf8'));
            } catch {
              return undefined;
            }
            onItem(list, value);
            item = [];
            from = at + 1;
          } else if (depth === 1 && list !== undefined) {
            list = undefined;
            from = at;
          }
        }
      }
      if (list !== undefined && depth >= 3) item.push(Buffer.from(data.subarray(from)));
      else if (list === undefined) head.push(Buffer.from(data.subarray(from)));
    }
  } finally {
    await file.close();
  }
  if (depth !== 0 || inString || !headSeen) return undefined;
  return parseObject(Buffer.concat(head).toString('utf8'));
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
