// What the Telegram webhook answers an update it refuses: its status as ever (Telegram reads only that), and what the
// refusal is in `kind`, named as the Meta webhook's and the server's own answers name theirs, for the log readers and
// operators who look at it; the same whether express or the fast path read the request.
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/errors.ts';
import { SECRET, fixture, telegramServers } from './harness.ts';

const { setUp } = telegramServers();

describe('the Telegram webhook\'s refusals', () => {
  it('say what each is: a secret refused, a body that is no update, the store out of reach, a failure', async () => {
    const { app } = await setUp({ webhook: true });
    /** Status and JSON body of a POST to the webhook; `?via=express` is not the fast route's exact path. */
    const post = async (body: string, options: { secret?: string; via?: 'express' } = {}) => {
      const res = await fetch(`${app.url}/webhooks/telegram${options.via ? '?via=express' : ''}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': options.secret ?? SECRET },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    let updateId = 700_000;
    const update = () => JSON.stringify({ ...fixture('private-text'), update_id: updateId++ });

    expect(await post(update(), { secret: 'a-guess' })).toEqual({ status: 401, body: { error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token', kind: 'unauthorized' } });
    for (const via of [undefined, 'express'] as const) {
      expect(await post('{"update_id": 1, ', { via })).toEqual({ status: 400, body: { error: 'the body is not valid JSON', kind: 'badRequest' } });
      expect(await post('{"message": {}}', { via })).toEqual({ status: 400, body: { error: 'expected a Telegram update: a JSON object with an update_id', kind: 'badRequest' } });
    }

    const real = app.store.transaction.bind(app.store);
    try {
      for (const via of [undefined, 'express'] as const) {
        app.store.transaction = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
        expect(await post(update(), { via })).toEqual({ status: 503, body: { error: expect.stringContaining('the store is out of reach'), kind: 'unavailable' } });
        app.store.transaction = () => Promise.reject(new Error('EIO: i/o error'));
        expect(await post(update(), { via })).toEqual({ status: 500, body: { error: 'not stored; please retry', kind: 'internal' } });
      }
    } finally {
      app.store.transaction = real;
    }
    expect(await post(update())).toEqual({ status: 200, body: { ok: true } });
  });
});
