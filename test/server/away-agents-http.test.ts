// Through the real server: a web chat customer whose agent went Away and left them unanswered for AWAY_REQUEUE_AFTER
// is told so and passed to a colleague who is online; the agent who was away reads, in their app, where they went.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start, visitor } from '../helpers.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "You are number {{queue.position}} in line."\n';
const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
  - name: Sara
    webchat: agent-sara
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
`;

const apps: Switchboard[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `person` has been sent a message for which `match` holds; fails past `withinMs`. */
async function reads(person: ReturnType<typeof visitor>, match: (text: string) => boolean, withinMs: number): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const texts = (await person.messages()).filter((message) => message.from !== 'contact').map((message) => message.text);
    if (texts.some(match)) return texts;
    if (Date.now() - started > withinMs) throw new Error(`not read within ${withinMs} ms; read: ${JSON.stringify(texts)}`);
    await sleep(100);
  }
}

it('passes a web chat customer left unanswered by an agent who went away to an online colleague, and tells both', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await start(dir, { sweepEveryMs: 500, config: { AWAY_REQUEUE_AFTER: 1_500 } });
  apps.push(app);
  const [omar, sara, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla')];

  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'), 5_000);
  await omar.say('Let me check, one moment.');
  await reads(layla, (text) => text === 'Let me check, one moment.', 5_000);
  await omar.say('/away');
  await sara.say('/online');
  await layla.say('Hello? Are you still there?');

  const told = await reads(layla, (text) => text === '\u2068Sara\u2069 has joined the conversation.', 10_000);
  expect(told.slice(-2)).toEqual(['\u2068Omar\u2069 is away at the moment, so another agent will answer you.', '\u2068Sara\u2069 has joined the conversation.']);
  const omarReads = await reads(omar, (text) => / while you were away: /.test(text), 5_000);
  expect(omarReads.at(-1)).toMatch(/^#\d+ was passed to Sara while you were away: Layla had waited \d+ s for an answer\.$/);
  // Sara's card carries what Layla is waiting on.
  await reads(sara, (text) => text.includes('Hello? Are you still there?'), 5_000);
}, 40_000);

it('shows the colleague a customer is passed to, from an agent who went away, what that agent had answered them', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await start(dir, { sweepEveryMs: 500, config: { AWAY_REQUEUE_AFTER: 1_500 } });
  apps.push(app);
  const [omar, sara, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'agent-sara'), visitor(app.url, 'layla', 'Layla')];

  await omar.say('/online');
  await layla.say('My invoice is wrong');
  await reads(omar, (text) => text.includes('My invoice is wrong'), 5_000);
  await omar.say('Your refund of 50 EUR is on its way.');
  await reads(layla, (text) => text === 'Your refund of 50 EUR is on its way.', 5_000);
  await omar.say('/away');
  await sara.say('/online');
  await layla.say('When will it arrive?');

  const saraReads = await reads(sara, (text) => text.startsWith('#1 · '), 10_000);
  const card = saraReads.find((text) => text.startsWith('#1 · '))!;
  // Before: only Layla's words ("Layla wrote: › My invoice is wrong › When will it arrive?"); Sara could not know
  // what Omar had promised her.
  expect(card).toContain('› Layla: My invoice is wrong\n› Omar: Your refund of 50 EUR is on its way.\n› Layla: When will it arrive?');
}, 40_000);
