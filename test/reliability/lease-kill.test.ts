// kill -9 of the process that holds the periodic check's lease (real processes on one PostgreSQL). A queued
// customer's assign timeout and an agent's conversation's auto-close fall due while the holder is dead: the survivor
// takes the lease and each fires once; the killed process, restarted, fires nothing again.
// - checks every 3 s (SWEEP_EVERY), so that the lease lasts 6 s: the survivor's checks, the killed process back;
// - checks every 30 s (the default), the lease a minute: PostgreSQL ends the killed process's session, and with it the
//   lock its store held; the survivor, waiting for that lock, takes the lease at once, and the timeouts fire when due,
//   not up to a minute late. Two live processes never both hold it;
// - the holder alive, the connection holding its lock cut (pg_terminate_backend): the lease passes at most once, and
//   each timeout due afterwards fires once (the holder stops its run once it lost that lock).
// Runs only when STORE=postgres and DATABASE_URL are set; about 40 s, 60 s and 30 s. The timers fall due 10 s after they are set.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { sql } from '../store/postgres-helpers.ts';
import { dropDatabase, makeDatabase } from '../store/postgres-two-apps.ts';
import { postgresSettings, postUpdate, sleep, startServerProcess, type ServerProcess } from './processes.ts';

const pg = postgresSettings();
if (!pg) console.log('the lease holder killed: skipped (set STORE=postgres and DATABASE_URL to run it)');

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    save: conversation.need
  - assign: { team: "{{conversation.need}}" }
    queued: "Please wait."
    timeout: 10s
    on_timeout: goto:late
  - say: "Back with the bot."
  - id: late
    say: "Sorry, nobody is free."
`;
const team = `teams:
  - name: Support
  - name: Sales
agents:
  - name: Omar
    telegram: 9001
    teams: [Support]
    max_open: 5
  - name: Sara
    telegram: 9002
    teams: [Sales]
`;
// Sara never comes online: the Sales customer waits in its queue until the timeout (a team without agents would pass
// them to Support, where Omar takes them).
const OMAR = 9001;
const QUEUED = 70_001;
const ASSIGNED = 70_002;

const running: ServerProcess[] = [];
const databases: string[] = [];
afterAll(async () => {
  for (const server of running) server.child.kill('SIGKILL');
  await Promise.all(running.map((server) => server.exited));
  for (const name of databases) await dropDatabase(name);
  await cleanupDirs();
});

let n = 0;
const text = (chat: number, body: string) => ({
  update_id: 7_000_000 + ++n,
  message: { message_id: n, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Layla' }, from: { id: chat, is_bot: false, first_name: 'Layla' }, text: body },
});

/** A database, the fake Bot API, and server processes on them checking every `sweepEvery`; `lease()`: the sweeper's. */
async function processes(sweepEvery: string) {
  const db = await makeDatabase();
  databases.push(db.name);
  const url = db.url;
  const api = await FakeBotApi.start();
  const sentTo = (chat: number) => api.sentTo(chat).map((t) => t.replace(/[\u2066-\u2069]/g, ''));
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong]\n  tech_support: [the app crashes, I cannot log in, the page is blank]\n');
  const env = { STORE: 'postgres', DATABASE_URL: url, AUTO_CLOSE_AFTER: '10s', SWEEP_EVERY: sweepEvery };
  const start = async () => {
    const server = await startServerProcess(dir, api, env);
    running.push(server);
    return server;
  };
  const lease = async () =>
    (await sql<{ value: { owner: string; instance?: number } | null }>("SELECT value FROM switchboard.docs WHERE collection = 'leases' AND key = 'sweeper'", [], url))[0]?.value ?? undefined;
  const holder = async () => (await lease())?.owner;
  return { url, api, sentTo, start, lease, holder };
}

it.skipIf(!pg)('fires a queue timeout and an auto-close once when the process holding the lease is killed', async () => {
  const { api, sentTo, start, holder } = await processes('3s');

  const a = await start();
  for (let waited = 0; !(await holder()); waited += 500) {
    if (waited > 45_000) throw new Error('the first process never took the lease');
    await sleep(500);
  }
  const b = await start();
  expect(await postUpdate(b.url, text(OMAR, '/online'))).toBe(200);
  for (const [chat, need] of [[QUEUED, 'Sales'], [ASSIGNED, 'Support']] as const) {
    expect(await postUpdate(b.url, text(chat, 'hi'))).toBe(200);
    expect(await postUpdate(b.url, text(chat, need))).toBe(200);
  }
  // Omar answers: the idle close counts only when the agent spoke last.
  expect(await postUpdate(b.url, text(OMAR, 'Hello, how can I help?'))).toBe(200);
  await sleep(1_000);
  expect(sentTo(QUEUED)).toEqual(['Which team?', 'Please wait.']);
  expect(sentTo(ASSIGNED)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?']);

  const leaseBefore = await holder();
  a.child.kill('SIGKILL');
  await a.exited;
  const killedAt = Date.now();
  // Neither had fallen due while the holder lived: what fires now is the survivor's doing.
  expect(sentTo(QUEUED)).toEqual(['Which team?', 'Please wait.']);
  expect(sentTo(ASSIGNED)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?']);
  const autoClosed = (t: string) => t.startsWith('This conversation was closed after a while');
  while (!(sentTo(QUEUED).includes('Sorry, nobody is free.') && sentTo(ASSIGNED).some(autoClosed)) && Date.now() - killedAt < 60_000) await sleep(500);
  const resumedAfter = (Date.now() - killedAt) / 1000;
  expect(await holder()).not.toBe(leaseBefore);

  // The killed process comes back; both run their checks (every 3 s) three times or more.
  await start();
  await sleep(10_000);
  console.log(`lease holder killed: the survivor fired the timers ${resumedAfter.toFixed(0)} s later`);
  expect(sentTo(QUEUED)).toEqual(['Which team?', 'Please wait.', 'Sorry, nobody is free.']);
  expect(sentTo(ASSIGNED)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?', 'This conversation was closed after a while without news. Write to us any time.']);
  expect(sentTo(OMAR).filter((t) => /was closed after/.test(t))).toHaveLength(1);
  await api.close();
}, 180_000);

it.skipIf(!pg)('takes the timers over as soon as the holder is killed, not once its lease of a minute runs out, and never while it lives', async () => {
  const { api, sentTo, start, holder } = await processes('30s');
  const [queued, assigned] = [QUEUED + 10, ASSIGNED + 10];

  const a = await start();
  for (let waited = 0; !(await holder()); waited += 500) {
    if (waited > 45_000) throw new Error('the first process never took the lease');
    await sleep(500);
  }
  const leaseOfA = await holder();
  const b = await start();
  // Both live for a while: the second never takes the lease from the first.
  await sleep(3_000);
  expect(await holder()).toBe(leaseOfA);
  expect(await postUpdate(b.url, text(OMAR, '/online'))).toBe(200);
  const setAt = Date.now();
  for (const [chat, need] of [[queued, 'Sales'], [assigned, 'Support']] as const) {
    expect(await postUpdate(b.url, text(chat, 'hi'))).toBe(200);
    expect(await postUpdate(b.url, text(chat, need))).toBe(200);
  }
  expect(await postUpdate(b.url, text(OMAR, 'Hello, how can I help?'))).toBe(200);
  await sleep(1_000);
  expect(sentTo(queued)).toEqual(['Which team?', 'Please wait.']);
  expect(sentTo(assigned)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?']);
  a.child.kill('SIGKILL');
  await a.exited;

  const autoClosed = (t: string) => t.startsWith('This conversation was closed after a while');
  while (!(sentTo(queued).includes('Sorry, nobody is free.') && sentTo(assigned).some(autoClosed)) && Date.now() - setAt < 75_000) await sleep(250);
  const firedAfter = (Date.now() - setAt) / 1000;
  console.log(`lease holder killed (lease of a minute): the survivor fired the timers due 10 s after they were set ${firedAfter.toFixed(1)} s after`);
  // Due 10 s after they were set (the updates took a moment): on time, give or take the machine's load.
  expect(firedAfter).toBeLessThan(20);
  expect(await holder()).not.toBe(leaseOfA);
  expect(b.output()).toContain('the process holding the timers\' lease is gone; this one takes them over now');

  // The killed process comes back: the survivor, alive, keeps the lease, and nothing fires twice.
  const leaseOfB = await holder();
  await start();
  for (let i = 0; i < 10; i++) {
    await sleep(1_000);
    expect(await holder()).toBe(leaseOfB);
  }
  expect(sentTo(queued)).toEqual(['Which team?', 'Please wait.', 'Sorry, nobody is free.']);
  expect(sentTo(assigned)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?', 'This conversation was closed after a while without news. Write to us any time.']);
  expect(sentTo(OMAR).filter((t) => /was closed after/.test(t))).toHaveLength(1);
  await api.close();
}, 240_000);

it.skipIf(!pg)('a holder alive whose connection holding its lock was cut never runs the timers beside the other process', async () => {
  const { url, api, sentTo, start, lease, holder } = await processes('30s');
  const a = await start();
  for (let waited = 0; !(await lease())?.instance; waited += 500) {
    if (waited > 45_000) throw new Error('the first process never took the lease');
    await sleep(500);
  }
  const b = await start();
  await sleep(3_000);
  // The connection holding the holder's lock is cut (a proxy's idle timeout, an administrator): PostgreSQL releases
  // the lock while the process lives on.
  const cut = await sql<{ cut: boolean }>(
    "SELECT pg_terminate_backend(l.pid) AS cut FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.mode = 'ExclusiveLock' AND l.classid = $1 AND l.objid = $2",
    [0x5357, (await lease())?.instance], url,
  );
  expect(cut).toEqual([{ cut: true }]);
  const owners = new Set<string | undefined>();
  const watch = (async () => {
    for (let i = 0; i < 40; i++) {
      owners.add(await holder());
      await sleep(500);
    }
  })();
  await sleep(2_000);
  // Customers come to both processes; their timeouts fall due 10 s later.
  expect(await postUpdate(a.url, text(OMAR, '/online'))).toBe(200);
  const [queued, assigned] = [QUEUED + 20, ASSIGNED + 20];
  expect(await postUpdate(a.url, text(queued, 'hi'))).toBe(200);
  expect(await postUpdate(b.url, text(queued, 'Sales'))).toBe(200);
  expect(await postUpdate(b.url, text(assigned, 'hi'))).toBe(200);
  expect(await postUpdate(a.url, text(assigned, 'Support'))).toBe(200);
  expect(await postUpdate(b.url, text(OMAR, 'Hello, how can I help?'))).toBe(200);
  await watch;
  // The lease passed at most once (to the other process, as the lock went), and each timeout fired once, on time.
  expect(owners.size).toBeLessThanOrEqual(2);
  expect(sentTo(queued)).toEqual(['Which team?', 'Please wait.', 'Sorry, nobody is free.']);
  expect(sentTo(assigned)).toEqual(['Which team?', 'Omar has joined the conversation.', 'Hello, how can I help?', 'This conversation was closed after a while without news. Write to us any time.']);
  expect(sentTo(OMAR).filter((t) => /was closed after/.test(t))).toHaveLength(1);
  const tookOver = [a, b].filter((server) => server.output().includes('the process holding the timers\' lease is gone'));
  expect(tookOver.length).toBeLessThanOrEqual(1);
  await api.close();
}, 240_000);
