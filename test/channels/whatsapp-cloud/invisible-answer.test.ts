// A customer asked a question who sends a WhatsApp text of only invisible characters (a zero-width space, joiner,
// word joiner, byte order mark): through the real server and the fake Graph API, what she reads, and what is kept.
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { messagesBody, settled, startCloud, text, SHEENA, type CloudServer } from './harness.ts';

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: { en: "Welcome!", ar: "أهلًا!" }
  - ask: { en: "What is your email address?", ar: "ما عنوان بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

let second = 1763950300;
async function write(cloud: CloudServer, body: string, name = 'Sheena') {
  expect((await cloud.post(messagesBody([text(body, { from: SHEENA, timestamp: String(second++) })], { from: SHEENA, name }))).status).toBe(200);
}

it.each([
  ['a zero-width space', '\u200b'],
  ['zero-width non-joiners and joiners', '\u200c\u200d\u200c'],
  ['a word joiner and a byte order mark', '\u2060 \ufeff'],
])('asks the question again after %s, instead of saying nothing; nothing is saved as her answer', async (_, invisible) => {
  const cloud = await startCloud({ flows: { 'inbound.yaml': FLOW } });
  running.push(cloud);
  await write(cloud, 'hello');
  await eventually(() => cloud.graph.saidTo(SHEENA).length >= 2);
  await write(cloud, 'sheena@example.com');
  await eventually(() => cloud.graph.saidTo(SHEENA).length >= 3);
  // Before: nothing at all; she waited for an answer to a message that showed nothing.
  await write(cloud, invisible);
  await eventually(() => cloud.graph.saidTo(SHEENA).length >= 4);
  await settled(cloud);
  expect(cloud.graph.saidTo(SHEENA)).toEqual(['Welcome!', 'What is your email address?', 'How can we help?', 'How can we help?']);
  const [conversation] = await cloud.app.store.conversations();
  expect(conversation?.fields.need).toBeUndefined();
  expect(conversation?.stage).toBe('bot');
  // No blank line in the transcript for the agent who later reads it.
  const texts = (await cloud.app.store.messagesOfConversation(conversation!.id)).filter((message) => message.from === 'contact').map((message) => message.text);
  expect(texts).toEqual(['hello', 'sheena@example.com']);
  // Her next words answer the question as ever.
  await write(cloud, 'my invoice is wrong');
  await eventually(async () => (await cloud.app.store.conversation(conversation!.id))?.fields.need === 'my invoice is wrong');
}, 30_000);

it('asks the email question again in Arabic, its retries not spent', async () => {
  const cloud = await startCloud({ flows: { 'inbound.yaml': FLOW } });
  running.push(cloud);
  await write(cloud, 'مرحبا', 'ليلى');
  await eventually(() => cloud.graph.saidTo(SHEENA).length >= 2);
  await write(cloud, '\u200b\u200b', 'ليلى');
  await eventually(() => cloud.graph.saidTo(SHEENA).length >= 3);
  await settled(cloud);
  expect(cloud.graph.saidTo(SHEENA)).toEqual(['أهلًا!', 'ما عنوان بريدك الإلكتروني؟', 'ما عنوان بريدك الإلكتروني؟']);
  expect((await cloud.app.store.contacts())[0]?.fields.email).toBeUndefined();
}, 30_000);
