// A satisfaction survey with reply buttons (a `conversation.closed` flow) as a WhatsApp customer meets it, through
// the real server and a fake Graph API: a request typed instead of pressing a button reaches an agent in a new
// conversation; a pressed button is the rating.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, visitor } from '../../helpers.ts';
import { SHEENA, clock, fixture, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const inbound = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - set: { conversation.need: "{{conversation.first_message}}" }
  - ask: "How can we help you today?"
    save: conversation.need
    skip_if_known: true
  - assign: { team: Billing }
`;

const survey = `
flow: survey
trigger: { on: conversation.closed }
steps:
  - ask: "How did we do?"
    expect: choice
    choices: [{ id: billing, title: Great }, { id: ok, title: OK }, { id: poor, title: Poor }]
    save: conversation.rating
  - say: "Thank you!"
`;

const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n';

describe('a closing survey with reply buttons, on WhatsApp', () => {
  it('hands a request typed instead of a rating to the agent in a new conversation, and takes a pressed button as the rating', async () => {
    const time = clock();
    const cloud = await startCloud({ flows: { 'inbound.yaml': inbound, 'survey.yaml': survey }, team, now: time.now });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    const write = async (body: string) => {
      time.advance(60_000);
      expect((await cloud.post(messagesBody([text(body, { timestamp: time.seconds() })]))).status).toBe(200);
      await settled(cloud);
    };
    await lina.say('/online');
    await write('hi');
    await write('my invoice is wrong');
    await lina.say('/close');
    await settled(cloud);
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'interactive', interactive: { type: 'button', body: { text: 'How did we do?' } } });
    const before = cloud.graph.saidTo(SHEENA).length;

    await write('wait, I also have a problem with my invoice');
    // Before: "Please pick one of the options (you can also type its number)." and nobody saw the request.
    expect(cloud.graph.saidTo(SHEENA).slice(before)).toEqual(['\u2068Lina\u2069 has joined the conversation.']);
    const conversations = (await cloud.app.store.conversations()).sort((a, b) => a.id - b.id);
    expect(conversations.map((conversation) => [conversation.status, conversation.fields.need, conversation.fields.rating])).toEqual([
      ['closed', 'my invoice is wrong', undefined],
      ['open', 'wait, I also have a problem with my invoice', undefined],
    ]);
    expect((await lina.messages()).map((message) => message.text).find((line) => line.includes('#2'))).toContain('wait, I also have a problem with my invoice');

    // Closed again: the button Sheena presses (id "billing", titled Great) is her rating, in the closed conversation.
    await lina.say('/close');
    await settled(cloud);
    const pressed = fixture('button-reply');
    time.advance(60_000);
    pressed.entry[0].changes[0].value.messages[0].timestamp = time.seconds();
    expect((await cloud.post(pressed)).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe('Thank you!');
    expect((await cloud.app.store.conversations()).map((conversation) => conversation.fields.rating)).toEqual([undefined, 'billing']);
  });
});
