// Through the real server (web chat sessions for the customers and the agents, the clock the test's): a conversation
// taken from its agent by Switchboard itself (given to a colleague after going unanswered, back in the queue while the
// agent was away) frees a seat the queue fills at once. The first thing the agent types next may be their answer to
// the customer who left them: it must reach no one else, and the agent is told so, as after an admin's decision.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, start, visitor } from '../helpers.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices: [Billing, Support]
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
    queued: "You are number {{queue.position}} in line."
`;

/** Omar has one seat and serves both teams; Sara serves Billing only, so Karim, in Support's line, waits for Omar. */
const team = `
teams:
  - name: Billing
  - name: Support
agents:
  - name: Omar
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [Billing, Support]
    max_open: 1
  - name: Sara
    webchat: agent-sara
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
`;

const MINUTE = 60_000;
const apps: Switchboard[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await cleanupDirs();
});

type Person = ReturnType<typeof visitor>;
const said = async (person: Person): Promise<string[]> => (await person.messages()).filter((message) => message.from !== 'contact').map((message) => message.text);
const reads = async (person: Person, match: (text: string) => boolean): Promise<string> => {
  let found: string | undefined;
  await eventually(async () => (found = (await said(person)).find(match)) !== undefined);
  return found!;
};

const cases = [
  { what: 'given to a colleague after going unanswered', config: { UNANSWERED_PASS_ON_AFTER: 120 * MINUTE, AWAY_REQUEUE_AFTER: 0 }, away: false, after: 121 * MINUTE },
  { what: 'back in the queue while its agent was away', config: { UNANSWERED_PASS_ON_AFTER: 0, AWAY_REQUEUE_AFTER: 10 * MINUTE }, away: true, after: 11 * MINUTE },
] as const;

it.each(cases)('an agent whose customer Switchboard $what: his answer to her reaches no one else', async ({ config, away, after }) => {
  const clock = { now: new Date('2026-12-01T09:00:00Z') };
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await start(dir, { now: () => clock.now, config });
  apps.push(app);
  const [omar, sara, layla, karim] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla'), visitor(app.url, 'karim', 'Karim')];
  await omar.say('/online');
  await layla.say('hello');
  await reads(layla, (text) => text === 'Which team?');
  await layla.say('Billing');
  await reads(omar, (text) => text.includes('Layla'));
  await karim.say('hello');
  await reads(karim, (text) => text === 'Which team?');
  await karim.say('Support');
  await reads(karim, (text) => text === 'You are number 1 in line.');
  await sara.say('/online');
  if (away) await omar.say('/away');

  clock.now = new Date(clock.now.getTime() + after);
  await app.runtime.sweep();
  await eventually(async () => (await app.store.conversation(1))?.agentId === 'sara');
  if (away) await omar.say('/online');
  await eventually(async () => (await app.store.conversation(2))?.agentId === 'omar');
  // Typed for Layla, the one customer he held, before he read where she went and who came.
  await omar.say('Layla, your refund of 50 EUR is on its way.');
  await omar.say('Hello Karim, how can I help?');
  await reads(karim, (text) => text === 'Hello Karim, how can I help?');
  expect((await said(karim)).filter((text) => text.includes('refund'))).toEqual([]);
  expect((await said(layla)).filter((text) => text.includes('refund'))).toEqual([]);
  const told = await reads(omar, (text) => text.startsWith('Nothing was sent or done'));
  expect(told).toContain('#1 (Layla)');
  expect(told).toContain('#2 (Karim)');
}, 60_000);
