// The outbox when PostgreSQL goes away just as a reply leaves (a restart, a network cut of one process), each case
// one that failed on an earlier version of this stop's code (several found by helpers):
// - the outcome is recorded once the database is back, however long it was away, and the replies behind it follow
//   (they used to wait for a restart);
// - a reply another process took over meanwhile (found in doubt, sent again) is left to that process: the first
//   neither marks it sent under the other's claim nor sends the reply behind it early (the customer saw M, N, M),
//   and its late outcome never overwrites the one the other recorded (a delivered reply showed as failed);
// - a stop does not wait between recording attempts (it took 4-5 s of the shutdown's 10).
import { afterAll, expect, it } from 'vitest';
import type { Outbox, OutboxOptions } from '../../src/bot/outbox.ts';
import type { Runtime } from '../../src/bot/runtime.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { ChannelSendError, type Channel } from '../../src/types.ts';
import { fakeChannel } from '../bot/harness.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, sql } from './postgres-helpers.ts';
import { runtimeOn } from './postgres-runtime.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hello {{contact.name}}."
  - say: "An agent will be with you shortly."
`;

const schemas: string[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (databaseUrl) for (const schema of schemas) await dropSchema(schema);
  await cleanupDirs();
}, 60_000);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, done: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !(await done()); waited += 20) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface ProcessA {
  schema: string;
  dir: string;
  link: DatabaseLink;
  store: PostgresStore;
  runtime: Runtime;
  outbox: Outbox;
}

/**
 * Process A: a runtime on a fresh schema, reaching PostgreSQL through a link the test cuts, sending through
 * `channel(link)`.
 */
async function processA(channel: (link: DatabaseLink) => Channel, outbox: Pick<OutboxOptions, 'recordDelaysMs'> = {}): Promise<ProcessA> {
  const schema = freshSchema();
  schemas.push(schema);
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  const link = await DatabaseLink.open(databaseUrl!);
  cleanups.push(() => link.close());
  const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
  const store = new PostgresStore({ url: link.url(database), schema, poolSize: 4 });
  await store.open();
  cleanups.push(() => store.close());
  const { runtime, outbox: made } = await runtimeOn(store, channel(link), dir, cleanups, outbox);
  cleanups.push(() => runtime.stop());
  return { schema, dir, link, store, runtime, outbox: made };
}

/** A channel whose first send reaches the customer as the database goes away. */
function cutAtFirstSend(fake: ReturnType<typeof fakeChannel>) {
  return (link: DatabaseLink): Channel => {
    let first = true;
    return {
      ...fake.channel,
      send: async (to, message) => {
        const id = await fake.channel.send(to, message);
        if (first) {
          first = false;
          link.cut();
        }
        return id;
      },
    };
  };
}

const hello = (a: ProcessA, who: string) =>
  a.runtime.deliver({ channel: 'webchat', id: `${who}-1`, from: { id: who, name: 'Layla' }, text: 'hi', at: new Date().toISOString() });

it.skipIf(!databaseUrl)('records a send once the database is back, however long it was away, and sends the replies behind it', async () => {
  const fake = fakeChannel('webchat');
  // Quick attempts (their sum is what the outbox waited before giving up: 0.06 s here, 6.25 s by default).
  const a = await processA(cutAtFirstSend(fake), { recordDelaysMs: [20, 40] });
  await hello(a, 'layla');
  await until('the first reply', () => fake.sent.length === 1);
  // Away for ten times the outbox's quick attempts.
  await sleep(600);
  a.link.mend();
  await until('the second reply', () => fake.textsTo('layla').length >= 2).catch(() => {});
  expect(fake.textsTo('layla')).toEqual(['Hello Layla.', 'An agent will be with you shortly.']);
  const reader = await openPostgres(a.schema);
  cleanups.push(() => reader.close());
  const replies = (await reader.messagesOfAddress('webchat', 'layla')).filter((message) => message.direction === 'out');
  expect(replies.map((message) => [message.status, message.channelMessageId])).toEqual([['sent', 'webchat-1'], ['sent', 'webchat-2']]);
}, 30_000);

it.skipIf(!databaseUrl)('leaves a reply another process took over to that process, and the reply behind it waits', async () => {
  const fake = fakeChannel('webchat');
  const a = await processA(cutAtFirstSend(fake), { recordDelaysMs: [20, 40] });
  await hello(a, 'layla');
  await until('the first reply', () => fake.sent.length === 1);
  // A stays cut off for longer than its quick attempts (and a connection attempt's 10 s timeout) last.
  await sleep(11_000);
  // Process B's periodic check, then its outbox, while A is cut off.
  const b = await openPostgres(a.schema);
  cleanups.push(() => b.close());
  let inDoubt: Awaited<ReturnType<PostgresStore['outboundInDoubt']>> = [];
  await until("A's claim to be in doubt for B", async () => (inDoubt = await b.outboundInDoubt()).length > 0);
  expect(inDoubt.map((m) => m.text)).toEqual(['Hello Layla.']);
  await b.retryOutbound(inDoubt.map((m) => m.id));
  expect((await b.claimOutbound(64)).map((m) => m.text)).toEqual(['Hello Layla.']);
  // B's send is under way (a slow channel); A's link comes back meanwhile.
  a.link.mend();
  await sleep(1_500);
  const rows = await sql<{ status: string }>(`SELECT status FROM ${a.schema}.messages WHERE direction = 'out' ORDER BY id`);
  // B's, being sent: A has not settled it, nor sent the reply behind it.
  expect(rows[0]).toMatchObject({ status: 'sending' });
  expect(fake.textsTo('layla')).toEqual(['Hello Layla.']);
}, 40_000);

for (const late of ['failed', 'sent'] as const) {
  it.skipIf(!databaseUrl)(`never lets A's late ${late} outcome overwrite the one B recorded for the reply it took over`, async () => {
    let answerA: () => void = () => {};
    const hung = fakeChannel('webchat');
    const a = await processA(() => ({
      ...hung.channel,
      send: () => new Promise<string>((resolve, reject) => (answerA = () => (late === 'sent' ? resolve('A-late-id') : reject(new ChannelSendError('refused at A', { permanent: true }))))),
    }), { recordDelaysMs: [20, 40] });
    // A send still hanging when the test ends (it failed) must not hold the clean-up.
    cleanups.push(async () => answerA());
    const b = await openPostgres(a.schema);
    cleanups.push(() => b.close());
    const channelB = fakeChannel('webchat');
    const processB = await runtimeOn(b, channelB.channel, a.dir, cleanups, { recordDelaysMs: [] });
    cleanups.push(() => processB.runtime.stop());
    await hello(a, 'layla');
    await until('A to claim its reply', async () => (await b.messagesOfAddress('webchat', 'layla')).some((message) => message.status === 'sending'));
    a.link.cut();
    await until("A's claim to be in doubt for B", async () => (await b.outboundInDoubt()).length > 0);
    await processB.runtime.sweep();
    await processB.outbox.drain();
    expect(channelB.textsTo('layla')[0]).toBe('Hello Layla.');
    const [byB] = (await b.messagesOfAddress('webchat', 'layla')).filter((message) => message.direction === 'out');
    expect(byB).toMatchObject({ status: 'sent' });
    // A's link is back, then A's send ends.
    a.link.mend();
    await sleep(500);
    answerA();
    await sleep(1_000);
    await a.outbox.stop();
    const [after] = (await b.messagesOfAddress('webchat', 'layla')).filter((message) => message.direction === 'out');
    expect({ status: after?.status, channelMessageId: after?.channelMessageId, error: after?.error }).toEqual({ status: 'sent', channelMessageId: byB?.channelMessageId, error: undefined });
  }, 30_000);
}

for (const [when, awayMs] of [['after its quick recording attempts', 7_000], ['during its quick recording attempts', 300]] as const) {
  it.skipIf(!databaseUrl)(`stops at once while the database is away, ${when}`, async () => {
    const fake = fakeChannel('webchat');
    const a = await processA(cutAtFirstSend(fake));
    await hello(a, 'omar');
    await until('the first reply', () => fake.sent.length === 1);
    await sleep(awayMs);
    const started = performance.now();
    await a.runtime.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
  }, 40_000);
}
