// A customer's answer is read as they typed it, markers and all, when it is an address: an email written
// `_sam_@example.com` (underscores are a valid part of one) or `*x*@example.com` is kept so, not read as WhatsApp's
// italic or bold (an `expect: email` takes the first; the second is refused as no email, as typed). Through the real server, the fake Graph API and the fake Bot API: the answer a WhatsApp customer gave is
// saved and shown to a Telegram agent as typed; one a web chat customer gave reaches a WhatsApp agent as typed, as
// WhatsApp's app shows it.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from '../telegram/fake-bot-api.ts';
import { SECRET, TOKEN, post, telegramServers } from '../telegram/harness.ts';
import { readMarkup } from '../../../src/shared/markup.ts';
import { messagesBody, settled, startCloud, text, SHEENA, type CloudServer } from './harness.ts';

const OMAR = 9001;
const SARA = '15550001234';
const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - ask: "What can we help you with?"
    save: conversation.need
  - assign: { team: Billing }
`;
const team = (agent: string) => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    ${agent}\n    teams: [Billing]\n`;

const servers = telegramServers();

let nextUpdate = 90_000;
/** A private Telegram message from Omar saying `body`. */
function fromOmar(body: string): Record<string, any> {
  const person = { id: OMAR, first_name: 'Omar' };
  return { update_id: nextUpdate, message: { message_id: nextUpdate++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: body } };
}

async function serverWith(agent: string): Promise<{ api: FakeBotApi; cloud: CloudServer }> {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  const cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team: team(agent), config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET } });
  servers.stopAfterTest(cloud);
  return { api, cloud };
}

describe('a customer\'s email with WhatsApp\'s markers in it', () => {
  it('written on WhatsApp, is saved and reaches a Telegram agent\'s card as typed, not italic', async () => {
    const { api, cloud } = await serverWith(`telegram: ${OMAR}`);
    expect(await post(cloud.app, fromOmar('/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).length > 0);
    for (const body of ['hi', '_sam_@example.com', 'Send the invoice to *x*@example.com too']) {
      expect((await cloud.post(messagesBody([text(body)], { name: 'Sheena' }))).status).toBe(200);
      await settled(cloud);
    }
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 ')));
    const card = api.callsOf('sendMessage').find((call) => String(call.params.chat_id) === String(OMAR) && String(call.params.text).startsWith('#1 '))!;
    expect(card.params.text).toContain('Email address: _sam_@example.com');
    expect(card.params.text).toContain('› Send the invoice to *x*@example.com too');
    expect(card.params.entities ?? []).toEqual([]);
    const [sheena] = (await cloud.app.store.contacts()).filter((contact) => contact.identities.some((identity) => identity.id === SHEENA));
    expect(sheena?.fields.email).toBe('_sam_@example.com');
  }, 30_000);

  it('written in the web chat, reaches a WhatsApp agent\'s card as WhatsApp shows it: as typed, not italic', async () => {
    const { cloud } = await serverWith(`whatsapp: "+${SARA}"`);
    expect((await cloud.post(messagesBody([text('/online', { from: SARA })], { from: SARA, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, SARA);
    const sam = visitor(cloud.app.url, 'sam', 'Sam');
    expect((await sam.say('hi')).status).toBe(202);
    await eventually(async () => (await sam.messages()).some((m) => m.from === 'bot'));
    expect((await sam.say('_sam_@example.com')).status).toBe(202);
    await eventually(async () => (await sam.messages()).some((m) => m.text === 'What can we help you with?'));
    expect((await sam.say('Send the invoice to *x*@example.com too')).status).toBe(202);
    await eventually(() => cloud.graph.saidTo(SARA).some((said) => said.startsWith('#1 ')));
    const card = cloud.graph.saidTo(SARA).find((said) => said.startsWith('#1 '))!;
    const shown = readMarkup(card);
    expect(shown.text).toContain('Email address: _sam_@example.com');
    expect(shown.text).toContain('Send the invoice to *x*@example.com too');
    expect(shown.styles).toEqual([]);
  }, 30_000);
});
