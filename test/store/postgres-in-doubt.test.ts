// Replies claimed by a process that dies while the others run on: the periodic check of a live process (under its
// lease) finds them in doubt once the dead store's instance lock is gone, and sends them, without any restart.
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
  - say: "Hello {{contact.name}}, we are on it."
`;

const schema = freshSchema();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (databaseUrl) await dropSchema(schema);
  await cleanupDirs();
});

it.skipIf(!databaseUrl)("sends, at the next periodic check of a live process, the replies a dead process had claimed", async () => {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  const link = await DatabaseLink.open(databaseUrl!);
  cleanups.push(() => link.close());
  const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
  // Process A reaches the database through a link the test cuts; its channel takes the send and never answers.
  const storeA = new PostgresStore({ url: link.url(database), schema, poolSize: 4 });
  await storeA.open();
  cleanups.push(() => storeA.close());
  let answerA: (id: string) => void = () => {};
  const hung = fakeChannel('webchat');
  const channelA: Channel = { ...hung.channel, send: () => new Promise<string>((resolve) => (answerA = resolve)) };
  const a = await runtimeOn(storeA, channelA, dir, cleanups, { recordDelaysMs: [] });
  const storeB = await openPostgres(schema);
  cleanups.push(() => storeB.close());
  const channelB = fakeChannel('webchat');
  const b = await runtimeOn(storeB, channelB.channel, dir, cleanups, { recordDelaysMs: [] });
  cleanups.push(() => b.runtime.stop());

  await a.runtime.deliver({ channel: 'webchat', id: 'in-doubt-1', from: { id: 'layla', name: 'Layla' }, text: 'hi', at: new Date().toISOString() });
  for (let waited = 0; (await storeB.messagesOfAddress('webchat', 'layla')).every((message) => message.status !== 'sending'); waited += 20) {
    if (waited > 5_000) throw new Error('process A never claimed its reply');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Process B's check while A is alive: A's claim is A's, not in doubt.
  await b.runtime.sweep();
  await b.outbox.drain();
  expect(channelB.sent).toEqual([]);

  // A dies: the database sees its connections go, and with them its instance lock.
  link.cut();
  for (let waited = 0; (await storeB.outboundInDoubt()).length === 0; waited += 20) {
    if (waited > 5_000) throw new Error("the cut connection still holds A's instance lock");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await b.runtime.sweep();
  await b.outbox.drain();
  expect(channelB.textsTo('layla')).toEqual(['Hello Layla, we are on it.']);
  expect((await storeB.messagesOfAddress('webchat', 'layla')).filter((message) => message.direction === 'out').map((message) => message.status)).toEqual(['sent']);
  answerA('never recorded');
  await a.outbox.stop();
}, 30_000);
