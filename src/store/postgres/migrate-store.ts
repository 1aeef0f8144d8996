// `npm run migrate-store [-- --force]`: copies the embedded store under DATA_DIR (default ./data) into the PostgreSQL
// database DATABASE_URL names, then compares the counts. Stop Switchboard first: the embedded store's lock refuses
// a second process. An empty target is required unless --force, which replaces what it holds.
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { StoreLockedError } from '../errors.ts';
import { LowdbStore } from '../lowdb.ts';
import { copyToPostgres, CopyError, describe } from './copy.ts';

const USAGE = 'usage: DATABASE_URL=postgresql://… [DATA_DIR=./data] npm run migrate-store [-- --force]';

/**
 * Runs the command; returns the exit code. Output goes through `print`.
 *
 *     await migrateStore(['--force'], { DATA_DIR: 'data', DATABASE_URL: url }, console.log);
 */
export async function migrateStore(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  let force: boolean;
  try {
    force = Boolean(parseArgs({ args: argv, options: { force: { type: 'boolean' } } }).values.force);
  } catch (error) {
    print(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = env.DATABASE_URL;
  if (!url) {
    print(`DATABASE_URL is not set: say which PostgreSQL database to copy into.\n${USAGE}`);
    return 2;
  }
  const dir = join(resolve(env.DATA_DIR ?? './data'), 'store');
  // Opening makes a store where there is none: a mistyped DATA_DIR would "copy" an empty one.
  if (!(await holdsStore(dir))) {
    print(`there is no embedded store in ${dir}; nothing was copied (is DATA_DIR right? the embedded store is DATA_DIR/store, made at Switchboard's first start)`);
    return 1;
  }
  const source = new LowdbStore({ dir });
  try {
    await source.open();
  } catch (error) {
    const hint = error instanceof StoreLockedError ? '' : ` (is DATA_DIR right? the embedded store is DATA_DIR/store)`;
    print(`cannot open the embedded store in ${dir}: ${(error as Error).message}${hint}`);
    return 1;
  }
  try {
    const report = await copyToPostgres(source, { url, force, legacyFlowVersionsDir: join(dir, 'flow-versions') });
    print(`copied ${describe(report.source)} from ${dir} into PostgreSQL; counted there: ${describe(report.target)}`);
    if (report.withoutChannelId > 0) {
      print(`${report.withoutChannelId} inbound messages were copied without their id on the channel: each differed from another's only by a NUL or a lone surrogate, which PostgreSQL cannot tell apart (a repeat delivery of those is no longer recognised).`);
    }
    if (report.vacuumFailed) print(`The copy is committed, but VACUUM (ANALYZE) of its tables failed (${report.vacuumFailed}): run it in psql before the first start, or let autovacuum do it.`);
    print('Start Switchboard with STORE=postgres and this DATABASE_URL to use it.');
    return 0;
  } catch (error) {
    if (error instanceof CopyError) {
      print(error.message);
      return 1;
    }
    print(`the copy failed and nothing was committed: ${(error as Error).message}`);
    return 1;
  } finally {
    await source.close();
  }
}

/** Whether `dir` holds an embedded store's files: its journal, its snapshot or its messages archive. */
async function holdsStore(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.some((name) => name === 'journal.jsonl' || name === 'state.json' || name === 'messages.jsonl');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await migrateStore(process.argv.slice(2), process.env, (line) => console.log(line));
}
