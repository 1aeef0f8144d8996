// What an operator's log shows while PostgreSQL is out of reach for a while (a server process, its checks every
// second, its link to the database cut for 8 s): each job that fails at every check (the periodic check, the erases
// left to tell, the live notices connection, …) says so once when it starts failing and once when it works again,
// with how long it failed; before, some said it at every check, and an outage of an hour filled the log.
import { afterAll, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs } from '../helpers.ts';
import { echoDataDir, postUpdate, sleep, startServerProcess, textUpdate, type ServerProcess } from '../reliability/processes.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

let server: ServerProcess | undefined;
let link: DatabaseLink | undefined;
let db: { name: string } | undefined;
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

it.skipIf(!databaseUrl)('logs each failing periodic job once when PostgreSQL goes away and once when it is back', async () => {
  db = await makeDatabase();
  link = await DatabaseLink.open(databaseUrl as string);
  const api = await FakeBotApi.start();
  server = await startServerProcess(await echoDataDir(), api, { STORE: 'postgres', DATABASE_URL: link.url(db.name), SWEEP_EVERY: '1s', CONSOLE_AWAY_AFTER: '4s' });
  expect(await postUpdate(server.url, textUpdate(7101, 1, 'hello'))).toBe(200);
  await sleep(2_500);
  const cutAt = Date.now();
  link.cut();
  await sleep(8_000);
  link.mend();
  await sleep(5_000);
  // The customer's next message is answered: the process recovered by itself.
  expect(await postUpdate(server.url, textUpdate(7101, 2, 'again'))).toBe(200);
  for (let waited = 0; api.sentTo(7101).length < 2 && waited < 10_000; waited += 200) await sleep(200);
  expect(api.sentTo(7101)).toEqual(['Noted nothing; next?', 'Noted again; next?']);

  const during = logLines(server.output()).filter((line) => line.time >= cutAt);
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
  expect(during.find((line) => line.msg === 'the live notices connection is back')).toMatchObject({ level: 30, attempts: expect.any(Number) });
  await api.close();
}, 90_000);
