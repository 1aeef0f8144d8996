// Messenger customers on two Switchboard processes sharing one PostgreSQL database, Meta's webhooks spread between them
// as a load balancer spreads them, one fake Graph API: the same mid delivered to both at once is one message, answered
// once; an m.me link's ref told to one process before the customer writes is on the contact when their message
// reaches the other.
import { afterAll, describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, start } from '../helpers.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { APP_SECRET, PAGE_ID, PSID, TOKEN, VERIFY_TOKEN, batch, sign, textEvent } from '../channels/messenger/harness.ts';
import { databaseUrl, skipReason } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi! What is your order number?"
    save: conversation.order
  - say: "Thanks, checking {{conversation.order}}."
`;

const running: Switchboard[] = [];
let graph: FakeGraphApi | undefined;
let database: { name: string } | undefined;
afterAll(async () => {
  for (const app of running.splice(0)) await app.stop();
  await graph?.close();
  if (database) await dropDatabase(database.name);
  await cleanupDirs();
}, 60_000);

async function post(app: Switchboard, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(!databaseUrl)(databaseUrl ? 'Messenger on two processes sharing PostgreSQL' : skipReason, () => {
  it('answers a mid delivered to both at once once, and gives the ref told to one to the message the other takes', async () => {
    graph = await FakeGraphApi.start(TOKEN);
    graph.setPage({ id: PAGE_ID });
    const made = await makeDatabase();
    database = made;
    const dir = await dataDirWith({ 'inbound.yaml': flow });
    const config = { STORE: 'postgres', DATABASE_URL: made.url, MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN, GRAPH_API_ROOT: graph.url } as never;
    const a = await start(dir, { config });
    running.push(a);
    const b = await start(dir, { config });
    running.push(b);

    // Meta sends the batch again (no answer in time) and the second copy reaches the other process meanwhile.
    const hello = batch([textEvent('Hello, my parcel never came', { mid: 'm_TWICE', timestamp: 1763950400000 })]);
    expect(await Promise.all([post(a, hello), post(b, hello)])).toEqual([200, 200]);
    await eventually(() => graph!.saidTo(PSID).length >= 1);
    const [contact] = await a.store.contacts();
    expect((await a.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['Hello, my parcel never came']);

    // The summer campaign's link, told to one process; her answer reaches the other.
    const summer = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950410000, referral: { ref: 'summer-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' } };
    expect(await post(a, batch([summer]))).toBe(200);
    expect(await post(b, batch([textEvent('A-1234', { timestamp: 1763950420000 })]))).toBe(200);
    await eventually(() => graph!.saidTo(PSID).length >= 2);
    expect(graph.saidTo(PSID)).toEqual(['Hi! What is your order number?', 'Thanks, checking A-1234.']);
    expect((await b.store.contacts())[0]!.fields.referral).toBe('summer-sale');
  }, 60_000);
});
