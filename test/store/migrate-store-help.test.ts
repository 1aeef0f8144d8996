// `npm run migrate-store -- --help`: what an admin types first, before a DATABASE_URL is at hand. No database needed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
});
