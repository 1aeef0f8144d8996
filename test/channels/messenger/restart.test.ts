// The Messenger channel's server killed with SIGKILL in the middle of a reply, as a crash or an OOM kill leaves it:
// the real server in a child process (test/server-process.ts), the Graph API faked on 127.0.0.1. The reply whose
// send was under way is sent again on restart (the documented duplicate), and what Meta then says about the first
// copy must not cost the customer their conversation with the bot.
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith } from '../../helpers.ts';
import { spawnServer, type ServerProcess } from '../../server-process.ts';
import { FakeGraphApi } from '../meta/fake-graph-api.ts';
import { APP_SECRET, IG_ACCOUNT, IGSID, TOKEN, VERIFY_TOKEN, batch, sign } from './harness.ts';

const topicFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi {{contact.name | there}}! What is this about?"
    expect: choice
    choices: [{ id: stock, title: Stock }, { id: order, title: My order }]
    save: conversation.topic
  - ask: "Topic: {{conversation.topic}}. Tell us more?"
    save: conversation.more
  - say: "Noted."
`;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

async function start(dir: string, graph: FakeGraphApi): Promise<ServerProcess> {
  const server = await spawnServer({
    DATA_DIR: dir, GRAPH_API_ROOT: graph.url, INSTAGRAM: '1',
    MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
  });
  cleanup.push(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  });
  return server;
}

async function post(server: ServerProcess, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${server.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  await res.arrayBuffer();
  return res.status;
}

const fromCustomer = (message: Record<string, unknown>) => batch([{ sender: { id: IGSID }, recipient: { id: IG_ACCOUNT }, timestamp: Date.now(), message }], { object: 'instagram' });
const echoOf = (mid: string, text: string) => batch([{ sender: { id: IG_ACCOUNT }, recipient: { id: IGSID }, timestamp: Date.now(), message: { mid, text, is_echo: true } }], { object: 'instagram' });

it('an Instagram customer whose reply was being sent when the server was killed is still answered by the bot after the restart, not taken for a person at the business taking over', async () => {
  const graph = await FakeGraphApi.start(TOKEN);
  cleanup.push(() => graph.close());
  const dir = await dataDirWith({ 'inbound.yaml': topicFlow });
  const first = await start(dir, graph);
  // Meta takes the greeting and sends it to the customer, but the server dies before its answer comes back.
  graph.stallSends(1);
  expect(await post(first, fromCustomer({ mid: 'ig_m_1', text: 'مرحبا! Is the blue dress still in stock? 👗' }))).toBe(200);
  await expect.poll(() => graph.sent.length, { timeout: 10_000 }).toBe(1);
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await start(dir, graph);
  // The greeting was in doubt: sent again on restart.
  await expect.poll(() => graph.sent.length, { timeout: 10_000 }).toBe(2);
  const [lost, again] = graph.sent;
  // Meta's echoes of both copies: the first one's mid was never learned (Instagram echoes carry no metadata).
  expect(await post(second, echoOf(lost!.id, 'Hi there! What is this about?'))).toBe(200);
  expect(await post(second, echoOf(again!.id, 'Hi there! What is this about?'))).toBe(200);

  expect(await post(second, fromCustomer({ mid: 'ig_m_2', text: 'Stock', quick_reply: { payload: 'stock' } }))).toBe(200);
  await expect.poll(() => graph.saidTo(IGSID), { timeout: 10_000 }).toEqual(['Hi there! What is this about?', 'Hi there! What is this about?', 'Topic: stock. Tell us more?']);
}, 60_000);

it('an Instagram customer whose last reply before the bot closed was being sent when the server was killed starts a new conversation with the bot when they write again', async () => {
  const graph = await FakeGraphApi.start(TOKEN);
  cleanup.push(() => graph.close());
  const dir = await dataDirWith({ 'inbound.yaml': 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Hi! What do you need?"\n    save: conversation.need\n  - say: "Thanks, that is all we need."\n  - close: true\n' });
  const first = await start(dir, graph);
  expect(await post(first, fromCustomer({ mid: 'ig_m_1', text: 'Hello' }))).toBe(200);
  await expect.poll(() => graph.sent.length, { timeout: 10_000 }).toBe(1);
  graph.stallSends(1);
  expect(await post(first, fromCustomer({ mid: 'ig_m_2', text: 'The opening hours' }))).toBe(200);
  await expect.poll(() => graph.sent.length, { timeout: 10_000 }).toBe(2);
  first.child.kill('SIGKILL');
  await first.exited;

  const second = await start(dir, graph);
  await expect.poll(() => graph.sent.length, { timeout: 10_000 }).toBe(3);
  const [, lost, again] = graph.sent;
  expect(await post(second, echoOf(lost!.id, 'Thanks, that is all we need.'))).toBe(200);
  expect(await post(second, echoOf(again!.id, 'Thanks, that is all we need.'))).toBe(200);

  expect(await post(second, fromCustomer({ mid: 'ig_m_3', text: 'One more thing' }))).toBe(200);
  await expect.poll(() => graph.saidTo(IGSID), { timeout: 10_000 }).toEqual(['Hi! What do you need?', 'Thanks, that is all we need.', 'Thanks, that is all we need.', 'Hi! What do you need?']);
}, 60_000);
