// The agent console's JSON API over HTTP, on the shipped defaults: a signed-in agent sees their teams' queue with
// the fields collected and unread counts, claims, reads a transcript, answers the customer (who sees the agent's
// name), and closes; what they may not see is a 404, what is malformed a 400.
import { afterEach, describe, expect, it } from 'vitest';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';
import { readEvents } from '../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { MAX_TEXT_LENGTH } from '../../src/channels/webchat/index.ts';

afterEach(cleanupDirs);

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

interface Summary {
  id: number;
  stage: string;
  team?: string;
  intent?: string;
  contact: { name?: string; fields: Record<string, unknown> };
  fields: Record<string, unknown>;
  unread: number;
  lastMessage?: { text: string };
}
interface State {
  agent: { id: string; name: string; teams: string[]; session: string };
  status: string;
  cursor: number;
  held: Summary[];
  queues: { team: string | null; conversations: Summary[] }[];
  teams: string[];
  colleagues: { id: string; name: string }[];
  templates: string[];
}

/** An agent signed in at /agent, speaking the console's API with the cookie it got. */
async function signIn(url: string, session: string) {
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken(session) }) });
  expect(login.status).toBe(204);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const call = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/agent/api${path}`, body === undefined ? { headers: { cookie, ...headers } } : { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return {
    cookie,
    call,
    state: async () => (await (await call('/state')).json()) as State,
    act: async (action: unknown, headers: Record<string, string> = {}) => {
      const res = await call('/act', { action }, headers);
      return { status: res.status, ...((await res.json()) as { ok?: boolean; message?: string; error?: string }) };
    },
  };
}

describe('the agent console API', () => {
  it('lists the queue with fields and unread counts, claims, shows the transcript, answers the customer and closes', async () => {
    const app = await start(await shippedDataDir());
    expect((await fetch(`${app.url}/agent/api/state`)).status).toBe(401);
    expect((await fetch(`${app.url}/agent/api/state`, { headers: { authorization: 'Bearer not-a-token-0123456789' } })).status).toBe(401);
    const lina = await signIn(app.url, 'agent-lina');

    const empty = await lina.state();
    expect(empty).toMatchObject({
      agent: { id: 'lina', name: 'Lina', teams: ['Billing'], session: 'agent-lina' },
      status: 'offline', held: [], queues: [{ team: 'Billing', conversations: [] }],
      teams: ['Billing', 'Support', 'Sales'], colleagues: [{ id: 'omar', name: 'Omar' }, { id: 'sara', name: 'Sara' }], templates: [],
      // What the console shows for each, in the language it is in.
      teamTitles: { Billing: { en: 'Billing', ar: 'الفواتير' }, Support: { en: 'Support', ar: 'الدعم الفني' }, Sales: { en: 'Sales', ar: 'المبيعات' } },
    });

    // Nobody in Billing is online: Layla waits in its queue.
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hello');
    await layla.say('layla@example.com');
    await layla.say('I was charged twice');
    const sam = visitor(app.url, 'sam', 'Sam');
    await sam.say('hello');
    const waiting = await lina.state();
    expect(waiting.queues[0]!.conversations).toEqual([expect.objectContaining({
      id: 1, stage: 'queued', team: 'Billing', intent: 'billing', unread: 3,
      contact: { name: 'Layla', fields: { email: 'layla@example.com' } },
      fields: expect.objectContaining({ need: 'I was charged twice' }),
    })]);
    // Her stream starts after the newest message of her own session (none yet, or a notice).
    expect(waiting.cursor).toBe((await visitor(app.url, 'agent-lina').messages()).at(-1)?.id ?? 0);

    // The transcript of a conversation in her team's queue; Sam's (still with the bot) and one that never was are 404.
    const transcript = await lina.call('/conversations/1/messages');
    expect(transcript.status).toBe(200);
    const page = (await transcript.json()) as { conversation: Summary; messages: { id: number; from: string; name?: string; text: string }[]; more: boolean };
    expect(page.messages.slice(0, 2)).toEqual([
      expect.objectContaining({ from: 'contact', name: 'Layla', text: 'hello' }),
      expect.objectContaining({ from: 'bot', text: 'Hi Layla! Thanks for getting in touch.' }),
    ]);
    expect(page.more).toBe(false);
    expect((await lina.call('/conversations/1/messages?limit=2').then((res) => res.json()) as { more: boolean }).more).toBe(true);
    for (const path of ['/conversations/2/messages', '/conversations/99/messages', '/conversations/abc/messages']) {
      const res = await lina.call(path);
      expect(res.status, path).toBe(404);
    }

    // A reply needs the conversation to be hers.
    expect((await lina.call('/conversations/1/messages', { text: 'Hello?' })).status).toBe(409);
    expect(await lina.act({ kind: 'status', status: 'online' })).toMatchObject({ status: 200, ok: true, message: 'You are online: new conversations will come to you.' });
    // Going online, she takes the oldest of her queue.
    const held = await lina.state();
    expect(held.status).toBe('online');
    expect(held.held.map((conversation) => conversation.id)).toEqual([1]);
    expect(held.held[0]!.unread).toBe(3);

    // Reading it clears the unread count; a new message counts again.
    const newest = (await (await lina.call('/conversations/1/messages')).json() as { messages: { id: number }[] }).messages.at(-1)!.id;
    expect((await lina.call('/conversations/1/read', { upTo: newest })).status).toBe(204);
    expect((await lina.state()).held[0]!.unread).toBe(0);
    await layla.say('Are you there?');
    expect((await lina.state()).held[0]).toMatchObject({ unread: 1, lastMessage: { text: 'Are you there?' } });

    // Her reply reaches Layla, under her name.
    const reply = await lina.call('/conversations/1/messages', { text: 'Yes! I have refunded the second charge.', clientId: 'r-1' });
    expect(reply.status).toBe(202);
    expect((await layla.messages()).at(-1)).toMatchObject({ from: 'agent', name: 'Lina', text: 'Yes! I have refunded the second charge.', conversationId: 1 });
    // A retried reply (same clientId) is the same reply.
    await lina.call('/conversations/1/messages', { text: 'Yes! I have refunded the second charge.', clientId: 'r-1' });
    expect((await layla.messages()).filter((m) => m.from === 'agent')).toHaveLength(1);
    // Sent again edited (the console lost the first answer, and Lina fixed the text in the box): Layla gets the edit
    // as a correction of it, once however often it is sent again; the reply itself never twice.
    const corrected = await lina.call('/conversations/1/messages', { text: 'Yes! I have refunded both charges.', clientId: 'r-1' });
    expect(corrected.status).toBe(202);
    expect(await corrected.json()).toMatchObject({ accepted: true, corrected: true, message: '#1: your first version had reached the customer, so they got this one as a correction of it.' });
    await lina.call('/conversations/1/messages', { text: 'Yes! I have refunded both charges.', clientId: 'r-1' });
    expect((await layla.messages()).filter((m) => m.from === 'agent').map((m) => m.text)).toEqual([
      'Yes! I have refunded the second charge.', 'Correction: Yes! I have refunded both charges.',
    ]);
    const shown = (await (await lina.call('/conversations/1/messages')).json()) as { messages: { from: string; name?: string; text: string; status?: string }[] };
    expect(shown.messages.at(-2)).toMatchObject({ from: 'agent', name: 'Lina', text: 'Yes! I have refunded the second charge.', status: 'sent' });
    expect(shown.messages.at(-1)).toMatchObject({ from: 'agent', name: 'Lina', text: 'Correction: Yes! I have refunded both charges.' });
    expect(shown.messages.some((m) => m.text.startsWith('#1'))).toBe(false);

    // What is not a reply is refused.
    expect((await lina.call('/conversations/1/messages', { text: '/close' })).status).toBe(400);
    // Behind an invisible mark (an Arabic keyboard's right-to-left mark, a zero-width space, an isolate) as well: the
    // channels read that as a command, so the console sends none of it to Layla.
    for (const mark of ['\u200f', '\u200e', '\u200b', '\u2066', '\u2067', '\u2068', '\u2069']) {
      const refused = await lina.call('/conversations/1/messages', { text: `${mark}/note refund ticket 4471` });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: expect.stringContaining('would be read as a command') });
    }
    expect((await layla.messages()).some((m) => m.text.includes('refund ticket 4471'))).toBe(false);
    expect((await lina.call('/conversations/1/messages', { text: '   ' })).status).toBe(400);

    // A note, then the close with a note: Layla's conversation is closed.
    expect(await lina.act({ kind: 'note', conversationId: 1, text: 'refund ticket 4471' })).toMatchObject({ ok: true });
    expect(await lina.act({ kind: 'close', conversationId: 1, note: 'refunded' })).toMatchObject({ status: 200, ok: true, message: 'Closed #1 (refunded).' });
    expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'lina', closingNote: 'refunded' });
    expect((await lina.call('/conversations/1/messages')).status).toBe(404);
    expect(await lina.act({ kind: 'close', conversationId: 1 })).toMatchObject({ status: 200, ok: false, message: expect.stringMatching(/^#1 was closed by you on \d{4}-\d\d-\d\d at \d\d:\d\d UTC\. Nothing was changed\.$/) });
    // In the zone of her screen, as her console sends its browser's: Riyadh's clock, three hours ahead of UTC's.
    const utc = /^#1 was closed by you on (\S+) at (\S+) UTC/.exec((await lina.act({ kind: 'close', conversationId: 1 })).message ?? '')!;
    const riyadh = new Date(Date.parse(`${utc[1]}T${utc[2]}:00Z`) + 3 * 3_600_000).toISOString();
    expect(await lina.act({ kind: 'close', conversationId: 1 }, { 'x-time-zone': 'Asia/Riyadh' })).toMatchObject({
      ok: false, message: `#1 was closed by you on ${riyadh.slice(0, 10)} at ${riyadh.slice(11, 16)} Asia/Riyadh. Nothing was changed.`,
    });
    // One the server cannot read (the page sent it, not a person) keeps team.yaml's, UTC here.
    expect(await lina.act({ kind: 'close', conversationId: 1 }, { 'x-time-zone': 'Mars/Olympus' })).toMatchObject({ ok: false, message: expect.stringMatching(/ UTC\. Nothing was changed\.$/) });
    // A reply that passed the console's check just before the close (another process, say) is refused when it is
    // stored: nothing reaches Layla, and nothing is kept in Lina's thread as though it had been sent.
    const linaAgent = app.directory.agent('lina')!;
    const late = { channel: 'webchat', id: 'agent-lina:late-1', from: { id: 'agent-lina', name: 'Lina' }, text: 'One more thing about your refund', at: new Date().toISOString() };
    expect(await app.runtime.reply(linaAgent, late, 1)).toMatchObject({ ok: false, message: expect.stringMatching(/^#1 was closed by you on .+ UTC: that did not reach the customer\.$/), conversationId: 1 });
    expect((await layla.messages()).some((m) => m.text === late.text)).toBe(false);
    expect(await app.store.messageByChannelId('webchat', late.id)).toBeUndefined();

    // Layla writes again: a new conversation, which the listing tells apart.
    await layla.say('one more thing');
    const again = (await layla.messages()).find((m) => m.text === 'one more thing');
    expect(again).toMatchObject({ from: 'contact', conversationId: 3 });
    await app.stop();
  });

  it('refuses a malformed action with 400 and a reason, changing nothing', async () => {
    const app = await start(await shippedDataDir());
    const omar = await signIn(app.url, 'agent-omar');
    const cases: [unknown, RegExp][] = [
      [{ kind: 'explode' }, /action\.kind: must be one of "status", "claim"/],
      [{ kind: 'close' }, /action\.conversationId: Required/],
      [{ kind: 'status', status: 'asleep' }, /action\.status/],
      [{ kind: 'claim', conversationId: -1 }, /action\.conversationId/],
      [{ kind: 'transfer', conversationId: 1 }, /action\.to: Required/],
      [{ kind: 'note', conversationId: 1, text: 'x', extra: 1 }, /unknown field "extra"/],
    ];
    for (const [action, reason] of cases) {
      const res = await omar.act(action);
      expect(res.status, JSON.stringify(action)).toBe(400);
      expect(res.error, JSON.stringify(action)).toMatch(reason);
    }
    expect((await omar.call('/act', { kind: 'claim', conversationId: 1 })).status).toBe(400);
    const notJson = await fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie: omar.cookie, 'content-type': 'application/json' }, body: '{"action":' });
    expect(notJson.status).toBe(400);
    expect((await omar.state()).status).toBe('offline');
    await app.stop();
  });

  it('answers each customer in the conversation chosen, while the agent holds several, and serves their files to that agent alone', async () => {
    const app = await start(await shippedDataDir());
    const lina = await signIn(app.url, 'agent-lina');
    const omar = await signIn(app.url, 'agent-omar');
    await lina.act({ kind: 'status', status: 'online' });
    const layla = visitor(app.url, 'layla', 'Layla');
    const noor = visitor(app.url, 'noor', 'Noor');
    for (const [customer, email] of [[layla, 'layla@example.com'], [noor, 'noor@example.com']] as const) {
      await customer.say('hello');
      await customer.say(email);
      await customer.say('I was charged twice');
    }
    expect((await lina.state()).held.map((c) => c.contact.name)).toEqual(['Layla', 'Noor']);
    const [first, second] = (await lina.state()).held;

    await lina.call(`/conversations/${second!.id}/messages`, { text: 'Noor, your refund is on its way.' });
    await lina.call(`/conversations/${first!.id}/messages`, { text: 'Layla, your refund is on its way.' });
    expect((await noor.messages()).filter((m) => m.from === 'agent').map((m) => m.text)).toEqual(['Noor, your refund is on its way.']);
    expect((await layla.messages()).filter((m) => m.from === 'agent').map((m) => m.text)).toEqual(['Layla, your refund is on its way.']);

    // Noor's receipt: Lina holds her conversation and gets it; Omar, in Billing too but not holding it, does not.
    const { session, token } = await noor.credentials();
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'receipt.png');
    expect((await fetch(`${app.url}/webchat/${session}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })).status).toBe(202);
    const listed = (await (await lina.call(`/conversations/${second!.id}/messages`)).json()) as { messages: { attachments?: { url: string }[] }[] };
    const url = listed.messages.find((m) => m.attachments)!.attachments![0]!.url;
    expect(url).toMatch(new RegExp(`^/agent/api/conversations/${second!.id}/media/[0-9a-f]{32}$`));
    const file = await fetch(`${app.url}${url}`, { headers: { cookie: lina.cookie } });
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    expect((await fetch(`${app.url}${url}`, { headers: { cookie: omar.cookie } })).status).toBe(404);
    await app.stop();
  });

  it('answers the customer\'s message the agent picked Reply on, and refuses one not of that customer\'s, sending nothing', async () => {
    const app = await start(await shippedDataDir());
    const lina = await signIn(app.url, 'agent-lina');
    await lina.act({ kind: 'status', status: 'online' });
    const layla = visitor(app.url, 'layla', 'Layla');
    const noor = visitor(app.url, 'noor', 'Noor');
    for (const [customer, email] of [[layla, 'layla@example.com'], [noor, 'noor@example.com']] as const) {
      await customer.say('hello');
      await customer.say(email);
      await customer.say('I was charged twice');
    }
    const [first, second] = (await lina.state()).held;
    type Listed = { messages: { id: number; from: string; text: string; answerable?: true; quote?: string }[] };
    const transcript = async (id: number) => ((await (await lina.call(`/conversations/${id}/messages`)).json()) as Listed).messages;
    const laylas = await transcript(first!.id);
    const charged = laylas.find((m) => m.from === 'contact' && m.text === 'I was charged twice')!;
    expect(charged.answerable).toBe(true);
    expect(laylas.filter((m) => m.from === 'bot').every((m) => m.answerable === undefined)).toBe(true);
    const noors = (await transcript(second!.id)).find((m) => m.from === 'contact' && m.text === 'I was charged twice')!;

    // Noor's message, or the bot's, is no message of Layla's to answer.
    for (const replyTo of [noors.id, laylas.find((m) => m.from === 'bot')!.id]) {
      const refused = await lina.call(`/conversations/${first!.id}/messages`, { text: 'Your refund is on its way.', replyTo });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toContain(`replyTo: ${replyTo} is not a message of the customer's in #${first!.id}`);
    }
    expect((await layla.messages()).filter((m) => m.from === 'agent')).toEqual([]);

    expect((await lina.call(`/conversations/${first!.id}/messages`, { text: 'Your refund is on its way.', replyTo: charged.id })).status).toBe(202);
    expect((await layla.messages()).filter((m) => m.from === 'agent')).toEqual([expect.objectContaining({ text: 'Your refund is on its way.', quote: '"I was charged twice"' })]);
    expect((await transcript(first!.id)).at(-1)).toMatchObject({ from: 'agent', text: 'Your refund is on its way.', quote: '"I was charged twice"' });
    await app.stop();
  });

  it('starts its live stream after the notices it has shown, also once other customers were erased', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    try {
      // Sam's messages come first, then Lina's notices; then Sam is erased.
      const sam = visitor(app.url, 'sam', 'Sam');
      for (const text of ['hello', 'sam@example.com', 'where is my parcel', 'still there?', 'hello again']) await sam.say(text);
      const lina = await signIn(app.url, 'agent-lina');
      await lina.act({ kind: 'status', status: 'online' });
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      expect((await lina.state()).held).toHaveLength(1);
      const admin = adminClient(app.url);
      const { body: listed } = await admin.get<{ contacts: { id: string; name?: string }[] }>('/contacts');
      const samId = listed.contacts.find((c) => c.name === 'Sam')!.id;
      expect((await admin.delete(`/contacts/${samId}`)).status).toBe(200);

      const { cursor } = await lina.state();
      // What the stream shows in 500 ms, or, given `until`, as soon as that holds (up to 10 s on a busy machine).
      const read = async (after: number, until?: (texts: string[]) => boolean): Promise<string[]> => {
        const controller = new AbortController();
        const events = readEvents<{ text: string }>(`${app.url}/webchat/agent-lina/events?after=${after}`, controller, { authorization: `Bearer ${agentToken('agent-lina')}` });
        const texts = () => events.filter((e) => e.event === 'message').map((e) => e.data.text);
        if (until) for (let waited = 0; !until(texts()) && waited < 10_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
        else await new Promise((resolve) => setTimeout(resolve, 500));
        controller.abort();
        return texts();
      };
      // Her session holds notices (the console showed them): none comes again from where the console starts.
      expect((await read(0, (texts) => texts.length > 0)).length).toBeGreaterThan(0);
      expect(await read(cursor)).toEqual([]);
      // A new one comes.
      await layla.say('Are you there?');
      expect((await read(cursor, (texts) => texts.join('\n').includes('Are you there?'))).join('\n')).toContain('Are you there?');
    } finally {
      await app.stop();
    }
  });
});

describe('a close on words the closer never saw', () => {
  it('is refused, for an admin and for an agent, while the customer wrote after the newest message their screen showed', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    try {
      // Layla waits in Billing's queue (nobody online); Nadia's dashboard shows her transcript.
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      const admin = adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia' });
      const newest = async () => Math.max(...(await admin.get<{ messages: { id: number }[] }>('/conversations/1')).body.messages.map((message) => Number(message.id)));
      const shown = await newest();
      await layla.say('wait, one more thing');
      await layla.say('it was on my March bill');

      const refused = await admin.post('/conversations/1/close', { seen: shown });
      expect(refused).toMatchObject({
        status: 409,
        body: { error: 'Layla wrote in #1 since your screen last showed it: "it was on my March bill" (and 1 more). Nothing was closed: read it, then close again.' },
      });
      expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'queued' });
      expect((await layla.messages()).map((message) => message.text).join('\n')).not.toMatch(/closed/i);

      // Lina takes it; her console shows the transcript, then Layla writes again.
      const lina = await signIn(app.url, 'agent-lina');
      await lina.act({ kind: 'status', status: 'online' });
      const page = async () => ((await (await lina.call('/conversations/1/messages')).json()) as { messages: { id: number }[] }).messages.at(-1)!.id;
      const linaShown = await page();
      await layla.say('are you still there?');
      expect(await lina.act({ kind: 'close', conversationId: 1, seen: linaShown })).toMatchObject({
        status: 200, ok: false, message: 'Layla wrote in #1 since your screen last showed it: "are you still there?". Nothing was closed: read it, then close again.',
      });
      expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'lina' });

      // Once her screen shows it, the close goes through; a close that says nothing of the screen (a script) too.
      expect(await lina.act({ kind: 'close', conversationId: 1, seen: await page() })).toMatchObject({ status: 200, ok: true, message: 'Closed #1.' });
      expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'lina' });
      await layla.say('hello again');
      expect((await admin.post('/conversations/2/close', {})).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe('the answers of an Arabic page', () => {
  it('word an action\'s result and its refusals in the language the console and the dashboard send, English without one', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    const arabic = { 'accept-language': 'ar' };
    const isolated = (text: string) => `\u2068${text}\u2069`;
    try {
      const layla = visitor(app.url, 'layla', 'ليلى');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      const lina = await signIn(app.url, 'agent-lina');
      expect(await lina.act({ kind: 'status', status: 'online' }, arabic)).toEqual({
        status: 200, ok: true, message: 'أنت متصل الآن: ستصلك المحادثات الجديدة.',
        // And in each language the console offers, for it to say again when the agent switches.
        inEachLanguage: { en: 'You are online: new conversations will come to you.', ar: 'أنت متصل الآن: ستصلك المحادثات الجديدة.' },
      });
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'lina' });

      const page = async () => ((await (await lina.call('/conversations/1/messages')).json()) as { messages: { id: number }[] }).messages.at(-1)!.id;
      const shown = await page();
      await layla.say('one more thing');
      expect(await lina.act({ kind: 'close', conversationId: 1, seen: shown }, arabic)).toMatchObject({
        status: 200, ok: false,
        message: `وصلت رسالة من ${isolated('ليلى')} في المحادثة #1 منذ آخر تحديث لشاشتك: «${isolated('one more thing')}». لم يُغلق شيء: اقرأها ثم أغلق المحادثة مجددًا.`,
      });
      expect(await lina.act({ kind: 'transfer', conversationId: 1, to: '' }, arabic)).toMatchObject({ status: 400, error: 'اختر فريقًا أو زميلًا لتحويل المحادثة إليه.' });
      expect(await lina.act({ kind: 'transfer', conversationId: 1, to: 'omar' }, arabic)).toMatchObject({ status: 200, ok: false, message: `${isolated('Omar')} غير متصل الآن؛ تبقى المحادثة #1 معك.` });
      const command = await lina.call('/conversations/1/messages', { text: '/close' }, arabic);
      expect([command.status, await command.json()]).toEqual([400, {
        error: 'الرد الذي يبدأ بـ «/» يُقرأ أمرًا: استخدم الأزرار للأوامر.',
        inEachLanguage: { en: 'a reply starting with "/" would be read as a command: use the buttons for commands', ar: 'الرد الذي يبدأ بـ «/» يُقرأ أمرًا: استخدم الأزرار للأوامر.' },
      }]);
      const long = await lina.call('/conversations/1/messages', { text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }, arabic);
      expect([long.status, await long.json()]).toMatchObject([400, { error: `النص أطول من المسموح؛ الحد الأقصى لعدد الأحرف: ${MAX_TEXT_LENGTH}.` }]);
      const blank = await lina.call('/conversations/1/messages', { text: '  ' }, arabic);
      expect([blank.status, await blank.json()]).toMatchObject([400, { error: 'الرد فارغ.' }]);
      expect(await lina.act({ kind: 'close', conversationId: 1, note: 'Your refund is on its way.', seen: await page() }, arabic)).toMatchObject({
        status: 200, ok: true, message: `أُغلقت المحادثة #1 (${isolated('Your refund is on its way.')})`,
      });
      const gone = await lina.call('/conversations/1/messages', { text: 'hello?' }, arabic);
      expect([gone.status, await gone.json()]).toMatchObject([404, { error: `لا توجد محادثة #${isolated('1')} بين محادثاتك أو في قوائم انتظار فرقك.` }]);
      // A page that asks for no language (a script) reads English, as the messaging apps do.
      expect(await lina.act({ kind: 'status', status: 'away' })).toMatchObject({ message: 'You are away: no new conversations until you are online again (/online).' });

      // The dashboard: Sam's conversation is with the bot.
      const sam = visitor(app.url, 'sam', 'Sam');
      await sam.say('hello');
      const admin = adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia' });
      expect(await admin.post('/conversations/2/handback', {}, arabic)).toMatchObject({ status: 409, body: { error: 'المحادثة #2 مع البوت بالفعل.' } });
      expect(await admin.post('/conversations/2/note', { text: 'VIP' }, arabic)).toMatchObject({ status: 200, body: { ok: true, message: 'أُضيفت الملاحظة إلى المحادثة #2 (لا يراها إلا الموظفون).' } });
      expect(await admin.post('/conversations/99/close', {}, arabic)).toMatchObject({ status: 404, body: { error: 'لا توجد محادثة #99.' } });
      expect(await admin.post('/conversations/2/close', {}, { 'accept-language': 'ar-EG,ar;q=0.9,en;q=0.8' })).toMatchObject({ status: 200, body: { message: 'أُغلقت المحادثة #2.' } });
      // Closed again: the admin reads who closed it and when.
      expect(await admin.post('/conversations/2/close', {}, { 'accept-language': 'en-US,en;q=0.9' })).toMatchObject({ status: 409, body: { error: expect.stringMatching(/^#2 was closed by Nadia on \d{4}-\d\d-\d\d at \d\d:\d\d UTC\. Nothing was changed\.$/) } });
    } finally {
      await app.stop();
    }
  });

  it('tell an agent, in the page\'s language, what became of a conversation an admin took from them', async () => {
    const app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
    const arabic = { 'accept-language': 'ar' };
    const isolated = (text: string) => `\u2068${text}\u2069`;
    try {
      const lina = await signIn(app.url, 'agent-lina');
      const omar = await signIn(app.url, 'agent-omar');
      await lina.act({ kind: 'status', status: 'online' });
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'lina' });
      const outcome = async (agent: typeof lina, headers: Record<string, string> = {}) => {
        const res = await agent.call('/conversations/1/outcome', undefined, headers);
        return [res.status, ((await res.json()) as { message?: string }).message];
      };
      // Still hers: nothing became of it.
      expect((await outcome(lina, arabic))[0]).toBe(404);

      const admin = adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': encodeURIComponent('نادية') });
      expect((await admin.post('/conversations/1/transfer', { team: 'Support' })).status).toBe(200);
      // The team by its Arabic title (the shipped team.yaml's), as the page's reader reads it.
      expect(await outcome(lina, arabic)).toEqual([200, `نُقلت المحادثة #1 إلى فريق ${isolated('الدعم الفني')} بواسطة ${isolated('نادية')}.`]);
      // In English, what her app was told.
      expect(await outcome(lina)).toEqual([200, '#1 was moved to Support by نادية.']);
      // Omar never held it: he learns nothing of it.
      expect((await outcome(omar, arabic))[0]).toBe(404);

      await omar.act({ kind: 'status', status: 'online' });
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
      expect((await admin.post('/conversations/1/close', { note: 'Refunded' })).status).toBe(200);
      expect(await outcome(omar, arabic)).toEqual([200, `أُغلقت المحادثة #1 بواسطة ${isolated('نادية')} (${isolated('Refunded')}).`]);
      // What took it from Lina is still the move.
      expect((await outcome(lina, arabic))[1]).toMatch(/^نُقلت المحادثة #1/);
    } finally {
      await app.stop();
    }
  });

  it('tells an agent who was away, in the page\'s language, that a customer who waited too long for them was passed back to the queue', async () => {
    let clock = new Date('2026-11-24T09:00:00Z');
    const app = await start(await shippedDataDir(), { now: () => clock, config: { AWAY_REQUEUE_AFTER: 10 * 60_000 } });
    try {
      const lina = await signIn(app.url, 'agent-lina');
      await lina.act({ kind: 'status', status: 'online' });
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'lina' });
      await lina.act({ kind: 'status', status: 'away' });
      clock = new Date(clock.getTime() + 60_000);
      await layla.say('hello? anyone?');
      clock = new Date(clock.getTime() + 10 * 60_000);
      await app.runtime.sweep();
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'queued' });
      const outcome = async (headers: Record<string, string> = {}) => ((await (await lina.call('/conversations/1/outcome', undefined, headers)).json()) as { message?: string }).message;
      expect(await outcome({ 'accept-language': 'ar' })).toMatch(/^أُعيدت المحادثة #1 إلى قائمة انتظار فريق \u2068.+\u2069 أثناء غيابك: انتظر \u2068Layla\u2069 ردًا مدة 10 دقائق\.$/);
      expect(await outcome()).toMatch(/^#1 was passed back to .+'s queue while you were away: Layla had waited 10 min for an answer\.$/);
    } finally {
      await app.stop();
    }
  });

  it('tells an agent, in the page\'s language, how long nobody wrote when inactivity closed their conversation, as their app was told', async () => {
    let clock = new Date('2026-11-24T09:00:00Z');
    const app = await start(await shippedDataDir(), { now: () => clock, config: { AUTO_CLOSE_AFTER: 2 * 3_600_000 } });
    try {
      const lina = await signIn(app.url, 'agent-lina');
      await lina.act({ kind: 'status', status: 'online' });
      const layla = visitor(app.url, 'layla', 'Layla');
      for (const text of ['hello', 'layla@example.com', 'I was charged twice']) await layla.say(text);
      expect(await app.store.conversation(1)).toMatchObject({ stage: 'assigned', agentId: 'lina' });
      // She answers, and nobody writes after her (a customer whose question waits is not closed).
      expect((await lina.call('/conversations/1/messages', { text: 'Refunded.', clientId: 'r-1' })).status).toBe(202);
      clock = new Date(clock.getTime() + 2 * 3_600_000 + 60_000);
      await app.runtime.sweep();
      expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'auto' });
      const outcome = async (headers: Record<string, string> = {}) => ((await (await lina.call('/conversations/1/outcome', undefined, headers)).json()) as { message?: string }).message;
      expect(await outcome({ 'accept-language': 'ar' })).toBe('أُغلقت المحادثة #1 تلقائيًا بعد ساعتين دون نشاط.');
      expect(await outcome()).toBe('#1 was closed after 2 h without activity.');
    } finally {
      await app.stop();
    }
  });
});
