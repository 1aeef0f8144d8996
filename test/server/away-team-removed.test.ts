// Through the real server: a team removed from team.yaml while one of its conversations is held by an agent still in
// team.yaml (in another team) who then goes away and leaves the customer unanswered for AWAY_REQUEUE_AFTER.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, eventually, start, visitor } from '../helpers.ts';

// Routed to Sales by a field, so team.yaml may drop Sales while the flow stays.
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - set: { conversation.team: Sales }\n  - assign: { team: "{{conversation.team}}" }\n    queued: "You are number {{queue.position}} in line."\n';
const team = (omarTeams: string, sales: boolean) => `
teams:
  - name: Billing
${sales ? '  - name: Sales\n' : ''}agents:
  - name: Sara
    webchat: agent-sara
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
  - name: Omar
    webchat: agent-omar
    webchat_token: test-token-0123456789abcdef
    teams: [${omarTeams}]
`;

const apps: Switchboard[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.stop();
  await cleanupDirs();
});

it('held by an agent who went away after their team was removed: the customer is passed to the first team with agents, told once', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team('Sales, Billing', true));
  const app = await start(dir, { watch: true, sweepEveryMs: 500, config: { AWAY_REQUEUE_AFTER: 1_500 } });
  apps.push(app);
  const [omar, layla] = [visitor(app.url, 'agent-omar'), visitor(app.url, 'layla', 'Layla')];
  const told = async () => (await layla.messages()).filter((message) => message.from === 'bot').map((message) => message.text);

  await omar.say('/online');
  await layla.say('I want to upgrade my plan');
  await eventually(async () => (await told()).includes('\u2068Omar\u2069 has joined the conversation.'));
  await omar.say('Let me check, one moment.');
  // Sales goes; Omar stays, in Billing, and keeps Layla.
  await writeFile(join(dir, 'team.yaml'), team('Billing', false));
  await eventually(() => app.directory.team('Sales') === undefined);
  await omar.say('/away');
  const before = (await told()).length;
  await layla.say('Hello? Are you still there?');

  await eventually(async () => (await app.store.openConversations())[0]?.stage === 'queued' && (await told()).length > before, 15_000);
  // A check or two later: nothing more is said to her.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect((await told()).slice(before)).toEqual(['\u2068Omar\u2069 is away at the moment, so another agent will answer you. Your conversation was passed to our Billing team. You are number 1 in line.']);
  expect((await app.store.openConversations()).map(({ stage, team }) => ({ stage, team }))).toEqual([{ stage: 'queued', team: 'Billing' }]);
  // Omar reads where she went: Billing's queue, where he would take her back as he comes online.
  const omarReads = (await omar.messages()).filter((message) => message.from !== 'contact').map((message) => message.text);
  expect(omarReads.filter((text) => / while you were away: /.test(text))).toEqual([expect.stringMatching(/^#\d+ was passed back to Billing's queue while you were away: Layla had waited \d+ s for an answer\.$/)]);
}, 60_000);
