// What POST /api/messages answers an activity it refuses: its status as ever (the Bot Framework reads only that), and
// what the refusal is in `kind`, named as the Meta webhook's and the server's own answers name theirs, for the log
// readers and operators who look at it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/errors.ts';
import { cleanupDirs } from '../../helpers.ts';
import { startBotFramework, webchatText, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const greeting = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

describe('the Bot Framework webhook\'s refusals', () => {
  it('say what each is: a token missing or refused, a body that is no activity or cannot be read, the store out of reach, a failure', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': greeting } });
    running.push(bf);
    const serviceUrl = bf.service.serviceUrl('webchat');
    // botbuilder prints each refused token to the console.
    vi.spyOn(console, 'error').mockImplementation(() => {});

    expect(await bf.post(webchatText('hello', serviceUrl), { token: null })).toEqual({ status: 401, body: { error: 'a Bot Framework token is required (Authorization: Bearer …)', kind: 'unauthorized' } });
    expect(await bf.post(webchatText('hello', serviceUrl), { token: bf.service.sign('https://elsewhere.example/') })).toEqual({ status: 401, body: { error: 'the token does not prove a Bot Framework channel sent this activity', kind: 'unauthorized' } });
    expect(await bf.post({ text: 'no type', serviceUrl })).toEqual({ status: 400, body: { error: 'expected a Bot Framework activity: a JSON object with a type', kind: 'badRequest' } });
    expect(await bf.post({ ...webchatText('hello', serviceUrl), id: undefined })).toEqual({ status: 400, body: { error: 'message without an id', kind: 'badRequest' } });

    const real = bf.app.store.transaction.bind(bf.app.store);
    try {
      bf.app.store.transaction = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
      expect(await bf.post(webchatText('hello', serviceUrl))).toEqual({ status: 503, body: { error: expect.stringContaining('the store is out of reach'), kind: 'unavailable' } });
      bf.app.store.transaction = () => Promise.reject(new Error('EIO: i/o error'));
      expect(await bf.post(webchatText('hello', serviceUrl))).toEqual({ status: 500, body: { error: 'not stored; please retry', kind: 'internal' } });
    } finally {
      bf.app.store.transaction = real;
    }
    expect(await bf.post(webchatText('hello', serviceUrl))).toEqual({ status: 200, body: {} });
  });

  it('says the signing keys out of reach are unavailable for now', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': greeting }, config: { BOTFRAMEWORK_OPENID_METADATA_URL: 'http://127.0.0.1:9/v1/.well-known/openidconfiguration' } });
    running.push(bf);
    const serviceUrl = bf.service.serviceUrl('webchat');
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await bf.post(webchatText('hello', serviceUrl))).toEqual({ status: 503, body: { error: 'the Bot Framework\'s signing keys could not be loaded; please retry', kind: 'unavailable' } });
  });
});
