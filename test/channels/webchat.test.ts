// The web chat API end to end over HTTP: the flow through it, refusals of malformed requests, the event stream.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith, inboundFlow, newSession, shippedDataDir, start, visitor } from '../helpers.ts';

afterEach(cleanupDirs);

/** Reads `count` server-sent events from `url`, then closes the stream. */
async function readEvents(url: string, count: number, headers: Record<string, string> = {}): Promise<{ id: number; text: string }[]> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { id: number; text: string }[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const data = buffer.slice(0, cut).split('\n').find((line) => line.startsWith('data: '));
      buffer = buffer.slice(cut + 2);
      if (data) events.push(JSON.parse(data.slice(6)));
    }
  }
  controller.abort();
  return events;
}

const choiceFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Technical support, Sales]
    save: conversation.topic
  - say: "Routing you to {{conversation.topic}}."
`;

describe('web chat', () => {
  it('chats through the inbound flow: greeting by name, email re-asked, need asked', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const layla = visitor(app.url, 'layla-1', 'Layla');
    expect((await layla.say('hello')).status).toBe(202);
    expect(await layla.botTexts()).toEqual(['Hi Layla!', 'What is your email address?']);
    await layla.say('layla at example');
    await layla.say('layla@example.com');
    const listed = await layla.messages();
    expect(listed.map((m) => [m.from, m.text])).toEqual([
      ['contact', 'hello'], ['bot', 'Hi Layla!'], ['bot', 'What is your email address?'],
      ['contact', 'layla at example'], ['bot', "That doesn't look like an email address."],
      ['contact', 'layla@example.com'], ['bot', 'What can we help you with?'],
    ]);
    const ids = listed.map((m) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await layla.messages(ids[4])).map((m) => m.text)).toEqual(['layla@example.com', 'What can we help you with?']);
    await app.stop();
  });

  it('through the shipped flow, takes an email spaced out as phones and dictation write it, and tells a refused one what was wrong, in English and Arabic', async () => {
    const app = await start(await shippedDataDir());
    const maya = visitor(app.url, 'maya-spaced', 'Maya');
    await maya.say('hello');
    await maya.say('maya@example');
    await maya.say('maya @ example . com');
    expect(await maya.botTexts()).toEqual([
      'Hi Maya! Thanks for getting in touch.',
      "What's your email address, in case we need to follow up?",
      'That email address is missing its ending, like .com or .co.uk. Please write it like name@example.com.',
      'How can we help you today?',
    ]);
    const amira = visitor(app.url, 'amira-spoken', 'Amira');
    await amira.say('مرحبا');
    await amira.say('amira at example');
    await amira.say('amira at example dot com');
    expect(await amira.botTexts()).toEqual([
      'مرحبًا Amira! شكرًا لتواصلك معنا.',
      'هل يمكنك تزويدنا بعنوان بريدك الإلكتروني لنتمكن من متابعتك عند الحاجة؟',
      'لا يبدو هذا عنوان بريد إلكتروني صحيحًا. يُرجى كتابته بهذا الشكل: name@example.com',
      'كيف يمكننا مساعدتك اليوم؟',
    ]);
    await app.stop();
  });

  it('offers choices as buttons and routes the pressed one', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    const omar = visitor(app.url, 'omar');
    await omar.say('hi');
    const [question] = await omar.messages();
    const asked = (await omar.messages()).find((m) => m.choices);
    expect(question?.text).toBe('hi');
    expect(asked?.choices?.map((c) => c.title)).toEqual(['Billing', 'Technical support', 'Sales']);
    const support = asked!.choices!.find((c) => c.title === 'Technical support')!;
    expect((await omar.press(support.id)).status).toBe(202);
    const listed = await omar.messages();
    expect(listed.at(-2)).toMatchObject({ from: 'contact', text: 'Technical support' });
    expect(listed.at(-1)?.text).toBe(`Routing you to ${support.id}.`);
    await app.stop();
  });

  it('accepts a typed number or title where buttons are offered', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': choiceFlow }));
    const typed = visitor(app.url, 'typed');
    await typed.say('hi');
    await typed.say('3');
    expect((await typed.botTexts()).at(-1)).toMatch(/^Routing you to sales\.$/i);
    await app.stop();
  });

  it('refuses malformed requests with 400 and a reason, storing nothing', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const { session, token } = await newSession(app.url);
    const url = `${app.url}/webchat/${session}/messages`;
    const cases: [string, RequestInit, RegExp][] = [
      ['invalid JSON', { body: '{"text": ' }, /not valid JSON/],
      ['no text nor choice', { body: '{}' }, /exactly one of "text" or "choice"/],
      ['both', { body: '{"text":"a","choice":"b"}' }, /exactly one/],
      ['unknown field', { body: '{"txt":"hello"}' }, /unknown field "txt"/],
      ['wrong type', { body: '{"text": 42}' }, /text: Expected string/],
      ['empty text', { body: '{"text":"   "}' }, /text is empty/],
      // What an Arabic keyboard may leave in an emptied box: the agent would get an empty message.
      ['only invisible marks', { body: JSON.stringify({ text: '\u200f \u200b\u200e' }) }, /text is empty/],
      ['too long', { body: JSON.stringify({ text: 'x'.repeat(20_001) }) }, /longer than 20000/],
      ['not an object', { body: '[1,2]' }, /JSON object/],
    ];
    for (const [label, init, reason] of cases) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, ...init });
      expect(res.status, label).toBe(400);
      expect(((await res.json()) as { error: string }).error, label).toMatch(reason);
    }
    const badSession = await fetch(`${app.url}/webchat/${'a'.repeat(65)}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"text":"hi"}' });
    expect(badSession.status).toBe(400);
    expect(await app.store.messageCount()).toBe(0);
    expect(await app.store.conversations()).toEqual([]);
    await app.stop();
  });

  it('answers the worst bodies with 400 (413 past the size limit) and a reason, never 500, storing nothing', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const { session, token } = await newSession(app.url);
    const url = `${app.url}/webchat/${session}/messages`;
    const cases: [string, string, number, RegExp][] = [
      ['replyTo past 2^53', '{"text":"hi","replyTo":1e300}', 400, /replyTo/],
      ['replyTo a digit too long', '{"text":"hi","replyTo":9007199254740993}', 400, /replyTo/],
      ['replyTo Infinity', '{"text":"hi","replyTo":1e999}', 400, /replyTo/],
      ['huge text', JSON.stringify({ text: 'x'.repeat(200_000) }), 400, /longer than 20000/],
      ['huge clientId', JSON.stringify({ text: 'hi', clientId: 'c'.repeat(10_000) }), 400, /clientId/],
      // Distinct ids PostgreSQL would hold as one (it replaces NUL and lone surrogates with U+FFFD).
      ['clientId with a NUL', JSON.stringify({ text: 'hi', clientId: 'k\u0000' }), 400, /clientId must be plain text/],
      ['clientId with a lone surrogate', JSON.stringify({ text: 'hi', clientId: 'k\ud800' }), 400, /clientId must be plain text/],
      ['object where a string belongs', '{"text":"hi","name":{"toString":1,"valueOf":1}}', 400, /name: Expected string/],
      ['array of texts', '{"text":["a","b"]}', 400, /text: Expected string/],
      ['prototype key', '{"text":"hi","__proto__":{"admin":true}}', 400, /unknown field "__proto__"/],
      ['deep nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, 400, /JSON object/],
      ['nested garbage', `{"text":"hi","x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, 400, /unknown field "x"/],
      ['past the size limit', JSON.stringify({ text: 'x'.repeat(300_000) }), 413, /too large/],
    ];
    for (const [label, body, status, reason] of cases) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      expect(res.status, label).toBe(status);
      expect(((await res.json()) as { error: string }).error, label).toMatch(reason);
    }
    expect(await app.store.messageCount()).toBe(0);
    await app.stop();
  });

  it('treats a retried POST with the same clientId as one message', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const retry = visitor(app.url, 'retry');
    await Promise.all([retry.say('hello', 'c-1'), retry.say('hello', 'c-1'), retry.say('hello', 'c-1')]);
    expect((await retry.messages()).map((m) => m.from)).toEqual(['contact', 'bot', 'bot']);
    await app.stop();
  });

  it('keeps message ids and the conversation across a restart', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
    let app = await start(dir);
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hello');
    const before = await layla.messages();
    await app.stop();
    app = await start(dir);
    const again = visitor(app.url, 'layla', 'Layla');
    expect(await again.messages()).toEqual(before);
    await again.say('layla@example.com');
    const after = await again.messages();
    expect(after.at(-1)?.text).toBe('What can we help you with?');
    expect(after.at(-1)!.id).toBeGreaterThan(before.at(-1)!.id);
    await app.stop();
  });

  it('streams the conversation as server-sent events, resuming after Last-Event-ID', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const sara = visitor(app.url, 'sara', 'Sara');
    const { session, token } = await sara.credentials();
    const live = readEvents(`${app.url}/webchat/${session}/events`, 3, { authorization: `Bearer ${token}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sara.say('hello');
    const events = await live;
    expect(events.map((e) => e.text)).toEqual(['hello', 'Hi Sara!', 'What is your email address?']);

    const resumed = await readEvents(`${app.url}/webchat/${session}/events`, 1, { 'last-event-id': String(events[1]!.id), authorization: `Bearer ${token}` });
    expect(resumed.map((e) => e.text)).toEqual(['What is your email address?']);
    await app.stop();
  });

  it('serves the chat page and answers /healthz', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/assets/chat.js');
    expect(await (await fetch(`${app.url}/assets/chat.js`)).text()).toContain('text/event-stream');
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    await app.stop();
  });

  it('answers 503 and stores nothing while the bot shuts down, so the visitor retries', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': inboundFlow }));
    await app.runtime.stop();
    const late = visitor(app.url, 'late');
    const res = await late.say('hello');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatch(/shutting down/);
    expect(await app.store.messageCount()).toBe(0);
    await app.stop();
  });
});
