// A WhatsApp album (photos sent at once, which WhatsApp names no album for) whose photos are delivered to two
// processes on one PostgreSQL at the same time, as a load balancer would spread Meta's webhooks: still one answer to
// the bot's question, so the customer is asked again once, not once per process.
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, start } from '../helpers.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, messagesBody, sign } from '../channels/whatsapp-cloud/harness.ts';
import { databaseUrl, urlOfDatabase } from './postgres-helpers.ts';
import { dropDatabase, makeDatabase, sleep } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 8);
const askFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "How can we help?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}"
`;

const running: Switchboard[] = [];
let graph: FakeGraphApi | undefined;
let database: { name: string } | undefined;
afterAll(async () => {
  for (const app of running.splice(0)) await app.stop();
  await graph?.close();
  if (database) await dropDatabase(database.name);
  await cleanupDirs();
});

async function post(app: Switchboard, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  await res.arrayBuffer();
  return res.status;
}

it.skipIf(!databaseUrl)('an album split between two processes is one answer: the customer is asked again once', async () => {
  graph = await FakeGraphApi.start(TOKEN);
  database = await makeDatabase();
  const url = urlOfDatabase(database.name);
  const dir = await dataDirWith({ 'inbound.yaml': askFlow });
  const config = {
    STORE: 'postgres', DATABASE_URL: url, WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, GRAPH_API_ROOT: graph.url,
  } as never;
  const a = await start(dir, { config });
  running.push(a);
  const b = await start(dir, { config });
  running.push(b);
  const api = graph;
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const customer = `1650555${String(round).padStart(4, '0')}`;
    const at = 1763950300 + round * 100;
    const photos = [1, 2, 3, 4].map((n) => {
      api.addMedia(`r${round}-p${n}`, Buffer.from(`\xff\xd8\xff photo ${round}.${n}`, 'latin1'), { mime: 'image/jpeg' });
      return { from: customer, id: `wamid.R${round}P${n}`, timestamp: String(at + 20 + (n > 2 ? 1 : 0)), type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id: `r${round}-p${n}` } };
    });
    const body = (messages: Record<string, unknown>[]) => messagesBody(messages, { from: customer, name: 'Sheena' });
    expect(await post(a, body([{ from: customer, id: `wamid.R${round}HI`, timestamp: String(at), type: 'text', text: { body: 'hi' } }]))).toBe(200);
    await eventually(() => api.saidTo(customer).length === 1, 10_000);
    // Four photos in four webhooks, two to each process, at once.
    const statuses = await Promise.all(photos.map((photo, n) => sleep(Math.random() * 5).then(() => post(n % 2 ? b : a, body([photo])))));
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(await post(b, body([{ from: customer, id: `wamid.R${round}NEED`, timestamp: String(at + 60), type: 'text', text: { body: 'I was charged twice' } }]))).toBe(200);
    await eventually(() => api.saidTo(customer).includes('Noted: I was charged twice'), 10_000);
    // The question, asked again once for the album, then the answer to the text.
    const said = api.saidTo(customer);
    if (said.length !== 3) problems.push(`round ${round}: the customer read ${JSON.stringify(said)}`);
  }
  expect(problems).toEqual([]);
}, 120_000);
