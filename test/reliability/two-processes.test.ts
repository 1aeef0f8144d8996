// kill -9 of one of two processes on one PostgreSQL under load, while the other keeps serving: the same webhooks go
// to both (a load balancer's round robin; a request the dead one cannot answer goes to the other, as Telegram's
// retry or the balancer would send it); after each kill nothing acknowledged is lost, replies sent twice stay within
// the documented bound (a send in flight at the crash: at most one per chat, since a chat's replies leave one at a
// time), every chat's conversation resumes where it was, and the survivor never answered 5xx but the documented 503.
// Runs only when STORE=postgres and DATABASE_URL are set; the embedded store lets one process own DATA_DIR, and its
// kill -9 under load is test/server/replies-after-kill.test.ts (run by this suite too).
import { afterAll, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs } from '../helpers.ts';
import { allReplied, duplicates, echoDataDir, inOrder, postgresSettings, postUpdate, sleep, startServerProcess, textUpdate, type ServerProcess } from './processes.ts';

const pg = postgresSettings();
const KILLS = Number(process.env.RELIABILITY_KILLS ?? 3);
if (!pg) console.log('two processes on one PostgreSQL: skipped (set STORE=postgres and DATABASE_URL to run it)');

const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await cleanupDirs();
});

it.skipIf(!pg)('keeps serving on one process while the other is killed with SIGKILL, losing nothing acknowledged', async () => {
  const api = await FakeBotApi.start();
  // Chats of this run only: the database may hold earlier runs'.
  const base = 100_000_000 + Math.floor(Math.random() * 40_000) * 20;
  const chats = Array.from({ length: 20 }, (_, i) => base + i);
  const start = async () => {
    const server = await startServerProcess(await echoDataDir(), api, pg!);
    running.push(server);
    return server;
  };
  const servers: ServerProcess[] = [await start(), await start()];
  const next = new Map<number, number>();
  const acknowledged = new Map<number, string[]>();
  const figures: { kill: number; acknowledged: number; bySurvivor: number; survivor5xx: number; duplicated: number }[] = [];
  let duplicatedBefore = 0;

  for (let kill = 0; kill < KILLS; kill++) {
    const victim = kill % 2;
    const stop = { now: false };
    let acked = 0;
    let bySurvivor = 0;
    let survivor5xx = 0;
    let dead = false;
    const load = Promise.all(chats.map(async (chat) => {
      while (!stop.now) {
        const n = next.get(chat) ?? 1;
        const text = `c${chat}-m${n}`;
        const update = textUpdate(chat, n, text);
        // Round robin; what one cannot answer goes to the other, the same update (its id is the dedup key).
        const first = (chat + n) % 2;
        let status = 0;
        for (const target of [first, 1 - first, first, 1 - first]) {
          status = await postUpdate(servers[target]!.url, update);
          if (dead && target !== victim) {
            if (status >= 500 && status !== 503) survivor5xx++;
            if (status === 200) bySurvivor++;
          }
          if (status === 200) break;
          await sleep(50);
        }
        if (status !== 200) continue;
        acked++;
        acknowledged.get(chat)?.push(text) ?? acknowledged.set(chat, [text]);
        next.set(chat, n + 1);
      }
    }));
    await sleep(500 + Math.random() * 700);
    servers[victim]!.child.kill('SIGKILL');
    await servers[victim]!.exited;
    dead = true;
    // The survivor takes everything for a while.
    await sleep(1_500);
    stop.now = true;
    await load;
    // A process manager brings the killed one back; every acknowledged message is answered, by either.
    servers[victim] = await start();
    await allReplied(api, acknowledged, 60_000);
    const duplicated = duplicates(api, chats) - duplicatedBefore;
    duplicatedBefore += duplicated;
    figures.push({ kill: kill + 1, acknowledged: acked, bySurvivor, survivor5xx, duplicated });
    expect(survivor5xx, `kill ${kill + 1}: the survivor answered 5xx (other than 503)`).toBe(0);
    expect(bySurvivor, `kill ${kill + 1}: the survivor served while the other was dead`).toBeGreaterThan(0);
    expect(duplicated, `kill ${kill + 1}: replies sent twice, at most one send in flight per chat`).toBeLessThanOrEqual(chats.length);
  }
  expect(inOrder(api, acknowledged), 'each chat got its replies in order, the conversation resumed after every kill').toBe(true);
  console.log(`two processes, kill -9 under load (per kill: messages acknowledged, of them by the survivor while the other was dead, survivor 5xx, replies sent twice): ${JSON.stringify(figures)}`);
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await api.close();
}, 600_000);
