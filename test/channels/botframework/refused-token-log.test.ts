// A stranger's tokens on /api/messages, as the server prints them: botbuilder printed the Bot Framework's whole
// public signing key to stderr for each token it could not verify, so anyone could flood the server's output; now
// each refusal is one short line of the server's own log, the 401 unchanged.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { spawnServer, stopLeftoverServers } from '../../server-process.ts';
import { cleanupDirs, dataDirWith, eventually, inboundFlow, isSlowMachineWarning } from '../../helpers.ts';
import { APP_ID, APP_PASSWORD, FakeBotService } from './fake-bot-service.ts';
import { webchatText } from './harness.ts';

let service: FakeBotService | undefined;
afterEach(async () => {
  await stopLeftoverServers();
  await service?.close();
  await cleanupDirs();
});

it('logs one short line per refused token, never the signing key, and still answers 401', async () => {
  service = await FakeBotService.start();
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  const server = await spawnServer({
    DATA_DIR: dir, MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD,
    BOTFRAMEWORK_OPENID_METADATA_URL: service.openIdMetadataUrl, BOTFRAMEWORK_LOGIN_URL: service.url,
  });
  const serviceUrl = service.serviceUrl('webchat');
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const tokens = [
    ...Array.from({ length: 5 }, () => service!.sign(serviceUrl, { key: stranger })),
    service.sign(serviceUrl, { expiresInSeconds: -3600 }),
  ];
  const before = server.output().length;
  const since = () => server.output().slice(before);
  for (const token of tokens) {
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(webchatText('hello', serviceUrl)),
    });
    expect(await res.json()).toEqual({ error: 'the token does not prove a Bot Framework channel sent this activity', kind: 'unauthorized' });
    expect(res.status).toBe(401);
  }
  await eventually(() => (since().match(/its token does not prove a channel sent it/g) ?? []).length >= 1, 15_000);
  // What the server printed about those six requests: its own refusal lines, none longer than a line, no key. Left
  // out: the store's warning that the machine is slow, which a loaded runner earns at any commit (the periodic check's).
  const printed = since().split('\n').filter((line) => line.trim() !== '' && !line.includes('"level":30') && !isSlowMachineWarning(line));
  expect(since()).not.toMatch(/BEGIN (RSA )?PUBLIC KEY|Available keys|TokenExpiredError/);
  expect(printed.filter((line) => !line.includes('its token does not prove a channel sent it'))).toEqual([]);
  expect(printed.length).toBeLessThanOrEqual(tokens.length);
  for (const line of printed) expect(line.length).toBeLessThan(400);
}, 60_000);
