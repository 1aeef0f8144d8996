// A customer who corrects an answer the flow took ("sorry, I meant …") once an agent has the conversation, on the web
// chat through the real server: the answer on the card is changed, and the agent reads what changed beside the words,
// in the agent's language; the bot says nothing to the customer.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

afterEach(cleanupDirs);

it('changes the answer a correction written to the agent puts right, and tells the agent what changed (English, Arabic)', async () => {
  const data = await shippedDataDir();
  // Lina reads the desk in Arabic.
  const team = await readFile(join(data, 'team.yaml'), 'utf8');
  await writeFile(join(data, 'team.yaml'), team.replace('    webchat_token: env:LINA_WEBCHAT_TOKEN\n', '    webchat_token: env:LINA_WEBCHAT_TOKEN\n    language: ar\n'));
  const app = await start(data);
  try {
    const omar = visitor(app.url, 'agent-omar');
    const lina = visitor(app.url, 'agent-lina');
    const layla = visitor(app.url, 'layla', 'Layla');
    const laila = visitor(app.url, 'laila', 'ليلى');
    await omar.say('/online');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice for my invoice']) await layla.say(text);
    await expect.poll(async () => (await app.store.conversations()).find((c) => c.agentId === 'omar')?.stage).toBe('assigned');
    await layla.say('sorry, I meant layla@example.org');
    // Before: only the words reached Omar, and the card kept layla@example.com.
    await expect.poll(async () => (await omar.messages()).at(-1)?.text, { timeout: 20_000 }).toContain('Layla corrected Email: layla@example.com → layla@example.org');
    expect((await omar.messages()).at(-1)?.text).toMatch(/^#1 .*Layla.*: sorry, I meant layla@example.org\n/);
    expect((await app.store.contactByIdentity('webchat', (await layla.credentials()).session))?.fields.email).toBe('layla@example.org');
    expect((await layla.botTexts()).at(-1)).toBe('\u2068Omar\u2069 has joined the conversation.');

    await omar.say('/away');
    await lina.say('/online');
    for (const text of ['مرحبا', 'laila@example.com', 'تم خصم المبلغ مرتين من فاتورتي']) await laila.say(text);
    await expect.poll(async () => (await app.store.conversations()).find((c) => c.agentId === 'lina')?.stage).toBe('assigned');
    await laila.say('عفوًا، أقصد laila@example.org');
    await expect.poll(async () => (await lina.messages()).at(-1)?.text, { timeout: 20_000 })
      .toContain('صحّح \u2068ليلى\u2069 \u2068البريد الإلكتروني\u2069 من \u2068laila@example.com\u2069 إلى \u2068laila@example.org\u2069');
    expect((await app.store.contactByIdentity('webchat', (await laila.credentials()).session))?.fields.email).toBe('laila@example.org');
  } finally {
    await app.stop();
  }
}, 90_000);

it('changes the answer a correction written in the queue puts right, for the agent who takes the conversation', async () => {
  const app = await start(await shippedDataDir());
  try {
    const layla = visitor(app.url, 'layla', 'Layla');
    for (const text of ['hello', 'layla@example.com', 'I was charged twice for my invoice']) await layla.say(text);
    await expect.poll(async () => (await app.store.conversations())[0]?.stage).toBe('queued');
    await layla.say('oops, typo: layla@example.org');
    await expect.poll(async () => (await app.store.contactByIdentity('webchat', (await layla.credentials()).session))?.fields.email, { timeout: 20_000 }).toBe('layla@example.org');
    const omar = visitor(app.url, 'agent-omar');
    await omar.say('/online');
    // The card Omar gets reads the corrected address among the answers.
    await expect.poll(async () => (await omar.messages()).find((message) => message.text.startsWith('#1'))?.text, { timeout: 20_000 }).toContain('\nEmail: layla@example.org\n');
  } finally {
    await app.stop();
  }
}, 90_000);

it('names the field in Arabic for an Arabic desk when the label has only English: by what its answer is', async () => {
  const data = await shippedDataDir();
  const team = await readFile(join(data, 'team.yaml'), 'utf8');
  await writeFile(join(data, 'team.yaml'), team.replace('    webchat_token: env:LINA_WEBCHAT_TOKEN\n', '    webchat_token: env:LINA_WEBCHAT_TOKEN\n    language: ar\n'));
  const flow = join(data, 'flows', 'inbound.yaml');
  await writeFile(flow, (await readFile(flow, 'utf8')).replace('label: { en: Email, ar: البريد الإلكتروني }', 'label: { en: Email }'));
  const app = await start(data);
  try {
    const lina = visitor(app.url, 'agent-lina');
    const laila = visitor(app.url, 'laila', 'ليلى');
    await lina.say('/online');
    for (const text of ['مرحبا', 'laila@example.com', 'تم خصم المبلغ مرتين من فاتورتي']) await laila.say(text);
    await expect.poll(async () => (await app.store.conversations()).find((c) => c.agentId === 'lina')?.stage).toBe('assigned');
    await laila.say('عفوًا، أقصد laila@example.org');
    // Before: «صحّح ليلى Email من …».
    await expect.poll(async () => (await lina.messages()).at(-1)?.text, { timeout: 20_000 })
      .toContain('صحّح \u2068ليلى\u2069 \u2068البريد الإلكتروني\u2069 من \u2068laila@example.com\u2069 إلى \u2068laila@example.org\u2069');
  } finally {
    await app.stop();
  }
}, 90_000);
