// (Found by a helper.) The outbox records a send's outcome; PostgreSQL commits it but the answer is lost (the connection drops
// right after). The outbox retries the recording (StoreUnavailableError): with `underClaim` the message is no longer
// pending or sending (its own first attempt recorded it), so markDelivery throws ClaimTakenError and the outbox gives
// up as if another process had taken the reply over: the `failed` listener (the agent told their message failed) or
// the `sent` listener (message.sent on the bus) never runs. Before 27e3e25 the retry re-recorded the same outcome.
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { ChannelSendError, type Channel } from '../../src/types.ts';
import { fakeChannel } from '../bot/harness.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { databaseUrl, dropSchema, freshSchema } from './postgres-helpers.ts';
import { AnswerCutter } from './postgres-link.ts';
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

for (const outcome of ['failed', 'sent'] as const) {
  it.skipIf(!databaseUrl)(`a ${outcome} outcome whose answer was lost is still told to the listeners`, async () => {
    const schema = schemas[outcome];
    const dir = await dataDirWith({ 'inbound.yaml': FLOW });
    const dropper = await AnswerCutter.open(databaseUrl!, { sent: "THEN 'failed' ELSE 'sent'" });
    cleanups.push(() => new Promise((done) => dropper.server.close(done)));
    const database = new URL(databaseUrl!).pathname.slice(1) || 'postgres';
    const store = new PostgresStore({ url: dropper.url(database), schema, poolSize: 4 });
    await store.open();
    cleanups.push(() => store.close());
    const base = fakeChannel('webchat');
    const channel: Channel = {
      ...base.channel,
      send: async (address, message) => {
        dropper.armed = true;
        if (outcome === 'failed') throw new ChannelSendError('refused', { permanent: true });
        return base.channel.send(address, message);
      },
    };
    const { runtime, outbox } = await runtimeOn(store, channel, dir, cleanups, { recordDelaysMs: [20, 40, 80] });
    cleanups.push(() => runtime.stop());
    const told: string[] = [];
    outbox.listen({ sent: (m) => told.push(`sent ${m.id}`), failed: (m) => told.push(`failed ${m.id}`) });
    await runtime.deliver({ channel: 'webchat', id: `lost-${outcome}`, from: { id: `omar-${outcome}`, name: 'Omar' }, text: 'hi', at: new Date().toISOString() });
    for (let waited = 0; told.length === 0 && waited < 5_000; waited += 50) await sleep(50);
    await outbox.drain();
    const [reply] = (await store.messagesOfAddress('webchat', `omar-${outcome}`)).filter((m) => m.direction === 'out');
    expect(dropper.cuts).toBe(1);
    expect(reply?.status).toBe(outcome);
    expect(told).toEqual([`${outcome} ${reply?.id}`]);
  }, 30_000);
}
