// Reply buttons as a WhatsApp customer meets them once the question is behind them, through the real server and the
// fake Graph API: WhatsApp keeps an answered question's buttons pressable, and a press while in line is answered.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { SHEENA, fixture, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "Which team?", ar: "أي فريق؟" }
    expect: choice
    choices:
      - { id: Billing, title: { en: Billing, ar: الفواتير } }
      - { id: Support, title: { en: Support, ar: الدعم } }
      - { id: Sales, title: { en: Sales, ar: المبيعات } }
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
`;
const team = 'teams:\n  - name: Billing\n  - name: Support\n  - name: Sales\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing, Support, Sales]\n';

/** The customer presses the reply button `id` (titled `title`) of the bot's message `wamid`. */
function press(wamid: string, id: string, title: string, from: string): Record<string, unknown> {
  const body = fixture('button-reply');
  const message = body.entry[0].changes[0].value.messages[0];
  Object.assign(message, { from, id: `wamid.PRESS-${from}-${id}-${Math.random()}`, context: { from: '15550783881', id: wamid } });
  message.interactive.button_reply = { id, title };
  body.entry[0].changes[0].value.contacts[0].wa_id = from;
  return body;
}

describe('a reply button pressed after its question was answered', () => {
  it('tells a customer in line their place at once, in their language, where before the press met silence', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team });
    running.push(cloud);
    const LAYLA = '201001234567';
    const cases: [string, string, string, string][] = [
      [SHEENA, 'hello', 'billing', 'You are still number 1 in line.'],
      [LAYLA, 'مرحبا', 'الفواتير', 'ما زال ترتيبك 2 في قائمة الانتظار.'],
    ];
    for (const [from, hello, typed, still] of cases) {
      expect((await cloud.post(messagesBody([text(hello, { from })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 1);
      const question = cloud.graph.sent.find((sent) => sent.body.to === from)!;
      expect(question.body.interactive.action.buttons).toHaveLength(3);
      // Typed instead of pressed: the buttons stay in WhatsApp, pressable.
      expect((await cloud.post(messagesBody([text(typed, { from })], { from }))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 2);
      const contact = await cloud.app.store.contactByIdentity('whatsapp-cloud', from);
      expect((await cloud.app.store.conversations()).find((c) => c.contactId === contact?.id)).toMatchObject({ stage: 'queued', team: 'Billing' });

      // Seconds after she was told her place: a message typed now would wait silently for the agent (STILL_QUEUED_AFTER_MS).
      expect((await cloud.post(press(question.id, 'Sales', 'Sales', from))).status).toBe(200);
      await eventually(() => cloud.graph.sentTo(from).length === 3);
      expect(cloud.graph.saidTo(from)[2]).toContain(still);
      await settled(cloud);
    }
    // The press waits for the agent who takes them, and moved nobody.
    expect((await cloud.app.store.conversations()).map((c) => [c.stage, c.team])).toEqual([['queued', 'Billing'], ['queued', 'Billing']]);
  });
});

describe('choices whose titles are longer than WhatsApp takes', () => {
  const long = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: billing, title: Billing }
      - { id: refund, title: "Refund of a cancelled order" }
      - { id: sales, title: Sales }
    save: conversation.topic
  - say: "Topic: {{conversation.topic}}"
`;

  it('shows them all as a numbered list, no title cut and none left out, and takes the number typed as the list writes it', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': long } });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('hello')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 1);
    // 27 characters: more than a reply button's 20 or a list row's 24.
    expect(cloud.graph.saidTo(SHEENA)[0]).toBe('Which team?\n\n1. Billing\n2. Refund of a cancelled order\n3. Sales');
    // Before: "Please pick one of the options (you can also type its number)."
    expect((await cloud.post(messagesBody([text('2.')]))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    expect(cloud.graph.saidTo(SHEENA)[1]).toBe('Topic: refund');
  });
});
