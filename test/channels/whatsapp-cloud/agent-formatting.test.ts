// What customers see of an agent's styled words when the agent writes from WhatsApp (the real server, the fake Graph
// API for WhatsApp, Messenger and Instagram, the fake Bot API): Omar types WhatsApp's markup (*bold*, _italic_,
// ~strike~, ```code```). Layla's Telegram shows the styles, Sheena's WhatsApp the same markup, and Sam's web chat,
// Pia's Messenger and Ines's Instagram the words without the markers; a lone `*` or an address's `_` stays.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from '../telegram/fake-bot-api.ts';
import { SECRET, TOKEN as BOT_TOKEN, post, telegramServers } from '../telegram/harness.ts';
import { APP_SECRET as PAGE_SECRET, IGSID, IG_ACCOUNT, PAGE_ID, PSID, batch, sign, textEvent } from '../messenger/harness.ts';
import { SHEENA, TOKEN, messagesBody, settled, startCloud, text } from './harness.ts';

const OMAR = '15550001234';
const LAYLA = 5001;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+${OMAR}"\n    teams: [Billing]\n    max_open: 5\n`;

const servers = telegramServers();

let nextUpdate = 90_000;

/** Omar on WhatsApp holding, in this order, Layla's Telegram (#1), Sheena's WhatsApp (#2), Sam's web chat (#3), Pia's Messenger (#4) and Ines's Instagram (#5). */
async function desk() {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  const cloud = await startCloud({
    flows: { 'inbound.yaml': assignFlow }, team,
    config: {
      TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET,
      MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: PAGE_SECRET, MESSENGER_VERIFY_TOKEN: 'verify-the-page', INSTAGRAM: '1',
    },
  });
  servers.stopAfterTest(cloud);
  cloud.graph.setPage({ id: PAGE_ID, instagram_business_account: { id: IG_ACCOUNT } });
  const omar = async (body: string) => {
    expect((await cloud.post(messagesBody([text(body, { from: OMAR })], { from: OMAR, name: 'Omar' }))).status).toBe(200);
    await settled(cloud, OMAR);
  };
  const meta = async (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    const res = await fetch(`${cloud.app.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
    expect(res.status).toBe(200);
  };
  const sam = visitor(cloud.app.url, 'sam', 'Sam');
  const holds = async (count: number) => eventually(async () => (await cloud.app.store.conversation(count))?.stage === 'assigned', 15_000);

  await omar('/online');
  const person = { id: LAYLA, first_name: 'Layla' };
  expect(await post(cloud.app, { update_id: nextUpdate, message: { message_id: nextUpdate++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: 'Where is my refund?' } })).toBe(200);
  await holds(1);
  expect((await cloud.post(messagesBody([text('Hello, my invoice please')]))).status).toBe(200);
  await holds(2);
  expect((await sam.say('A question about my order')).status).toBe(202);
  await holds(3);
  await meta(batch([textEvent('Is my parcel on its way?')]));
  await holds(4);
  await meta(batch([textEvent('Can I change my address?', { from: IGSID, to: IG_ACCOUNT })], { object: 'instagram' }));
  await holds(5);
  await settled(cloud, OMAR);
  const laylaGot = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA)).map((call) => call.params as { text: string; entities?: unknown[] });
  const samGot = async () => (await sam.messages()).filter((message) => message.from === 'agent').map((message) => message.text);
  return { cloud, omar, laylaGot, samGot, layla: (fields: Record<string, unknown>) => post(cloud.app, { update_id: nextUpdate, message: { message_id: nextUpdate++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, ...fields } }) };
}

describe('an agent on WhatsApp styles their words in WhatsApp\'s markup', () => {
  const written = '*مرحبا 👋* Layla, your refund is _approved ✅_ - the code is ```R-42```, not ~R-24~. 5 * 3 = 15 EUR; write to refunds_team@acme.example.';
  const words = 'مرحبا 👋 Layla, your refund is approved ✅ - the code is R-42, not R-24. 5 * 3 = 15 EUR; write to refunds_team@acme.example.';
  const at = (part: string) => words.indexOf(part);

  it('Layla\'s Telegram shows the styles where he put them, emoji and Arabic included; Sheena\'s WhatsApp keeps his markup; the web chat, Messenger and Instagram get the words without the markers', async () => {
    const { cloud, omar, laylaGot, samGot } = await desk();
    for (const id of [1, 2, 3, 4, 5]) {
      await omar(`/use ${id}`);
      await omar(written);
    }
    await eventually(() => laylaGot().some((got) => got.text === words));
    expect(laylaGot().find((got) => got.text === words)!.entities).toEqual([
      { type: 'bold', offset: 0, length: 'مرحبا 👋'.length },
      { type: 'italic', offset: at('approved'), length: 'approved ✅'.length },
      { type: 'pre', offset: at('R-42'), length: 4 },
      { type: 'strikethrough', offset: at('R-24'), length: 4 },
    ]);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe(written);
    expect(await samGot()).toContain(words);
    expect(cloud.graph.saidTo(PSID).at(-1)).toBe(words);
    expect(cloud.graph.saidTo(IGSID).at(-1)).toBe(words);
  });
});

describe('an agent on WhatsApp closes with a note styled in WhatsApp\'s markup', () => {
  it('Layla\'s Telegram closing notice shows the note\'s styles on its words, Sheena\'s WhatsApp the markup as he wrote it', async () => {
    const { cloud, omar, laylaGot } = await desk();
    for (const id of [1, 2]) await omar(`/close ${id} "Your refund is *on its way* ✅"`);
    const told = (text: string) => text.includes('Your refund is on its way ✅');
    await eventually(() => laylaGot().some((got) => told(got.text)));
    const notice = laylaGot().find((got) => told(got.text))!;
    expect(notice.entities).toEqual([{ type: 'bold', offset: notice.text.indexOf('on its way'), length: 'on its way'.length }]);
    await eventually(() => cloud.graph.saidTo(SHEENA).some((got) => got.includes('Your refund')));
    expect(cloud.graph.saidTo(SHEENA).find((got) => got.includes('Your refund'))).toContain('Your refund is *on its way* ✅');
  });
});

describe('an agent on WhatsApp writes a note styled in WhatsApp\'s markup', () => {
  it('keeps it with its styles, as the agent console shows them: before, the words came without the markers and without their styles', async () => {
    const { cloud, omar } = await desk();
    await omar('/note 1 *VIP* customer, refund `R-42`');
    await eventually(async () => (await cloud.app.store.messagesOfConversation(1)).some((message) => message.from === 'note'));
    expect((await cloud.app.store.messagesOfConversation(1)).find((message) => message.from === 'note')).toMatchObject({
      text: 'VIP customer, refund R-42', styles: [{ style: 'bold', offset: 0, length: 3 }, { style: 'code', offset: 'VIP customer, refund '.length, length: 4 }],
    });
  });
});

describe('a customer on Telegram styles their words', () => {
  it('Omar\'s WhatsApp shows them in WhatsApp\'s markup, after the relay\'s own words', async () => {
    const { cloud, layla } = await desk();
    const said = 'My code R-42 did not work, it is urgent ✅';
    const at = (part: string) => said.indexOf(part);
    expect(await layla({ text: said, entities: [{ type: 'code', offset: at('R-42'), length: 4 }, { type: 'bold', offset: at('urgent'), length: 'urgent ✅'.length }, { type: 'underline', offset: 0, length: 2 }] })).toBe(200);
    await eventually(() => cloud.graph.saidTo(OMAR).some((got) => got.includes('R-42')));
    expect(cloud.graph.saidTo(OMAR).find((got) => got.includes('R-42'))).toBe('#1 Layla: My code `R-42` did not work, it is *urgent ✅*');
  });
});
