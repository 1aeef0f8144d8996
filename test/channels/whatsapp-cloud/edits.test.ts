// A WhatsApp Cloud customer's edit of a message they sent (a message of type `edit`, on a number also used from the
// WhatsApp Business app), through the real server: what the agent holding the conversation sees (once, however often
// Meta delivers it), what the customer sees (nothing), the transcript, and an edit of a message the store never had.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, recordingLog, visitor } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from '../../server/admin/client.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

async function server(options: Partial<Parameters<typeof startCloud>[0]>): Promise<CloudServer> {
  const started = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, ...options });
  running.push(started);
  return started;
}

let edits = 1;
/** Meta's message for Sheena's edit of `original` (its wamid) to `now`, as the edit webhook reference shows it. */
const editOf = (original: string, now: string) => ({
  from: SHEENA, id: `wamid.EDIT${edits++}`, timestamp: '1763950400', type: 'edit',
  edit: { original_message_id: original, message: { type: 'text', text: { body: now } } },
});

/** The agent's web chat lines that say `part`, waiting until there is one. */
async function linesSaying(agent: ReturnType<typeof visitor>, part: string): Promise<string[]> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const found = (await agent.messages()).map((m) => m.text).filter((line) => line.includes(part));
    if (found.length > 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the agent was not told "${part}"`);
}

describe('WhatsApp Cloud: a customer edits a message', () => {
  it('shows Lina, who holds the conversation, the corrected order number once, however often Meta delivers the edit; the customer hears nothing', async () => {
    const cloud = await server({});
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await settled(cloud);
    const typo = text('My order is A-1243');
    expect((await cloud.post(messagesBody([typo]))).status).toBe(200);
    await linesSaying(lina, 'My order is A-1243');
    await settled(cloud);
    const toSheena = cloud.graph.saidTo(SHEENA).length;

    const fixed = messagesBody([editOf(typo.id as string, 'My order is A-1234')]);
    expect((await cloud.post(fixed)).status).toBe(200);
    expect((await cloud.post(fixed)).status).toBe(200);
    expect((await cloud.post(messagesBody([text('thanks')]))).status).toBe(200);
    await linesSaying(lina, ': thanks');
    await settled(cloud);
    const lines = (await lina.messages()).map((m) => m.text);
    const told = lines.filter((line) => line.includes('edited a message'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    expect(cloud.graph.saidTo(SHEENA).slice(toSheena)).toEqual([]);
    const transcript = await cloud.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => [m.from, m.text, m.edit?.of])).toEqual([
      ['contact', '[edited "My order is A-1243"] My order is A-1234', typo.id],
    ]);
  });

  it('keeps an edit made while the conversation waits in the queue for the agent who takes it (on the card); the dashboard shows it at once; nobody is told meanwhile', async () => {
    const cloud = await server({ config: { ADMIN_TOKEN } });
    const first = text('My order is A-1243');
    expect((await cloud.post(messagesBody([first]))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Please wait for an agent.']);
    // The dashboard watching: the conversation's change comes with the edit, not only with the next thing said.
    const changes: string[] = [];
    const controller = new AbortController();
    const res = await fetch(`${cloud.app.url}/api/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: controller.signal });
    const reading = (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) changes.push(Buffer.from(chunk).toString('utf8'));
    })().catch(() => undefined);
    await eventually(() => changes.length > 0);
    const before = changes.join('').split('event: conversation').length;

    expect((await cloud.post(messagesBody([editOf(first.id as string, 'My order is A-1234')]))).status).toBe(200);
    await settled(cloud);
    await eventually(() => changes.join('').split('event: conversation').length > before);
    controller.abort();
    await reading;
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Please wait for an agent.']);
    expect((await cloud.app.store.conversation(1))?.stage).toBe('queued');
    const { body } = await adminClient(cloud.app.url).get<{ messages: { from: string; text: string }[] }>('/conversations/1');
    expect(body.messages.filter((m) => m.from === 'contact').map((m) => m.text)).toEqual(['My order is A-1243', '[edited "My order is A-1243"] My order is A-1234']);

    // Lina takes it: her card shows the message and its correction.
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    const [card] = await linesSaying(lina, '#1 ·');
    expect(card).toContain('› My order is A-1243\n› [edited "My order is A-1243"] My order is A-1234');
  });

  it('quotes, for Omar working from WhatsApp, the relay of the message the edit corrects', async () => {
    const omar = '15550001234';
    const cloud = await server({ team: 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+15550001234"\n    teams: [Billing]\n' });
    expect((await cloud.post(messagesBody([text('/online', { from: omar })], { from: omar, name: 'Omar' }))).status).toBe(200);
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    const typo = text('My order is A-1243');
    expect((await cloud.post(messagesBody([typo]))).status).toBe(200);
    await settled(cloud, omar);
    const relayed = cloud.graph.sent.find((sent) => sent.body.to === omar && String(sent.body.text?.body).endsWith(': My order is A-1243'))!;
    expect((await cloud.post(messagesBody([editOf(typo.id as string, 'My order is A-1234')]))).status).toBe(200);
    await settled(cloud, omar);
    const notice = cloud.graph.sentTo(omar).at(-1)!;
    expect(notice.text.body).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    expect(notice.context).toEqual({ message_id: relayed.id });
  });

  it('shows Lina an edit Meta delivered before the message it corrects (that batch sent again later) right after the message, once', async () => {
    const cloud = await server({});
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await settled(cloud);
    const typo = text('My order is A-1243');
    const fixed = messagesBody([editOf(typo.id as string, 'My order is A-1234')]);
    expect((await cloud.post(fixed)).status).toBe(200);
    expect((await cloud.post(fixed)).status).toBe(200);
    expect((await cloud.post(messagesBody([typo]))).status).toBe(200);
    expect((await cloud.post(fixed)).status).toBe(200);
    expect((await cloud.post(messagesBody([text('thanks')]))).status).toBe(200);
    await linesSaying(lina, ': thanks');
    await settled(cloud);
    const lines = (await lina.messages()).map((m) => m.text).filter((line) => line.includes('A-12'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('#1 Sheena Nelson: My order is A-1243');
    expect(lines[1]).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['\u2068Lina\u2069 has joined the conversation.']);
    const transcript = await cloud.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => [m.text, m.edit?.of])).toEqual([['[edited "My order is A-1243"] My order is A-1234', typo.id]]);
  });

  it('logs an edit of a message the store never had, answers 200 and keeps nothing', async () => {
    const { log, lines } = recordingLog();
    const cloud = await server({ log });
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await settled(cloud);
    expect((await cloud.post(messagesBody([editOf('wamid.FROM_LAST_YEAR', 'fixed')]))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Please wait for an agent.']);
    expect((await cloud.app.store.messagesOfConversation(1)).filter((m) => m.edit !== undefined)).toEqual([]);
    expect(lines.some((line) => String(line.msg).includes('an edit of a message the store does not have') && line.of === 'wamid.FROM_LAST_YEAR')).toBe(true);
  });
});
