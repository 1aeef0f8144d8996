// Abuse limits of the web chat and paged history: posts per session and per address (429 with Retry-After, and
// a refused message is never stored while an accepted one always is), sessions per address, event streams per
// session and per address, pages of at most 200 messages, and event streams that send a page at a time.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, dataDirWith, newSession, start, visitor, type Credentials } from '../helpers.ts';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

afterEach(cleanupDirs);

/** A flow that says nothing back, so each post is one stored message. */
const quietFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "Yes?"\n    save: conversation.need\n';

const say = (url: string, who: Credentials, text: string) =>
  fetch(`${url}/webchat/${who.session}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${who.token}` }, body: JSON.stringify({ text, clientId: text.replace(/\W/g, '-') }) });

/** Texts a session's customer wrote, as stored. */
async function stored(url: string, who: Credentials): Promise<string[]> {
  const res = await fetch(`${url}/webchat/${who.session}/messages?limit=200`, { headers: { authorization: `Bearer ${who.token}` } });
  return ((await res.json()) as { messages: { from: string; text: string }[] }).messages.filter((m) => m.from === 'contact').map((m) => m.text);
}

/** Opens an event stream; resolves with its status (and a way to close it) once the head arrives. */
function openStream(url: string, token?: string): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A clock that moves only when told, so a burst is a burst however slow the machine. */
let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;
const wait = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

describe('web chat limits', () => {
  it('takes 20 messages of a burst of 25 from one session and answers the other 5 with 429 and Retry-After, storing none of them', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': quietFlow }), { now });
    const layla = await newSession(app.url, 'Layla');
    const texts = Array.from({ length: 25 }, (_, n) => `message ${n + 1}`);
    const answers = await Promise.all(texts.map((text) => say(app.url, layla, text)));
    const accepted = texts.filter((_, n) => answers[n]!.status === 202);
    const refused = answers.filter((res) => res.status === 429);
    const retryAfter = refused.map((res) => res.headers.get('retry-after'));
    console.log(`burst of 25 from one session: ${accepted.length} × 202, ${refused.length} × 429 (Retry-After: ${retryAfter.join(', ')} s)`);
    expect(accepted).toHaveLength(20);
    expect(refused).toHaveLength(5);
    for (const value of retryAfter) expect(Number(value)).toBeGreaterThanOrEqual(1);
    expect(((await refused[0]!.json()) as { error: string }).error).toMatch(/^this session sends too fast \(at most 20 per 10 s\): nothing was kept; send it again in \d+ s$/);
    // Every 202 is stored, no 429 is.
    expect((await stored(app.url, layla)).sort()).toEqual([...accepted].sort());

    // Sent again after the wait it asks for, a refused message goes in.
    wait(Number(retryAfter[0]));
    const late = texts.find((text) => !accepted.includes(text))!;
    expect((await say(app.url, layla, late)).status).toBe(202);
    expect(await stored(app.url, layla)).toContain(late);
    await app.stop();
  });

  it('takes 60 messages in 10 s from one address across its sessions, then 429', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': quietFlow }), { now });
    const sessions = await Promise.all(Array.from({ length: 4 }, () => newSession(app.url)));
    const figures: string[] = [];
    for (const [n, who] of sessions.slice(0, 3).entries()) {
      const statuses = await Promise.all(Array.from({ length: 20 }, (_, m) => say(app.url, who, `s${n} m${m}`).then((res) => res.status)));
      figures.push(`session ${n + 1}: ${statuses.filter((status) => status === 202).length} × 202`);
      expect(statuses.every((status) => status === 202)).toBe(true);
    }
    const fourth = await say(app.url, sessions[3]!, 'one more');
    figures.push(`session 4: ${fourth.status}, Retry-After ${fourth.headers.get('retry-after')} s`);
    console.log(`one address, 4 sessions: ${figures.join('; ')}`);
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: string }).error).toMatch(/^too many messages from your address \(at most 60 per 10 s\)/);
    expect(await stored(app.url, sessions[3]!)).toEqual([]);
    await app.stop();
  });

  it('makes at most 20 sessions an hour for one address', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': quietFlow }), { now });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let n = 0; n < 22; n++) {
      last = await fetch(`${app.url}/webchat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      statuses.push(last.status);
    }
    console.log(`sessions made from one address: ${statuses.filter((s) => s === 201).length} × 201, then ${statuses.filter((s) => s === 429).length} × 429 (Retry-After ${last!.headers.get('retry-after')} s)`);
    expect(statuses).toEqual([...Array(20).fill(201), 429, 429]);
    // One more an hour is 3 min apart.
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(((await last!.json()) as { error: string }).error).toMatch(/too many new sessions from your address \(at most 20 per hour\)/);
    await app.stop();
  });

  it('holds at most 5 event streams open per session and the configured number per address, and frees a place when one closes', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': quietFlow }), { config: { WEBCHAT_STREAM_LIMIT: [5, 8] } });
    const [a, b] = await Promise.all([newSession(app.url), newSession(app.url)]);
    const streamOf = (who: Credentials) => [`${app.url}/webchat/${who.session}/events`, who.token] as const;
    const first = await Promise.all(Array.from({ length: 6 }, () => openStream(...streamOf(a!))));
    expect(first.map((stream) => stream.status).sort()).toEqual([200, 200, 200, 200, 200, 429]);
    const second = await Promise.all(Array.from({ length: 4 }, () => openStream(...streamOf(b!))));
    expect(second.map((stream) => stream.status).sort()).toEqual([200, 200, 200, 429]);
    console.log(`event streams: per session ${first.filter((s) => s.status === 200).length} open then 429; per address ${[...first, ...second].filter((s) => s.status === 200).length} open then 429`);
    first.find((stream) => stream.status === 200)!.close();
    let again = 0;
    for (let tries = 0; tries < 50 && again !== 200; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const stream = await openStream(...streamOf(b!));
      again = stream.status;
      if (again === 200) stream.close();
    }
    expect(again).toBe(200);
    for (const stream of [...first, ...second]) stream.close();
    await app.stop();
  });
});

describe('web chat history in pages', () => {
  let chat: WebchatHarness;
  afterEach(async () => chat?.stop());

  it('answers 50 messages by default, up to 200 with limit, and says whether more follow', async () => {
    chat = await webchatHarness();
    for (let n = 1; n <= 120; n++) await chat.say('v-1', 'bot', `line ${n}`);
    const page = async (query: string) => {
      const res = await fetch(`${chat.url}/webchat/v-1/messages${query}`);
      return { status: res.status, ...((await res.json()) as { messages?: { id: number; text: string }[]; more?: boolean; error?: string }) };
    };
    const first = await page('');
    expect(first.messages).toHaveLength(50);
    expect(first.more).toBe(true);
    const next = await page(`?after=${first.messages!.at(-1)!.id}&limit=60`);
    expect(next.messages!.map((m) => m.text)).toEqual(Array.from({ length: 60 }, (_, n) => `line ${n + 51}`));
    expect(next.more).toBe(true);
    const rest = await page(`?after=${next.messages!.at(-1)!.id}&limit=200`);
    expect(rest.messages).toHaveLength(10);
    expect(rest.more).toBe(false);
    expect((await page('?limit=200')).messages).toHaveLength(120);
    for (const query of ['?limit=201', '?limit=0', '?limit=ten', '?after=-1']) {
      const refused = await page(query);
      expect(refused.status, query).toBe(400);
      expect(refused.error, query).toBe('expected /webchat/<session>/messages?after=<message id>&limit=<1-200, default 50>');
    }
  });

  it('leaves internal notes out of a page without cutting it short', async () => {
    chat = await webchatHarness();
    await chat.say('v-1', 'bot', 'before');
    for (let n = 0; n < 70; n++) chat.messages.push({ id: 1000 + n, channel: 'webchat', address: 'v-1', direction: 'in', from: 'note', text: `note ${n}`, at: new Date().toISOString() });
    for (let n = 0; n < 3; n++) chat.messages.push({ id: 2000 + n, channel: 'webchat', address: 'v-1', direction: 'out', from: 'bot', text: `after ${n}`, at: new Date().toISOString() });
    const res = (await (await fetch(`${chat.url}/webchat/v-1/messages?limit=2`)).json()) as { messages: { text: string }[]; more: boolean };
    expect(res).toEqual({ messages: [expect.objectContaining({ text: 'before' }), expect.objectContaining({ text: 'after 0' })], more: true });
  });

  it('streams a long transcript a page at a time, as fast as the reader takes it, and resumes from Last-Event-ID', async () => {
    chat = await webchatHarness();
    // 1,000 messages of 24 KB: a 24 MB transcript.
    const line = 'x'.repeat(24 * 1024);
    for (let n = 1; n <= 1000; n++) chat.messages.push({ id: n, channel: 'webchat', address: 'v-long', direction: 'out', from: 'bot', text: `${n} ${line}`, at: new Date().toISOString() });
    const before = chat.reads();
    const ids: number[] = [];
    let pausedReads = 0;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${chat.url}/webchat/v-long/events`, (res) => {
        // A reader that takes nothing for a while: the server stops after what the connection holds.
        res.pause();
        setTimeout(() => {
          pausedReads = chat.reads() - before;
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
              const id = /^id: (\d+)$/m.exec(buffer.slice(0, cut))?.[1];
              buffer = buffer.slice(cut + 2);
              if (id) ids.push(Number(id));
              if (ids.length === 1000) {
                req.destroy();
                resolve();
              }
            }
          });
          res.resume();
        }, 500);
      });
      req.on('error', (error) => (ids.length === 1000 ? resolve() : reject(error)));
      req.end();
    });
    console.log(`a 24 MB transcript: ${pausedReads} of 20 pages read while the reader waited; then all 1000 messages in order`);
    expect(pausedReads).toBeLessThan(15);
    expect(ids).toEqual(Array.from({ length: 1000 }, (_, n) => n + 1));

    // Resumed after 990: the last 10 only.
    const resumed = await fetch(`${chat.url}/webchat/v-long/events`, { headers: { 'last-event-id': '990' } });
    const reader = resumed.body!.getReader();
    let text = '';
    while ((text.match(/^id: /gm) ?? []).length < 10) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))).toEqual(Array.from({ length: 10 }, (_, n) => n + 991));
  });
});

describe('web chat listing', () => {
  it('carries the conversation, the clientId a message was posted with, and what the page reported: delivered, then read', async () => {
    const app = await start(await dataDirWith({ 'inbound.yaml': quietFlow }));
    const layla = visitor(app.url, 'layla', 'Layla');
    const { session, token } = await layla.credentials();
    await layla.say('hello', 'c-1');
    const [mine, question] = await layla.messages();
    expect(mine).toMatchObject({ from: 'contact', text: 'hello', clientId: 'c-1', conversationId: 1 });
    expect(question).toMatchObject({ from: 'bot', text: 'Yes?', conversationId: 1 });
    expect(question!.delivery).toBeUndefined();

    // The page's event stream shows it: delivered.
    const controller = new AbortController();
    const stream = await fetch(`${app.url}/webchat/${session}/events`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('Yes?')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    for (let n = 0; n < 100 && (await layla.messages()).at(-1)?.delivery !== 'delivered'; n++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await layla.messages()).at(-1)?.delivery).toBe('delivered');

    // The page says the visitor saw it: read. Ids of other sessions' messages change nothing.
    const read = await fetch(`${app.url}/webchat/${session}/read`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ ids: [question!.id, mine!.id] }) });
    expect(read.status).toBe(204);
    expect((await layla.messages()).map((m) => m.delivery)).toEqual([undefined, 'read']);
    await app.stop();
  });
});
