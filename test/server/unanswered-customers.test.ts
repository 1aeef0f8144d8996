// Through the real server: a web chat customer whose last question an Online agent never answered is not closed by
// AUTO_CLOSE_AFTER as if they had gone quiet (the idle close counts only when the agent spoke last), and their agent is
// reminded in their app, every UNANSWERED_REMIND_AFTER, that they wait and how long, in the agent's language; after
// UNANSWERED_PASS_ON_AFTER a free colleague takes them (never the same agent again), else they stay with their agent.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, recordingLog, start, visitor } from '../helpers.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "You are number {{queue.position}} in line."\n';
const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
`;

const HOUR = 3_600_000;
const apps: Switchboard[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `person` has been sent a message for which `match` holds; fails past `withinMs`. */
async function reads(person: ReturnType<typeof visitor>, match: (text: string) => boolean, withinMs = 5_000): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const texts = await said(person);
    if (texts.some(match)) return texts;
    if (Date.now() - started > withinMs) throw new Error(`not read within ${withinMs} ms; read: ${JSON.stringify(texts)}`);
    await sleep(100);
  }
}

/** What `person` was sent so far (not what they wrote). */
async function said(person: ReturnType<typeof visitor>): Promise<string[]> {
  return (await person.messages()).filter((message) => message.from !== 'contact').map((message) => message.text);
}

/** A server over the Billing flow with Omar alone (his language `agentLanguage`), on a clock the test moves. */
async function desk(clock: { now: Date }, agentLanguage?: 'ar'): Promise<Switchboard> {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), agentLanguage ? team.replace('teams: [Billing]', `teams: [Billing]\n    language: ${agentLanguage}`) : team);
  const app = await start(dir, { now: () => clock.now, config: { AUTO_CLOSE_AFTER: 24 * HOUR, UNANSWERED_REMIND_AFTER: 30 * 60_000 } });
  apps.push(app);
  return app;
}

it('keeps open a customer whose last question the online agent never answered, past AUTO_CLOSE_AFTER, and closes once the agent spoke last', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const app = await desk(clock);
  const [omar, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'layla', 'Layla')];
  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'));
  await omar.say('Let me check, one moment.');
  await reads(layla, (text) => text === 'Let me check, one moment.');
  clock.now = new Date(clock.now.getTime() + HOUR);
  await layla.say('Any news? I was charged twice.');
  await reads(omar, (text) => text.includes('Any news? I was charged twice.'));

  // A day and more since Omar's last words; Layla's question is the last message.
  clock.now = new Date(clock.now.getTime() + 25 * HOUR);
  await app.runtime.sweep();
  expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'omar' });

  // Omar answers at last (what that check would have told them comes before his answer); a day later with nothing
  // more from Layla, it closes as before.
  await omar.say('Refunded, sorry for the wait.');
  await reads(layla, (text) => text === 'Refunded, sorry for the wait.');
  expect((await said(layla)).some((text) => /without news/.test(text))).toBe(false);
  expect((await said(omar)).some((text) => /without activity/.test(text))).toBe(false);
  clock.now = new Date(clock.now.getTime() + 24 * HOUR + 60_000);
  await app.runtime.sweep();
  expect(await app.store.conversation(1)).toMatchObject({ status: 'closed', closedBy: 'auto' });
  await reads(layla, (text) => text === 'This conversation was closed after a while without news. Write to us any time.');
}, 30_000);

it('reminds the online agent in their app that a customer has waited half an hour, then an hour, for their answer, and stops once they answer', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const app = await desk(clock);
  const [omar, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'layla', 'Layla')];
  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'));
  const reminders = async () => (await said(omar)).filter((text) => /for your answer/.test(text));

  clock.now = new Date(clock.now.getTime() + 20 * 60_000);
  await app.runtime.sweep();
  clock.now = new Date(clock.now.getTime() + 11 * 60_000);
  await app.runtime.sweep();
  await reads(omar, (text) => text === '#1: Layla has waited 31 min for your answer.');
  // Once for that half hour, however often the check runs: the next he reads is the hour's.
  clock.now = new Date(clock.now.getTime() + 5 * 60_000);
  await app.runtime.sweep();
  clock.now = new Date(clock.now.getTime() + 26 * 60_000);
  await app.runtime.sweep();
  await reads(omar, (text) => text === '#1: Layla has waited 62 min for your answer.');
  expect(await reminders()).toEqual(['#1: Layla has waited 31 min for your answer.', '#1: Layla has waited 62 min for your answer.']);

  await omar.say('Sorry for the wait, let me check.');
  await reads(layla, (text) => text === 'Sorry for the wait, let me check.');
  clock.now = new Date(clock.now.getTime() + 2 * HOUR);
  await app.runtime.sweep();
  // What Layla writes next comes to him after anything that check told him.
  await layla.say('Thank you');
  await reads(omar, (text) => text.includes('Thank you'));
  expect(await reminders()).toHaveLength(2);
}, 30_000);

it('reminds an Arabic-speaking agent in Arabic, and a customer writing in Arabic is not closed while they wait', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const app = await desk(clock, 'ar');
  const [omar, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'layla', 'ليلى')];
  await omar.say('/online');
  await layla.say('فاتورتي خاطئة، تم خصم المبلغ مرتين');
  await reads(omar, (text) => text.includes('فاتورتي خاطئة'));
  clock.now = new Date(clock.now.getTime() + 30 * 60_000);
  await app.runtime.sweep();
  await reads(omar, (text) => text === '#1: ينتظر \u2068ليلى\u2069 ردك منذ 30 دقيقة.');
  clock.now = new Date(clock.now.getTime() + 25 * HOUR);
  await app.runtime.sweep();
  expect(await app.store.conversation(1)).toMatchObject({ status: 'open', agentId: 'omar' });
  // What Omar writes next comes to her after anything that check told her.
  await omar.say('نعتذر عن التأخير.');
  await reads(layla, (text) => text === 'نعتذر عن التأخير.');
  expect((await said(layla)).some((text) => /أُغلقت/.test(text))).toBe(false);
}, 30_000);

it('gives a customer their online agent left unanswered for 2 h to a free colleague, and tells the customer and the agent', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), `${team}  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    language: ar\n`);
  const app = await start(dir, { now: () => clock.now, config: { UNANSWERED_REMIND_AFTER: 30 * 60_000, UNANSWERED_PASS_ON_AFTER: 2 * HOUR } });
  apps.push(app);
  const [omar, sara, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla')];
  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'));
  await sara.say('/online');

  clock.now = new Date(clock.now.getTime() + HOUR);
  await app.runtime.sweep();
  expect(await app.store.conversation(1)).toMatchObject({ agentId: 'omar' });
  clock.now = new Date(clock.now.getTime() + HOUR);
  await app.runtime.sweep();
  // A hand-over from Omar in Billing, for the reports.
  expect(await app.store.conversation(1)).toMatchObject({ status: 'open', stage: 'assigned', agentId: 'sara', handOvers: [{ agent: 'omar', team: 'Billing' }] });
  const told = await reads(layla, (text) => text === '\u2068Sara\u2069 has joined the conversation.');
  expect(told.slice(-2)).toEqual(['So that you are not kept waiting, another agent will answer you.', '\u2068Sara\u2069 has joined the conversation.']);
  await reads(omar, (text) => text === '#1 was passed to Sara: Layla had waited 2 h for your answer.');
  // His console says the same under its header, in the page's language.
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'test-token-0123456789abcdef' }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const outcome = async (language: string) => ((await (await fetch(`${app.url}/agent/api/conversations/1/outcome`, { headers: { cookie, 'accept-language': language } })).json()) as { message?: string }).message;
  expect(await outcome('en')).toBe('#1 was passed to Sara: Layla had waited 2 h for your answer.');
  expect(await outcome('ar')).toBe('أُسندت المحادثة #1 إلى \u2068Sara\u2069: انتظر \u2068Layla\u2069 ردك مدة ساعتين.');
  await reads(sara, (text) => text.includes('My invoice is wrong'));

  // Sara is not reminded at once of Omar's wait: she was given it now.
  clock.now = new Date(clock.now.getTime() + 60_000);
  await app.runtime.sweep();
  // What Layla writes next comes to her after anything that check told her.
  await layla.say('Thank you');
  await reads(sara, (text) => text.includes('Thank you'));
  expect((await said(sara)).some((text) => /ردك منذ/.test(text))).toBe(false);
}, 30_000);

it('tells a customer who writes in Arabic, in Arabic, that another agent will answer them', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), `${team}  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n`);
  const app = await start(dir, { now: () => clock.now, config: { UNANSWERED_PASS_ON_AFTER: 2 * HOUR } });
  apps.push(app);
  const [omar, sara, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'ليلى')];
  await omar.say('/online');
  await layla.say('مرحبا، فاتورتي خاطئة وتم خصم المبلغ مرتين');
  await reads(omar, (text) => text.includes('فاتورتي خاطئة'));
  await sara.say('/online');
  clock.now = new Date(clock.now.getTime() + 2 * HOUR);
  await app.runtime.sweep();
  const told = await reads(layla, (text) => text === 'انضم \u2068Sara\u2069 إلى المحادثة.');
  expect(told.slice(-2)).toEqual(['حتى لا يطول انتظارك، سيجيبك موظف آخر.', 'انضم \u2068Sara\u2069 إلى المحادثة.']);
  await reads(omar, (text) => /^#1 was passed to Sara: .*ليلى.* had waited 2 h for your answer\.$/.test(text));
}, 30_000);

it('tells the admin and the log whose customer went to a colleague and why, and whose went back to the queue from an away agent', async () => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), `${team}  - name: Sara\n    webchat: agent-sara\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n`);
  const { log, lines } = recordingLog();
  const app = await start(dir, { now: () => clock.now, adminToken: 'admin-token-0123456789abcdef', config: { UNANSWERED_PASS_ON_AFTER: 2 * HOUR, AWAY_REQUEUE_AFTER: 10 * 60_000 }, log } as Parameters<typeof start>[1]);
  apps.push(app);
  const events = async (id: number) => ((await (await fetch(`${app.url}/api/conversations/${id}`, { headers: { authorization: 'Bearer admin-token-0123456789abcdef' } })).json()) as { events: Record<string, unknown>[] }).events;
  const [omar, sara, layla, sam] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla'), visitor(app.url, 'sam', 'Sam')];
  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'));
  await sara.say('/online');
  clock.now = new Date(clock.now.getTime() + 2 * HOUR);
  await app.runtime.sweep();
  await reads(layla, (text) => text === '\u2068Sara\u2069 has joined the conversation.');
  // Nobody moved it: Omar had left Layla unanswered too long.
  expect((await events(1)).find((event) => event.type === 'transferred')).toMatchObject({ to: 'Sara', by: { kind: 'inactivity' }, from: 'Omar', because: 'unanswered' });
  expect(lines.find((line) => line.msg === 'conversation transferred')).toMatchObject({ conversation: 1, agent: 'sara', by: 'auto', to: 'Sara', from: 'omar', reason: 'unanswered' });

  // Omar takes Sam (Sara is away), then goes away too: Sam goes back to the queue after AWAY_REQUEUE_AFTER.
  await sara.say('/away');
  await sam.say('Where is my refund?');
  await reads(omar, (text) => text.includes('Where is my refund?'));
  await omar.say('/away');
  clock.now = new Date(clock.now.getTime() + 11 * 60_000);
  await app.runtime.sweep();
  await reads(sam, (text) => /is away at the moment/.test(text));
  expect((await events(2)).filter((event) => event.type === 'queued').at(-1)).toMatchObject({ team: 'Billing', by: { kind: 'inactivity' }, from: 'Omar', because: 'away' });
  expect(lines.filter((line) => line.msg === 'conversation queued').at(-1)).toMatchObject({ conversation: 2, from: 'omar', reason: 'away' });
}, 30_000);
