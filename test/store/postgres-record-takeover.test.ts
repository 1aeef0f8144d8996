// Process A's reply M went out as A's link to PostgreSQL was cut (a network partition of A, longer than
// A's quick record attempts). Process B's periodic check finds M in doubt (A's instance lock went with its
// connections), puts it back and sends it again (documented: a channel without idempotent sends may show it twice).
// When A's link comes back, A's endless record loop (71116bf) marks M sent over B's claim, and the reply behind M
// goes out while B is still sending M: the customer gets M, N, M, and the one-sending-per-address rule is broken.
// (Found by a helper reviewing 71116bf: it failed on that commit.)
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { EventBus } from '../../src/bot/events.ts';
import { Outbox } from '../../src/bot/outbox.ts';
import { Runtime } from '../../src/bot/runtime.ts';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import { FlowLibrary } from '../../src/flows/index.ts';
import { TeamDirectory } from '../../src/handover/directory.ts';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import type { Channel } from '../../src/types.ts';
import { fakeChannel } from '../bot/harness.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../helpers.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres, sql } from './postgres-helpers.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hello {{contact.name}}."
  - say: "An agent will be with you shortly."
`;

const schema = freshSchema();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (databaseUrl) await dropSchema(schema);
  await cleanupDirs();
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, test: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  for (let waited = 0; !(await test()); waited += 20) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

it.skipIf(!databaseUrl)('a reply taken over by another process is not marked sent under it by the first, and the next reply waits', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  const link = await DatabaseLink.open(databaseUrl!);
  cleanups.push(() => link.close());
  const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
  const storeA = new PostgresStore({ url: link.url(database), schema, poolSize: 4 });
  await storeA.open();
  cleanups.push(() => storeA.close());
  const fake = fakeChannel('webchat');
  let cutAtFirstSend = true;
  const channel: Channel = {
    ...fake.channel,
    send: async (to, message) => {
      const id = await fake.channel.send(to, message);
      if (cutAtFirstSend) {
        cutAtFirstSend = false;
        link.cut();
      }
      return id;
    },
  };
  const flows = await FlowLibrary.load({ dir: join(dir, 'flows'), store: storeA, log: quietLog, watch: false });
  const directory = await TeamDirectory.load({ file: join(dir, 'team.yaml'), addressKeys: ADDRESS_KEYS, log: quietLog, watch: false });
  cleanups.push(async () => {
    flows.close();
    directory.close();
  });
  const outbox = new Outbox({ store: storeA, channels: new Map([[channel.name, channel]]), log: quietLog, retryDelaysMs: [5], recordDelaysMs: [20, 40] });
  const runtime = new Runtime({ store: storeA, flows, directory, bus: new EventBus(), outbox, log: quietLog, sweepEveryMs: 0, channels: new Map([[channel.name, channel]]) });
  await runtime.start();
  cleanups.push(() => runtime.stop());

  await runtime.deliver({ channel: 'webchat', id: 'takeover-1', from: { id: 'layla', name: 'Layla' }, text: 'hi', at: new Date().toISOString() });
  await until('the first reply', () => fake.sent.length === 1);

  // A stays cut off for longer than its quick record attempts (and a connection attempt's 10 s timeout) last.
  await sleep(11_000);
  // Process B (its periodic check, then its outbox) while A is cut off.
  const storeB = await openPostgres(schema);
  cleanups.push(() => storeB.close());
  let inDoubt: Awaited<ReturnType<PostgresStore['outboundInDoubt']>> = [];
  await until('A\'s claim to be in doubt for B', async () => (inDoubt = await storeB.outboundInDoubt()).length > 0);
  expect(inDoubt.map((m) => m.text)).toEqual(['Hello Layla.']);
  await storeB.retryOutbound(inDoubt.map((m) => m.id));
  const claimedByB = await storeB.claimOutbound(64);
  expect(claimedByB.map((m) => m.text)).toEqual(['Hello Layla.']);
  // B's send of M is under way (a slow channel); A's link comes back meanwhile.
  link.mend();
  await sleep(1_500);
  const rows = await sql<{ text: string; status: string; claimed_by: number | null }>(
    `SELECT data->>'text' AS text, status, claimed_by FROM ${schema}.messages WHERE direction = 'out' ORDER BY id`);
  // M is B's, being sent: A must not have settled it, nor sent the reply behind it.
  expect(rows[0]).toMatchObject({ status: 'sending' });
  expect(fake.textsTo('layla')).toEqual(['Hello Layla.']);
}, 40_000);
