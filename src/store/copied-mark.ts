// The mark `npm run migrate-store` leaves in an embedded store it copied into PostgreSQL (`COPIED.json` beside the
// journal): a Switchboard started on that store again (STORE left at its default, a rollback) would serve customers
// from before the copy and send the replies still waiting in it a second time, so the start refuses and says why.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The mark's file in the embedded store's directory. */
export const COPIED_MARK = 'COPIED.json';

/** What the mark says: when the copy was committed, and where it went (the database, never its credentials). */
export interface CopiedMark {
  copiedAt: string;
  /** `database "switchboard" on db.internal:5432`, as `databaseName` gives it. */
  into: string;
}

/**
 * Leaves the mark in `dir` (the embedded store's directory), written whole.
 *
 *     await markCopied('data/store', { copiedAt: new Date().toISOString(), into: databaseName(url) });
 */
export async function markCopied(dir: string, mark: CopiedMark): Promise<void> {
  const file = join(dir, COPIED_MARK);
  await writeFile(`${file}.tmp`, `${JSON.stringify(mark, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/**
 * The mark in `dir`, or undefined when there is none. A mark that cannot be read still counts: it is there.
 *
 *     const mark = await copiedMark('data/store');
 */
export async function copiedMark(dir: string): Promise<Partial<CopiedMark> | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, COPIED_MARK), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CopiedMark> | null;
    return parsed !== null && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * A PostgreSQL URL as a person may read it in a log or on a terminal: the database and where it is, without the
 * user or password.
 *
 *     databaseName('postgresql://sb:secret@db.internal:5432/switchboard') // 'database "switchboard" on db.internal:5432'
 */
export function databaseName(url: string): string {
  try {
    const parsed = new URL(url);
    const socket = parsed.searchParams.get('host');
    const where = socket ?? (parsed.host || 'localhost');
    return `database "${decodeURIComponent(parsed.pathname.slice(1)) || '(the user\'s default)'}" on ${where}`;
  } catch {
    return 'the database DATABASE_URL names';
  }
}
