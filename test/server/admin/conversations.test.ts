// Conversations, team.yaml, agents and the live stream over the admin API, on the shipped defaults: a web chat
// customer appears on the stream, the list filters and searches and pages, the transcript shows notes and the
// conversation's lifecycle, and an admin's close, transfer, assign, hand back and note reach the customer and the
// agents as the runtime's decisions do.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, shippedDataDir, start, visitor } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

interface Summary { id: number; status: string; stage: string; team?: string; agentId?: string; agentName?: string; intent?: string; contact: { id: string; name?: string }; waitingSeconds?: number; lastMessage?: { text: string } }

/** Reads server-sent events from `GET /api/events` into `events` until `stop`. */
function listen(url: string) {
  const events: { event: string; data: Record<string, unknown> }[] = [];
  /** Comment lines (`: heartbeat`), without the colon. */
  const comments: string[] = [];
  const controller = new AbortController();
  const done = (async () => {
    const res = await fetch(`${url}/api/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        for (const comment of block.matchAll(/^: ?(.*)$/gm)) comments.push(comment[1]!);
      }
    }
  })().catch((error: Error) => {
    if (error.name !== 'AbortError') throw error;
  });
  return { events, comments, stop: async () => { controller.abort(); await done; } };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('conversations, team and agents over the admin API', () => {
  let app: Switchboard;
  let dir: string;
  const admin = () => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia' });

  beforeAll(async () => {
    dir = await shippedDataDir();
    app = await start(dir, { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('streams a conversation event when a web chat conversation opens', async () => {
    const stream = listen(app.url);
    // The feed has no history: Layla writes once the stream is subscribed (its first line), however long that takes.
    await until(() => stream.comments.includes('connected'), 'the stream to connect');
    const layla = visitor(app.url, 'layla', 'Layla');
    await layla.say('hello');
    await until(() => stream.events.some((e) => e.event === 'conversation'), 'a conversation event');
    expect(stream.events.find((e) => e.event === 'conversation')?.data).toEqual({ id: 1, status: 'open', stage: 'bot' });
    // Opened and received in one action: one event, not the same one twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stream.events.filter((e) => e.event === 'conversation')).toHaveLength(1);
    await layla.say('layla@example.com');
    await layla.say('I was charged twice');
    await until(() => stream.events.some((e) => e.event === 'conversation' && e.data.stage === 'queued'), 'the queued event');
    expect(stream.events.filter((e) => e.event === 'conversation').at(-1)?.data).toEqual({ id: 1, status: 'open', stage: 'queued', team: 'Billing' });
    await stream.stop();
  });

  it('lists conversations newest first, with filters, search and paging', async () => {
    await visitor(app.url, 'sam', 'Sam').say('hello');
    const list = async (query: string) => (await admin().get<{ conversations: Summary[]; nextCursor?: string }>(`/conversations${query}`)).body;
    const all = await list('');
    expect(all.conversations.map((c) => [c.id, c.stage, c.contact.name])).toEqual([[2, 'bot', 'Sam'], [1, 'queued', 'Layla']]);
    expect(all.conversations[1]).toMatchObject({ status: 'open', team: 'Billing', intent: 'billing', channel: 'webchat', waitingSeconds: expect.any(Number), lastMessage: { text: expect.any(String) } });
    expect((await list('?stage=queued')).conversations.map((c) => c.id)).toEqual([1]);
    expect((await list('?team=billing&status=open')).conversations.map((c) => c.id)).toEqual([1]);
    expect((await list('?intent=billing')).conversations.map((c) => c.id)).toEqual([1]);
    expect((await list('?status=closed')).conversations).toEqual([]);
    expect((await list('?q=CHARGED%20twice')).conversations.map((c) => c.id)).toEqual([1]);
    expect((await list('?q=layla%40example')).conversations.map((c) => c.id)).toEqual([1]);
    expect((await list('?q=sam')).conversations.map((c) => c.id)).toEqual([2]);
    expect((await list('?q=nobody-said-this')).conversations).toEqual([]);
    const first = await list('?limit=1');
    expect(first.conversations.map((c) => c.id)).toEqual([2]);
    expect(first.nextCursor).toBe('2');
    const second = await list(`?limit=1&cursor=${first.nextCursor}`);
    expect(second.conversations.map((c) => c.id)).toEqual([1]);
    expect(second.nextCursor).toBeUndefined();
    expect((await admin().get('/conversations?limit=500')).status).toBe(400);
    expect((await admin().get('/conversations?stage=lost')).status).toBe(400);
  });

  it('edits team.yaml with the same validation and version check as flows, and lists agents with status and load', async () => {
    const team = await admin().get<{ version: string; source: string }>('/team');
    expect(team.body.source).toBe(await readFile(join(dir, 'team.yaml'), 'utf8'));
    const broken = team.body.source.replace('strategy: round_robin', 'strategy: fastest');
    const refused = await admin().put<{ errors: { line: number; column: number; message: string }[] }>('/team', { source: broken, baseVersion: team.body.version });
    expect(refused.status).toBe(422);
    const line = broken.split('\n').findIndex((text) => text.includes('fastest')) + 1;
    expect(refused.body.errors[0]).toMatchObject({ line, column: 5, message: expect.stringContaining('strategy') });
    expect(await readFile(join(dir, 'team.yaml'), 'utf8')).toBe(team.body.source);
    // Its kind, for the dashboard to say it in its own language.
    expect(await admin().put('/team', { source: team.body.source, baseVersion: 'bbbbbbbbbbbb' })).toMatchObject({ status: 409, body: { error: expect.any(String), kind: 'publishedSince', currentVersion: team.body.version } });
    // Too large: the limit and the size, as for flows.
    const huge = `${team.body.source}# ${'x'.repeat(300_000)}\n`;
    expect((await admin().put('/team', { source: huge, baseVersion: team.body.version })).body).toEqual({ error: 'team.yaml may be at most 256 KB; this one is 296 KB', limit: 262_144, size: Buffer.byteLength(huge) });

    const withReturns = team.body.source.replace('  - name: Sales\n', '  - name: Returns\n    strategy: least_open\n  - name: Sales\n');
    const saved = await admin().put<{ version: string }>('/team', { source: withReturns, baseVersion: team.body.version });
    expect(saved.status).toBe(200);
    expect(app.directory.team('returns')?.name).toBe('Returns');
    expect((await admin().put('/team', { source: withReturns, baseVersion: team.body.version })).body).toMatchObject({ currentVersion: saved.body.version });

    await visitor(app.url, 'agent-omar').say('/online');
    const agents = await admin().get<{ agents: Record<string, unknown>[] }>('/agents');
    expect(agents.body.agents.map(({ id, status, open, maxOpen, teams }) => ({ id, status, open, maxOpen, teams }))).toEqual([
      { id: 'omar', status: 'online', open: 1, maxOpen: 3, teams: ['Billing', 'Support'] },
      { id: 'sara', status: 'offline', open: 0, maxOpen: 3, teams: ['Support', 'Sales'] },
      { id: 'lina', status: 'offline', open: 0, maxOpen: 3, teams: ['Billing'] },
    ]);
  });

  it('acts on conversations through the agent action API: note, transfer, assign, close, hand back', async () => {
    const omar = visitor(app.url, 'agent-omar');
    const layla = visitor(app.url, 'layla', 'Layla');
    expect((await admin().get<{ conversation: Summary }>('/conversations/1')).body.conversation).toMatchObject({ stage: 'assigned', agentId: 'omar', agentName: 'Omar' });

    const noted = await admin().post<{ ok: boolean; conversation: Summary }>('/conversations/1/note', { text: 'VIP customer, be kind' });
    expect(noted.body).toMatchObject({ ok: true, conversation: { id: 1 } });
    expect((await layla.messages()).map((m) => m.text)).not.toContain('VIP customer, be kind');
    // Notes say who wrote them: the admin by the name they gave (else "admin"), an agent by their name.
    expect((await adminClient(app.url).post('/conversations/1/note', { text: 'Checked the invoice' })).status).toBe(200);
    await omar.say('/note 1 Asked for the card number');

    const offline = await admin().post('/conversations/1/transfer', { agentId: 'sara' });
    expect(offline.status).toBe(409);
    expect(offline.body.error).toContain('Sara is not online');
    await visitor(app.url, 'agent-sara').say('/online');
    const moved = await admin().post<{ conversation: Summary }>('/conversations/1/transfer', { agentId: 'sara' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ stage: 'assigned', agentId: 'sara', agentName: 'Sara' });
    expect((await omar.botTexts()).at(-1)).toBe('#1 was given to Sara by Nadia.');
    expect((await layla.botTexts()).join('\n')).toContain('Sara');

    const closed = await admin().post<{ conversation: Summary }>('/conversations/1/close', { note: 'Refund issued', shareNote: true });
    expect(closed.body.conversation).toMatchObject({ status: 'closed' });
    expect((await layla.botTexts()).at(-1)).toContain('Refund issued');
    expect((await admin().post('/conversations/1/close', {})).status).toBe(409);

    const transcript = await admin().get<{ conversation: Record<string, unknown>; contact: { name: string }; messages: { from: string; text: string; author?: string }[]; events: { at: string; type: string; detail?: string }[] }>('/conversations/1');
    expect(transcript.body.conversation).toMatchObject({ id: 1, status: 'closed', closingNote: 'Refund issued', fields: { need: 'I was charged twice' }, flow: { name: 'inbound' } });
    expect(transcript.body.contact).toMatchObject({ name: 'Layla', fields: { email: 'layla@example.com' } });
    // The fields as agents read them, under the flow's labels in the dashboard's language; what it is about, by its route's title.
    expect(transcript.body.conversation).toMatchObject({ shown: [{ key: 'contact.email', label: 'Email', value: 'layla@example.com' }, { key: 'conversation.need', label: 'Need', value: 'I was charged twice' }] });
    // Titled though the title says the same as the team's name: the Details say "Billing", as the reports do, not billing.
    expect(transcript.body.conversation).toMatchObject({ intent: 'billing', topic: 'Billing' });
    const arabic = await adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'accept-language': 'ar' }).get<{ conversation: Record<string, unknown> }>('/conversations/1');
    expect(arabic.body.conversation).toMatchObject({
      intent: 'billing', topic: 'الفواتير',
      shown: [{ key: 'contact.email', label: 'البريد الإلكتروني', value: 'layla@example.com' }, { key: 'conversation.need', label: 'الطلب', value: 'I was charged twice' }],
    });
    const notes = transcript.body.messages.filter((m) => m.from === 'note').map((m) => [m.author, m.text]);
    expect(notes).toEqual([['Nadia', 'VIP customer, be kind'], ['admin', 'Checked the invoice'], ['Omar', 'Asked for the card number']]);
    expect(transcript.body.messages).toContainEqual(expect.objectContaining({ from: 'contact', text: 'I was charged twice' }));
    expect(transcript.body.events.map((e) => e.type)).toEqual(['opened', 'classified', 'queued', 'assigned', 'transferred', 'assigned', 'closed']);
    expect(transcript.body.events.at(-1)).toMatchObject({ type: 'closed', detail: 'by admin:Nadia' });
    // Who did it and where it went, apart, for the dashboard to word in the admin's language: names, not ids.
    expect(transcript.body.events.map(({ at: _at, detail: _detail, ...rest }) => rest)).toEqual([
      { type: 'opened', by: { kind: 'customer' } },
      { type: 'classified', intent: 'billing', topic: 'Billing' },
      { type: 'queued', team: 'Billing' },
      { type: 'assigned', agent: 'Omar' },
      { type: 'transferred', to: 'Sara', by: { kind: 'admin', name: 'Nadia' } },
      { type: 'assigned', agent: 'Sara' },
      { type: 'closed', by: { kind: 'admin', name: 'Nadia' } },
    ]);

    // Sam, still with the bot: given to Omar by name, then handed back to the bot.
    expect((await admin().post('/conversations/2/handback', {})).status).toBe(409);
    const assigned = await admin().post<{ conversation: Summary }>('/conversations/2/assign', { agentId: 'omar' });
    expect(assigned.body.conversation).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    const back = await admin().post<{ conversation: Summary }>('/conversations/2/handback', {});
    expect(back.body.conversation).toMatchObject({ stage: 'bot' });
    expect(back.body.conversation.agentId).toBeUndefined();

    expect((await admin().post('/conversations/99/close', {})).status).toBe(404);
    expect((await admin().post('/conversations/2/note', {})).status).toBe(422);
    expect((await admin().post('/conversations/2/transfer', { team: 'Billing', agentId: 'omar' })).status).toBe(422);
    expect((await admin().post('/conversations/2/transfer', { team: 'Nowhere' })).status).toBe(409);
  });
});

describe('the live stream of agents', () => {
  let app: Switchboard;
  const admin = () => adminClient(app.url);

  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN, adminHeartbeatMs: 50 });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('says `agents` when an agent\u2019s status or load changes, and keeps a quiet stream alive with a heartbeat comment', async () => {
    const stream = listen(app.url);
    await until(() => stream.comments.includes('heartbeat'), 'a heartbeat comment');
    const agentEvents = () => stream.events.filter((e) => e.event === 'agents').length;
    expect(agentEvents()).toBe(0);
    const omar = visitor(app.url, 'agent-omar');

    await omar.say('/online');
    await until(() => agentEvents() === 1, 'the agents event of /online');
    await visitor(app.url, 'sam', 'Sam').say('hello');
    await until(() => stream.events.some((e) => e.event === 'conversation'), 'the conversation event');
    expect(agentEvents()).toBe(1); // a customer's message changes no agent

    // Load: a conversation given to Omar, then closed.
    expect((await admin().post('/conversations/1/assign', { agentId: 'omar' })).status).toBe(200);
    await until(() => agentEvents() === 2, 'the agents event of the assignment');
    const omarRow = async () => (await admin().get<{ agents: { id: string; status: string; open: number }[] }>('/agents')).body.agents.find((a) => a.id === 'omar');
    expect(await omarRow()).toMatchObject({ status: 'online', open: 1 });
    expect((await admin().post('/conversations/1/close', {})).status).toBe(200);
    await until(() => agentEvents() === 3, 'the agents event of the close');

    await omar.say('/away');
    await until(() => agentEvents() === 4, 'the agents event of /away');
    expect(await omarRow()).toMatchObject({ status: 'away', open: 0 });
    await stream.stop();
  });
});

describe('the agents\u2019 loads on the team page', () => {
  let app: Switchboard;
  const admin = () => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia' });
  beforeAll(async () => {
    app = await start(await shippedDataDir(), { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('shows how many open conversations each agent holds, counted without copying every open conversation', async () => {
    await visitor(app.url, 'agent-omar').say('/online');
    await visitor(app.url, 'agent-sara').say('/online');
    for (const name of ['Amal', 'Badr', 'Dina', 'Fadi']) await visitor(app.url, name.toLowerCase(), name).say('hello');
    for (const [id, agentId] of [[1, 'omar'], [2, 'omar'], [3, 'sara']] as const) {
      expect((await admin().post(`/conversations/${id}/assign`, { agentId })).status).toBe(200);
    }
    const copies = vi.spyOn(app.store, 'openConversations');
    const loads = async () => (await admin().get<{ agents: { id: string; open: number }[] }>('/agents')).body.agents.map(({ id, open }) => ({ id, open }));
    // Fadi's conversation is still with the bot: nobody's load.
    expect(await loads()).toEqual([{ id: 'omar', open: 2 }, { id: 'sara', open: 1 }, { id: 'lina', open: 0 }]);
    expect((await admin().post('/conversations/2/close', {})).status).toBe(200);
    expect(await loads()).toEqual([{ id: 'omar', open: 1 }, { id: 'sara', open: 1 }, { id: 'lina', open: 0 }]);
    expect(copies).not.toHaveBeenCalled();
    copies.mockRestore();
  });
});

describe('who did what on the transcript, whatever the names say', () => {
  let app: Switchboard;
  let dir: string;
  /** An admin whose name reads like the English the timelines used to be worded in. */
  const admin = () => adminClient(app.url, { authorization: `Bearer ${ADMIN_TOKEN}`, 'x-admin-name': 'Nadia by the window' });
  type Events = { events: { at: string; type: string; detail?: string }[] };
  const parts = async (id: number) => (await admin().get<Events>(`/conversations/${id}`)).body.events.map(({ at: _at, detail: _detail, ...rest }) => rest);

  beforeAll(async () => {
    dir = await shippedDataDir();
    const teamFile = join(dir, 'team.yaml');
    const team = (await readFile(teamFile, 'utf8'))
      .replace('  - name: Sales\n', '  - name: Sales by phone\n    strategy: least_open\n  - name: Sales\n')
      .replace('teams: [Billing]\n', 'teams: [Billing, Sales by phone]\n');
    await writeFile(teamFile, team);
    app = await start(dir, { adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await app.stop();
    await cleanupDirs();
  });

  it('shows a transfer to the team "Sales by phone" by the admin "Nadia by the window" as exactly that', async () => {
    await visitor(app.url, 'rami', 'Rami').say('hello');
    const moved = await admin().post<{ conversation: Summary }>('/conversations/1/transfer', { team: 'Sales by phone' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ stage: 'queued', team: 'Sales by phone' });
    expect((await admin().post('/conversations/1/close', {})).status).toBe(200);
    expect(await parts(1)).toEqual([
      { type: 'opened', by: { kind: 'customer' } },
      { type: 'transferred', to: 'Sales by phone', by: { kind: 'admin', name: 'Nadia by the window' } },
      { type: 'queued', team: 'Sales by phone' },
      { type: 'closed', by: { kind: 'admin', name: 'Nadia by the window' } },
    ]);
    // The English stays as it was written, for whatever read it before.
    expect((await admin().get<Events>('/conversations/1')).body.events[1]).toMatchObject({ detail: 'to Sales by phone by admin:Nadia by the window' });
  });

  it('still shows who and where for moments recorded before they were kept apart (only their English)', async () => {
    await visitor(app.url, 'dana', 'Dana').say('hello');
    const old = (at: string, type: string, detail: string) => ({ at: `2026-11-20T10:0${at}:00.000Z`, type, detail });
    await app.store.transaction('an old timeline', async (tx) => {
      tx.putDoc('timelines', '2', [
        old('0', 'opened', 'by contact'), old('1', 'classified', 'billing'), old('2', 'queued', 'Billing'), old('3', 'assigned', 'omar'),
        old('4', 'transferred', 'to Support by admin:Nadia'), old('5', 'handed back', 'by sara'), old('6', 'closed', 'by auto'),
      ]);
    });
    expect(await parts(2)).toEqual([
      { type: 'opened', by: { kind: 'customer' } },
      { type: 'classified', intent: 'billing', topic: 'Billing' },
      { type: 'queued', team: 'Billing' },
      { type: 'assigned', agent: 'Omar' },
      { type: 'transferred', to: 'Support', by: { kind: 'admin', name: 'Nadia' } },
      { type: 'handed back', by: { kind: 'agent', name: 'Sara' } },
      { type: 'closed', by: { kind: 'inactivity' } },
    ]);
  });
});
