// `npm run migrate-store -- --help`, what an admin types first, before a DATABASE_URL is at hand, and the counts the
// copy prints. No database needed.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describe as counted } from '../../src/store/postgres/copy.ts';
import { migrateStore } from '../../src/store/postgres/migrate-store.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run migrate-store -- --help', () => {
  it('prints the usage and what the copy does, and succeeds, without DATABASE_URL', async () => {
    for (const ask of [['--help'], ['-h']]) {
      const lines: string[] = [];
      expect(await migrateStore(ask, {}, (line) => lines.push(line))).toBe(0);
      const output = lines.join('\n');
      expect(output).not.toMatch(/Unknown option|DATABASE_URL is not set/);
      expect(output).toMatch(/^usage: DATABASE_URL=postgresql:\/\/… \[DATA_DIR=\.\/data\] npm run migrate-store \[-- --force\]$/m);
      expect(output).toMatch(/Stop\s+Switchboard first/);
      expect(output).toMatch(/STORE=postgres/);
    }
  });

  it('answers so from the command line, exit code 0', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/store/postgres/migrate-store.ts', '--help'], {
      cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000,
    });
    expect(run.stdout).toMatch(/^usage: DATABASE_URL=postgresql/);
    expect(run.status).toBe(0);
  }, 90_000);

  it('ends quietly piped into a reader that stops early (| head -1), exit code 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/store/postgres/migrate-store.ts', '--help'], {
      cwd: root, env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.destroy();
    const [code] = (await once(child, 'exit')) as [number | null];
    // Before: "Error: write EPIPE", an unhandled 'error' event.
    expect(errors).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 90_000);
});

describe('what npm run migrate-store says it copied', () => {
  it('counts one of a kind in the singular, as an admin trying it on a small store reads it', () => {
    expect(counted({ contacts: 1, conversations: 1, messages: 5, docs: 7 })).toBe('1 contact, 1 conversation, 5 messages, 7 documents');
    expect(counted({ contacts: 0, conversations: 2, messages: 1, docs: 1 })).toBe('0 contacts, 2 conversations, 1 message, 1 document');
  });
});
