// The database restarted under load (PostgreSQL only): 20 Telegram chats write to one server process while the
// cluster restarts. Requests the server cannot store must fail cleanly with 503 (never 500, never a 2xx for what was
// not stored), and the server must recover by itself once the database is back: new messages accepted without a
// restart, every acknowledged message answered, in order. Needs STORE=postgres, DATABASE_URL and a way to restart the
// cluster: PG_RESTART_COMMAND (run with sh -c), or PG_DATA_DIR (the throwaway cluster's data directory, restarted
// with pg_ctl, as the postgres user when run as root). Skipped otherwise.
import { afterAll, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs } from '../helpers.ts';
import { restartCommand, restartPostgres } from '../store/postgres-restart.ts';
import { allReplied, echoDataDir, inOrder, postgresSettings, postUpdate, sleep, startServerProcess, textUpdate, type ServerProcess } from './processes.ts';

const pg = postgresSettings();

const restart = restartCommand();
if (!pg || !restart) console.log('database restarted under load: skipped (set STORE=postgres, DATABASE_URL and PG_RESTART_COMMAND or PG_DATA_DIR to run it)');

let server: ServerProcess | undefined;
afterAll(async () => {
  server?.child.kill('SIGKILL');
  await cleanupDirs();
});

it.skipIf(!pg || !restart)('answers 503 while the database restarts, acknowledges only what it stored, and recovers without a restart', async () => {
  const api = await FakeBotApi.start();
  const base = 200_000_000 + Math.floor(Math.random() * 40_000) * 20;
  const chats = Array.from({ length: 20 }, (_, i) => base + i);
  server = await startServerProcess(await echoDataDir(), api, pg!);
  const statuses = new Map<number, number>();
  const next = new Map<number, number>();
  const acknowledged = new Map<number, string[]>();
  const stop = { now: false };
  const load = Promise.all(chats.map(async (chat) => {
    while (!stop.now) {
      const n = next.get(chat) ?? 1;
      const text = `c${chat}-m${n}`;
      const status = await postUpdate(server!.url, textUpdate(chat, n, text));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status === 200) {
        acknowledged.get(chat)?.push(text) ?? acknowledged.set(chat, [text]);
        next.set(chat, n + 1);
      } else {
        // Telegram sends the same update again a little later.
        await sleep(100);
      }
    }
  }));
  await sleep(1_000);
  const restarting = Date.now();
  await restartPostgres(restart);
  const restartMs = Date.now() - restarting;
  // Back: a new message of every chat is accepted within 30 s, by the same process.
  const recovered = Date.now();
  const before = new Map(chats.map((chat) => [chat, next.get(chat) ?? 1]));
  for (;;) {
    if (chats.every((chat) => (next.get(chat) ?? 1) > before.get(chat)!)) break;
    if (Date.now() - recovered > 30_000) throw new Error('the server did not accept messages again within 30 s of the database coming back');
    await sleep(100);
  }
  const recoveryMs = Date.now() - recovered;
  stop.now = true;
  await load;
  expect(server.child.exitCode, 'the server process is still running').toBeNull();
  await allReplied(api, acknowledged, 60_000);
  const counts = Object.fromEntries([...statuses].sort(([a], [b]) => a - b));
  console.log(`database restarted under load: answers by status ${JSON.stringify(counts)}, restart took ${restartMs} ms, accepting again ${recoveryMs} ms after`);
  expect(Object.keys(counts).map(Number).filter((status) => status !== 200 && status !== 503), 'only 200 (stored) and 503 (not stored, try again)').toEqual([]);
  expect(inOrder(api, acknowledged), 'every acknowledged message answered, in order').toBe(true);
  server.child.kill('SIGTERM');
  await server.exited;
  await api.close();
}, 300_000);
