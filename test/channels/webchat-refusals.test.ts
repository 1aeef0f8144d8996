// What the web chat API answers when it refuses a request: besides its English `error`, a `kind` a page words in
// its reader's language (README, web chat API), on every route: starting a chat, the session in the URL, sending,
// read marks, paging, the event stream, files, and an agent's sign-in.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { webchatHarness, type WebchatHarness } from './webchat-harness.ts';

let chat: WebchatHarness | undefined;
afterEach(async () => {
  await chat?.stop();
  chat = undefined;
});

const json = { 'content-type': 'application/json' };

/** Status, Retry-After and body of an answer. */
async function answer(res: Response): Promise<{ status: number; retryAfter: string | null; body: { error?: unknown; kind?: unknown } }> {
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: unknown; kind?: unknown } };
}

/** Opens an event stream; resolves with its status (and a way to close it) once the head arrives. */
function openStream(url: string): Promise<{ status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web chat refusals', () => {
  it('says what a refused start of a chat is: a body it does not take (badRequest), too many chats from one address (rateLimited)', async () => {
    // A refused body takes its place among the address's new chats too.
    chat = await webchatHarness({ limits: { sessionsPerAddress: { count: 2, perMs: 3_600_000 } } });
    const bad = await answer(await fetch(`${chat.url}/webchat/sessions`, { method: 'POST', headers: json, body: JSON.stringify({ nom: 'Layla' }) }));
    expect(bad).toMatchObject({ status: 400, body: { error: 'unknown field "nom"', kind: 'badRequest' } });
    expect((await fetch(`${chat.url}/webchat/sessions`, { method: 'POST', headers: json, body: '{}' })).status).toBe(201);
    const tooMany = await answer(await fetch(`${chat.url}/webchat/sessions`, { method: 'POST', headers: json, body: '{}' }));
    expect(tooMany).toMatchObject({ status: 429, body: { kind: 'rateLimited' } });
    expect(Number(tooMany.retryAfter)).toBeGreaterThan(60);
  });

  it('says what a refused session is: a name no session can have (badRequest), no token or another\'s (unauthorized)', async () => {
    chat = await webchatHarness({ openSessions: false });
    const made = (await (await fetch(`${chat.url}/webchat/sessions`, { method: 'POST', headers: json, body: '{}' })).json()) as { session: string; token: string };
    const badName = await answer(await fetch(`${chat.url}/webchat/no%20such%20name!/messages`, { headers: { authorization: `Bearer ${made.token}` } }));
    expect(badName).toMatchObject({ status: 400, body: { kind: 'badRequest' } });
    const noToken = await answer(await fetch(`${chat.url}/webchat/${made.session}/messages`));
    expect(noToken).toMatchObject({ status: 401, body: { kind: 'unauthorized' } });
    const wrongToken = await answer(await fetch(`${chat.url}/webchat/${made.session}/messages`, { method: 'POST', headers: { ...json, authorization: 'Bearer not-the-token' }, body: JSON.stringify({ text: 'hi' }) }));
    expect(wrongToken).toMatchObject({ status: 401, body: { kind: 'unauthorized' } });
    expect(chat.delivered).toEqual([]);
  });

  it('says what a refused read mark, page of history or event stream is (badRequest), and a file the session may not have (notFound)', async () => {
    chat = await webchatHarness();
    const session = 'v-refusals';
    const read = await answer(await fetch(`${chat.url}/webchat/${session}/read`, { method: 'POST', headers: json, body: JSON.stringify({ ids: [] }) }));
    expect(read).toMatchObject({ status: 400, body: { error: 'expected {"ids": [<message id>, …]}: ids: ids is empty', kind: 'badRequest' } });
    const notIds = await answer(await fetch(`${chat.url}/webchat/${session}/read`, { method: 'POST', headers: json, body: JSON.stringify({ ids: ['one'] }) }));
    expect(notIds).toMatchObject({ status: 400, body: { kind: 'badRequest' } });
    const limit = await answer(await fetch(`${chat.url}/webchat/${session}/messages?after=0&limit=500`));
    expect(limit).toMatchObject({ status: 400, body: { kind: 'badRequest' } });
    const after = await answer(await fetch(`${chat.url}/webchat/${session}/messages?after=-1`));
    expect(after).toMatchObject({ status: 400, body: { kind: 'badRequest' } });
    const events = await answer(await fetch(`${chat.url}/webchat/${session}/events?after=last`));
    expect(events).toMatchObject({ status: 400, body: { error: 'expected /webchat/<session>/events?after=<message id>', kind: 'badRequest' } });
    const file = await answer(await fetch(`${chat.url}/webchat/${session}/media/no-such-file`));
    expect(file).toMatchObject({ status: 404, body: { error: 'not found', kind: 'notFound' } });
  });

  it('says that a session sending too fast or holding too many event streams is rateLimited, with Retry-After', async () => {
    chat = await webchatHarness({ limits: { postsPerSession: { count: 1, perMs: 60_000 }, streamsPerSession: 1 } });
    const session = 'v-fast';
    const send = (text: string) => fetch(`${chat!.url}/webchat/${session}/messages`, { method: 'POST', headers: json, body: JSON.stringify({ text }) });
    expect((await send('one')).status).toBe(202);
    const second = await answer(await send('two'));
    expect(second).toMatchObject({ status: 429, body: { kind: 'rateLimited' } });
    expect(Number(second.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(chat.delivered.map((message) => message.text)).toEqual(['one']);

    const first = await openStream(`${chat.url}/webchat/${session}/events`);
    expect(first.status).toBe(200);
    const refused = await answer(await fetch(`${chat.url}/webchat/${session}/events`));
    expect(refused).toMatchObject({ status: 429, retryAfter: '30', body: { kind: 'rateLimited' } });
    first.close();
  });

  it('says what a refused agent sign-in is: a body without a token (badRequest), a token nobody has (unauthorized)', async () => {
    chat = await webchatHarness({ agents: [{ id: 'agent-omar', name: 'Omar', session: 'omar', token: 'omar-secret-token' }] });
    const empty = await answer(await fetch(`${chat.url}/agent/login`, { method: 'POST', headers: json, body: JSON.stringify({ token: '' }) }));
    expect(empty).toMatchObject({ status: 400, body: { kind: 'badRequest' } });
    const wrong = await answer(await fetch(`${chat.url}/agent/login`, { method: 'POST', headers: json, body: JSON.stringify({ token: 'not-omars' }) }));
    expect(wrong).toMatchObject({ status: 401, body: { error: 'no agent signs in with this token', kind: 'unauthorized' } });
    const noCredential = await answer(await fetch(`${chat.url}/webchat/omar/messages`));
    expect(noCredential).toMatchObject({ status: 401, body: { kind: 'unauthorized' } });
  });
});
