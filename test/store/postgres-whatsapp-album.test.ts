// A WhatsApp album (photos sent at once, which WhatsApp names no album for) whose photos are delivered to two
// processes on one PostgreSQL at the same time, as a load balancer would spread Meta's webhooks: still one answer to
// the bot's question, so the customer is asked again once, not once per process.
import { expect, it } from 'vitest';
import { eventually } from '../helpers.ts';
import { messagesBody } from '../channels/whatsapp-cloud/harness.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { sleep } from './postgres-two-apps.ts';
import { postWhatsApp as post, twoWhatsAppAppsForFile } from './postgres-two-whatsapp-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 8);
const askFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "How can we help?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}"
`;

const two = twoWhatsAppAppsForFile();

it.skipIf(!databaseUrl)('an album split between two processes is one answer: the customer is asked again once', async () => {
  const { a, b, graph: api } = await two.start({ 'inbound.yaml': askFlow });
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
