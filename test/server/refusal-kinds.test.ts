// The refusals the admin API and the agent console API answer themselves (no such admin route, the admin API off, too
// many event streams, an erase or an agent's action or reply the store could not take) say what they are in `kind`,
// beside their status and English `error` as before, so that the dashboard and the console word them in their
// reader's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import type { Conversation } from '../../src/store/types.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

/** Status, `Retry-After` and JSON body of a request. */
async function answer(url: string, init: RequestInit = {}): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('the admin and agent console APIs\' own refusals', () => {
  let app: Switchboard;
  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await cleanupDirs();
  });

  it('say that an admin API route does not exist as notFound', async () => {
    expect(await answer(`${app.url}/api/no-such-route`, { headers: admin })).toEqual({ status: 404, retryAfter: null, body: { error: 'no such admin API route', kind: 'notFound' } });
  });

  it('say that the admin API is off as adminOff', async () => {
    const off = await start(await shippedDataDir());
    try {
      expect(await answer(`${off.url}/api/session`, { headers: admin })).toEqual({ status: 503, retryAfter: null, body: { error: 'the admin API is off: set ADMIN_TOKEN to turn it on', kind: 'adminOff' } });
    } finally {
      await off.stop();
    }
  });

  it('say that too many event streams are open as tooManyStreams', async () => {
    const streams: AbortController[] = [];
    try {
      for (let i = 0; i < 100; i++) {
        const controller = new AbortController();
        streams.push(controller);
        expect((await fetch(`${app.url}/api/events`, { headers: admin, signal: controller.signal })).status).toBe(200);
      }
      expect(await answer(`${app.url}/api/events`, { headers: admin })).toEqual({
        status: 503, retryAfter: null, body: { error: 'too many event streams are open (100); close some dashboard tabs', kind: 'tooManyStreams' },
      });
    } finally {
      for (const controller of streams) controller.abort();
    }
  });

  it('say that an erase the store could not take is unavailable, in the admin\'s language, with the wait', async () => {
    const layla = visitor(app.url, 'refusal-kinds-layla', 'Layla');
    await layla.say('hello');
    const { session } = await layla.credentials();
    const laylaId = (await app.store.contactByIdentity('webchat', session))!.id;
    const real = app.store.eraseContact.bind(app.store);
    app.store.eraseContact = () => {
      app.store.eraseContact = real;
      return Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
    };
    const refused = await answer(`${app.url}/api/contacts/${laylaId}`, { method: 'DELETE', headers: { ...admin, 'accept-language': 'ar' } });
    expect(refused).toEqual({ status: 503, retryAfter: '5', body: { error: expect.stringContaining('لم يتم المحو'), kind: 'unavailable' } });
  });

  it('say that an agent\'s action or reply the store could not take is unavailable, with the wait', async () => {
    const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-lina') }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const post = (path: string, body: unknown) => answer(`${app.url}/agent/api${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // Lina, online, is given Sam's conversation about his bill.
    expect((await post('/act', { action: { kind: 'status', status: 'online' } })).status).toBe(200);
    const sam = visitor(app.url, 'refusal-kinds-sam', 'Sam');
    for (const text of ['hello', 'sam@example.com', 'I was charged twice']) await sam.say(text);
    let conversation: Conversation | undefined;
    for (let tries = 0; !conversation && tries < 100; tries++) {
      [conversation] = await app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
      if (!conversation) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(conversation).toBeDefined();

    const real = app.store.transaction.bind(app.store);
    app.store.transaction = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
    try {
      const unavailable = { status: 503, retryAfter: '5', body: { error: expect.stringContaining('the store is out of reach'), kind: 'unavailable' } };
      expect(await post('/act', { action: { kind: 'note', conversationId: conversation!.id, text: 'called back' } })).toEqual(unavailable);
      expect(await post(`/conversations/${conversation!.id}/messages`, { text: 'Let me look at your bill.' })).toEqual(unavailable);
    } finally {
      app.store.transaction = real;
    }
    expect((await post(`/conversations/${conversation!.id}/messages`, { text: 'Let me look at your bill.' })).status).toBe(202);
  });
});
