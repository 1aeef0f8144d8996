// A night when the disk fills for a while, through the WhatsApp Cloud webhook on the embedded store: the customers'
// messages meanwhile are refused with 503 and Retry-After (nothing acknowledged, nothing kept), /healthz says the store
// cannot write and why, the admin signs in and is told to wait; once the disk has room the store writes again by
// itself (no restart), and Meta's redeliveries are each answered once.
import { afterEach, expect, it, vi } from 'vitest';
import { agentToken, cleanupDirs, fillableDisk, recordingLog, shippedDataDir, start, visitor } from '../helpers.ts';
import { messagesBody, settled, SHEENA, sign, startCloud, text, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const LAYLA = '971501234567';

const askFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hello {{contact.name | there}}! How can we help?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}"
`;

let cloud: CloudServer | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await cloud?.stop();
  cloud = undefined;
  await cleanupDirs();
});

const health = async (url: string) => {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; reasons?: string[] } };
};

it('refuses customers\' messages with 503 while the disk is full, writes again by itself once it has room, and answers each redelivered message once', async () => {
  const { log, lines } = recordingLog();
  cloud = await startCloud({ flows: { 'inbound.yaml': askFlow }, log, config: { ADMIN_TOKEN } });
  const { app } = cloud;
  const disk = await fillableDisk(cloud.dir);

  const first = messagesBody([text('hi')]);
  expect((await cloud.post(first)).status).toBe(200);
  await settled(cloud);
  expect(cloud.graph.saidTo(SHEENA)).toEqual(['Hello Sheena Nelson! How can we help?']);

  disk.full = true;
  const sheenas = messagesBody([text('my order never arrived')]);
  const laylas = messagesBody([text('مرحبا، طلبي متأخر', { from: LAYLA })], { from: LAYLA, name: 'ليلى حداد' });
  for (const body of [sheenas, laylas]) {
    const raw = JSON.stringify(body);
    const res = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
    expect(res.status).toBe(503);
    // Meta is asked to wait until the store's next attempt: a whole number of seconds, at least one.
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { kind: string }).kind).toBe('unavailable');
  }

  // The operator's monitor and the admin see why.
  const down = await health(app.url);
  expect(down.status).toBe(503);
  expect(down.body.status).toBe('degraded');
  expect(down.body.reasons).toEqual([expect.stringMatching(/^the store is out of reach: it cannot write to the disk: could not append to .*journal\.jsonl \(ENOSPC: no space left on device, fdatasync\), since .*; every call is refused until a write succeeds, tried again in \d+ s$/)]);
  // A load balancer's readiness check sends no traffic here meanwhile: every request needing the store would be refused.
  const ready = await fetch(`${app.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'unavailable', reasons: down.body.reasons });
  // Signing in to the dashboard needs no store; what it shows next is refused with the wait, as the dashboard says it.
  const login = await fetch(`${app.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN_TOKEN }) });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const conversations = await fetch(`${app.url}/api/conversations`, { headers: { cookie } });
  expect(conversations.status).toBe(503);
  expect(Number(conversations.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  expect(((await conversations.json()) as { kind: string }).kind).toBe('unavailable');
  // The dashboard asks again a few seconds later, and again.
  for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/api/conversations`, { headers: { cookie } })).status).toBe(503);

  // Nothing was acknowledged, so nothing was said.
  expect(cloud.graph.saidTo(SHEENA)).toHaveLength(1);
  expect(cloud.graph.saidTo(LAYLA)).toEqual([]);

  disk.full = false;
  await vi.waitFor(async () => expect((await health(app.url)).status).toBe(200), { timeout: 15_000, interval: 100 });

  // Meta delivers the refused batches again (and one of them twice): each message is answered once.
  expect((await cloud.post(sheenas)).status).toBe(200);
  expect((await cloud.post(laylas)).status).toBe(200);
  expect((await cloud.post(sheenas)).status).toBe(200);
  await settled(cloud);
  expect(cloud.graph.saidTo(SHEENA)).toEqual(['Hello Sheena Nelson! How can we help?', 'Noted: my order never arrived']);
  expect(cloud.graph.saidTo(LAYLA)).toEqual(['Hello ليلى حداد! How can we help?']);

  // Warnings and errors too: no line per refused message or per attempt (the dashboard's refusals are said once a minute).
  // Left out: the shipped-style flow's own warning, and a slow sync on a busy runner.
  const elsewhere = /^(flows\/|the event loop was busy|the disk is slow)/;
  expect(lines.filter((line) => Number(line.level) >= 40 && !elsewhere.test(String(line.msg))).map((line) => line.msg)).toEqual([
    'the store cannot write: it refuses every call (nothing refused is kept) and tries again by itself',
    'request refused: the store is out of reach',
  ]);
  // The log says it once when the writes failed and once when they came back, not at every refusal or attempt.
  const storeLines = lines.filter((line) => String(line.msg).startsWith('the store'));
  expect(storeLines.map((line) => line.msg)).toEqual([
    'the store cannot write: it refuses every call (nothing refused is kept) and tries again by itself',
    'the store writes again: calls are accepted',
  ]);

  // And a restart finds what was answered, once.
  await cloud.restart();
  const contacts = await cloud.app.store.contacts();
  const sheena = contacts.find((contact) => contact.identities[0]?.id === SHEENA);
  const said = (await cloud.app.store.messagesOfContact(sheena?.id as string)).filter((message) => message.direction === 'in').map((message) => message.text);
  expect(said).toEqual(['hi', 'my order never arrived']);
}, 60_000);

it('answers the agent console and the web chat, while the store cannot write, in the same words as every other store-down answer, naming no file', async () => {
  const dir = await shippedDataDir();
  const app = await start(dir, { sweepEveryMs: 0 });
  try {
    const omar = { authorization: `Bearer ${agentToken('agent-omar')}`, 'content-type': 'application/json' };
    const layla = visitor(app.url, 'layla-disk-full', 'Layla');
    expect((await layla.say('hello')).status).toBe(202);
    const disk = await fillableDisk(dir);
    disk.full = true;
    const same = { error: 'the store is out of reach; nothing was done, try again shortly', kind: 'unavailable' };
    // The first refusals are the ones that find the disk full; then the store refuses by itself until it writes again.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const online = await fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: omar, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) });
      // Before: "the store is out of reach; nothing was stored, try again shortly (it cannot write to the disk: could not
      // append to /tmp/…/journal.jsonl (ENOSPC: …), since …)", or on PostgreSQL "(connect ENOENT /run/…/.s.PGSQL.5432)".
      expect({ status: online.status, body: await online.json() }, `act, attempt ${attempt}`).toEqual({ status: 503, body: same });
      const said = await layla.say(`still there? ${attempt}`);
      expect(said, `web chat, attempt ${attempt}`).toEqual({ status: 503, body: same });
      const state = await fetch(`${app.url}/agent/api/state`, { headers: omar });
      expect({ status: state.status, body: await state.json() }, `state, attempt ${attempt}`).toEqual({ status: 503, body: same });
    }
  } finally {
    await app.stop();
  }
});
