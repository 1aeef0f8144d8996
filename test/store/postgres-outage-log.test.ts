// What an operator's log shows while PostgreSQL is out of reach for a while (a server process, its checks every
// second, its link to the database cut for 8 s): each job that fails at every check (the periodic check, the erases
// left to tell, the live notices connection, the room an admin gave an agent in team.yaml meanwhile, …) says so once
// when it starts failing and once when it works again, with how long it failed; before, some said it at every check,
// and an outage of an hour filled the log.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs } from '../helpers.ts';
import { echoDataDir, postUpdate, sleep, startServerProcess, textUpdate, type ServerProcess } from '../reliability/processes.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, sql } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

let server: ServerProcess | undefined;
let link: DatabaseLink | undefined;
let db: { name: string; url: string } | undefined;
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  await link?.close();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}, 60_000);

interface LogLine {
  level: number;
  msg: string;
  time: number;
  failedForMs?: number;
  attempts?: number;
}

const logLines = (output: string): LogLine[] =>
  output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);

/** The lines of the server's log from `since` on (ms). */
const linesSince = (since: number): LogLine[] => logLines(server?.output() ?? '').filter((line) => line.time >= since);

it.skipIf(!databaseUrl)('logs each failing periodic job once when PostgreSQL goes away and once when it is back', async () => {
  db = await makeDatabase();
  link = await DatabaseLink.open(databaseUrl as string);
  const api = await FakeBotApi.start();
  const dir = await echoDataDir();
  server = await startServerProcess(dir, api, { STORE: 'postgres', DATABASE_URL: link.url(db.name), SWEEP_EVERY: '1s', CONSOLE_AWAY_AFTER: '4s' });
  expect(await postUpdate(server.url, textUpdate(7101, 1, 'hello'))).toBe(200);
  await expect.poll(() => api.sentTo(7101), { timeout: 10_000 }).toEqual(['Noted nothing; next?']);
  // And its outcome recorded: a send in flight at the cut has its own lines (the first attempts, then once a minute).
  await expect.poll(() => sql("SELECT id FROM switchboard.messages WHERE status IN ('pending', 'sending')", [], db?.url), { timeout: 10_000 }).toEqual([]);
  const cutAt = Date.now();
  link.cut();
  // Meanwhile an admin adds Omar to the team: the customers waiting are his once the database answers again.
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Support]\n');
  await expect.poll(() => linesSince(cutAt).some((line) => line.msg.startsWith('could not give the customers waiting the room team.yaml gave')), { timeout: 10_000 }).toBe(true);
  // The outage lasts 8 s, about eight checks.
  await sleep(8_000 - (Date.now() - cutAt));
  link.mend();
  // The check that gives Omar his room logs that it runs again after it.
  const recovered = ['the periodic check runs again', 'the live notices connection is back'];
  await expect.poll(() => recovered.filter((msg) => !linesSince(cutAt).some((line) => line.msg === msg)), { timeout: 30_000 }).toEqual([]);
  // The customer's next message is answered: the process recovered by itself.
  expect(await postUpdate(server.url, textUpdate(7101, 2, 'again'))).toBe(200);
  await expect.poll(() => api.sentTo(7101), { timeout: 10_000 }).toEqual(['Noted nothing; next?', 'Noted again; next?']);

  const during = linesSince(cutAt);
  const warnings = during.filter((line) => line.level >= 40);
  const times = new Map<string, number>();
  for (const line of warnings) times.set(line.msg, (times.get(line.msg) ?? 0) + 1);
  // About eight checks ran while the link was cut: no message of theirs is repeated.
  expect(Object.fromEntries([...times].filter(([, count]) => count > 1))).toEqual({});
  // The periodic check says it stopped, and that it runs again, with how long and how many attempts.
  expect(warnings.map((line) => line.msg)).toContain('the periodic check could not run: queue timeouts, auto-closes and replies in doubt wait for it; each check tries again (logged again once one works)');
  const back = during.find((line) => line.msg === 'the periodic check runs again');
  expect(back).toMatchObject({ level: 30 });
  expect(back?.failedForMs).toBeGreaterThan(5_000);
  expect(back?.attempts).toBeGreaterThan(4);
  // The room given to Omar: an error once, naming him, then its end, tried at each check meanwhile.
  expect(during.filter((line) => line.msg.startsWith('could not give the customers waiting'))).toEqual([
    expect.objectContaining({ level: 50, agents: ['omar'], msg: 'could not give the customers waiting the room team.yaml gave these agents; each check tries again (logged again once it works)' }),
  ]);
  const given = during.find((line) => line.msg === 'the customers waiting are given the room team.yaml gave again');
  expect(given).toMatchObject({ level: 30 });
  expect(given?.attempts).toBeGreaterThan(4);
  expect(during.find((line) => line.msg === 'the live notices connection is back')).toMatchObject({ level: 30, attempts: expect.any(Number) });
  await api.close();
}, 90_000);
