// Every way a person first answers a customer counts as the first response the reports measure: a reply from their
// app, from the agent console, a WhatsApp template, a closing note shared with the customer (by an agent, in their
// chat with the bot or in a team desk's thread, or by an admin); a closing note kept among the team does not.
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/types.ts';
import { buildReport } from '../../src/handover/reports.ts';
import { cleanupDirs, eventually } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness, type Harness } from './harness.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - assign: { team: Billing }
    queued: "Please wait for an agent."
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
`;

let clock = new Date('2026-11-24T09:00:00Z');
const now = () => clock;

/**
 * Omar online, a customer's conversation with him (in Billing's desk, a Telegram group with a topic per conversation,
 * when `desk`) after 90 s without an answer; what the report says after `answer`.
 */
async function firstResponseAfter(answer: (h: Harness, id: number) => Promise<unknown>, options: { desk?: boolean } = {}) {
  clock = new Date('2026-11-24T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const telegram: Channel = { ...agents.channel, openThread: async (group) => `${group}/1`, closeThread: async () => {} };
  const teamYaml = options.desk ? team.replace('  - name: Billing\n', '  - name: Billing\n    telegram_desk: "-100500"\n') : team;
  const h = await harness(await dataDirWithTeam({ 'inbound.yaml': flow }, teamYaml), [customers, { ...agents, channel: telegram }], { now, templates: [{ name: 'order_update', language: 'en_US' }] });
  await h.send('telegram', '9001', '/online', { from: { id: '9001', name: 'Omar' } });
  await h.send('whatsapp', '+1555', 'I was charged twice', { from: { id: '+1555', name: 'Layla' } });
  const [conversation] = await h.store.conversations();
  if (options.desk) {
    // The topic opens after the commit that queued the conversation.
    await eventually(async () => (await h.store.conversation(conversation!.id))?.deskThread !== undefined);
  } else expect(conversation).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  clock = new Date(clock.getTime() + 90_000);
  await answer(h, conversation!.id);
  const report = buildReport({ conversations: await h.store.conversations(), agents: h.directory.agents(), teams: h.directory.teams(), now: clock });
  const said = customers.textsTo('+1555');
  await h.close();
  return { firstResponse: report.total.firstResponse, said };
}

const omar = (h: Harness) => h.directory.agent('omar')!;
const answered = { count: 1, median: 90, p90: 90 };

describe('the first response the reports count', () => {
  it('is an agent\'s reply from their messaging app', async () => {
    expect((await firstResponseAfter((h) => h.send('telegram', '9001', 'Refunded the second charge.', { from: { id: '9001', name: 'Omar' } }))).firstResponse).toEqual(answered);
  });

  it('is an agent\'s reply from the agent console', async () => {
    const reply = (h: Harness, id: number) => h.runtime.reply(omar(h), { channel: 'telegram', id: 'console-1', from: { id: '9001', name: 'Omar' }, text: 'Refunded.', at: clock.toISOString() }, id);
    expect((await firstResponseAfter(reply)).firstResponse).toEqual(answered);
  });

  it('is a WhatsApp template an agent sends with /template', async () => {
    const { firstResponse, said } = await firstResponseAfter((h) => h.send('telegram', '9001', '/template order_update Layla', { from: { id: '9001', name: 'Omar' } }));
    expect(said.at(-1)).toBe('[template order_update: Layla]');
    expect(firstResponse).toEqual(answered);
  });

  it('is a closing note the agent shares with the customer ("/close \\"…\\""), when it is their only answer', async () => {
    const { firstResponse, said } = await firstResponseAfter((h) => h.send('telegram', '9001', '/close "Your refund is on its way."', { from: { id: '9001', name: 'Omar' } }));
    expect(said.at(-1)).toContain('Your refund is on its way.');
    expect(firstResponse).toEqual(answered);
  });

  it('is a closing note the agent shares in a team desk\'s thread, told to the customer without its quotes', async () => {
    const closeInTopic = (h: Harness) => h.send('telegram', '9001', '/close "Your refund is on its way."', { from: { id: '9001', name: 'Omar' }, place: '-100500/1' });
    const { firstResponse, said } = await firstResponseAfter(closeInTopic, { desk: true });
    expect(said.at(-1)).toBe('This conversation is now closed. \u2068Your refund is on its way.\u2069 Write to us any time.');
    expect(firstResponse).toEqual(answered);
  });

  it('is a closing note an admin shares from the dashboard', async () => {
    const { firstResponse } = await firstResponseAfter((h, id) => h.runtime.act({ kind: 'admin', name: 'Nadia' }, { kind: 'close', conversationId: id, note: 'Refunded.', shareNote: true }));
    expect(firstResponse).toEqual(answered);
  });

  it('is not a closing note kept among the team, nor a template refused', async () => {
    expect((await firstResponseAfter((h) => h.send('telegram', '9001', '/close refunded', { from: { id: '9001', name: 'Omar' } }))).firstResponse).toEqual({ count: 0, median: null, p90: null });
    expect((await firstResponseAfter((h, id) => h.runtime.act(omar(h), { kind: 'template', conversationId: id, name: 'no_such_template', params: [] }))).firstResponse).toEqual({ count: 0, median: null, p90: null });
  });
});
