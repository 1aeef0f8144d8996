// Stopping while the network to PostgreSQL is frozen (packets silently dropped: no error, no close): the process
// must still stop within a bounded time, not wait for queries that will never be answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs } from '../helpers.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { createPool } from '../../src/store/postgres/pool.ts';
import { FrozenLink } from './postgres-link.ts';
import { dropDatabase, FakeBotApi, handoverDataDir, makeDatabase, post, sleep, startApp, until, update } from './postgres-two-apps.ts';

let db: { name: string; url: string };
let api: FakeBotApi;
let link: FrozenLink;
let app: Switchboard | undefined;

describe.skipIf(!databaseUrl)('stopping with the network to PostgreSQL frozen', () => {
  beforeAll(async () => {
    db = await makeDatabase();
    api = await FakeBotApi.start();
    link = await FrozenLink.open(databaseUrl as string);
    app = await startApp(await handoverDataDir(), link.url(db.name), api);
  }, 60_000);
  afterAll(async () => {
    await link?.close();
    await api?.close();
    if (db) await dropDatabase(db.name).catch(() => {});
    await cleanupDirs();
  }, 60_000);

  it('stops within seconds with messages waiting on the database; their redelivery is answered once', async () => {
    const running = app as Switchboard;
    expect(await post(running.url, update(93_000, 'hi'))).toBe(200);
    await until('the first customer asked', () => api.sentTo(93_000).includes('What do you need?'));
    link.frozen = true;
    // Messages that reach the server now wait on the frozen database.
    const chats = [93_001, 93_002, 93_003];
    const bodies = chats.map((chat) => update(chat, 'hi'));
    const waiting = bodies.map((body) => post(running.url, body));
    await sleep(500);
    const started = Date.now();
    await running.stop();
    const took = Date.now() - started;
    const statuses = await Promise.all(waiting);
    console.log(`stop took ${took} ms; the waiting webhooks answered ${JSON.stringify(statuses)}`);
    // Before: 119 s (each waited for the frozen network); npm start exits by force after 10 s.
    expect(took).toBeLessThan(9_000);
    // Nothing acknowledged that was not stored: each answered 503 (try again), none 200.
    expect(statuses).toEqual([503, 503, 503]);
    // The network comes back; Telegram redelivers to the next process: each customer is asked once.
    app = await startApp(await handoverDataDir(), db.url, api);
    for (const body of bodies) expect(await post(app.url, body)).toBe(200);
    for (const chat of chats) await until(`customer ${chat} asked`, () => api.sentTo(chat).includes('What do you need?'));
    await sleep(1_000);
    for (const chat of chats) expect(api.sentTo(chat)).toEqual(['What do you need?']);
    await app.stop();
  }, 120_000);

  it('waits for a slow channel when the database answers: nothing refused, nothing sent twice', async () => {
    link.frozen = false;
    const running = await startApp(await handoverDataDir(), link.url(db.name), api);
    app = running;
    const chats = [93_011, 93_012, 93_013];
    const bodies = chats.map((chat) => update(chat, 'hi'));
    // Telegram answers each send 7 s late: the stop outlasts its 5 s of grace waiting for them.
    api.answerAfterMs = 7_000;
    try {
      const statuses = await Promise.all(bodies.map((body) => post(running.url, body)));
      expect(statuses).toEqual([200, 200, 200]);
      await until('the replies on their way', () => chats.every((chat) => api.sentTo(chat).length > 0));
      const started = Date.now();
      await running.stop();
      console.log(`stop with a slow channel took ${Date.now() - started} ms`);
    } finally {
      api.answerAfterMs = 0;
    }
    // The next process finds nothing in doubt: each customer was asked once, and is not asked again.
    app = await startApp(await handoverDataDir(), db.url, api);
    await sleep(2_000);
    for (const chat of chats) expect(api.sentTo(chat)).toEqual(['What do you need?']);
    await app.stop();
  }, 120_000);
});

describe.skipIf(!databaseUrl)("the store's sessions", () => {
  // The cluster of the tests listens on a Unix socket, where the server ignores keepalives (it shows 0): what is
  // checked is that each session asks for them, which PostgreSQL applies on TCP.
  it('ask the server for TCP keepalives, so that a session cut without its knowing goes within a minute, with its locks', async () => {
    const pool = createPool({ url: databaseUrl as string, schema: 'public', max: 1, applicationName: 'keepalive check' }, () => {});
    try {
      const { rows } = await pool.query<{ name: string; source: string; reset_val: string }>(
        "SELECT name, source, reset_val FROM pg_settings WHERE name LIKE 'tcp_keepalives_%' ORDER BY name",
      );
      expect(rows).toEqual([
        { name: 'tcp_keepalives_count', source: 'client', reset_val: '3' },
        { name: 'tcp_keepalives_idle', source: 'client', reset_val: '30' },
        { name: 'tcp_keepalives_interval', source: 'client', reset_val: '10' },
      ]);
    } finally {
      await pool.end();
    }
  });
});
