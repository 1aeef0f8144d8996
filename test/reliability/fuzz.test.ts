// 10,000 fuzzed webhook bodies per channel (RELIABILITY_FUZZ sets how many) against the real server with every
// channel on: mutations of the real fixtures and random JSON, signed as the channel checks (so the decoder is
// reached), some with forged signatures. The server must answer every one without a 5xx and keep answering;
// a refused body (4xx) must leave the store as it was; what accepted bodies stored must be well-formed, with at
// most one open conversation per contact. Prints per channel: bodies, accepted, refused by status, stored.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanupDirs, newSession, type Credentials } from '../helpers.ts';
import { fuzzedBody, generator, type FuzzedBody, type Json } from './mutate.ts';
import { MESSENGER_SECRET, startFuzzServer, TELEGRAM_SECRET, WHATSAPP_SECRET, type FuzzServer } from './fuzz-server.ts';

const BODIES = Number(process.env.RELIABILITY_FUZZ ?? 10_000);
const SEED = Number(process.env.RELIABILITY_SEED ?? 15);
/** RELIABILITY_CHANNELS=whatsapp-cloud,webchat runs only those (to replay a failure). */
const ONLY = process.env.RELIABILITY_CHANNELS?.split(',').map((name) => name.trim());
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The fixtures of a channel: the repo's test fixtures and the shared ones, as parsed JSON. */
function fixtures(...dirs: string[]): Json[] {
  return dirs.flatMap((dir) => readdirSync(dir).filter((name) => name.endsWith('.json')).map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json));
}
const repoFixtures = (channel: string) => join(repoRoot, 'test/channels', channel, 'fixtures');
const sharedFixtures = (channel: string) => join('/work/shared/fixtures', channel);
const fixturesOf = (channel: string, shared = channel): Json[] => {
  const dirs = [repoFixtures(channel)];
  try {
    readdirSync(sharedFixtures(shared));
    dirs.push(sharedFixtures(shared));
  } catch {
    // The shared fixtures are on the development machine only; the repo's own are enough.
  }
  return fixtures(...dirs);
};

/** Every string or number under a key named like an id, to duplicate into other places. */
function idsIn(values: readonly Json[]): Json[] {
  const found = new Set<Json>();
  const walk = (value: Json, key: string): void => {
    if (Array.isArray(value)) value.forEach((item) => walk(item, key));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
    else if (/(^|_)id$|^mid$|^wa_id$/i.test(key) && (typeof value === 'string' || typeof value === 'number')) found.add(value);
  };
  values.forEach((value) => walk(value, ''));
  return [...found];
}

/** Replaces every http(s) URL in a fixture with `to`: nothing the fuzz makes may call outside 127.0.0.1. */
function localUrls(value: Json, to: string): Json {
  if (typeof value === 'string') return /^https?:\/\//.test(value) ? to : value;
  if (Array.isArray(value)) return value.map((item) => localUrls(item, to));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, localUrls(v, to)]));
  return value;
}

const people = 40;
const person = (n: number) => n % people;

interface Channel {
  name: string;
  path: (n: number) => string;
  fixtures: Json[];
  /** New message ids (so an unchanged fixture is a new message) and one of a few senders. */
  fresh(body: any, n: number): Json;
  /** The headers a real sender sends with `body`, or forged ones. */
  headers(body: FuzzedBody, forged: boolean, n: number): Record<string, string>;
}

const hub = (secret: string) => (body: FuzzedBody, forged: boolean): Record<string, string> =>
  ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', forged ? 'not-the-secret' : secret).update(body.raw).digest('hex')}` });

function channels(server: FuzzServer, sessions: Credentials[]): Channel[] {
  const cdn = server.graph.addFile('fuzz.jpg', Buffer.from('fake jpeg'), 'image/jpeg');
  server.telegram.addFile('AgACAgIAAxkBAAIBZ2dummy', Buffer.from('photo'));
  const serviceUrl = server.botService.serviceUrl('webchat');
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const messenger = fixturesOf('messenger').map((f) => localUrls(f, cdn));
  return [
    {
      name: 'telegram',
      path: () => '/webhooks/telegram',
      fixtures: fixturesOf('telegram'),
      fresh(body, n) {
        if (typeof body === 'object' && body !== null) {
          body.update_id = 900_000_000 + n;
          const message = body.message ?? body.callback_query?.message;
          if (message) message.message_id = 100_000 + n;
          const from = body.message?.from ?? body.callback_query?.from;
          if (from && from.id !== 9001) from.id = 7_000_000 + person(n);
          if (body.message?.chat && body.message.chat.type === 'private' && body.message.chat.id !== 9001) body.message.chat.id = 7_000_000 + person(n);
        }
        return body;
      },
      headers: (_body, forged) => ({ 'x-telegram-bot-api-secret-token': forged ? 'wrong-secret' : TELEGRAM_SECRET }),
    },
    {
      name: 'whatsapp-cloud',
      path: () => '/webhooks/whatsapp',
      fixtures: fixturesOf('whatsapp-cloud'),
      fresh(body, n) {
        for (const change of body?.entry?.[0]?.changes ?? []) {
          const value = change?.value;
          for (const [i, message] of (value?.messages ?? []).entries()) {
            message.id = `wamid.FUZZ${n}x${i}`;
            message.from = `1650555${String(person(n)).padStart(4, '0')}`;
            message.timestamp = String(Math.floor(Date.now() / 1000));
          }
          // Statuses about replies this server really sent (a status of an unknown id waits 2.6 s for a late id).
          const sent = server.graph.sent.filter((each) => each.body.messaging_product === 'whatsapp');
          for (const [i, status] of (value?.statuses ?? []).entries()) if (sent.length > 0 && status) status.id = sent[(n + i) % sent.length]!.id;
          for (const contact of value?.contacts ?? []) contact.wa_id = `1650555${String(person(n)).padStart(4, '0')}`;
        }
        return body;
      },
      headers: hub(WHATSAPP_SECRET),
    },
    {
      name: 'messenger',
      path: () => '/webhooks/messenger',
      fixtures: messenger.filter((f: any) => f.object === 'page'),
      fresh: freshMessaging('1122334455'),
      headers: hub(MESSENGER_SECRET),
    },
    {
      name: 'instagram',
      path: () => '/webhooks/messenger',
      fixtures: messenger.filter((f: any) => f.object === 'instagram'),
      fresh: freshMessaging('17841405822304914'),
      headers: hub(MESSENGER_SECRET),
    },
    {
      name: 'botframework',
      path: () => '/api/messages',
      fixtures: fixturesOf('botframework').map((f) => localUrls(f, serviceUrl)),
      fresh(body, n) {
        if (typeof body === 'object' && body !== null) {
          body.id = `fuzz-${n}`;
          body.serviceUrl = serviceUrl;
          // A person of their own: a Web Chat or Direct Line visitor is their conversation, not the user id they give.
          if (body.from && body.from.aadObjectId !== '0f8f4c7e-2b1d-4c59-9a5e-3f2d8e6b1a90') {
            body.from.id = `fuzz-user-${person(n)}`;
            if (typeof body.conversation === 'object' && body.conversation !== null) body.conversation.id = `fuzz-conversation-${person(n)}`;
          }
        }
        return body;
      },
      headers(body, forged) {
        const given = (body.json as { serviceUrl?: unknown } | undefined)?.serviceUrl;
        // A token for the activity's service URL when it is ours; else for ours, which the activity does not name.
        const url = typeof given === 'string' && given.startsWith(serviceUrl) ? given : serviceUrl;
        return { authorization: `Bearer ${server.botService.sign(url, forged ? { key: stranger } : {})}` };
      },
    },
    {
      name: 'webchat',
      path: (n) => `/webchat/${sessions[person(n) % sessions.length]!.session}/messages`,
      fixtures: [{ text: 'hello' }, { text: 'I was charged twice', clientId: 'c-1' }, { choice: 'billing' }, { name: 'Layla', text: 'مرحبا 👋' }, { text: 'quoting', replyTo: 3 }],
      fresh(body, n) {
        if (typeof body === 'object' && body !== null && 'clientId' in body) body.clientId = `c-${n}`;
        return body;
      },
      headers: (_body, forged, n) => ({ authorization: `Bearer ${forged ? 'forged-token' : sessions[person(n) % sessions.length]!.token}` }),
    },
  ];
}

function freshMessaging(account: string) {
  return (body: any, n: number): Json => {
    for (const entry of body?.entry ?? []) {
      for (const event of entry?.messaging ?? []) {
        const outgoing = event?.message?.is_echo === true;
        const personId = `99${String(person(n)).padStart(14, '0')}`;
        if (event.sender && !outgoing) event.sender.id = personId;
        if (event.recipient && outgoing) event.recipient.id = personId;
        if (event.message) event.message.mid = `m_FUZZ${n}`;
        if (event.postback) event.postback.mid = `m_FUZZ${n}`;
        event.timestamp = Date.now();
      }
      if (entry && typeof entry === 'object') entry.id = account;
    }
    return body;
  };
}

/** A stored message and contact as the core writes them. */
const storedMessage = z.object({
  id: z.number().int().positive(),
  channel: z.string().min(1),
  address: z.string().min(1),
  direction: z.enum(['in', 'out']),
  text: z.string().optional(),
  at: z.string().refine((at) => !Number.isNaN(Date.parse(at)), 'not a date'),
  contactId: z.string().min(1).optional(),
  conversationId: z.number().int().positive().optional(),
  attachments: z.array(z.object({ kind: z.enum(['image', 'audio', 'video', 'document', 'sticker', 'location', 'contact']) }).passthrough()).optional(),
}).passthrough();
const storedContact = z.object({
  id: z.string().min(1),
  identities: z.array(z.object({ channel: z.string().min(1), id: z.string().min(1) }).passthrough()).min(1),
  fields: z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])),
}).passthrough();

interface Counts {
  bodies: number;
  accepted: number;
  refused: Record<string, number>;
  /** Refused bodies whose store counts were compared (all but those answered while a slow body was under way). */
  refusedChecked: number;
  /** Bodies not answered within 250 ms, finished in the background. */
  slow: number;
  forged: number;
  storedMessages: number;
  storedContacts: number;
  ms: number;
}

let server: FuzzServer;
const problems: string[] = [];
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  server = await startFuzzServer();
});

afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await server?.stop();
  await cleanupDirs();
});

async function snapshot(): Promise<{ messages: number; contacts: number }> {
  const { store } = server.app;
  return { messages: await store.messageCount(), contacts: (await store.contacts()).length };
}

const table: Record<string, Counts> = {};

it(`answers ${BODIES} fuzzed bodies per channel without a 5xx, stores nothing refused, and keeps what it accepts well-formed`, async () => {
  const sessions = await Promise.all(Array.from({ length: 10 }, (_, i) => newSession(server.app.url, `Visitor ${i}`)));
  for (const channel of channels(server, sessions).filter((c) => !ONLY || ONLY.includes(c.name))) {
    const g = generator(SEED * 7919 + channel.name.length * 104729 + channel.name.charCodeAt(0));
    const ids = idsIn(channel.fixtures);
    const counts: Counts = { bodies: 0, accepted: 0, refused: {}, refusedChecked: 0, slow: 0, forged: 0, storedMessages: 0, storedContacts: 0, ms: 0 };
    const began = Date.now();
    const first = await snapshot();
    // A body whose answer takes long (a status of a message not known here waits 2.6 s for its id) goes on in the
    // background; a refused body is checked against the store only while none is, so the count it sees is its own.
    const background = new Set<Promise<void>>();
    for (let n = 0; n < BODIES; n++) {
      const body = fuzzedBody(g, channel.fixtures, ids, (value, i) => channel.fresh(value, i), n);
      const forged = g.chance(0.05);
      const where = `${channel.name} #${n} (seed ${SEED}; ${body.how}${forged ? ', forged' : ''})`;
      const quiet = background.size === 0;
      const before = quiet ? await snapshot() : undefined;
      const answered = fetch(`${server.app.url}${channel.path(n)}`, {
        method: 'POST',
        headers: { ...(body.contentType ? { 'content-type': body.contentType } : {}), ...channel.headers(body, forged, n) },
        body: body.raw,
      }).then(async (res) => {
        await res.arrayBuffer();
        return res.status;
      }, (error: unknown) => {
        problems.push(`${where}: no answer: ${String(error)}`);
        return 0;
      });
      const judge = async (status: number, checkStore: boolean): Promise<void> => {
        if (status === 0) return;
        counts.bodies++;
        if (forged) counts.forged++;
        if (status >= 500) problems.push(`${where}: answered ${status} to ${body.raw.slice(0, 300)}`);
        if (forged && status < 400) problems.push(`${where}: a forged signature was answered ${status}`);
        if (status >= 200 && status < 300) {
          counts.accepted++;
          return;
        }
        counts.refused[status] = (counts.refused[status] ?? 0) + 1;
        if (!checkStore || !before || status >= 500) return;
        counts.refusedChecked++;
        const after = await snapshot();
        if (after.messages !== before.messages || after.contacts !== before.contacts) {
          problems.push(`${where}: refused with ${status} but the store changed: ${JSON.stringify({ before, after })}`);
        }
      };
      const status = await Promise.race([answered, new Promise<undefined>((resolve) => setTimeout(resolve, 250))]);
      if (status === undefined) {
        counts.slow++;
        const later = answered.then((late) => judge(late, false)).finally(() => background.delete(later));
        background.add(later);
        if (background.size >= 8) await Promise.race(background);
      } else {
        await judge(status, quiet && background.size === 0);
      }
      if (problems.length > 20) break;
    }
    await Promise.all(background);
    const last = await snapshot();
    counts.storedMessages = last.messages - first.messages;
    counts.storedContacts = last.contacts - first.contacts;
    counts.ms = Date.now() - began;
    table[channel.name] = counts;
    console.log(`fuzz ${channel.name}: ${JSON.stringify(counts)}`);
    // Still answering after the channel's bodies.
    expect((await fetch(`${server.app.url}/healthz`)).status, `${channel.name}: /healthz after the fuzz`).toBe(200);
    if (problems.length > 20) break;
  }

  // What was accepted is well-formed: every contact, every message of theirs, one open conversation each at most.
  const { store } = server.app;
  for (const contact of await store.contacts()) {
    const parsed = storedContact.safeParse(contact);
    if (!parsed.success) problems.push(`stored contact ${contact.id} is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    for (const message of await store.messagesOfContact(contact.id)) {
      const ok = storedMessage.safeParse(message);
      if (!ok.success) problems.push(`stored message ${message.id} is malformed: ${ok.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
  }
  const open = new Map<string, number>();
  for (const conversation of await store.openConversations()) open.set(conversation.contactId, (open.get(conversation.contactId) ?? 0) + 1);
  for (const [contact, count] of open) if (count > 1) problems.push(`contact ${contact} has ${count} open conversations`);

  console.table(Object.fromEntries(Object.entries(table).map(([name, c]) => [name, { bodies: c.bodies, accepted: c.accepted, ...Object.fromEntries(Object.entries(c.refused).map(([s, k]) => [`refused ${s}`, k])), 'refused, store checked': c.refusedChecked, 'slow (>250 ms)': c.slow, forged: c.forged, 'stored messages': c.storedMessages, 'stored contacts': c.storedContacts, seconds: Math.round(c.ms / 100) / 10 }])));
  expect(crashes.map(String), 'unhandled errors in the server process').toEqual([]);
  expect(problems).toEqual([]);
  expect(Object.values(table).every((c) => c.accepted > 0), 'every channel accepted some bodies (the fuzz reaches the store)').toBe(true);
}, 3_600_000);
