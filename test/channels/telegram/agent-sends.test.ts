// What an agent sends from their own Telegram, as each customer receives it: Omar, on Telegram, holds Layla's
// conversation on Telegram, Sheena's on WhatsApp Cloud and Dana's on the web chat (one server, the fake Bot API and
// Graph API), and sends what people send from Telegram: words that link elsewhere, a caption with a link, stickers, a
// GIF. Each customer gets what their app can show, in order, once; what cannot go is told to Omar, in his language.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, post, telegramServers } from './harness.ts';
import { SHEENA, messagesBody, settled, startCloud, text as cloudText, type CloudServer } from '../whatsapp-cloud/harness.ts';

const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: ${OMAR}\n    teams: [Billing]\n    max_open: 5\n${language}`;

const servers = telegramServers();

let nextUpdate = 600_000;
let nextMessage = 60_000;
/** A private Telegram message from `chat` with `fields` (text, photo, sticker…), as Telegram sends it. */
function telegram(chat: number, fields: Record<string, unknown>): Record<string, any> {
  const person = { id: chat, first_name: chat === OMAR ? 'Omar' : 'Layla' };
  return { update_id: nextUpdate++, message: { message_id: nextMessage++, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, ...fields } };
}

/** Layla on Telegram (#1), Sheena on WhatsApp Cloud (#2), Dana on the web chat (#3), all held by Omar on Telegram. */
async function desk(options: { language?: string } = {}) {
  const api = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => api.close() });
  const cloud: CloudServer = await startCloud({
    flows: { 'inbound.yaml': assignFlow }, team: team(options.language),
    config: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
  });
  servers.stopAfterTest(cloud);
  const dana = visitor(cloud.app.url, 'dana', 'Dana');
  /** Omar sends `fields` from Telegram; resolves once what it set off has left. */
  const omar = async (fields: Record<string, unknown>) => {
    expect(await post(cloud.app, telegram(OMAR, fields))).toBe(200);
    await settled(cloud, SHEENA);
  };
  const cards = () => api.sentTo(OMAR).filter((said) => said.includes('new conversation')).length;
  await omar({ text: '/online' });
  expect(await post(cloud.app, telegram(LAYLA, { text: 'Hello, my refund?' }))).toBe(200);
  await eventually(() => cards() === 1);
  expect((await cloud.post(messagesBody([cloudText('Hello, my invoice?', { from: SHEENA })]))).status).toBe(200);
  await eventually(() => cards() === 2);
  expect((await dana.say('Hello, my order?')).status).toBe(202);
  await eventually(() => cards() === 3);
  await settled(cloud, SHEENA);
  /** What Dana's web chat shows from Omar. */
  const danaGot = async () => (await dana.messages()).filter((m) => m.from === 'agent');
  /** What Omar was told since he had `from` messages from the bot. */
  const toldOmar = (from: number) => api.sentTo(OMAR).slice(from);
  return { api, cloud, omar, danaGot, toldOmar };
}

describe('an agent on Telegram sends words that link elsewhere', () => {
  it('each customer gets the address the words link to (WhatsApp, Telegram, web chat), in a text and in a caption', async () => {
    const { api, cloud, omar, danaGot } = await desk();
    // Telegram's "Add link" on "this form": the address is in the message's entities, not in its text.
    const form = { text: 'Please fill in this form to get your refund.', entities: [{ type: 'bold', offset: 0, length: 6 }, { type: 'text_link', offset: 15, length: 9, url: 'https://acme.example/refund' }] };
    const withForm = 'Please fill in this form (https://acme.example/refund) to get your refund.';
    await omar({ text: '/use 1' });
    await omar(form);
    await eventually(() => api.sentTo(LAYLA).includes(withForm));
    await omar({ text: '/use 2' });
    await omar(form);
    expect(cloud.graph.saidTo(SHEENA).at(-1)).toBe(withForm);
    await omar({ text: '/use 3' });
    // A link that shows its address already is left as it is.
    await omar({ text: 'Track it on https://acme.example/track or here.', entities: [{ type: 'url', offset: 12, length: 26 }, { type: 'text_link', offset: 42, length: 4, url: 'https://acme.example/track/4521' }] });
    await eventually(async () => (await danaGot()).length === 1);
    expect((await danaGot()).map((m) => m.text)).toEqual(['Track it on https://acme.example/track or here (https://acme.example/track/4521).']);

    // A photo whose caption links: Sheena's WhatsApp shows the address under the photo.
    api.addFile('receipt', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'));
    await omar({ text: '/use 2' });
    await omar({ photo: [{ file_id: 'receipt', file_unique_id: 'r', width: 800, height: 600, file_size: 13 }], caption: 'Your receipt; the refund policy is here.', caption_entities: [{ type: 'text_link', offset: 35, length: 4, url: 'https://acme.example/policy' }] });
    expect(cloud.graph.sentTo(SHEENA).at(-1)).toMatchObject({ type: 'image', image: { caption: 'Your receipt; the refund policy is here (https://acme.example/policy).' } });
  });
});
