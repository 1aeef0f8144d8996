// What the server itself answers, whatever the route: Switchboard starting, no such route, a body that is not JSON or
// over the route's limit, the store out of reach, a failure. Each keeps its status and its English `error`, and says
// what it is (`kind`, named as the web chat names its own refusals), so a page can word it in its reader's language.
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/log.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

/** Status, `Retry-After` and JSON body of a request. */
async function answer(url: string, init: RequestInit = {}): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const res = await fetch(url, init);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: `Bearer ${ADMIN_TOKEN}` };

describe('the server\'s own answers', () => {
  let app: Switchboard;
  afterAll(async () => {
    await app?.stop();
    await cleanupDirs();
  });

  it('say that Switchboard is starting as unavailable, to the web chat, the agent console and the admin API alike', async () => {
    // A fresh DATA_DIR: the first NLP model is trained before the routes answer, which leaves time to ask them.
    let listening: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const { msg, url: at } = JSON.parse(line) as { msg: string; url?: string };
          if (msg === 'Switchboard is starting' && at) listening(at);
        }
        done();
      },
    });
    const starting = startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: await shippedDataDir(), ADMIN_TOKEN },
      log: createLogger({ level: 'info', destination }),
      watch: false,
      sweepEveryMs: 0,
    });
    const base = await url;
    const answers = [
      await answer(`${base}/webchat/sessions`, { method: 'POST', headers: json, body: '{}' }),
      await answer(`${base}/agent/login`, { method: 'POST', headers: json, body: '{"token": "t"}' }),
      await answer(`${base}/api/session`, { headers: admin }),
    ];
    app = await starting;
    const unavailable = { status: 503, retryAfter: '5', body: { error: 'Switchboard is starting; try again shortly', kind: 'unavailable' } };
    expect(answers).toEqual([unavailable, unavailable, unavailable]);
  }, 120_000);

  it('say what a request to no route, with a body that is not JSON or over its limit, is, on every part of the server', async () => {
    expect(await answer(`${app.url}/no/such/page`)).toEqual({ status: 404, retryAfter: null, body: { error: 'not found', kind: 'notFound' } });

    const notJson = { status: 400, retryAfter: null, body: { error: 'the body is not valid JSON', kind: 'badRequest' } };
    expect(await answer(`${app.url}/webchat/sessions`, { method: 'POST', headers: json, body: '{"name": ' })).toEqual(notJson);
    expect(await answer(`${app.url}/agent/login`, { method: 'POST', headers: json, body: '{"token": ' })).toEqual(notJson);
    expect(await answer(`${app.url}/api/login`, { method: 'POST', headers: json, body: '{"token": ' })).toEqual(notJson);

    // A message's JSON is read up to 256 KB; a contact's edit in the admin API up to 64 KB.
    const { session, token } = await visitor(app.url, 'general-answers-layla', 'Layla').credentials();
    const huge = JSON.stringify({ text: 'x'.repeat(300_000) });
    expect(await answer(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: { ...json, authorization: `Bearer ${token}` }, body: huge }))
      .toEqual({ status: 413, retryAfter: null, body: { error: 'the body is too large', kind: 'tooLarge', maxBytes: 256 * 1024 } });
    expect(await answer(`${app.url}/api/contacts/c1`, { method: 'PATCH', headers: admin, body: JSON.stringify({ name: 'x'.repeat(70_000) }) }))
      .toEqual({ status: 413, retryAfter: null, body: { error: 'the body is too large', kind: 'tooLarge', maxBytes: 64 * 1024 } });
  });

  it('say that the store is out of reach as unavailable, and a failure as internal, without saying what failed', async () => {
    const real = app.store.contact.bind(app.store);
    try {
      app.store.contact = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
      expect(await answer(`${app.url}/api/contacts/c1`, { headers: admin }))
        .toEqual({ status: 503, retryAfter: '5', body: { error: 'the store is out of reach; nothing was done, try again shortly', kind: 'unavailable' } });
      app.store.contact = () => Promise.reject(new Error('EIO: i/o error, read /var/lib/switchboard/store'));
      expect(await answer(`${app.url}/api/contacts/c1`, { headers: admin }))
        .toEqual({ status: 500, retryAfter: null, body: { error: 'internal error; nothing was acknowledged, please retry', kind: 'internal' } });
    } finally {
      app.store.contact = real;
    }
    expect((await answer(`${app.url}/api/contacts/c1`, { headers: admin })).status).toBe(404);
  });
});
