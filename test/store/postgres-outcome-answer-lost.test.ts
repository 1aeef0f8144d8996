// (Found by a helper.) The outbox records a send's outcome; PostgreSQL commits it but the answer is lost (the connection drops
// right after). The outbox retries the recording (StoreUnavailableError): with `underClaim` the message is no longer
// pending or sending (its own first attempt recorded it), so markDelivery throws ClaimTakenError and the outbox gives
// up as if another process had taken the reply over: the `failed` listener (the agent told their message failed) or
// the `sent` listener (message.sent on the bus) never runs. Before 27e3e25 the retry re-recorded the same outcome.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/store.ts';
import { ChannelSendError, type Channel } from '../../src/types.ts';
import { fakeChannel } from '../bot/harness.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { databaseUrl, dropSchema, freshSchema } from './postgres-helpers.ts';
import { runtimeOn } from './postgres-runtime.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hello {{contact.name}}, we are on it."
`;

/** A proxy that, once armed, lets the next outcome statement reach PostgreSQL and then drops its connection unanswered. */
class AnswerDropper {
  readonly server: Server;
  armed = false;
  drops = 0;
  constructor(upstream: { path: string } | { host: string; port: number }) {
    this.server = createServer((client) => {
      const up = connect(upstream);
      let dropping = false;
      for (const s of [client, up] as Socket[]) s.on('error', () => {});
      client.on('data', (chunk: Buffer) => {
        up.write(chunk);
        if (this.armed && chunk.includes("THEN 'failed' ELSE 'sent'")) {
          this.armed = false;
          dropping = true;
          this.drops++;
          setTimeout(() => {
            client.destroy();
            up.destroy();
          }, 300);
        }
      });
      up.on('data', (chunk: Buffer) => {
        if (!dropping) client.write(chunk);
      });
      client.on('close', () => up.destroy());
      up.on('close', () => client.destroy());
    });
  }
  static async open(url: URL): Promise<AnswerDropper> {
    const socketDir = url.searchParams.get('host');
    const port = Number(url.searchParams.get('port') ?? url.port ?? 5432) || 5432;
    const upstream = socketDir?.startsWith('/') ? { path: `${socketDir}/.s.PGSQL.${port}` } : { host: url.hostname || '127.0.0.1', port };
    const dropper = new AnswerDropper(upstream);
    await new Promise<void>((done) => dropper.server.listen(0, '127.0.0.1', done));
    return dropper;
  }
  url(database: string): string {
    return `postgresql://postgres@127.0.0.1:${(this.server.address() as AddressInfo).port}/${database}`;
  }
}

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
    const dropper = await AnswerDropper.open(new URL(databaseUrl!));
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
    expect(dropper.drops).toBe(1);
    expect(reply?.status).toBe(outcome);
    expect(told).toEqual([`${outcome} ${reply?.id}`]);
  }, 30_000);
}
