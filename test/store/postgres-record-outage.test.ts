// PostgreSQL goes away right after a reply left (a restart, a network cut) and stays away longer than the outbox's
// few quick attempts at recording the send. The reply is out; the customer's next replies wait behind it (one
// `sending` per recipient), so its outcome must be recorded once the database is back, in the same process, without
// a restart. (Before, the outbox gave up after about 6 s and left it `sending`, claimed by a live process: nobody
// took it as in doubt, and the customer heard nothing more until that process restarted.)
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import type { Channel } from '../../src/types.ts';
import { fakeChannel } from '../bot/harness.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, dropSchema, freshSchema, openPostgres } from './postgres-helpers.ts';
import { runtimeOn } from './postgres-runtime.ts';

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

it.skipIf(!databaseUrl)('records a send once the database is back, however long it was away, and sends the replies behind it', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  const link = await DatabaseLink.open(databaseUrl!);
  cleanups.push(() => link.close());
  const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
  const store = new PostgresStore({ url: link.url(database), schema, poolSize: 4 });
  await store.open();
  cleanups.push(() => store.close());
  // The first send reaches the customer, and the database goes away as it does.
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
  // Quick attempts (their sum is what the outbox waited before giving up: 0.06 s here, 6.25 s by default).
  const { runtime } = await runtimeOn(store, channel, dir, cleanups, { recordDelaysMs: [20, 40] });
  cleanups.push(() => runtime.stop());

  await runtime.deliver({ channel: 'webchat', id: 'outage-1', from: { id: 'layla', name: 'Layla' }, text: 'hi', at: new Date().toISOString() });
  for (let waited = 0; fake.sent.length === 0; waited += 20) {
    if (waited > 5_000) throw new Error('the first reply was never sent');
    await sleep(20);
  }
  // Away for ten times the outbox's quick attempts.
  await sleep(600);
  link.mend();

  const reader = await openPostgres(schema);
  cleanups.push(() => reader.close());
  for (let waited = 0; fake.textsTo('layla').length < 2; waited += 50) {
    if (waited > 10_000) break;
    await sleep(50);
  }
  expect(fake.textsTo('layla')).toEqual(['Hello Layla.', 'An agent will be with you shortly.']);
  const replies = (await reader.messagesOfAddress('webchat', 'layla')).filter((message) => message.direction === 'out');
  expect(replies.map((message) => [message.status, message.channelMessageId])).toEqual([['sent', 'webchat-1'], ['sent', 'webchat-2']]);
}, 30_000);
