// (Found by a helper.) process A's send of M hangs while A is cut off from PostgreSQL; B finds M in doubt, sends it again and
// records it sent. A's link comes back and A's send finally ends: A's outcome is recorded over B's recorded one
// (claimed_by is NULL once B recorded, which markDelivery allows), although README says the outcome is "that
// process's to record". With a permanent failure at A, a reply the customer got (from B) shows as failed.
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { ChannelSendError, type Channel } from '../../src/types.ts';
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

const schemas = { failed: freshSchema(), sent: freshSchema() };
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (databaseUrl) for (const schema of Object.values(schemas)) await dropSchema(schema);
  await cleanupDirs();
});
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

for (const late of ['failed', 'sent'] as const) {
  it.skipIf(!databaseUrl)(`A's late ${late} outcome does not overwrite B's recorded outcome of the reply it took over`, async () => {
    const schema = schemas[late];
    const dir = await dataDirWith({ 'inbound.yaml': FLOW });
    const link = await DatabaseLink.open(databaseUrl!);
    cleanups.push(() => link.close());
    const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
    const storeA = new PostgresStore({ url: link.url(database), schema, poolSize: 4 });
    await storeA.open();
    cleanups.push(() => storeA.close());
    let answerA: () => void = () => {};
    const hung = fakeChannel('webchat');
    const channelA: Channel = {
      ...hung.channel,
      send: () => new Promise<string>((resolve, reject) => (answerA = () => (late === 'sent' ? resolve('A-late-id') : reject(new ChannelSendError('refused at A', { permanent: true }))))),
    };
    const a = await runtimeOn(storeA, channelA, dir, cleanups, { recordDelaysMs: [20, 40] });
    const storeB = await openPostgres(schema);
    cleanups.push(() => storeB.close());
    const channelB = fakeChannel('webchat');
    const b = await runtimeOn(storeB, channelB.channel, dir, cleanups, { recordDelaysMs: [] });
    cleanups.push(() => b.runtime.stop());
    const who = `layla-${late}`;
    await a.runtime.deliver({ channel: 'webchat', id: `late-${late}`, from: { id: who, name: 'Layla' }, text: 'hi', at: new Date().toISOString() });
    for (let waited = 0; (await storeB.messagesOfAddress('webchat', who)).every((message) => message.status !== 'sending'); waited += 20) {
      if (waited > 5_000) throw new Error('process A never claimed its reply');
      await sleep(20);
    }
    link.cut();
    for (let waited = 0; (await storeB.outboundInDoubt()).length === 0; waited += 20) {
      if (waited > 5_000) throw new Error("the cut connection still holds A's instance lock");
      await sleep(20);
    }
    await b.runtime.sweep();
    await b.outbox.drain();
    expect(channelB.textsTo(who)).toEqual(['Hello Layla, we are on it.']);
    const [byB] = (await storeB.messagesOfAddress('webchat', who)).filter((message) => message.direction === 'out');
    expect(byB).toMatchObject({ status: 'sent' });
    // A's link is back, then A's send ends.
    link.mend();
    await sleep(500);
    answerA();
    await sleep(1_000);
    await a.outbox.stop();
    const [after] = (await storeB.messagesOfAddress('webchat', who)).filter((message) => message.direction === 'out');
    expect({ status: after?.status, channelMessageId: after?.channelMessageId, error: after?.error }).toEqual({ status: 'sent', channelMessageId: byB?.channelMessageId, error: undefined });
  }, 30_000);
}
