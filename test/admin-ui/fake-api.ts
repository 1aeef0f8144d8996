// A stand-in for Switchboard's admin API (the contract of the dashboard issue) on 127.0.0.1, in memory, with the
// real dashboard mounted beside it and just enough of the web chat (POST /webchat/sessions, POST …/messages) for a
// visitor to open a queued conversation. It lets the dashboard be tested in a browser on its own; the end-to-end
// test (dashboard.test.ts) runs the same scenario against the real server. A flow is checked as the server checks it
// (errors and warnings, at their line and column): by the server's own FlowPublisher, over a folder holding the
// fake's current flows.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ADDRESS_KEYS } from '../../src/channels/index.ts';
import { FlowLibrary } from '../../src/flows/library.ts';
import { FlowPublisher } from '../../src/flows/publishing.ts';
import { versionOf } from '../../src/flows/versions.ts';
import { parseTeamFile } from '../../src/handover/team-file.ts';
import { openStore } from '../../src/store/index.ts';
import { builtDashboard, quietLog } from '../helpers.ts';
import { adminName } from '../../src/server/admin/auth.ts';
import { mountDashboard } from '../../src/server/dashboard.ts';
import type { NlpOverview } from '../../src/admin-ui/api.ts';
import { lastWords, previewText } from '../../src/handover/card.ts';
import type { DeskLanguage } from '../../src/handover/lines.ts';
import { pageLanguage } from '../../src/server/language.ts';

interface Version { version: string; source: string; publishedAt: string; publishedBy: string }
interface FakeConversation {
  id: number; status: 'open' | 'closed'; stage: 'bot' | 'queued' | 'assigned'; team?: string; agentId?: string; channel: string;
  contactId: string; openedAt: string; queuedAt?: string; assignedAt?: string; closedAt?: string; closingNote?: string; flow: string;
  fields: Record<string, string>;
}
interface FakeMessage { id: number; conversationId: number; direction: 'in' | 'out'; from: 'contact' | 'agent' | 'bot' | 'note'; author?: string; text: string; teach?: true; at: string; delivery?: string; attachments?: { kind: string; name?: string; mime?: string; url?: string; voice?: boolean }[] }
interface FakeContact { id: string; name?: string; identities: { channel: string; id: string }[]; fields: Record<string, string>; tags: string[]; createdAt: string; updatedAt: string }

export interface FakeApi {
  url: string;
  token: string;
  /** Requests the fake answered, as "METHOD /path" (to check what the dashboard sent). */
  requests: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: unknown }[];
  /** Says `data` on the event stream as an event of `type` (`waiting`: replies waiting for their channel), as the server does. */
  tell(type: string, data: unknown): void;
  /** Changes an agent's status or load and says so on the event stream (`agents`), as the runtime does. */
  setAgent(id: string, change: { status?: 'online' | 'away' | 'offline'; open?: number }): void;
  /** A file without a word from the web chat visitor of `session` (their app's upload), then the bot's queue line. */
  sendFile(session: string, file: { kind: string; name?: string; voice?: boolean }): void;
  /** Stores a contact with no conversation, as the newest (the contacts list pages as the API does: the last stored first). */
  addContact(name: string): void;
  /** Replaces figures of the report's total and series (`GET /api/reports`) with these, until set again. */
  setReport(report: { total?: Record<string, unknown>; series?: Record<string, unknown>; teams?: Record<string, Record<string, unknown>>; agents?: Record<string, Record<string, unknown>> }): void;
  /**
   * Replaces fields of the NLP overview (`GET /api/nlp`) with these, until set again: `refused` to play a refused
   * training file, `training` one under way or failed, `eval: undefined` for no eval figures, `intents: []` for no
   * examples, `findings` and `warnings` for what the training data check says.
   */
  setNlp(overview: {
    intents?: { name: string; examples: string[]; languages: string[] }[];
    refused?: NlpOverview['refused'];
    training?: 'under way' | 'failed';
    evalSkipped?: string;
    evalFailed?: boolean;
    eval?: undefined;
    findings?: Record<string, unknown>[];
    warnings?: string[];
  }): void;
  stop(): Promise<void>;
}

const TEAM_YAML = `teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: round_robin
agents:
  - name: Omar
    webchat: agent-omar
    teams: [Billing, Support]
    max_open: 3
`;

/**
 * Starts the fake on a free port.
 *
 *     const fake = await startFakeApi({ flows: { inbound: 'flow: inbound\n…' } });
 *     await page.goto(`${fake.url}/admin`);
 */
export async function startFakeApi(options: { token?: string; flows: Record<string, string>; whatsappWeb?: boolean }): Promise<FakeApi> {
  const token = options.token ?? 'fake-admin-token-0123456789';
  const sessions = new Set<string>();
  const flows = new Map<string, Version[]>();
  const started = new Date(Date.now() - 3 * 86_400_000).toISOString();
  for (const [name, source] of Object.entries(options.flows)) flows.set(name, [{ version: versionOf(source), source, publishedAt: started, publishedBy: 'admin' }]);
  let team = { version: versionOf(TEAM_YAML), source: TEAM_YAML };
  const agents: { id: string; name: string; teams: string[]; status: 'online' | 'away' | 'offline'; open: number; maxOpen: number; statusSince: string }[] = [
    { id: 'omar', name: 'Omar', teams: ['Billing', 'Support'], status: 'online', open: 0, maxOpen: 3, statusSince: started },
  ];
  const conversations: FakeConversation[] = [];
  const messages: FakeMessage[] = [];
  const contacts = new Map<string, FakeContact>();
  const webchat = new Map<string, { token: string; name?: string }>();
  const streams = new Set<Response>();
  const requests: FakeApi['requests'] = [];
  let reportGiven: { total?: Record<string, unknown>; series?: Record<string, unknown>; teams?: Record<string, Record<string, unknown>>; agents?: Record<string, Record<string, unknown>> } = {};
  let nlpGiven: Record<string, unknown> = {};

  const emit = (type: string, data: unknown) => {
    for (const stream of streams) stream.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const current = (name: string) => flows.get(name)?.at(-1);
  // The server's rule for what a list shows of a conversation (summary.ts): the customer's or the agents' last words,
  // not the bot's line after them, a file alone by what it is, in the page's language.
  const summary = (c: FakeConversation, language: DeskLanguage = 'en') => {
    const contact = contacts.get(c.contactId);
    const last = lastWords(messages.filter((m) => m.conversationId === c.id));
    return {
      id: c.id, status: c.status, stage: c.stage, channel: c.channel, openedAt: c.openedAt,
      contact: { id: c.contactId, ...(contact?.name ? { name: contact.name } : {}) },
      ...(c.team ? { team: c.team } : {}),
      ...(c.agentId ? { agentId: c.agentId, agentName: agents.find((a) => a.id === c.agentId)?.name } : {}),
      ...(c.queuedAt ? { queuedAt: c.queuedAt, waitingSeconds: Math.round((Date.now() - Date.parse(c.queuedAt)) / 1000) } : {}),
      ...(c.closedAt ? { closedAt: c.closedAt } : {}),
      ...(last ? { lastMessage: { text: previewText(last as Parameters<typeof previewText>[0], language), from: last.from, at: last.at } } : {}),
    };
  };
  // The server's checks, with the other flows and the teams they are made against: the fake's current ones.
  const root = await mkdtemp(join(tmpdir(), 'switchboard-fake-api-'));
  const flowDir = join(root, 'flows');
  await mkdir(flowDir);
  for (const [name, source] of Object.entries(options.flows)) await writeFile(join(flowDir, `${name}.yaml`), source);
  const store = await openStore({ dir: join(root, 'store') });
  const teamNames = () => {
    const parsed = parseTeamFile('team.yaml', team.source, ADDRESS_KEYS);
    return 'roster' in parsed ? parsed.roster.teams.map((each) => each.name) : [];
  };
  const library = await FlowLibrary.load({ dir: flowDir, store, log: quietLog, watch: false, teams: teamNames });
  const publisher = new FlowPublisher({ dir: flowDir, library, store, now: () => new Date() });
  const validate = (name: string, source: string) => publisher.validate(name, source);
  const warnings = (name: string, source: string) => publisher.warnings(name, source);
  const serve = async (name: string, source: string) => {
    await writeFile(join(flowDir, `${name}.yaml`), source);
    await library.reload();
  };

  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    requests.push({ method: req.method, path: req.path, headers: req.headers, body: req.body });
    next();
  });
  mountDashboard(app, { whatsappWeb: options.whatsappWeb === true, uiDir: await builtDashboard() });
  // WhatsApp Web's link page answers JSON to the admin token or the dashboard's sign-in cookie, as
  // src/channels/whatsapp-web/qr-page.ts does.
  app.get('/whatsapp/qr', (req, res) => {
    const cookie = /(?:^|;\s*)sb_admin=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    if (req.get('authorization') !== `Bearer ${token}` && !(cookie && sessions.has(cookie))) {
      res.status(401).json({ error: 'send Authorization: Bearer <ADMIN_TOKEN>, or sign in to the dashboard' });
      return;
    }
    res.json({ state: 'waiting-for-scan', up: false, reason: 'not linked: scan the QR code', since: started, qrSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/><rect x="5" y="5" width="5" height="5"/></svg>' });
  });

  // Just enough web chat for a visitor to open a conversation that waits for Support.
  app.post('/webchat/sessions', (req, res) => {
    const session = `s-${randomBytes(6).toString('hex')}`;
    const secret = randomBytes(12).toString('hex');
    webchat.set(session, { token: secret, ...(req.body?.name ? { name: String(req.body.name) } : {}) });
    res.status(201).json({ session, token: secret });
  });
  /** A web chat visitor's message (`text`, or files alone), then the bot's queue line, as the inbound flow answers. */
  const fromVisitor = (session: string, said: { text: string; attachments?: FakeMessage['attachments'] }) => {
    const visitor = webchat.get(session);
    const now = new Date().toISOString();
    let contact = [...contacts.values()].find((c) => c.identities.some((i) => i.id === session));
    if (!contact) {
      contact = { id: `c${contacts.size + 1}`, identities: [{ channel: 'webchat', id: session }], fields: {}, tags: [], createdAt: now, updatedAt: now, ...(visitor?.name ? { name: visitor.name } : {}) };
      contacts.set(contact.id, contact);
    }
    let conversation = conversations.find((c) => c.contactId === contact.id && c.status === 'open');
    if (!conversation) {
      conversation = { id: conversations.length + 1, status: 'open', stage: 'queued', team: 'Support', channel: 'webchat', contactId: contact.id, openedAt: now, queuedAt: now, flow: 'inbound', fields: {} };
      conversations.push(conversation);
    }
    // The message that opens the conversation says the need, as the server reads it: Teach its intent is offered under it.
    messages.push({ id: messages.length + 1, conversationId: conversation.id, direction: 'in', from: 'contact', text: said.text, at: now, teach: true, ...(said.attachments ? { attachments: said.attachments } : {}) });
    messages.push({ id: messages.length + 1, conversationId: conversation.id, direction: 'out', from: 'bot', text: 'You are number 1 in line.', at: now, delivery: 'delivered' });
    emit('conversation', { id: conversation.id, status: conversation.status, stage: conversation.stage, team: conversation.team });
  };
  app.post('/webchat/:session/messages', (req, res) => {
    const visitor = webchat.get(req.params.session);
    if (!visitor || req.get('authorization') !== `Bearer ${visitor.token}`) {
      res.status(401).json({ error: 'bad token' });
      return;
    }
    fromVisitor(req.params.session, { text: String(req.body?.text ?? '') });
    res.status(202).json({ ok: true });
  });

  const api = express.Router();
  api.post('/login', (req, res) => {
    if (req.body?.token !== token) {
      res.status(401).json({ error: 'wrong token' });
      return;
    }
    const session = randomBytes(16).toString('hex');
    sessions.add(session);
    res.cookie('sb_admin', session, { httpOnly: true, sameSite: 'strict', path: '/' }).json({ ok: true });
  });
  api.use((req: Request, res: Response, next: NextFunction) => {
    const cookie = /(?:^|;\s*)sb_admin=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    const bearer = req.get('authorization') === `Bearer ${token}`;
    if (!bearer && !(cookie && sessions.has(cookie))) {
      res.status(401).json({ error: 'sign in first' });
      return;
    }
    if (!bearer && req.method !== 'GET' && req.get('x-requested-with') !== 'switchboard') {
      res.status(403).json({ error: 'cross-site request refused' });
      return;
    }
    next();
  });
  api.post('/logout', (req, res) => {
    const cookie = /(?:^|;\s*)sb_admin=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    if (cookie) sessions.delete(cookie);
    res.clearCookie('sb_admin', { path: '/' }).json({ ok: true });
  });
  api.get('/session', (_req, res) => void res.json({ ok: true }));
  api.get('/events', (req, res) => {
    res.set({ 'content-type': 'text/event-stream', 'cache-control': 'no-store' }).flushHeaders();
    res.write(': hello\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  });

  api.get('/flows', (_req, res) => {
    res.json({ flows: [...flows].map(([name, versions]) => {
      const last = versions.at(-1)!;
      return { name, version: last.version, updatedAt: last.publishedAt, updatedBy: last.publishedBy, status: 'ok', openConversations: conversations.filter((c) => c.flow === name && c.status === 'open').length };
    }) });
  });
  api.get('/flows/:name', (req, res) => {
    const last = current(req.params.name);
    if (!last) res.status(404).json({ error: 'no such flow' });
    else res.json({ name: req.params.name, version: last.version, source: last.source });
  });
  api.post('/flows/:name/validate', (req, res) => {
    const errors = validate(req.params.name, String(req.body?.source ?? ''));
    res.json({ ok: errors.length === 0, errors, warnings: errors.length === 0 ? warnings(req.params.name, String(req.body?.source ?? '')) : [] });
  });
  api.put('/flows/:name', async (req, res) => {
    const { source, baseVersion } = req.body as { source: string; baseVersion?: string | null };
    const last = current(req.params.name);
    if ((last?.version ?? null) !== (baseVersion ?? null)) {
      res.status(409).json({ error: 'someone published first', kind: last ? 'publishedSince' : 'removedSince', currentVersion: last?.version ?? null });
      return;
    }
    const errors = validate(req.params.name, source);
    if (errors.length > 0) {
      res.status(422).json({ error: 'the flow has errors', errors });
      return;
    }
    const version = { version: versionOf(source), source, publishedAt: new Date().toISOString(), publishedBy: adminName(req) };
    flows.set(req.params.name, [...(flows.get(req.params.name) ?? []), version]);
    await serve(req.params.name, source);
    emit('flows', { name: req.params.name, version: version.version });
    res.json({ version: version.version });
  });
  api.get('/flows/:name/versions', (req, res) => {
    const versions = flows.get(req.params.name) ?? [];
    res.json({ versions: versions.map((v, i) => ({ version: v.version, publishedAt: v.publishedAt, publishedBy: v.publishedBy, current: i === versions.length - 1 })).reverse() });
  });
  api.get('/flows/:name/versions/:version', (req, res) => {
    const found = [...(flows.get(req.params.name) ?? [])].reverse().find((v) => v.version === req.params.version);
    if (!found) res.status(404).json({ error: 'no such version' });
    else res.json({ name: req.params.name, ...found });
  });
  api.post('/flows/:name/rollback', async (req, res) => {
    const found = flows.get(req.params.name)?.find((v) => v.version === req.body?.version);
    if (!found) {
      res.status(404).json({ error: 'no such version' });
      return;
    }
    // As the real API: the version the admin saw as current must still be it.
    const current = flows.get(req.params.name)!.at(-1)!.version;
    if (req.body?.baseVersion === undefined) {
      res.status(422).json({ error: 'baseVersion: required' });
      return;
    }
    if (req.body.baseVersion !== current) {
      res.status(409).json({ error: 'someone published this flow since you looked at its versions', kind: 'publishedSince', currentVersion: current });
      return;
    }
    flows.get(req.params.name)!.push({ ...found, publishedAt: new Date().toISOString(), publishedBy: 'admin' });
    await serve(req.params.name, found.source);
    emit('flows', { name: req.params.name, version: found.version });
    res.json({ version: found.version });
  });

  api.get('/team', (_req, res) => void res.json(team));
  api.put('/team', (req, res) => {
    if (req.body?.baseVersion !== team.version) {
      res.status(409).json({ error: 'someone published first', kind: 'publishedSince', currentVersion: team.version });
      return;
    }
    team = { version: versionOf(String(req.body.source)), source: String(req.body.source) };
    res.json({ version: team.version });
  });
  api.get('/agents', (_req, res) => void res.json({ agents }));

  api.get('/conversations', (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const list = conversations
      .filter((c) => (!q.status || c.status === q.status) && (!q.stage || c.stage === q.stage) && (!q.team || c.team === q.team))
      .filter((c) => !q.q || (contacts.get(c.contactId)?.name ?? '').toLowerCase().includes(q.q.toLowerCase()) || messages.some((m) => m.conversationId === c.id && m.text.includes(q.q!)))
      .sort((a, b) => b.id - a.id)
      .map((c) => summary(c, pageLanguage(req)));
    res.json({ conversations: list });
  });
  api.get('/conversations/:id', (req, res) => {
    const conversation = conversations.find((c) => String(c.id) === req.params.id);
    if (!conversation) {
      res.status(404).json({ error: 'no such conversation' });
      return;
    }
    const contact = contacts.get(conversation.contactId)!;
    res.json({
      conversation: { ...summary(conversation), fields: conversation.fields, flow: { name: conversation.flow, version: current(conversation.flow)?.version, step: 0 }, ...(conversation.closingNote ? { closingNote: conversation.closingNote } : {}) },
      contact: { ...contact, conversations: conversations.filter((c) => c.contactId === contact.id).length },
      messages: messages.filter((m) => m.conversationId === conversation.id),
      events: [{ at: conversation.openedAt, type: 'opened' }, ...(conversation.queuedAt ? [{ at: conversation.queuedAt, type: 'queued', detail: conversation.team }] : [])],
    });
  });
  api.post('/conversations/:id/:action', (req, res) => {
    const conversation = conversations.find((c) => String(c.id) === req.params.id);
    if (!conversation) {
      res.status(404).json({ error: 'no such conversation' });
      return;
    }
    const now = new Date().toISOString();
    switch (req.params.action) {
      case 'transfer':
        if (req.body?.team) Object.assign(conversation, { team: req.body.team, stage: 'queued', queuedAt: now, agentId: undefined });
        break;
      case 'close':
        Object.assign(conversation, { status: 'closed', closedAt: now, ...(req.body?.note ? { closingNote: req.body.note } : {}) });
        break;
      case 'handback':
        Object.assign(conversation, { stage: 'bot', agentId: undefined });
        break;
      case 'note':
        messages.push({ id: messages.length + 1, conversationId: conversation.id, direction: 'out', from: 'note', author: adminName(req), text: String(req.body?.text ?? ''), at: now });
        break;
      default:
        res.status(404).json({ error: 'no such action' });
        return;
    }
    emit('conversation', { id: conversation.id, status: conversation.status, stage: conversation.stage, team: conversation.team });
    res.json({ ok: true, conversation: summary(conversation) });
  });

  api.get('/contacts', (req, res) => {
    const q = String(req.query.q ?? '').toLowerCase();
    const limit = Number(req.query.limit ?? 50);
    const newestFirst = [...contacts.values()].reverse();
    const after = req.query.cursor === undefined ? 0 : newestFirst.findIndex((c) => c.id === req.query.cursor) + 1;
    const found = newestFirst.slice(after).filter((c) => !q || (c.name ?? '').toLowerCase().includes(q));
    const page = found.slice(0, limit);
    res.json({
      contacts: page.map((c) => ({ ...c, conversations: conversations.filter((v) => v.contactId === c.id).length })),
      ...(found.length > limit ? { nextCursor: page.at(-1)!.id } : {}),
    });
  });
  api.get('/contacts/:id', (req, res) => {
    const contact = contacts.get(req.params.id);
    if (!contact) res.status(404).json({ error: 'no such contact' });
    else res.json({ contact: { ...contact, conversations: 0 }, conversations: conversations.filter((c) => c.contactId === contact.id).map((c) => summary(c, pageLanguage(req))) });
  });
  api.patch('/contacts/:id', (req, res) => {
    const contact = contacts.get(req.params.id);
    if (!contact) {
      res.status(404).json({ error: 'no such contact' });
      return;
    }
    if (typeof req.body?.name === 'string') contact.name = req.body.name;
    for (const [key, value] of Object.entries((req.body?.fields ?? {}) as Record<string, string | null>)) {
      if (value === null) delete contact.fields[key];
      else contact.fields[key] = value;
    }
    res.json({ contact });
  });
  api.delete('/contacts/:id', (req, res) => {
    const mine = conversations.filter((c) => c.contactId === req.params.id);
    const count = messages.filter((m) => mine.some((c) => c.id === m.conversationId)).length;
    contacts.delete(req.params.id);
    res.json({ erased: { conversations: mine.length, messages: count, files: 0 } });
  });

  const intents: Record<string, string[]> = { billing: ['I was charged twice', 'تم خصم المبلغ مرتين'], tech_support: ['the app crashes'] };
  api.get('/nlp', (_req, res) => {
    res.json({
      intents: Object.entries(intents).map(([name, examples]) => ({ name, examples, languages: [...new Set(examples.map((text) => (/\p{Script=Arabic}/u.test(text) ? 'ar' : 'en')))].sort() })),
      eval: {
        at: started, dataHash: '0123456789abcdef', folds: 5, threshold: 0.45, examples: 60, accuracy: 0.914, acceptedAccuracy: 0.781,
        intents: [{ intent: 'tech_support', examples: 25, accuracy: 0.84 }, { intent: 'billing', examples: 35, accuracy: 0.966 }],
        confused: [{ intent: 'tech_support', mistakenFor: 'billing', count: 3 }, { intent: 'billing', mistakenFor: 'tech_support', count: 1 }],
        background: { sentences: 664, rejected: 0.64 },
      },
      findings: [],
      warnings: [],
      ...nlpGiven,
    });
  });
  api.post('/nlp/examples', (req, res) => {
    const { intent, text } = req.body as { intent: string; text: string };
    (intents[intent] ??= []).push(text);
    res.status(201).json({ ok: true, intent, text });
  });
  api.post('/nlp/retrain', (_req, res) => void res.status(202).json({ ok: true }));
  api.post('/nlp/try', (req, res) => {
    const text = String(req.body?.text ?? '');
    const found = Object.entries(intents).find(([, examples]) => examples.some((example) => example.toLowerCase().includes(text.toLowerCase())));
    res.json({ ...(found ? { intent: found[0] } : {}), confidence: found ? 0.87 : 0.12, nearest: found ? [{ intent: found[0], text: found[1][0], score: 0.9 }] : [] });
  });

  api.get('/reports', (req, res) => {
    const from = new Date(String(req.query.from ?? started));
    const to = new Date(String(req.query.to ?? new Date().toISOString()));
    const days: string[] = [];
    for (let day = new Date(from); day < to; day.setUTCDate(day.getUTCDate() + 1)) days.push(day.toISOString().slice(0, 10));
    const byTeam: Record<string, number[]> = {};
    for (const c of conversations) {
      const index = days.indexOf(c.openedAt.slice(0, 10));
      if (index < 0) continue;
      (byTeam[c.team ?? '(no team)'] ??= days.map(() => 0))[index]! += 1;
    }
    const none = { count: 0, median: null, p90: null };
    const closed = conversations.filter((c) => c.status === 'closed').length;
    const figures = { opened: conversations.length, closed, resolved: Math.max(0, closed - 2), closedByBot: Math.min(closed, 1), autoClosed: Math.min(Math.max(0, closed - 1), 1), assigned: 0, stillOpen: conversations.filter((c) => c.status === 'open').length, handOvers: 0, handOversByAdmin: 0, timeToAssignment: none, firstResponse: { count: 1, median: 95, p90: 95 }, resolution: none };
    res.json({
      from: from.toISOString(), to: to.toISOString(), generatedAt: new Date().toISOString(), total: { ...figures, ...reportGiven.total },
      // Each team's and agent's figures: those given, over the same defaults as the total's.
      teams: Object.fromEntries(Object.entries(reportGiven.teams ?? {}).map(([team, given]) => [team, { ...figures, ...given }])),
      agents: Object.fromEntries(Object.entries(reportGiven.agents ?? {}).map(([id, given]) => [id, { ...figures, ...given }])),
      queue: { Support: { waiting: conversations.filter((c) => c.stage === 'queued' && c.status === 'open').length, longestWaitSeconds: 42 } },
      series: {
        days,
        conversationsByTeam: byTeam,
        firstResponseSeconds: days.map((_, i) => (i % 3 === 0 ? null : 60 + i * 30)),
        resolutionSeconds: days.map((_, i) => 600 + i * 45),
        intents: { billing: days.map((_, i) => i % 4), tech_support: days.map((_, i) => (i * 7) % 5) },
        // As the shipped flow's routes title them, in the page's language.
        intentTitles: req.get('accept-language') === 'ar' ? { billing: 'الفواتير', tech_support: 'الدعم الفني' } : { billing: 'Billing', tech_support: 'Support' },
        intentTeams: { billing: 'Billing', tech_support: 'Support' },
        ...Object.fromEntries(Object.entries(reportGiven.series ?? {}).map(([key, value]) => [key, typeof value === 'function' ? (value as (days: string[]) => unknown)(days) : value])),
      },
    });
  });
  app.use('/api', api);

  const server = createServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    setAgent: (id, change) => {
      Object.assign(agents.find((agent) => agent.id === id)!, change);
      emit('agents', {});
    },
    sendFile: (session, file) => fromVisitor(session, { text: '', attachments: [file] }),
    addContact: (name) => {
      const id = `c${contacts.size + 1}`;
      const at = new Date().toISOString();
      contacts.set(id, { id, name, identities: [{ channel: 'telegram', id: String(700_000 + contacts.size) }], fields: {}, tags: [], createdAt: at, updatedAt: at });
    },
    tell: emit,
    setReport: (report) => {
      reportGiven = report;
    },
    setNlp: (overview) => {
      nlpGiven = overview;
    },
    stop: async () => {
      await new Promise<void>((done) => {
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => done());
      });
      library.close();
      await store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
