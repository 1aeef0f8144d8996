// `npm run migrate-store [-- --force]`: copies the embedded store under DATA_DIR (default ./data) into the PostgreSQL
// database DATABASE_URL names, then compares the counts, and marks the embedded store copied. Stop Switchboard first:
// the embedded store's lock refuses a second process. An empty target is required unless --force, which replaces
// what it holds.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { endQuietlyWhenOutputCloses } from '../../shared/quiet-pipe.ts';
import { COPIED_MARK, copiedMark, databaseName, markCopied } from '../copied-mark.ts';
import { StoreLockedError, StoreUnavailableError } from '../errors.ts';
import { LowdbStore } from '../lowdb.ts';
import { REF } from '../media.ts';
import { copyToPostgres, CopyError, describe } from './copy.ts';
import { storeError } from './pool.ts';

const USAGE = 'usage: DATABASE_URL=postgresql://… [DATA_DIR=./data] npm run migrate-store [-- --force]';
const HELP = [
  USAGE,
  'Copies the embedded store under DATA_DIR (DATA_DIR/store) into the empty PostgreSQL database DATABASE_URL names, in',
  'one transaction, compares the counts, and marks the embedded store copied (DATA_DIR/store/COPIED.json). Stop',
  'Switchboard first. --force replaces what the database holds. Then start Switchboard with STORE=postgres and that',
  'DATABASE_URL (README: Scaling out on PostgreSQL).',
].join('\n');

/**
 * Runs the command; returns the exit code. Output goes through `print`.
 *
 *     await migrateStore(['--force'], { DATA_DIR: 'data', DATABASE_URL: url }, console.log);
 */
export async function migrateStore(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  let force: boolean;
  try {
    const { values } = parseArgs({ args: argv, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      print(HELP);
      return 0;
    }
    force = Boolean(values.force);
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = env.DATABASE_URL;
  if (!url) {
    print(`DATABASE_URL is not set: say which PostgreSQL database to copy into.\n${USAGE}`);
    return 2;
  }
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const dir = join(dataDir, 'store');
  // Opening makes a store where there is none: a mistyped DATA_DIR would "copy" an empty one.
  if (!(await holdsStore(dir))) {
    print(`there is no embedded store in ${dir}; nothing was copied (is DATA_DIR right? the embedded store is DATA_DIR/store, made at Switchboard's first start)`);
    return 1;
  }
  const started = performance.now();
  const into = databaseName(url);
  let source: LowdbStore | undefined;
  // Called once the database is found fit: a large store takes a while to read (its journal replayed) and to copy,
  // so it says what is going on meanwhile.
  const open = async (): Promise<LowdbStore> => {
    const earlier = await copiedMark(dir).catch(() => undefined);
    if (earlier) {
      print(`the embedded store in ${dir} was copied before, into ${earlier.into ?? 'PostgreSQL'}${earlier.copiedAt ? ` at ${earlier.copiedAt}` : ''}: what customers wrote there since is not in it, nor in this copy.`);
    }
    print(`reading the embedded store in ${dir}…`);
    const store = new LowdbStore({ dir });
    try {
      await store.open();
    } catch (error) {
      const hint = error instanceof StoreLockedError ? '' : ` (is DATA_DIR right? the embedded store is DATA_DIR/store)`;
      throw new CopyError(`cannot open the embedded store in ${dir}: ${(error as Error).message}${hint}`);
    }
    source = store;
    print(`copying it into PostgreSQL, ${into}, in one transaction…`);
    return store;
  };
  let told = performance.now();
  const progress = (messages: number, of: number) => {
    if (performance.now() - told < PROGRESS_EVERY_MS) return;
    told = performance.now();
    print(`  ${messages} of ${of} messages copied, nothing committed yet…`);
  };
  try {
    const report = await copyToPostgres(open, { url, force, legacyFlowVersionsDir: join(dir, 'flow-versions'), progress });
    print(`copied ${describe(report.source)} from ${dir} into PostgreSQL in ${duration(performance.now() - started)}; counted there: ${describe(report.target)}`);
    if (report.withoutChannelId > 0) {
      print(`${report.withoutChannelId} inbound messages were copied without their id on the channel: each differed from another's only by a NUL or a lone surrogate, which PostgreSQL cannot tell apart (a repeat delivery of those is no longer recognised).`);
    }
    if (report.vacuumFailed) print(`The copy is committed, but VACUUM (ANALYZE) of its tables failed (${report.vacuumFailed}): run it in psql before the first start, or let autovacuum do it.`);
    const marked = await markCopied(dir, { copiedAt: new Date().toISOString(), into }).then(() => true, (error: Error) => {
      print(`Could not mark ${dir} as copied (${error.message}): do not start Switchboard on the embedded store again.`);
      return false;
    });
    print('Next:');
    print(`  start Switchboard with STORE=postgres and this DATABASE_URL (every process, with the same flows, team.yaml and nlp/ as ${dataDir}).`);
    const media = await filesIn(join(dataDir, 'media'));
    if (media > 0) print(`  the ${media === 1 ? 'file' : `${media} files`} customers and agents sent stay in ${join(dataDir, 'media')}: give every process that directory (storage they share), or they cannot show them.`);
    if (marked) print(`  ${dir} is kept as it was, marked copied (${COPIED_MARK}): Switchboard refuses to start on it again, which would serve customers from before the copy.`);
    return 0;
  } catch (error) {
    if (error instanceof CopyError) {
      print(error.message);
      return 1;
    }
    print(failure(error, into));
    return 1;
  } finally {
    await source?.close();
  }
}

/** SQLSTATEs of a user who may not create the schema or write (`insufficient_privilege`), or of a read-only server. */
const CANNOT_WRITE = new Set(['42501', '25006']);

/** What a copy that failed tells the operator: nothing committed, and what to look at. */
function failure(error: unknown, into: string): string {
  const message = (error as Error).message;
  if (storeError(error, 'the copy') instanceof StoreUnavailableError) {
    return `PostgreSQL, ${into}, is out of reach (${message}); nothing was committed. Is DATABASE_URL right, is the server up, and does it accept connections from this host? Run again once it does.`;
  }
  const code = (error as { code?: string }).code ?? '';
  if (code === '3D000') return `PostgreSQL has no ${into} (${message}); nothing was copied. Create it first (createdb, or CREATE DATABASE in psql), or correct DATABASE_URL.`;
  if (code.startsWith('28')) return `PostgreSQL refused the user of DATABASE_URL on ${into} (${message}); nothing was copied. Check the user and password in DATABASE_URL.`;
  if (CANNOT_WRITE.has(code)) {
    return `PostgreSQL, ${into}, refused to write (${message}); nothing was committed. The copy needs a primary server that accepts writes, and a user in DATABASE_URL who may create the schema switchboard (CREATE on the database) or owns it.`;
  }
  return `the copy failed and nothing was committed: ${message}`;
}

/** How often a long copy says how far it is. */
const PROGRESS_EVERY_MS = 10_000;

/** "850 ms", "12.4 s", "3 min 05 s". */
function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * How many files customers and agents sent `dir` (DATA_DIR/media) holds; 0 when it is missing. Each is its bytes,
 * named by its ref, and a `.json` of what it is, counted once; a `.part` an interrupted upload left is none.
 */
async function filesIn(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && REF.test(entry.name)).length;
}

/** Whether `dir` holds an embedded store's files: its journal, its snapshot or its messages archive. */
async function holdsStore(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((name) => name === 'journal.jsonl' || name === 'state.json' || name === 'messages.jsonl');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  endQuietlyWhenOutputCloses();
  process.exitCode = await migrateStore(process.argv.slice(2), process.env, (line) => console.log(line));
}
