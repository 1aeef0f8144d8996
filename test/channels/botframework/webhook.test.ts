// POST /api/messages through the real server: only a channel's signed JWT gets an activity in (checked against the
// signing keys the fake OpenID metadata publishes), what is not a message is acknowledged and left alone, a repeated
// activity is acted on once, and the settings refuse a half-configured channel or authentication off on a network.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, readConfig } from '../../../src/server/config.ts';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog, recordingLog } from '../../helpers.ts';
import { APP_ID, APP_PASSWORD } from './fake-bot-service.ts';
import { fixture, settled, startBotFramework, webchatText, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const greeting = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

async function server(options: Partial<Parameters<typeof startBotFramework>[0]> = {}): Promise<BotFrameworkServer> {
  const started = await startBotFramework({ flows: { 'inbound.yaml': greeting }, ...options });
  running.push(started);
  return started;
}

describe('authentication', () => {
  it('refuses a request without a token (401) and stores nothing', async () => {
    const bf = await server();
    const activity = webchatText('hello', bf.service.serviceUrl('webchat'));
    expect(await bf.post(activity, { token: null })).toEqual({ status: 401, body: { error: 'a Bot Framework token is required (Authorization: Bearer …)', kind: 'unauthorized' } });
    expect(await bf.post(activity, { token: 'not-a-jwt' })).toMatchObject({ status: 401 });
    expect(await bf.app.store.contacts()).toEqual([]);
    expect(bf.service.sent).toEqual([]);
  });

  it('refuses tokens signed by another key, for another app, for another service URL, or expired, and stores nothing', async () => {
    const bf = await server();
    const serviceUrl = bf.service.serviceUrl('webchat');
    const activity = webchatText('hello', serviceUrl);
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    for (const token of [
      bf.service.sign(serviceUrl, { key: stranger }),
      bf.service.sign(serviceUrl, { audience: '00000000-0000-0000-0000-000000000000' }),
      bf.service.sign('https://elsewhere.example/'),
      bf.service.sign(serviceUrl, { expiresInSeconds: -3600 }),
    ]) {
      expect(await bf.post(activity, { token })).toEqual({ status: 401, body: { error: 'the token does not prove a Bot Framework channel sent this activity', kind: 'unauthorized' } });
    }
    expect(await bf.app.store.contacts()).toEqual([]);
  });

  it('takes a channel\'s signed activity and answers the person at its service URL with the bot\'s token', async () => {
    const bf = await server();
    expect(await bf.post(webchatText('hello', bf.service.serviceUrl('webchat')))).toEqual({ status: 200, body: {} });
    await settled(bf);
    expect(bf.service.sentTo('Dz1FxXAbC1e-us', 'webchat').map((sent) => [sent.token, sent.activity.text])).toEqual([['bot-token-0123456789', 'Hi Amira!']]);
    expect(bf.service.tokenRequests).toEqual([{
      tenant: 'botframework.com',
      form: { grant_type: 'client_credentials', client_id: APP_ID, client_secret: APP_PASSWORD, scope: 'https://api.botframework.com/.default' },
    }]);
  });

  it('asks a single-tenant app\'s token from its own tenant', async () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const bf = await server({ config: { MICROSOFT_APP_TYPE: 'SingleTenant', MICROSOFT_APP_TENANT_ID: tenant } });
    await bf.post(webchatText('hello', bf.service.serviceUrl('webchat')));
    await settled(bf);
    expect(bf.service.tokenRequests.map((request) => request.tenant)).toEqual([tenant]);
    expect(bf.service.sent).toHaveLength(1);
  });
});

describe('what the webhook answers', () => {
  it('acknowledges a conversationUpdate without storing it or greeting anyone', async () => {
    const bf = await server();
    const update = { ...fixture('conversation-update'), serviceUrl: bf.service.serviceUrl('teams') };
    expect(await bf.post(update)).toEqual({ status: 200, body: {} });
    expect(await bf.post({ ...update, type: 'typing', id: 'typing-1' })).toEqual({ status: 200, body: {} });
    expect(await bf.app.store.contacts()).toEqual([]);
    expect(bf.service.sent).toEqual([]);
  });

  it('acts once on an activity the channel delivers twice', async () => {
    const bf = await server();
    const activity = webchatText('hello', bf.service.serviceUrl('webchat'));
    expect((await bf.post(activity)).status).toBe(200);
    expect((await bf.post(activity)).status).toBe(200);
    await settled(bf);
    const [contact] = await bf.app.store.contacts();
    expect((await bf.app.store.messagesOfContact(contact!.id)).map((message) => message.text)).toEqual(['hello', 'Hi Amira!']);
    expect(bf.service.sent).toHaveLength(1);
  });

  it('refuses a body that is not an activity (400), and one it cannot read, with the reason', async () => {
    const bf = await server();
    const serviceUrl = bf.service.serviceUrl('webchat');
    expect(await bf.post('{"type": "message", ', { token: bf.service.sign(serviceUrl) })).toEqual({ status: 400, body: { error: 'the body is not valid JSON', kind: 'badRequest' } });
    expect(await bf.post({ text: 'no type', serviceUrl })).toEqual({ status: 400, body: { error: 'expected a Bot Framework activity: a JSON object with a type', kind: 'badRequest' } });
    expect(await bf.post({ ...webchatText('hello', serviceUrl), id: undefined })).toEqual({ status: 400, body: { error: 'message without an id', kind: 'badRequest' } });
    expect(await bf.app.store.contacts()).toEqual([]);
  });
});

describe('settings', () => {
  it('refuses an app id without its password, a single-tenant app without its tenant, and an unknown app type', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': greeting });
    const start = (more: Record<string, string>) => startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ...more }, log: quietLog, watch: false, sweepEveryMs: 0 });
    await expect(start({ MICROSOFT_APP_ID: APP_ID })).rejects.toThrow(/MICROSOFT_APP_PASSWORD: missing/);
    await expect(start({ MICROSOFT_APP_PASSWORD: APP_PASSWORD })).rejects.toThrow(/MICROSOFT_APP_ID: missing/);
    await expect(start({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD, MICROSOFT_APP_TYPE: 'SingleTenant' } as Record<string, string>)).rejects.toThrow(/MICROSOFT_APP_TENANT_ID: missing/);
    expect(() => readConfig({ MICROSOFT_APP_TYPE: 'UserAssignedMSI' })).toThrow(ConfigError);
    expect(() => readConfig({ MICROSOFT_APP_TYPE: 'UserAssignedMSI' })).toThrow(/MICROSOFT_APP_TYPE="UserAssignedMSI": must be MultiTenant or SingleTenant/);
  });

  it('refuses BOTFRAMEWORK_NO_AUTH=1 unless the server listens on loopback only', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': greeting });
    await expect(startSwitchboard({ config: { PORT: 0, HOST: '0.0.0.0', DATA_DIR: dir, BOTFRAMEWORK_NO_AUTH: '1' }, log: quietLog, watch: false, sweepEveryMs: 0 }))
      .rejects.toThrow('BOTFRAMEWORK_NO_AUTH=1 with HOST=0.0.0.0: turning authentication off is for development on this machine only');
  });

  it('with BOTFRAMEWORK_NO_AUTH=1 on loopback, takes activities without a token, sends replies without one, and says so loudly', async () => {
    const { log, lines } = recordingLog();
    const bf = await server({ log, config: { MICROSOFT_APP_ID: undefined, MICROSOFT_APP_PASSWORD: undefined, BOTFRAMEWORK_NO_AUTH: '1' } });
    bf.service.requireToken(false);
    expect(lines.some((line) => line.level === 40 && String(line.msg).startsWith('BOTFRAMEWORK_NO_AUTH=1: AUTHENTICATION IS OFF'))).toBe(true);
    expect(await bf.post(webchatText('hello', bf.service.serviceUrl('webchat')), { token: null })).toEqual({ status: 200, body: {} });
    await settled(bf);
    expect(bf.service.sent.map((sent) => [sent.token, sent.activity.text])).toEqual([['', 'Hi Amira!']]);
    expect(bf.service.tokenRequests).toEqual([]);
  });
});
