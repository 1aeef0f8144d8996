// What the Meta webhook (WhatsApp Cloud here; Messenger and Instagram mount the same one) answers a request it refuses:
// its status as ever (Meta reads only that), and what the refusal is in `kind`, named as the server's own answers name
// theirs, for the log readers and operators who look at it.
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/store/errors.ts';
import { cleanupDirs } from '../../helpers.ts';
import { VERIFY_TOKEN, fixture, sign, startCloud, type CloudServer } from '../whatsapp-cloud/harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
  await cleanupDirs();
});

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello!"\n';

describe('the Meta webhook\'s refusals', () => {
  it('say what each is: a verify token or signature refused, a body that is no batch, the store out of reach, a failure', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    const verify = await fetch(`${cloud.app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect({ status: verify.status, body: await verify.json() }).toEqual({ status: 403, body: { error: 'wrong hub.mode or hub.verify_token', kind: 'unauthorized' } });
    expect((await fetch(`${cloud.app.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(200);

    const body = JSON.stringify(fixture('text'));
    expect(await cloud.post(body, { signature: sign(body, 'not-the-app-secret') })).toEqual({ status: 401, body: { error: 'wrong or missing X-Hub-Signature-256', kind: 'unauthorized' } });
    expect(await cloud.post('{"object": "whatsapp_business_account", "entry": [')).toEqual({ status: 400, body: { error: 'the body is not valid JSON', kind: 'badRequest' } });
    expect(await cloud.post({ object: 'page', entry: [] })).toEqual({ status: 400, body: { error: expect.any(String), kind: 'badRequest' } });

    const real = cloud.app.store.transaction.bind(cloud.app.store);
    try {
      cloud.app.store.transaction = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
      expect(await cloud.post(body)).toEqual({ status: 503, body: { error: expect.stringContaining('the store is out of reach'), kind: 'unavailable' } });
      cloud.app.store.transaction = () => Promise.reject(new Error('EIO: i/o error'));
      expect(await cloud.post(body)).toEqual({ status: 500, body: { error: 'not stored; please retry', kind: 'internal' } });
    } finally {
      cloud.app.store.transaction = real;
    }
    expect(await cloud.post(body)).toEqual({ status: 200, body: { ok: true } });
  });
});
